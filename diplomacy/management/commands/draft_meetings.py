from diplomacy.drafting import draft_meetings
from diplomacy.management.article_files import ArticleFilesCommand


class Command(ArticleFilesCommand):
    help = (
        "Propose the meetings that plain-text article files report, for an editor to "
        "confirm. Reads UTF-8 files (an optional first line 'date YYYY-MM-DD' gives the "
        "article's date, against which 'on Wednesday' or 'February 26' are resolved) and "
        "writes nothing to the database."
    )

    text_help = "text (default): a readable list per file"
    json_help = 'json: an array, one object per file: {"file": ..., "meetings": [...]}'

    def read(self, text, date):
        return draft_meetings(text, date)

    def as_record(self, path, date, drafts):
        return {
            "file": path,
            "date": date.isoformat() if date else None,
            "meetings": [draft.as_json() for draft in drafts],
        }

    def write_text(self, path, date, drafts):
        self.stdout.write(self.style.MIGRATE_HEADING(path))
        self.stdout.write(f"  Article date: {date.isoformat() if date else 'none given'}")
        if not drafts:
            self.stdout.write("  No meetings found.")
        for number, draft in enumerate(drafts, start=1):
            record = draft.as_json()
            when = record["start"] or "date unknown"
            if record["end"]:
                when += f" to {record['end']}"
            if record["date_precision"] and record["date_precision"] != "day":
                when += f" ({record['date_precision']})"
            place = ", ".join(p for p in (record["location_city"], record["location_country"]) if p)
            marks = " [referenced: an earlier event]" if draft.referenced else ""
            self.stdout.write(f"  {number}. {record['title']} — {draft.kind}{marks}")
            self.stdout.write(
                f"     When:  {when}"
                + (f" ({draft.date_note})" if draft.date_note and not record["start"] else "")
            )
            if place:
                self.stdout.write(f"     Where: {place}")
            people = "; ".join(
                f"{p['name']}"
                + (f" ({p['title']})" if p["title"] else "")
                + ("" if p["known"] else " [new]")
                for p in record["participant_details"]
            )
            self.stdout.write(f"     Who:   {people}")
            if record["parent"]:
                self.stdout.write(f"     Part of: {record['parent']}")
            if record["topics"]:
                self.stdout.write(f"     Topics: {', '.join(record['topics'])}")
            for meeting in record["already_recorded"]:
                self.stdout.write(f"     Already recorded: {meeting['title']} (#{meeting['id']})")
            self.stdout.write(f"     From:  “{record['sentence']}”")
