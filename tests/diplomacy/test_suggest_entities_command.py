import datetime
import json
import re
from io import StringIO

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from diplomacy.management.commands.bench_suggestions import Generator
from diplomacy.models import Country, Organization, Person
from diplomacy.suggest import Gazetteer, suggest
from diplomacy.suggest.files import read_article
from diplomacy.suggest.naive import NaiveMatcher
from tests.factories import ArticleFactory, OrganizationFactory, PersonFactory, country

GENEVA = (
    "  date 2024-02-26\n"
    "Geneva – Minister of Foreign Affairs Bùi Thanh Sơn met Indonesian Foreign Minister "
    "Retno Marsudi at the United Nations on Monday.\n\n"
    "Vietnam and Indonesia agreed to work together at ASEAN.\n"
)
HANOI = "Vietnamese and Palestinian officials met in Hà Nội with a UN envoy.\n"


@pytest.fixture
def record(db, django_capture_on_commit_callbacks):
    # The shared matcher is rebuilt after a commit; run the commit hooks tests never reach.
    with django_capture_on_commit_callbacks(execute=True):
        PersonFactory(name="Bùi Thanh Sơn", country=country("VN"))
        OrganizationFactory(name="United Nations", acronym="UN")
        OrganizationFactory(name="Association of Southeast Asian Nations", acronym="ASEAN")
        ArticleFactory()


@pytest.fixture
def files(tmp_path):
    geneva, hanoi = tmp_path / "geneva.txt", tmp_path / "hanoi.txt"
    geneva.write_text(GENEVA, encoding="utf-8")
    hanoi.write_text(HANOI, encoding="utf-8")
    return str(geneva), str(hanoi)


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("suggest_entities", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def counts():
    return [model.objects.count() for model in (Country, Person, Organization, Article)]


def test_json_lists_each_files_entities_in_order_of_first_mention(record, files):
    geneva, hanoi = files
    out, err, error = run(geneva, hanoi, "--format", "json")
    assert error is None and err == ""
    assert json.loads(out) == [
        {
            "file": geneva,
            "date": "2024-02-26",
            "countries": ["ID", "VN"],
            "people": ["Bùi Thanh Sơn"],
            "organizations": ["United Nations", "Association of Southeast Asian Nations"],
            "candidates": [{"name": "Retno Marsudi", "title": "Foreign Minister", "country": "ID"}],
        },
        {
            "file": hanoi,
            "date": None,
            "countries": ["VN", "PS"],
            "people": [],
            "organizations": ["United Nations"],
            "candidates": [],
        },
    ]


def test_json_keeps_non_ascii_names_as_written(record, files):
    out, _, _ = run(files[0], "--format", "json")
    assert "Bùi Thanh Sơn" in out


def test_the_date_line_is_read_and_left_out_of_the_text(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(GENEVA, encoding="utf-8")
    date, text = read_article(path)
    assert date == datetime.date(2024, 2, 26)
    assert text.startswith("Geneva – Minister")


def test_a_date_followed_by_text_on_the_same_line_keeps_the_text(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(" date 2024-12-25 HÀ NỘI — Bùi Thanh Sơn received ...", encoding="utf-8")
    assert read_article(path) == (
        datetime.date(2024, 12, 25),
        "HÀ NỘI — Bùi Thanh Sơn received ...",
    )


def test_a_file_without_a_date_line_is_all_text(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text("Updated on date 2024-12-25.\n", encoding="utf-8")
    assert read_article(path) == (None, "Updated on date 2024-12-25.\n")


def test_an_impossible_date_makes_the_file_unreadable(record, tmp_path, files):
    bad = tmp_path / "bad-date.txt"
    bad.write_text("date 2024-02-30\nText.", encoding="utf-8")
    out, err, error = run(str(bad), files[1], "--format", "json")
    assert f"{bad}: cannot read: the date line says 2024-02-30" in err
    assert [item["file"] for item in json.loads(out)] == [files[1]]
    assert error is not None


def test_unreadable_files_are_named_on_stderr_and_the_others_still_printed(record, tmp_path, files):
    missing = str(tmp_path / "missing.txt")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Réunion à Genève".encode("latin-1"))
    out, err, error = run(missing, files[1], str(latin1), str(tmp_path), "--format", "json")

    assert f"{missing}: cannot read: no such file" in err
    assert f"{latin1}: cannot read: not UTF-8 text (byte 0xe9 at offset 1)" in err
    assert f"{tmp_path}: cannot read: is a directory" in err
    assert [item["file"] for item in json.loads(out)] == [files[1]]
    assert str(error) == f"3 of 4 files could not be read: {missing}, {latin1}, {tmp_path}"


def test_from_the_shell_an_unreadable_file_means_exit_status_1(record, tmp_path, files, capsys):
    missing = str(tmp_path / "missing.txt")
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "suggest_entities", missing, files[1]]).execute()
    assert exit_info.value.code == 1
    output = capsys.readouterr()
    assert files[1] in output.out
    assert f"{missing}: cannot read: no such file" in output.err


def test_suggesting_writes_nothing_to_the_database(record, files):
    before = counts()
    with CaptureQueriesContext(connection) as queries:
        run(*files, "--format", "json")
        run(*files)
    assert counts() == before
    writes = [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]
    assert writes == []


def test_the_text_format_is_a_readable_summary_per_file(record, files):
    geneva, hanoi = files
    out, _, error = run(geneva, hanoi)
    assert error is None
    assert geneva in out and hanoi in out
    assert "Date:          2024-02-26" in out
    assert "Date:          none given" in out
    assert "Countries:     Indonesia (ID) ×2, Vietnam (VN)" in out
    assert "People:        Bùi Thanh Sơn" in out
    assert "Retno Marsudi (Foreign Minister, ID)" in out
    assert "Organizations: United Nations" in out


# The naive baseline and the benchmark --------------------------------------------------

COUNTRIES = [
    ("VN", "Vietnam", ["Viet Nam"], ["Vietnamese"]),
    ("ID", "Indonesia", [], ["Indonesian"]),
]
PEOPLE = [(1, "Bùi Thanh Sơn", "Bui Thanh Son", []), (2, "Retno Marsudi", "Retno Marsudi", [])]
ORGANIZATIONS = [(10, "United Nations", "UN"), (11, "World Health Organization", "WHO")]
ASCII_TEXT = (
    "Foreign Minister Bui Thanh Son met Retno Marsudi of Indonesia at the UN. "
    "Viet Nam and the Indonesian side, who spoke first, agreed."
)


def keys(entities):
    return [entity.key for entity in entities]


def test_the_naive_matcher_finds_names_in_ascii_text():
    found = NaiveMatcher.from_entries(COUNTRIES, PEOPLE, ORGANIZATIONS).find(ASCII_TEXT)
    assert keys(found.people) == [1, 2]
    assert keys(found.countries) == ["ID", "VN"]
    assert keys(found.organizations) == [10]  # "who" is not WHO
    assert [m.text for m in found.countries[0].mentions] == ["Indonesia", "Indonesian"]


def test_the_naive_matcher_finds_the_same_names_as_the_engine_in_ascii_text():
    naive = NaiveMatcher.from_entries(COUNTRIES, PEOPLE, ORGANIZATIONS).find(ASCII_TEXT)
    engine = suggest(ASCII_TEXT, gazetteer=Gazetteer.from_entries(COUNTRIES, PEOPLE, ORGANIZATIONS))
    for kind in ("countries", "people", "organizations"):
        assert keys(getattr(naive, kind)) == keys(getattr(engine, kind))


@pytest.mark.django_db
def test_the_benchmark_prints_one_figure_per_line_and_full_recall():
    out = StringIO()
    call_command(
        "bench_suggestions",
        *("--people", "500", "--organizations", "50", "--words", "200", "--runs", "3"),
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert all(re.fullmatch(r"[a-z0-9_]+ [0-9.]+ [a-z]+", line) for line in lines), lines
    figures = {line.split()[0]: line.split()[1] for line in lines}
    assert figures["gazetteer_people"] == "500"
    assert figures["gazetteer_organizations"] == "50"
    assert float(figures["suggest_median_ms"]) > 0
    assert float(figures["speedup_vs_naive"]) > 0
    assert int(figures["naive_runs"]) >= 3
    assert figures["suggest_recall_people"] == "1.0"
    assert figures["suggest_extra_people"] == "0"
    assert figures["naive_recall_people"] == "1.0"


@pytest.mark.django_db
def test_the_benchmark_data_is_the_same_for_the_same_seed():
    countries = [(c.code, c.name, c.other_name_list, c.demonym_list) for c in Country.objects.all()]

    def generate(seed):
        generator = Generator(seed, countries)
        people, organizations = generator.people(300), generator.organizations(30)
        text = generator.article(
            300, people[:20], organizations[:10], generator.country_mentions(8)
        )
        return people, organizations, text

    assert generate(1) == generate(1)
    assert generate(1) != generate(2)
    people, _, _ = generate(1)
    assert len({name for _, name, _, _ in people}) == 300
    assert any(name != name_ascii for _, name, name_ascii, _ in people)
