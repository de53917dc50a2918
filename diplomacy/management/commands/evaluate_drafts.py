"""Score the meeting drafts on labelled articles.

    python manage.py evaluate_drafts [--seeds DIR] [--fresh-db] [--check]

DIR holds plain-text articles and `truth.json` with the meetings of each article, labelled
by hand. A proposed meeting matches a labelled one when their participants agree (by name,
with or without diacritics; at least half of the two lists together in common) and their
dates agree (the proposed span overlaps the labelled one, or the label has no date).
Each label matches at most one proposal, best first. Referenced meetings (earlier events
the article only mentions) are scored apart from the others.

Figures, for the meetings that are not referenced:
- recall: labelled meetings matched; precision: proposals that match one;
- date: matches whose start, end and precision are the labelled ones;
- kind: matches of the labelled kind.

Two runs: with the labelled people in the database (an editor's usual case), and with no
people at all (every participant a new-person candidate). `--check` exits non-zero when
the first run misses a target. Everything the command writes is rolled back.
"""

import datetime

from diplomacy.drafting import draft_meetings
from diplomacy.drafting.existing import date_window
from diplomacy.management.labelled import (
    LabelledArticlesCommand,
    forget_people,
    load_labelled_people,
    rolled_back,
)
from diplomacy.suggest import Gazetteer
from diplomacy.suggest.files import read_article
from diplomacy.suggest.normalize import fold_key

TARGETS = {"recall": 0.8, "precision": 0.7, "date": 0.9, "kind": 0.8}
# The labels' kinds, as the drafts name them.
KINDS = {
    "bilateral meeting": "bilateral",
    "talks": "talks",
    "reception": "reception",
    "phone call": "phone_call",
    "video call": "video_call",
    "state visit": "state_visit",
    "official visit": "official_visit",
    "working visit": "working_visit",
    "multilateral meeting": "multilateral",
    "signing": "signing",
    "press conference": "press_conference",
}


def same_name(one, other):
    """ "Murat Abugaliuly Nurtleu" is "Murat Nurtleu"; "To Lam" is "Tô Lâm"."""
    a, b = fold_key(one).split(), fold_key(other).split()
    if not a or not b:
        return False
    return a == b or (a[0] == b[0] and a[-1] == b[-1]) or set(a) <= set(b) or set(b) <= set(a)


def participants_agree(proposed, labelled):
    common = sum(any(same_name(name, wanted) for name in proposed) for wanted in labelled)
    together = len(proposed) + len(labelled) - common
    return common > 0 and common * 2 >= together, common / together if together else 0


class Span:
    def __init__(self, start, end, precision):
        self.start, self.end, self.date_precision = start, end, precision


def label_span(label):
    if not label.get("start"):
        return None
    start = datetime.date.fromisoformat(label["start"])
    end = datetime.date.fromisoformat(label["end"]) if label.get("end") else None
    precision = label.get("date_precision") or "day"
    if precision == "day":
        # The label's own span, without the margin of the duplicate check's window.
        return start, end or start
    return date_window(Span(start, end, precision))


def dates_agree(draft, label):
    labelled = label_span(label)
    if labelled is None:
        return True
    if draft["start"] is None:
        return False
    start = datetime.date.fromisoformat(draft["start"])
    end = datetime.date.fromisoformat(draft["end"]) if draft["end"] else start
    if draft["date_precision"] == "month":
        end = date_window(Span(start, None, "month"))[1]
    return start <= labelled[1] and labelled[0] <= end


def date_correct(draft, label):
    return (draft["start"], draft["end"], draft["date_precision"]) == (
        label.get("start"),
        label.get("end"),
        label.get("date_precision") if label.get("start") else None,
    )


class Tally:
    def __init__(self):
        self.labelled = self.proposed = self.matched = self.dates = self.kinds = 0
        self.lines = []

    def ratio(self, name):
        if name == "recall":
            return self.matched / self.labelled if self.labelled else 1.0
        if name == "precision":
            return self.matched / self.proposed if self.proposed else 1.0
        value = self.dates if name == "date" else self.kinds
        return value / self.matched if self.matched else 1.0


def score_article(name, drafts, labels, tally, referenced):
    drafts = [d for d in drafts if d["referenced"] == referenced]
    labels = [m for m in labels if bool(m.get("referenced")) == referenced]
    tally.labelled += len(labels)
    tally.proposed += len(drafts)
    pairs = []
    for i, draft in enumerate(drafts):
        for j, label in enumerate(labels):
            names = [p["name"] for p in label["participants"]]
            agree, overlap = participants_agree(draft["participants"], names)
            if agree and dates_agree(draft, label):
                kind_bonus = 0.5 if KINDS.get(label["kind"]) == draft["kind"] else 0
                pairs.append((overlap + kind_bonus + 0.25 * date_correct(draft, label), i, j))
    used_drafts, used_labels = set(), set()
    for _, i, j in sorted(pairs, reverse=True):
        if i in used_drafts or j in used_labels:
            continue
        used_drafts.add(i)
        used_labels.add(j)
        draft, label = drafts[i], labels[j]
        tally.matched += 1
        good_date = date_correct(draft, label)
        good_kind = KINDS.get(label["kind"]) == draft["kind"]
        tally.dates += good_date
        tally.kinds += good_kind
        if not (good_date and good_kind):
            tally.lines.append(
                f"    {name}: {label['title']!r}: "
                + (
                    ""
                    if good_date
                    else f"date {draft['start']}..{draft['end']} ({draft['date_precision']}) "
                    f"labelled {label.get('start')}..{label.get('end')} "
                )
                + ("" if good_kind else f"kind {draft['kind']} labelled {label['kind']}")
            )
    for j, label in enumerate(labels):
        if j not in used_labels:
            tally.lines.append(f"    {name}: missed {label['title']!r}")
    for i, draft in enumerate(drafts):
        if i not in used_drafts:
            tally.lines.append(
                f"    {name}: extra {draft['kind']} {draft['participants']} {draft['start']}"
                f" ({draft['sentence'][:70]}...)"
            )


class Command(LabelledArticlesCommand):
    help = "Score the meeting drafts (recall, precision, dates, kinds) on labelled articles."

    def below_target(self, runs):
        known = runs["known_people"][0]
        return [name for name, target in TARGETS.items() if known.ratio(name) < target]

    def score(self, articles, truth):
        files = {path: read_article(path) for path, _ in articles}
        runs = {}
        with rolled_back():
            load_labelled_people(truth)
            runs["known_people"] = self.run(articles, files)
            forget_people()
            runs["no_people"] = self.run(articles, files)
        return runs

    def run(self, articles, files):
        gazetteer = Gazetteer.from_database()
        tally, referenced = Tally(), Tally()
        for path, item in articles:
            date, text = files[path]
            drafts = [d.as_json() for d in draft_meetings(text, date, gazetteer=gazetteer)]
            score_article(path.name, drafts, item["meetings"], tally, False)
            score_article(path.name, drafts, item["meetings"], referenced, True)
        return tally, referenced

    def report(self, runs):
        for label, (tally, referenced) in runs.items():
            self.report_run(label, tally, referenced)

    def report_run(self, label, tally, referenced):
        self.stdout.write(
            f"# {label}: {tally.labelled} labelled meetings, {tally.proposed} proposed"
        )
        for name, target in TARGETS.items():
            value = tally.ratio(name)
            verdict = "meets" if value >= target else "BELOW"
            self.stdout.write(f"drafts.{label}.{name} {value:.3f} ratio  ({verdict} {target})")
        self.stdout.write(
            f"drafts.{label}.referenced_recall {referenced.ratio('recall'):.3f} ratio  "
            f"({referenced.matched} of {referenced.labelled} earlier events, "
            f"{referenced.proposed} proposed)"
        )
        if self.verbosity >= 1:
            for line in tally.lines:
                self.stdout.write(line)
        if self.verbosity >= 2:
            for line in referenced.lines:
                self.stdout.write(line)
