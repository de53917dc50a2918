from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diplomacy.models import Status
from diplomacy.suggest import get_gazetteer
from tests.factories import ArticleFactory, OrganizationFactory, PersonFactory, country

GENEVA = (
    "Minister of Foreign Affairs Bùi Thanh Sơn met Indonesian Foreign Minister Retno Marsudi "
    "in Geneva. Vietnam and Indonesia will work together at ASEAN."
)
KUALA_LUMPUR = "Malaysian Foreign Minister Mohamad Hasan welcomed the ASEAN ministers."


@pytest.fixture
def record(db, django_capture_on_commit_callbacks):
    # The shared matcher is rebuilt after a commit; run the commit hooks tests never reach.
    with django_capture_on_commit_callbacks(execute=True):
        son = PersonFactory(name="Bùi Thanh Sơn", country=country("VN"))
        retno = PersonFactory(name="Retno Marsudi", country=country("ID"))
        asean = OrganizationFactory(name="Association of Southeast Asian Nations", acronym="ASEAN")
    geneva = ArticleFactory(headline="Vietnam and Indonesia meet", body=GENEVA, status=Status.DRAFT)
    kuala_lumpur = ArticleFactory(headline="ASEAN ministers in Malaysia", body=KUALA_LUMPUR)
    untouched = ArticleFactory(headline="Weather", body="Rain is expected.")
    return SimpleNamespace(
        son=son,
        retno=retno,
        asean=asean,
        geneva=geneva,
        kuala_lumpur=kuala_lumpur,
        untouched=untouched,
    )


def suggest_tags(*args, verbosity=1):
    out, err = StringIO(), StringIO()
    call_command("suggest_tags", *args, stdout=out, stderr=err, verbosity=verbosity)
    return out.getvalue(), err.getvalue()


def tags(article):
    return (
        sorted(article.countries.values_list("code", flat=True)),
        sorted(article.people.values_list("name", flat=True)),
        sorted(article.organizations.values_list("acronym", flat=True)),
    )


def test_a_dry_run_reports_what_it_would_add_and_changes_nothing(record):
    out, _ = suggest_tags()
    assert tags(record.geneva) == ([], [], [])
    assert tags(record.kuala_lumpur) == ([], [], [])
    assert "[1/3] Vietnam and Indonesia meet: +2 countries, +2 people, +1 organization" in out
    assert "[2/3] ASEAN ministers in Malaysia: +1 country, +1 organization, 1 candidate" in out
    assert "[3/3] Weather: nothing new" in out
    assert "Processed 3 articles in " in out
    assert (
        "(dry run, nothing saved): would add 3 countries, 2 people, 2 organizations "
        "to 2 articles; 1 candidate not known yet; 0 ambiguous names." in out
    )


def test_dry_run_is_also_the_explicit_option(record):
    out, _ = suggest_tags("--dry-run")
    assert "dry run, nothing saved" in out
    assert tags(record.geneva) == ([], [], [])


def test_apply_tags_the_articles_with_the_suggested_entities(record):
    out, _ = suggest_tags("--apply")
    assert tags(record.geneva) == (["ID", "VN"], ["Bùi Thanh Sơn", "Retno Marsudi"], ["ASEAN"])
    assert tags(record.kuala_lumpur) == (["MY"], [], ["ASEAN"])
    assert tags(record.untouched) == ([], [], [])
    assert "added 3 countries, 2 people, 2 organizations to 2 articles" in out
    assert "dry run" not in out


def test_apply_only_adds_and_reports_only_what_is_new(record):
    other = PersonFactory(name="Tô Lâm")
    record.geneva.countries.add("VN")
    record.geneva.people.add(other)
    out, _ = suggest_tags("--apply", "--ids", str(record.geneva.pk))
    assert "+1 country, +2 people, +1 organization" in out
    assert tags(record.geneva) == (
        ["ID", "VN"],
        ["Bùi Thanh Sơn", "Retno Marsudi", "Tô Lâm"],
        ["ASEAN"],
    )


def test_applying_twice_adds_nothing_the_second_time(record):
    suggest_tags("--apply")
    out, _ = suggest_tags("--apply")
    assert "added 0 countries, 0 people, 0 organizations to 0 articles" in out


def test_only_untagged_skips_articles_that_already_have_tags(record):
    record.kuala_lumpur.organizations.add(record.asean)
    out, _ = suggest_tags("--apply", "--only-untagged")
    assert "Processed 2 articles" in out
    assert "ASEAN ministers in Malaysia" not in out
    assert tags(record.kuala_lumpur) == ([], [], ["ASEAN"])
    assert tags(record.geneva)[0] == ["ID", "VN"]


def test_status_selects_drafts_or_published_articles(record):
    out, _ = suggest_tags("--status", "draft")
    assert "Processed 1 article " in out
    assert "Vietnam and Indonesia meet" in out
    out, _ = suggest_tags("--status", "published")
    assert "Processed 2 articles" in out
    assert "Vietnam and Indonesia meet" not in out


def test_ids_select_articles_and_unknown_ids_are_reported(record):
    out, err = suggest_tags("--ids", str(record.kuala_lumpur.pk), "999999")
    assert "Processed 1 article " in out
    assert "[1/1] ASEAN ministers in Malaysia" in out
    assert err.strip() == "No article with id 999999."


def test_verbosity_2_names_each_addition_and_candidate(record):
    out, _ = suggest_tags("--ids", str(record.kuala_lumpur.pk), verbosity=2)
    assert "    + country: Malaysia (MY)" in out
    assert "    + organization: Association of Southeast Asian Nations" in out
    assert "    ? not known yet: Mohamad Hasan (Foreign Minister, MY)" in out


def test_verbosity_0_prints_only_the_summary(record):
    out, _ = suggest_tags("--apply", verbosity=0)
    assert out.count("\n") == 1
    assert out.startswith("Processed 3 articles")
    assert tags(record.geneva)[2] == ["ASEAN"]


def test_apply_and_dry_run_cannot_be_combined(record):
    with pytest.raises(CommandError, match="not allowed with argument"):
        suggest_tags("--apply", "--dry-run")


def test_the_number_of_queries_does_not_grow_with_the_number_of_articles(record):
    get_gazetteer()  # built once per process; not part of the per-article cost
    with CaptureQueriesContext(connection) as few:
        suggest_tags()
    ArticleFactory.create_batch(5, body=GENEVA)
    with CaptureQueriesContext(connection) as many:
        suggest_tags()
    assert len(many) == len(few)
