import pytest
from django_countries.data import COUNTRIES

from diplomacy.countries import country_rows, sync_countries
from diplomacy.models import Country
from diplomacy.text import fold

pytestmark = pytest.mark.django_db


def test_all_249_iso_countries_exist_after_the_migrations():
    assert Country.objects.count() == 249
    assert set(Country.objects.values_list("code", flat=True)) == set(COUNTRIES)


@pytest.mark.parametrize(
    ("code", "other_names", "demonyms"),
    [
        (
            "VN",
            [
                "Viet Nam",
                "Việt Nam",
                "Socialist Republic of Vietnam",
                "Socialist Republic of Viet Nam",
            ],
            ["Vietnamese"],
        ),
        ("PS", ["State of Palestine", "Palestinian territories"], ["Palestinian"]),
        ("IR", ["Islamic Republic of Iran", "Persia"], ["Iranian"]),
        ("KZ", ["Republic of Kazakhstan"], ["Kazakh", "Kazakhstani"]),
    ],
)
def test_a_country_has_its_other_names_and_demonyms(code, other_names, demonyms):
    country = Country.objects.get(code=code)

    assert set(other_names) <= set(country.other_name_list)
    assert set(demonyms) <= set(country.demonym_list)


def test_every_name_in_the_data_file_is_loaded():
    countries = {country.code: country for country in Country.objects.all()}

    for row in country_rows():
        country = countries[row["code"]]
        assert country.name == row["name"]
        assert country.other_name_list == row["other_names"]
        assert country.demonym_list == row["demonyms"]


def test_most_countries_have_a_demonym_or_another_name():
    named = Country.objects.exclude(other_names="", demonyms="")

    assert named.count() >= 240


def test_no_name_or_demonym_points_to_two_countries():
    owners = {}
    for country in Country.objects.all():
        for name in [country.name, *country.other_name_list, *country.demonym_list]:
            owners.setdefault(fold(name), set()).add(country.code)

    assert {name: codes for name, codes in owners.items() if len(codes) > 1} == {}


def test_search_text_is_folded_to_lower_case_ascii():
    vietnam = Country.objects.get(code="VN")

    assert vietnam.search_text.isascii()
    assert vietnam.search_text == vietnam.search_text.lower()
    assert "viet nam" in vietnam.search_text
    assert "vietnamese" in vietnam.search_text
    assert "cong hoa xa hoi chu nghia viet nam" in vietnam.search_text
    assert Country.objects.filter(search_text__contains=fold("Việt Nam")).get() == vietnam


def test_syncing_again_keeps_the_names_editors_added():
    vietnam = Country.objects.get(code="VN")
    vietnam.other_names += "\nNước Việt"
    vietnam.save()

    sync_countries(Country)

    vietnam.refresh_from_db()
    assert "Nước Việt" in vietnam.other_name_list
    assert vietnam.other_name_list.count("Viet Nam") == 1
    assert "nuoc viet" in vietnam.search_text
