"""Work done inside the load-tested server's environment (its settings and database):

    python -m diplomacy.loadtest.dbtasks editor USERNAME      (password in LOADTEST_PASSWORD)
    python -m diplomacy.loadtest.dbtasks site-data            (JSON on stdout)
    python -m diplomacy.loadtest.dbtasks missing TITLES_FILE  (JSON on stdout)

`manage.py loadtest` runs these as subprocesses with the server's environment, so its own
settings (a developer's .env, another database) never meet the load-test database.
"""

import argparse
import json
import os
import sys
from pathlib import Path


def create_editor(username):
    """A staff user in the Editors group with the password in LOADTEST_PASSWORD."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction

    from diplomacy.roles import EDITORS

    password = os.environ["LOADTEST_PASSWORD"]
    User = get_user_model()
    with transaction.atomic():
        user, _ = User._default_manager.get_or_create(
            **{User.USERNAME_FIELD: username}, defaults={"is_staff": True}
        )
        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=EDITORS))
    return {"username": username}


def site_data():
    """What the readers and the editor need: addresses of real pages, values for filters,
    the admin's addresses and a person and a country to put in a new meeting."""
    from django.templatetags.static import static
    from django.urls import reverse

    from articles.models import Article
    from diplomacy.models import Meeting, Organization, Participant, Person, Topic

    meetings = list(Meeting.objects.published().prefetch_related("countries"))
    pairs = sorted(
        {
            tuple(sorted(code.lower() for code in codes[:2]))
            for codes in ([c.pk for c in m.countries.all()] for m in meetings)
            if len(codes) >= 2
        }
    )
    countries = sorted({c.pk for m in meetings for c in m.countries.all()})
    participant = Participant.objects.select_related("person").order_by("id").first()
    words = sorted({w for m in meetings for w in m.title.split() if len(w) > 3 and w.isalpha()})
    return {
        "meetings": [m.get_absolute_url() for m in meetings],
        "people": [p.get_absolute_url() for p in Person.objects.public()],
        "person_slugs": list(Person.objects.public().values_list("slug", flat=True)),
        "organizations": [o.get_absolute_url() for o in Organization.objects.public()],
        "organization_slugs": list(Organization.objects.public().values_list("slug", flat=True)),
        "articles": [a.get_absolute_url() for a in Article.objects.published()],
        "countries": countries,
        "pairs": pairs,
        "kinds": [kind.value for kind in Meeting.Kind],
        "topics": list(Topic.objects.values_list("slug", flat=True)),
        "words": words[:200],
        "years": sorted({m.start_date.year for m in meetings if m.start_date}),
        "static": [static(path) for path in ("css/site.css", "js/suggest.js") if _found(path)],
        "admin_login": reverse("admin:login"),
        "admin_index": reverse("admin:index"),
        "meeting_add": reverse("admin:diplomacy_meeting_add"),
        "participant": {
            "person": participant.person_id if participant else None,
            "country": participant.person.country_id if participant else None,
        },
    }


def _found(path):
    from django.contrib.staticfiles import finders

    return finders.find(path) is not None


def missing_titles(titles_file):
    """Which of the titles in the file (a JSON list) no meeting has."""
    from diplomacy.models import Meeting

    titles = json.loads(Path(titles_file).read_text(encoding="utf-8"))
    found = set(Meeting.objects.filter(title__in=titles).values_list("title", flat=True))
    return {"checked": len(titles), "missing": [t for t in titles if t not in found]}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m diplomacy.loadtest.dbtasks")
    tasks = parser.add_subparsers(dest="task", required=True)
    tasks.add_parser("editor").add_argument("username")
    tasks.add_parser("site-data")
    tasks.add_parser("missing").add_argument("titles_file")
    args = parser.parse_args(argv)

    import django

    django.setup()
    if args.task == "editor":
        result = create_editor(args.username)
    elif args.task == "site-data":
        result = site_data()
    else:
        result = missing_titles(args.titles_file)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
