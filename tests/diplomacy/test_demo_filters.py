"""The meeting list's filters on the demo record, with the exact meetings each returns."""

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

SON = "bui-thanh-son"
GENEVA_BILATERALS = {
    "bui-thanh-son-meets-indonesian-foreign-minister-retno-marsudi",
    "bui-thanh-son-meets-moroccan-justice-minister-abdellatif-ouahbi",
    "bui-thanh-son-meets-kazakh-deputy-prime-minister-and-foreign-minister-murat-nurtleu",
    "bui-thanh-son-meets-iranian-foreign-minister-hossein-amir-abdollahian",
    "bui-thanh-son-meets-un-general-assembly-president-dennis-francis",
    "bui-thanh-son-meets-un-secretary-general-antonio-guterres",
}
HRC_SESSION = "55th-session-of-the-un-human-rights-council"
MALKI = "bui-thanh-son-receives-palestinian-special-envoy-riad-malki"
MAMMADOV = "bui-thanh-son-meets-azerbaijani-deputy-foreign-minister-elnur-mammadov"
WASHINGTON = {
    "to-lam-receives-us-trade-representative-jamieson-greer",
    "to-lam-meets-president-donald-trump",
    "inaugural-meeting-of-the-gaza-peace-council",
}
PHNOM_PENH_PARTIES = "high-level-meeting-between-the-cpv-politburo-and-the-cpp-standing-committee"


@pytest.fixture(autouse=True)
def demo():
    call_command("load_demo", verbosity=0)


def slugs(client, **params):
    response = client.get(reverse("meeting_list"), params)
    assert response.status_code == 200
    found = [meeting.slug for meeting in response.context["meetings"]]
    assert len(found) == len(set(found)), "a meeting is listed twice"
    assert response.context["page"].paginator.count == len(found)
    return set(found)


def test_unfiltered_list_shows_every_demo_meeting(client, settings):
    settings.MEETINGS_PER_PAGE = 50
    assert len(slugs(client)) == 20


def test_by_palestine(client):
    assert slugs(client, country="PS") == {MALKI}


def test_by_bui_thanh_son(client):
    assert slugs(client, person=SON) == GENEVA_BILATERALS | {HRC_SESSION, MALKI, MAMMADOV}


def test_by_february_2024(client):
    assert slugs(client, date_from="2024-02-01", date_to="2024-02-29") == GENEVA_BILATERALS | {
        HRC_SESSION
    }


def test_by_person_country_and_month_together(client):
    assert slugs(
        client, person=SON, country="ID", date_from="2024-02-01", date_to="2024-02-29"
    ) == {"bui-thanh-son-meets-indonesian-foreign-minister-retno-marsudi"}
    # Sơn and Palestine met, but not in February 2024.
    assert slugs(client, person=SON, country="PS", date_from="2024-02-01") == {MALKI}
    assert slugs(client, person=SON, country="PS", date_to="2024-02-29") == set()


def test_by_several_countries_any_and_all(client):
    assert slugs(client, country=["PS", "KH"]) == {MALKI, PHNOM_PENH_PARTIES}
    assert slugs(client, country=["US", "VN"], country_match="all") == WASHINGTON
    assert slugs(client, country=["US", "KH"], country_match="all") == set()


def test_by_organization(client):
    assert slugs(client, organization="united-nations") == {
        "bui-thanh-son-meets-un-secretary-general-antonio-guterres"
    }
    assert slugs(client, organization="gaza-peace-council") == {
        "inaugural-meeting-of-the-gaza-peace-council"
    }


def test_by_kind(client):
    assert slugs(client, kind="reception") == {
        MALKI,
        "to-lam-receives-us-trade-representative-jamieson-greer",
    }
    assert slugs(client, kind="official_visit") == {
        "kazakh-president-kassym-jomart-tokayev-visits-vietnam",
        "vuong-dinh-hue-visits-iran",
        "elnur-mammadovs-official-visit-to-vietnam",
    }


def test_by_topic(client):
    assert slugs(client, topic="humanitarian-aid") == {
        MALKI,
        "inaugural-meeting-of-the-gaza-peace-council",
        "le-hoai-trung-briefs-the-press-on-the-gaza-peace-council-visit",
    }


def test_by_text_without_diacritics(client):
    assert slugs(client, q="to lam") == WASHINGTON | {PHNOM_PENH_PARTIES}
    assert slugs(client, q="HA NOI") == {MALKI}


def test_by_every_filter_at_once(client):
    assert slugs(
        client,
        country=["VN", "KZ"],
        country_match="all",
        person=SON,
        organization="",
        kind="bilateral",
        date_from="2024-02-26",
        date_to="2024-02-26",
        topic="trade",
        q="nurtleu",
    ) == {"bui-thanh-son-meets-kazakh-deputy-prime-minister-and-foreign-minister-murat-nurtleu"}
