"""The entity-suggestion engine: matching rules, offsets, ambiguity and new-person candidates."""

import threading

import pytest
from django.db import connection

from diplomacy.suggest import Gazetteer, get_gazetteer, suggest
from diplomacy.suggest import gazetteer as gazetteer_module
from tests.factories import OrganizationFactory, PersonFactory, country

COUNTRIES = [
    ("VN", "Vietnam", ["Viet Nam", "Việt Nam"], ["Vietnamese"]),
    ("PS", "Palestine", ["State of Palestine"], ["Palestinian"]),
    ("IR", "Iran", ["Islamic Republic of Iran"], ["Iranian"]),
    ("KZ", "Kazakhstan", [], ["Kazakh", "Kazakhstani"]),
    ("OM", "Oman", [], ["Omani"]),
    ("US", "United States of America", ["United States", "US", "U.S."], ["American"]),
    ("ID", "Indonesia", [], ["Indonesian"]),
    ("MA", "Morocco", [], ["Moroccan"]),
    ("TR", "Türkiye", ["Turkey"], ["Turkish"]),
]
PEOPLE = [
    (1, "Bùi Thanh Sơn", "Bui Thanh Son", []),
    (2, "Hossein Amir-Abdollahian", "Hossein Amir Abdollahian", []),
    (3, "Tô Lâm", "To Lam", []),
    (4, "Đặng Văn Dũng", "Dang Van Dung", ["Dung"]),
    (5, "Nguyễn Văn Dũng", "Nguyen Van Dung", ["Dung"]),
    (6, "Lê Văn Sơn", "Le Van Son", []),
]
ORGANIZATIONS = [
    (1, "United Nations", "UN"),
    (2, "United Nations Human Rights Council", "UNHRC"),
    (3, "Communist Party of Vietnam", "CPV"),
]


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.from_entries(COUNTRIES, PEOPLE, ORGANIZATIONS)


def keys(matches):
    return [match.key for match in matches]


def test_names_match_without_diacritics_and_in_any_case(gazetteer):
    found = suggest(
        "Talks between BUI THANH SON and viet nam; Dang Van Dung too.", gazetteer=gazetteer
    )
    assert keys(found.people) == [1, 4]
    assert keys(found.countries) == ["VN"]


def test_d_with_stroke_matches_plain_d(gazetteer):
    assert keys(suggest("Mr Dang Van Dung", gazetteer=gazetteer).people) == [4]
    assert keys(suggest("Ông Đặng Văn Dũng", gazetteer=gazetteer).people) == [4]


def test_hyphens_and_spaces_are_the_same(gazetteer):
    for text in ["Hossein Amir-Abdollahian spoke", "Hossein Amir Abdollahian spoke"]:
        assert keys(suggest(text, gazetteer=gazetteer).people) == [2]


def test_possessives_still_name_the_country(gazetteer):
    found = suggest("Việt Nam's stance and Vietnam’s partners", gazetteer=gazetteer)
    assert keys(found.countries) == ["VN"]
    assert [m.text for m in found.countries[0].mentions] == ["Việt Nam", "Vietnam"]


def test_names_match_only_at_word_boundaries(gazetteer):
    assert (
        suggest("A woman from Romania met the Omanis.", gazetteer=gazetteer)
        .countries[0]
        .mentions[0]
        .text
        == "Omanis"
    )
    assert suggest("The woman spoke.", gazetteer=gazetteer).countries == []


def test_a_demonym_is_one_mention_of_its_country(gazetteer):
    found = suggest("The Iranian minister visited Iran.", gazetteer=gazetteer)
    assert keys(found.countries) == ["IR"]
    assert [m.text for m in found.countries[0].mentions] == ["Iranian", "Iran"]


def test_short_acronyms_match_only_as_written(gazetteer):
    found = suggest("The UN and the US met; un-precedented, as told to us.", gazetteer=gazetteer)
    assert [m.text for m in found.organizations[0].mentions] == ["UN"]
    assert [m.text for m in found.countries[0].mentions] == ["US"]
    assert suggest("An un-scheduled call with us.", gazetteer=gazetteer).organizations == []


def test_one_word_names_must_be_capitalised(gazetteer):
    assert suggest("They ate turkey.", gazetteer=gazetteer).countries == []
    assert keys(suggest("They flew to Turkey.", gazetteer=gazetteer).countries) == ["TR"]


def test_the_longest_name_wins_but_a_country_inside_an_organization_counts(gazetteer):
    found = suggest(
        "The United Nations Human Rights Council and the Communist Party of Vietnam.",
        gazetteer=gazetteer,
    )
    assert keys(found.organizations) == [2, 3]
    assert keys(found.countries) == ["VN"]


def test_a_last_name_alone_counts_only_after_the_full_name(gazetteer):
    assert suggest("Sơn said the talks went well.", gazetteer=gazetteer).people == []
    found = suggest("Bùi Thanh Sơn met Tô Lâm. Sơn said Lâm agreed.", gazetteer=gazetteer)
    assert [(m.key, m.count) for m in found.people] == [(1, 2), (3, 2)]


def test_a_last_name_two_named_people_share_is_ambiguous(gazetteer):
    found = suggest("Bùi Thanh Sơn and Lê Văn Sơn met. Sơn spoke first.", gazetteer=gazetteer)
    assert keys(found.people) == [1, 6]
    assert [(a.text, [o[1] for o in a.options]) for a in found.ambiguous] == [("Sơn", [1, 6])]


def test_an_alias_shared_by_two_people_is_reported_not_guessed(gazetteer):
    found = suggest("Minister Dung arrived.", gazetteer=gazetteer)
    assert found.people == []
    assert [sorted(o[1] for o in a.options) for a in found.ambiguous] == [[4, 5]]


def test_mentions_point_into_each_original_field(gazetteer):
    fields = {
        "headline": "Sơn meets Iranian counterpart",
        "standfirst": "",
        "body": "HÀ NỘI — Bùi Thanh Sơn received Hossein Amir-Abdollahian in Việt Nam.",
    }
    found = suggest(fields, gazetteer=gazetteer)
    for match in found.all_entities():
        for mention in match.mentions:
            assert fields[mention.field][mention.start : mention.end] == mention.text
    son = found.people[0]
    # The headline's bare "Sơn" counts: the full name is in the body.
    assert [(m.field, m.text) for m in son.mentions] == [
        ("headline", "Sơn"),
        ("body", "Bùi Thanh Sơn"),
    ]


def test_offsets_survive_characters_that_fold_to_several(gazetteer):
    text = "Œuvre… ß Bùi Thanh Sơn ﬁnally met ½ Tô Lâm."
    found = suggest(text, gazetteer=gazetteer)
    assert [m.mentions[0].text for m in found.people] == ["Bùi Thanh Sơn", "Tô Lâm"]


@pytest.mark.parametrize(
    "text, name, title, code",
    [
        (
            "Indonesian Foreign Minister Retno Marsudi said.",
            "Retno Marsudi",
            "Foreign Minister",
            "ID",
        ),
        (
            "He met UN Secretary-General António Guterres in Geneva.",
            "António Guterres",
            "UN Secretary-General",
            None,
        ),
        (
            "He received Special Envoy of the President and Advisor for International Affairs "
            "of Palestine Riad Malki in Hà Nội.",
            "Riad Malki",
            "Special Envoy of the President and Advisor for International Affairs of Palestine",
            "PS",
        ),
        (
            "He received US Trade Representative Ambassador Jamieson Greer.",
            "Jamieson Greer",
            "US Trade Representative Ambassador",
            "US",
        ),
        (
            "Moroccan Justice Minister Abdellatif Ouahbi and others.",
            "Abdellatif Ouahbi",
            "Justice Minister",
            "MA",
        ),
        (
            "Meeting Deputy Prime Minister and Foreign Minister of Kazakhstan Murat "
            "Abugaliuly Nurtleu, he said.",
            "Murat Abugaliuly Nurtleu",
            "Deputy Prime Minister and Foreign Minister of Kazakhstan",
            "KZ",
        ),
        (
            "He met his Iranian counterpart Ali Bagheri Kani.",
            "Ali Bagheri Kani",
            "counterpart",
            "IR",
        ),
    ],
)
def test_people_named_after_a_title_are_new_person_candidates(gazetteer, text, name, title, code):
    candidates = suggest(text, gazetteer=gazetteer).candidates
    assert [(c.name, c.title, c.country) for c in candidates] == [(name, title, code)]
    assert text[candidates[0].mentions[0].start : candidates[0].mentions[0].end] == name


def test_names_with_particles_and_hyphenated_titles_are_candidates(gazetteer):
    text = (
        "President of the European Commission Ursula von der Leyen met "
        "Ambassador-at-Large for Counterterrorism Nathan Sales and "
        "UN High Commissioner for Refugees Filippo Grandi."
    )
    found = suggest(text, gazetteer=gazetteer).candidates
    assert [(c.name, c.title) for c in found] == [
        ("Ursula von der Leyen", "President of the European Commission"),
        ("Nathan Sales", "Ambassador-at-Large for Counterterrorism"),
        ("Filippo Grandi", "UN High Commissioner for Refugees"),
    ]


def test_a_title_held_by_a_known_person_does_not_spill_onto_the_next_name(gazetteer):
    text = "Party General Secretary Tô Lâm and National Assembly Chairman Trần Thanh Mẫn met."
    found = suggest(text, gazetteer=gazetteer).candidates
    assert [(c.name, c.title) for c in found] == [("Trần Thanh Mẫn", "National Assembly Chairman")]


def test_two_titled_people_in_one_phrase_are_two_candidates(gazetteer):
    text = (
        "The meeting between Vice State President Vo Thi Anh Xuan and First Vice President "
        "of Iran Mohammad Mokhber in January."
    )
    found = suggest(text, gazetteer=gazetteer).candidates
    assert [(c.name, c.country) for c in found] == [
        ("Vo Thi Anh Xuan", None),
        ("Mohammad Mokhber", "IR"),
    ]


def test_known_people_and_bare_titles_are_not_candidates(gazetteer):
    text = (
        "Minister Bùi Thanh Sơn thanked the President. Thank you, Minister. "
        "Secretary-General Guterres agreed. The Minister of Foreign Affairs said on Monday "
        "that President Of The Assembly Session met."
    )
    assert suggest(text, gazetteer=gazetteer).candidates == []


def test_a_candidate_named_twice_is_one_candidate_with_two_mentions(gazetteer):
    text = "President Donald Trump spoke. Later President Donald Trump left."
    (candidate,) = suggest(text, gazetteer=gazetteer).candidates
    assert (candidate.name, len(candidate.mentions)) == ("Donald Trump", 2)


def test_an_empty_gazetteer_finds_nothing_but_candidates():
    empty = Gazetteer.from_entries()
    found = suggest("Foreign Minister Retno Marsudi met Vietnam.", gazetteer=empty)
    assert found.all_entities() == []
    assert [c.name for c in found.candidates] == ["Retno Marsudi"]


# The shared matcher, built from the database ----------------------------------------------


@pytest.mark.django_db
def test_the_shared_gazetteer_is_rebuilt_when_a_person_is_added(
    django_capture_on_commit_callbacks,
):
    text = "Foreign Minister Retno Marsudi arrived in Indonesia."
    assert suggest(text, gazetteer=get_gazetteer()).people == []
    with django_capture_on_commit_callbacks(execute=True):
        retno = PersonFactory(name="Retno Marsudi", country=country("ID"))
    found = suggest(text)
    assert keys(found.people) == [retno.pk]
    assert found.candidates == []
    assert keys(found.countries) == ["ID"]


@pytest.mark.django_db
def test_the_shared_gazetteer_follows_renamed_and_deleted_organizations(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        organization = OrganizationFactory(name="Mekong River Commission", acronym="MRC")
    assert keys(suggest("The MRC met.").organizations) == [organization.pk]
    with django_capture_on_commit_callbacks(execute=True):
        organization.delete()
    assert suggest("The MRC met.").organizations == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_threads_share_one_gazetteer_built_once(monkeypatch):
    built = []
    real = Gazetteer.from_database

    def counting_build():
        built.append(threading.get_ident())
        return real()

    monkeypatch.setattr(gazetteer_module, "_cached", (None, None))
    monkeypatch.setattr(Gazetteer, "from_database", staticmethod(counting_build))
    results = []

    def worker():
        results.append(get_gazetteer())
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    assert len({id(result) for result in results}) == 1
