"""The load test's editor, a process of its own: logs into the admin with the right password
(never a wrong one, so login throttling is never involved) and saves new meetings through
the admin's add form at a steady rate, as a browser would: it loads the form, submits every
field it carries (hidden inputs, the inlines' management forms, the defaults) with the
meeting's own values filled in, and presses Save.

    python -m diplomacy.loadtest.editor --port PORT --site-data FILE --out FILE ...

The password comes from the LOADTEST_PASSWORD environment variable. The result, written to
--out as JSON, lists the title of every meeting the admin accepted (a redirect after Save)
and describes every refusal.
"""

import argparse
import datetime
import json
import os
import time
from pathlib import Path
from urllib.parse import urlencode

from diplomacy.loadtest.client import Client, read_form, set_field

FORM_ID = "meeting_form"
FIRST_DAY = datetime.date(2020, 1, 1)


class LoginFailed(Exception):
    pass


def log_in(client, data, username, password):
    query = "?" + urlencode({"next": data["admin_index"]})
    page = client.get(data["admin_login"] + query)
    if page.status != 200:
        raise LoginFailed(f"login page: HTTP {page.status}")
    fields, _ = read_form(page.text, "login-form")
    fields = set_field(fields, "username", username)
    fields = set_field(fields, "password", password)
    response = client.post_form(data["admin_login"] + query, fields)
    if response.status != 302 or "sessionid" not in client.cookies:
        _, errors = read_form(response.text, "login-form")
        raise LoginFailed(f"login: HTTP {response.status} {' '.join(errors)[:300]}")


def meeting_fields(fields, data, title, number):
    """The add form's fields with this meeting's values filled in."""
    names = {name for name, _ in fields}
    day = FIRST_DAY + datetime.timedelta(days=number % 2000)
    values = {
        "title": title,
        "slug": "",
        "kind": "bilateral",
        "start_date": day.isoformat(),
        "date_precision": "day",
        "location_city": "Hà Nội",
        "location_country": "VN",
        "summary": f"Saved through the admin by the load test ({title}).",
    }
    participant = data.get("participant") or {}
    # The participants inline has one empty row (its person select has no options yet).
    if participant.get("person") and "participants-0-title" in names:
        values.update(
            {
                "participants-0-person": str(participant["person"]),
                "participants-0-title": "Minister of Foreign Affairs",
                "participants-0-country": participant.get("country") or "",
                "participants-0-role": "host",
                "participants-0-order": "0",
            }
        )
    # Set even when the form carries no such input: an autocomplete select starts with no
    # options at all, and the admin ignores names it does not know.
    for name, value in values.items():
        fields = set_field(fields, name, value)
    return [*fields, ("_save", "Save")]


def save_meeting(client, data, title, number):
    """(saved?, what went wrong) for one meeting saved through the add form."""
    add_url = data["meeting_add"]
    page = client.get(add_url)
    if page.status != 200:
        return False, f"add form: HTTP {page.status}"
    fields, _ = read_form(page.text, FORM_ID)
    if not fields:
        return False, "add form: no form found"
    response = client.post_form(add_url, meeting_fields(fields, data, title, number))
    location = response.header("Location")
    if response.status == 302 and not location.endswith(add_url):
        return True, ""
    _, errors = read_form(response.text, FORM_ID)
    return False, f"save: HTTP {response.status} {' | '.join(errors)[:400]}"


def run(host, port, data, username, password, seconds, rate, run_id):
    client = Client(host, port)
    result = {"saved": [], "errors": [], "attempts": 0, "save_seconds": [], "login": "ok"}
    try:
        log_in(client, data, username, password)
    except Exception as error:
        result["login"] = f"{type(error).__name__}: {error}"
        return result
    interval = 1 / rate
    deadline = time.monotonic() + seconds
    next_at = time.monotonic()
    number = 0
    while next_at < deadline:
        time.sleep(max(0.0, next_at - time.monotonic()))
        number += 1
        title = f"Load test {run_id} meeting {number:04d}"
        result["attempts"] += 1
        start = time.monotonic()
        try:
            saved, problem = save_meeting(client, data, title, number)
        except Exception as error:
            saved, problem = False, f"{type(error).__name__}: {error}"
        result["save_seconds"].append(time.monotonic() - start)
        if saved:
            result["saved"].append(title)
        else:
            result["errors"].append(f"{title}: {problem}")
        # A steady rate: the next save starts on schedule, or at once when this one ran late.
        next_at = max(next_at + interval, time.monotonic())
    client.close()
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m diplomacy.loadtest.editor")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--site-data", required=True, help="JSON from dbtasks site-data")
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--rate", type=float, required=True, help="Saves per second.")
    parser.add_argument("--run-id", required=True, help="Makes this run's titles unique.")
    parser.add_argument("--out", required=True, help="Where to write the result (JSON).")
    args = parser.parse_args(argv)

    data = json.loads(Path(args.site_data).read_text(encoding="utf-8"))
    result = run(
        args.host,
        args.port,
        data,
        args.username,
        os.environ["LOADTEST_PASSWORD"],
        args.seconds,
        args.rate,
        args.run_id,
    )
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
