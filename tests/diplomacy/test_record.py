"""export_record and import_record: the whole record as JSON Lines, between databases."""

import datetime
import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Outlet
from diplomacy.models import (
    Country,
    Meeting,
    Organization,
    Participant,
    Person,
    Position,
    Status,
    Topic,
)
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    MeetingFactory,
    OrganizationFactory,
    OutletFactory,
    PersonFactory,
    PositionFactory,
    UserFactory,
    country,
)

pytestmark = pytest.mark.django_db

TYPES = ["country", "outlet", "topic", "organization", "person", "meeting", "article"]


def has_field(model, name):
    return any(f.name == name for f in model._meta.get_fields())


def status(name, fallback):
    """A status value if this version of the models has it (in review, unpublished)."""
    return getattr(Status, name, fallback)


# Helpers -------------------------------------------------------------------------------


def export(*args):
    out = StringIO()
    call_command("export_record", *args, stdout=out)
    return out.getvalue()


def import_record(*args):
    out = StringIO()
    call_command("import_record", *args, stdout=out)
    return out.getvalue()


def objects(text):
    """The objects of an exported record (the lines after the header)."""
    return [json.loads(line) for line in text.splitlines()[1:]]


def line_of(lines, type_, key):
    """The 1-based line number of an object in a list of lines."""
    for number, line in enumerate(lines, 1):
        data = json.loads(line)
        if data.get("type") == type_ and key in (data.get("slug"), data.get("code")):
            return number
    raise LookupError(f"{type_} {key} not in the record")


def write(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def delete_content():
    """Every row of the content models, keeping the preloaded countries and the users."""
    Article.objects.all().delete()
    Participant.objects.all().delete()
    Meeting.objects.update(parent=None)
    Meeting.objects.all().delete()
    Position.objects.all().delete()
    Person.objects.all().delete()
    Organization.objects.update(parent=None)
    Organization.objects.all().delete()
    Outlet.objects.all().delete()
    Topic.objects.all().delete()


def snapshot():
    """Every row of every table of the two apps (history and link tables too), all columns."""
    models = [
        *apps.get_app_config("diplomacy").get_models(include_auto_created=True),
        *apps.get_app_config("articles").get_models(include_auto_created=True),
    ]
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values()) for model in models
    }


# The record ----------------------------------------------------------------------------


@pytest.fixture
def record(db):
    """A varied record: diacritics, nested organizations and meetings, drafts, editors."""
    editor = EditorFactory()
    reporter = UserFactory(username="reporter")
    published = timezone.make_aware(datetime.datetime(2024, 2, 27, 8, 30, 15, 123456))

    vietnam = country("VN")
    vietnam.other_names += "\nNước Cộng hòa Xã hội chủ nghĩa Việt Nam"
    vietnam.save()
    palestine = country("PS")
    palestine.demonyms = "Palestinian\nNgười Palestine"
    palestine.save()

    wire = OutletFactory(name="Test Wire")
    thoi_bao = OutletFactory(
        name="Thời báo Quốc tế", website="https://thoibao.example.org", country=vietnam
    )

    un = OrganizationFactory(name="United Nations", acronym="UN", created_by=editor)
    council = OrganizationFactory(
        name="UN Human Rights Council", acronym="UNHRC", parent=un, updated_by=reporter
    )
    ministry = OrganizationFactory(
        name="Bộ Ngoại giao",
        acronym="MOFA",
        kind=Organization.Kind.MINISTRY,
        country=vietnam,
    )

    son = PersonFactory(
        name="Bùi Thanh Sơn",
        aliases="Bui Thanh Son\nSơn",
        wikidata_id="Q10800545",
        created_by=editor,
    )
    PositionFactory(
        person=son,
        title="Minister of Foreign Affairs",
        organization=ministry,
        start_date=datetime.date(2021, 4, 8),
        end_date=datetime.date(2025, 2, 18),
    )
    PositionFactory(
        person=son,
        title="Deputy Prime Minister",
        start_date=datetime.date(2023, 1, 5),
        end_date=None,
    )
    malki = PersonFactory(name="Riad Malki", country=palestine)
    PositionFactory(person=malki, title="Special Envoy of the President", start_date=None)
    guterres = PersonFactory(name="António Guterres", country=country("PT"))
    PositionFactory(
        person=guterres,
        title="UN Secretary-General",
        organization=un,
        country=None,
        start_date=datetime.date(2017, 1, 1),
    )
    PersonFactory(name="Đặng Thị Ánh", country=vietnam, name_ascii="Dang Thi Anh")

    session = MeetingFactory(
        title="55th session of the UN Human Rights Council",
        kind=Meeting.Kind.MULTILATERAL,
        start_date=datetime.date(2024, 2, 26),
        end_date=datetime.date(2024, 4, 5),
        location_city="Genève",
        location_country=country("CH"),
        published_at=published,
        created_by=editor,
        updated_by=reporter,
    )
    session.organizations.add(council, un)
    session.topics.add("human rights", "Biển Đông")
    talk = MeetingFactory(
        title="Bùi Thanh Sơn meets António Guterres",
        kind=Meeting.Kind.TALKS,
        parent=session,
        people=[son, guterres],
        published_at=published,
        summary="They spoke about the council's session.",
        outcomes="Support for the session\nA visit next year",
    )
    talk.participants.filter(person=son).update(role=Participant.Role.GUEST)
    # Left empty on purpose: an import must not fill it from the position held then.
    talk.participants.filter(person=guterres).update(title="", role=Participant.Role.HOST)
    talk.topics.add("human rights")
    reception = MeetingFactory(
        title="Sơn receives Riad Malki",
        kind=Meeting.Kind.RECEPTION,
        start_date=datetime.date(2024, 12, 1),
        date_precision=Meeting.Precision.MONTH,
        location_city="Hà Nội",
        location_country=vietnam,
        people=[malki, son],
        status=Status.DRAFT,
    )
    reception.participants.filter(person=son).update(order=0, role=Participant.Role.HOST)
    reception.participants.filter(person=malki).update(order=1, country=None)
    reception.topics.add("trade", "Gaza")
    undated = MeetingFactory(
        title="Phone call on Gaza",
        kind=Meeting.Kind.PHONE_CALL,
        start_date=None,
        status=status("IN_REVIEW", Status.DRAFT),
    )
    if has_field(Meeting, "publish_at"):
        undated.publish_at = published + datetime.timedelta(days=400)
        undated.save()

    Topic.objects.create(name="climate change")  # a topic nothing uses yet

    article = ArticleFactory(
        headline="Sơn and Guterres meet in Genève",
        standfirst="The minister’s talks — in one paragraph.",
        body="Đoạn một.\n\nĐoạn hai, with “quotes”.",
        outlet=thoi_bao,
        source_url="https://thoibao.example.org/son-guterres",
        byline="Phóng viên",
        published_on=datetime.date(2024, 2, 27),
        published_at=published,
        created_by=editor,
        updated_by=reporter,
    )
    article.countries.add(vietnam, country("CH"))
    article.people.add(son, guterres)
    article.organizations.add(un, council)
    article.meetings.add(session, talk)
    article.topics.add("human rights", "Biển Đông")
    draft = ArticleFactory(
        headline="Draft: Malki in Hà Nội",
        outlet=wire,
        status=status("UNPUBLISHED", Status.DRAFT),
        published_on=None,
    )
    draft.people.add(malki)
    draft.meetings.add(reception)
    draft.topics.add("Gaza")
    if has_field(Article, "publish_at"):
        draft.publish_at = published + datetime.timedelta(days=30)
        draft.save()
    return export()


@pytest.fixture
def emptied(record):
    """The record's text, with every content row deleted from the database."""
    delete_content()
    return record


# Export --------------------------------------------------------------------------------


def test_export_starts_with_a_header(record):
    header = json.loads(record.splitlines()[0])

    assert header["format"] == "diplomacy-record"
    assert header["version"] == 1
    assert datetime.datetime.fromisoformat(header["exported_at"]).tzinfo is not None


def test_export_writes_each_type_in_dependency_order_parents_first(record):
    types = [data["type"] for data in objects(record)]

    assert sorted(set(types), key=types.index) == TYPES
    assert types == sorted(types, key=TYPES.index)
    assert types.count("country") == Country.objects.count() == 249
    slugs = [data["slug"] for data in objects(record) if data["type"] == "meeting"]
    assert slugs.index("55th-session-of-the-un-human-rights-council") < slugs.index(
        "bui-thanh-son-meets-antonio-guterres"
    )
    slugs = [data["slug"] for data in objects(record) if data["type"] == "organization"]
    assert slugs.index("united-nations") < slugs.index("un-human-rights-council")


def test_export_refers_to_everything_by_natural_key(record):
    by_slug = {data.get("slug"): data for data in objects(record)}
    talk = by_slug["bui-thanh-son-meets-antonio-guterres"]
    article = by_slug["son-and-guterres-meet-in-geneve"]

    assert talk["parent"] == "55th-session-of-the-un-human-rights-council"
    assert talk["countries"] == ["VN"]
    assert talk["topics"] == ["human rights"]
    assert talk["participants"] == [
        {
            "person": "bui-thanh-son",
            "title": "Deputy Prime Minister",
            "country": "VN",
            "role": "guest",
            "order": 0,
        },
        {"person": "antonio-guterres", "title": "", "country": None, "role": "host", "order": 1},
    ]
    assert by_slug["55th-session-of-the-un-human-rights-council"]["created_by"] == "editor"
    assert by_slug["55th-session-of-the-un-human-rights-council"]["updated_by"] == "reporter"
    assert article["outlet"] == "thoi-bao-quoc-te"
    assert article["countries"] == ["CH", "VN"]
    assert article["people"] == ["antonio-guterres", "bui-thanh-son"]
    assert article["organizations"] == ["un-human-rights-council", "united-nations"]
    assert article["meetings"] == [
        "55th-session-of-the-un-human-rights-council",
        "bui-thanh-son-meets-antonio-guterres",
    ]
    assert article["topics"] == ["Biển Đông", "human rights"]
    assert article["published_at"] == "2024-02-27T08:30:15.123456Z"
    assert by_slug["bui-thanh-son"]["positions"][0] == {
        "title": "Minister of Foreign Affairs",
        "organization": "bo-ngoai-giao",
        "country": "VN",
        "start_date": "2021-04-08",
        "end_date": "2025-02-18",
    }


def test_export_keeps_names_and_diacritics_as_written(record):
    assert "Bùi Thanh Sơn" in record
    assert "Người Palestine" in record
    assert "\\u" not in record


def test_export_carries_every_field_of_the_models_but_ids_and_computed_ones(record):
    meeting = next(data for data in objects(record) if data["type"] == "meeting")
    expected = {
        f.name
        for f in Meeting._meta.concrete_fields
        if f.name not in {"id", "search_text", "version"}
    } | {f.name for f in Meeting._meta.many_to_many}

    assert set(meeting) == expected | {"type", "participants"}
    for data in objects(record):
        assert not {"id", "pk", "search_text", "version"} & set(data)


def test_export_writes_to_a_file(record, tmp_path):
    path = tmp_path / "record.jsonl"

    output = export(str(path))

    assert objects(path.read_text(encoding="utf-8")) == objects(record)
    assert output.startswith("Exported 249 countries, 2 outlets, 5 topics, 3 organizations")
    assert [p.name for p in tmp_path.iterdir()] == ["record.jsonl"]


def test_export_to_standard_output_gives_its_summary_on_standard_error(record):
    out, err = StringIO(), StringIO()

    call_command("export_record", "-", stdout=out, stderr=err, verbosity=2)

    assert objects(out.getvalue()) == objects(record)
    assert err.getvalue().startswith("Exported 249 countries")


def test_export_queries_do_not_grow_with_the_number_of_rows(record):
    with CaptureQueriesContext(connection) as few:
        export()

    summit = MeetingFactory(title="Another summit", kind=Meeting.Kind.MULTILATERAL)
    for number in range(5):
        person = PersonFactory(created_by=EditorFactory())
        PositionFactory(person=person, organization=OrganizationFactory())
        meeting = MeetingFactory(parent=summit, people=[person])
        meeting.topics.add(f"topic {number}")
        meeting.organizations.add(OrganizationFactory(parent=Organization.objects.first()))
        article = ArticleFactory(outlet=OutletFactory(name=f"Outlet {number}"))
        article.meetings.add(meeting)
        article.people.add(person)
        article.topics.add(f"topic {number}")
    with CaptureQueriesContext(connection) as many:
        export()

    assert len(many) == len(few)


# Import --------------------------------------------------------------------------------


def test_a_record_imported_into_an_empty_database_exports_the_same(emptied, tmp_path):
    assert not Meeting.objects.exists() and not Person.objects.exists()
    path = write(tmp_path, "record.jsonl", emptied.splitlines())

    output = import_record(path)

    again = export()
    assert again.splitlines()[1:] == emptied.splitlines()[1:]
    first, second = (json.loads(text.splitlines()[0]) for text in (emptied, again))
    first.pop("exported_at"), second.pop("exported_at")
    assert first == second
    assert "Imported 1 file:" in output
    talk = Meeting.objects.get(slug="bui-thanh-son-meets-antonio-guterres")
    assert talk.participants.get(person__slug="antonio-guterres").title == ""
    assert Person.objects.get(slug="bui-thanh-son").search_text.startswith("bui thanh son")


def test_importing_the_same_record_again_changes_nothing(emptied, tmp_path):
    path = write(tmp_path, "record.jsonl", emptied.splitlines())
    import_record(path)
    before = snapshot()

    output = import_record(path)

    assert snapshot() == before
    assert "0 created, 0 updated" in output


def test_importing_over_the_same_record_changes_nothing(record, tmp_path):
    before = snapshot()

    output = import_record(write(tmp_path, "record.jsonl", record.splitlines()))

    assert snapshot() == before
    assert "0 created, 0 updated, 269 unchanged" in output


def test_import_updates_objects_with_the_same_natural_key(record, tmp_path):
    lines = record.splitlines()
    number = line_of(lines, "meeting", "son-receives-riad-malki")
    data = json.loads(lines[number - 1])
    data["title"] = "Sơn receives the Palestinian envoy"
    data["countries"] = ["PS"]
    data["participants"] = [
        {"person": "riad-malki", "title": "Envoy", "country": "PS", "role": "guest", "order": 0}
    ]
    lines[number - 1] = json.dumps(data, ensure_ascii=False)
    person = json.loads(lines[line_of(lines, "person", "bui-thanh-son") - 1])
    person["positions"] = person["positions"][:1]
    lines[line_of(lines, "person", "bui-thanh-son") - 1] = json.dumps(person)
    meetings = Meeting.objects.count()

    output = import_record(write(tmp_path, "record.jsonl", lines), "--verbosity", "2")

    reception = Meeting.objects.get(slug="son-receives-riad-malki")
    assert reception.title == "Sơn receives the Palestinian envoy"
    assert Meeting.objects.count() == meetings
    assert list(reception.countries.values_list("code", flat=True)) == ["PS"]
    assert [(p.person.slug, p.title) for p in reception.participants.all()] == [
        ("riad-malki", "Envoy")
    ]
    assert Position.objects.filter(person__slug="bui-thanh-son").count() == 1
    assert "updated meeting 'son-receives-riad-malki'" in output
    assert "updated person 'bui-thanh-son'" in output
    assert "0 created, 2 updated" in output


def test_a_hand_written_record_may_leave_out_optional_fields(db, tmp_path):
    lines = [
        '{"format": "diplomacy-record", "version": 1}',
        '{"type": "topic", "name": "Biển Đông", "slug": "bien-dong"}',
        '{"type": "person", "slug": "le-van-a", "name": "Lê Văn A"}',
        '{"type": "meeting", "slug": "a-call", "title": "A call", "kind": "phone_call", '
        '"topics": ["Biển Đông"], "participants": [{"person": "le-van-a"}]}',
    ]

    import_record(write(tmp_path, "record.jsonl", lines))

    person = Person.objects.get(slug="le-van-a")
    assert person.name_ascii == "Le Van A"
    assert person.country is None
    meeting = Meeting.objects.get(slug="a-call")
    assert meeting.status == Status.DRAFT
    assert list(meeting.topics.names()) == ["Biển Đông"]
    assert meeting.participants.get().person == person


def test_an_editor_unknown_to_the_database_is_imported_as_nobody(emptied, tmp_path):
    lines = emptied.replace('"created_by": "editor"', '"created_by": "someone-else"')

    import_record(write(tmp_path, "record.jsonl", lines.splitlines()))

    session = Meeting.objects.get(slug="55th-session-of-the-un-human-rights-council")
    assert session.created_by is None
    assert session.updated_by.username == "reporter"
    assert Person.objects.get(slug="bui-thanh-son").created_by is None


def test_topics_are_matched_ignoring_case(record, tmp_path):
    lines = [
        record.splitlines()[0],
        '{"type": "topic", "name": "Human Rights", "slug": "human-rights"}',
        '{"type": "meeting", "slug": "a-call", "title": "A call", "kind": "phone_call", '
        '"topics": ["HUMAN RIGHTS"]}',
    ]

    import_record(write(tmp_path, "record.jsonl", lines))

    assert Topic.objects.filter(name__iexact="human rights").count() == 1
    assert list(Meeting.objects.get(slug="a-call").topics.names()) == ["Human Rights"]


def test_countries_are_updated_never_added(record, tmp_path):
    lines = [
        record.splitlines()[0],
        '{"type": "country", "code": "PS", "name": "Palestine", "other_names": "Falasṭīn"}',
    ]

    import_record(write(tmp_path, "record.jsonl", lines))

    palestine = Country.objects.get(code="PS")
    assert palestine.other_names == "Falasṭīn"
    assert palestine.demonyms == "Palestinian\nNgười Palestine"
    assert "falastin" in palestine.search_text


def test_dry_run_changes_nothing(emptied, tmp_path):
    before = snapshot()

    output = import_record(write(tmp_path, "record.jsonl", emptied.splitlines()), "--dry-run")

    assert snapshot() == before
    assert output.startswith("Dry run, nothing saved.")
    assert "20 created" in output


def test_dry_run_reports_errors_too(emptied, tmp_path):
    lines = emptied.splitlines() + ['{"type": "person", "slug": "x"}']
    path = write(tmp_path, "record.jsonl", lines)

    with pytest.raises(CommandError, match=f"line {len(lines)}: person 'x': missing field 'name'"):
        import_record(path, "--dry-run")


# Errors --------------------------------------------------------------------------------


def replace(field, value, type_="meeting", key="bui-thanh-son-meets-antonio-guterres"):
    """An edit of the record: `field` of one object set to `value` (None: removed)."""

    def edit(lines):
        number = line_of(lines, type_, key)
        data = json.loads(lines[number - 1])
        if value is None:
            del data[field]
        else:
            data[field] = value
        lines[number - 1] = json.dumps(data, ensure_ascii=False)
        return number

    return edit


def append(text):
    def edit(lines):
        lines.append(text)
        return len(lines)

    return edit


def truncate(type_, key):
    def edit(lines):
        number = line_of(lines, type_, key)
        lines[number - 1] = lines[number - 1][:40]
        return number

    return edit


GUTERRES = {"person": "antonio-guterres", "title": "", "role": "host", "order": 1}

ERRORS = {
    "bad JSON": (truncate("person", "riad-malki"), "not valid JSON"),
    "not an object": (append("[1, 2]"), "each line must be a JSON object"),
    "unknown type": (append('{"type": "ship", "slug": "x"}'), "unknown type 'ship'"),
    "missing key": (append('{"type": "person", "name": "X"}'), "missing field 'slug'"),
    "missing field": (replace("kind", None), "missing field 'kind'"),
    "unknown field": (replace("colour", "red"), "unknown field 'colour'"),
    "unknown person": (
        replace("participants", [{**GUTERRES, "person": "nobody"}]),
        "person 'nobody' not found",
    ),
    "unknown parent": (replace("parent", "no-such-summit"), "meeting 'no-such-summit' not found"),
    "unknown topic": (replace("topics", ["human rights", "fishing"]), "topic 'fishing' not found"),
    "unknown country": (
        append('{"type": "country", "code": "XX", "name": "Nowhere"}'),
        "country 'XX' not found",
    ),
    "end before start": (
        replace("end_date", "2024-01-01"),
        "The end date cannot be before the start date",
    ),
    "position ends before it starts": (
        replace(
            "positions",
            [{"title": "Envoy", "start_date": "2024-01-02", "end_date": "2024-01-01"}],
            "person",
            "riad-malki",
        ),
        "person 'riad-malki', position 1: A position cannot end before it starts.",
    ),
    "participant twice": (
        replace("participants", [GUTERRES, GUTERRES]),
        "participant 2: This person is already a participant.",
    ),
    "not a date": (replace("start_date", "2024-02-30"), "start_date"),
    "unknown kind": (replace("kind", "banquet"), "kind: Value 'banquet' is not a valid choice."),
    "too long": (replace("title", "x" * 301), "title: Ensure this value has at most 300"),
    "bad Wikidata id": (
        replace("wikidata_id", "12345", "person", "riad-malki"),
        "A Wikidata id looks like Q12345.",
    ),
    "list for a value": (replace("title", ["a", "b"]), "title must be text, not a list"),
    "value for a list": (
        replace("countries", "VN"),
        "countries must be a list of country codes, not 'VN'",
    ),
    "slug taken": (
        append('{"type": "topic", "name": "Human rights law", "slug": "human-rights"}'),
        "Topic with this Slug already exists.",
    ),
}


@pytest.mark.parametrize("case", ERRORS, ids=list(ERRORS))
def test_an_error_on_line_n_changes_nothing_and_names_the_file_and_line(emptied, tmp_path, case):
    edit, reason = ERRORS[case]
    lines = emptied.splitlines()
    number = edit(lines)
    path = write(tmp_path, "broken.jsonl", lines)
    before = snapshot()

    with pytest.raises(CommandError) as error:
        import_record(path)

    assert f"{path}, line {number}: " in str(error.value)
    assert reason in str(error.value)
    assert snapshot() == before


def test_the_first_line_must_be_the_header(emptied, tmp_path):
    path = write(tmp_path, "headless.jsonl", emptied.splitlines()[1:])

    with pytest.raises(CommandError, match=r"headless\.jsonl, line 1: the first line must be"):
        import_record(path)


def test_a_record_of_an_unknown_version_is_refused(db, tmp_path):
    path = write(tmp_path, "future.jsonl", ['{"format": "diplomacy-record", "version": 2}'])

    with pytest.raises(CommandError, match="line 1: format version 2 is not supported"):
        import_record(path)


def test_a_file_that_is_not_utf8_is_refused_with_its_line(db, tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(
        b'{"format": "diplomacy-record", "version": 1}\n'
        b'{"type": "topic", "name": "caf\xe9", "slug": "cafe"}\n'
    )

    with pytest.raises(CommandError, match=r"line 2: not UTF-8 text \(byte 0xe9"):
        import_record(str(path))
    assert not Topic.objects.exists()


def test_a_missing_file_is_named(db, tmp_path):
    with pytest.raises(CommandError, match="nothing-here.jsonl: cannot read: No such file"):
        import_record(str(tmp_path / "nothing-here.jsonl"))


# Several files -------------------------------------------------------------------------


def split(text):
    """The record as two files: up to the people, then meetings and articles."""
    header, *lines = text.splitlines()
    first = [line for line in lines if json.loads(line)["type"] not in {"meeting", "article"}]
    second = [line for line in lines if json.loads(line)["type"] in {"meeting", "article"}]
    return [header, *first], [header, *second]


def test_several_files_import_in_order_as_one_record(emptied, tmp_path):
    first, second = split(emptied)

    import_record(write(tmp_path, "1.jsonl", first), write(tmp_path, "2.jsonl", second))

    assert export().splitlines()[1:] == emptied.splitlines()[1:]


def test_an_error_in_the_second_file_leaves_the_first_unimported(emptied, tmp_path):
    first, second = split(emptied)
    second.append(
        '{"type": "meeting", "slug": "x", "title": "X", "kind": "phone_call", "parent": "y"}'
    )
    paths = [write(tmp_path, "1.jsonl", first), write(tmp_path, "2.jsonl", second)]
    before = snapshot()

    with pytest.raises(CommandError) as error:
        import_record(*paths)

    assert f"{paths[1]}, line {len(second)}: meeting 'y' not found" in str(error.value)
    assert snapshot() == before
    assert not Person.objects.exists()
