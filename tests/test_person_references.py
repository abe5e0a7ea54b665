"""References people are given for what they shared: shape, reading forgiveness, lookup."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agencies.models import Locality
from concerns import person_references
from concerns.person_references import ALPHABET, area_prefix, normalise
from tests.conftest import make_concern


@pytest.mark.parametrize(
    ("name", "prefix"), [("Northmoor", "NR"), ("Eastvale", "EL"), ("Westshire", "WR"), ("North Yorkshire", "NY")]
)
def test_area_prefix(name, prefix):
    assert area_prefix(Locality(name=name)) == prefix


def test_new_reference_has_the_documented_shape():
    ref = person_references.new_reference(Locality(name="Northmoor"))
    prefix, first, second = ref.split("-")
    assert prefix == "NR" and len(first) == 4 and len(second) == 2
    assert all(c in ALPHABET for c in first + second)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("NR-4K7Q-2P", "NR-4K7Q-2P"),
        ("nr4k7q2p", "NR-4K7Q-2P"),
        (" nr 4k7q 2p ", "NR-4K7Q-2P"),
        ("NR-4K7O-2P", "NR-4K70-2P"),  # O read as zero
        ("NR-IL7Q-2P", "NR-117Q-2P"),  # I and L read as one
    ],
)
def test_normalise_forgives_what_people_mistype(typed, canonical):
    assert normalise(typed) == canonical


@pytest.mark.parametrize("typed", ["", "C-001234", "NR-4K7Q-2", "NR-4K7Q-2PX", "N1-4K7Q-2P", "NR-4K7U-2P", "x" * 500])
def test_normalise_refuses_what_cannot_be_a_reference(typed):
    assert normalise(typed) is None


@pytest.mark.django_db
def test_every_logged_concern_gets_one_reference(world):
    concern = make_concern(world)
    ref = concern.person_reference.reference
    assert normalise(ref) == ref
    assert person_references.reference_for(concern) == ref
    assert person_references.concern_by_reference(ref.lower().replace("-", " ")) == concern


@pytest.mark.django_db
def test_track_page_finds_the_reference_and_says_not_found_otherwise(client, world):
    ref = person_references.reference_for(make_concern(world))
    found = client.get(reverse("public-track"), {"reference": ref.lower()}, follow=True)
    assert found.status_code == 200 and ref in found.content.decode()
    missing = client.get(reverse("public-track-reference", args=["NR-0000-00"]))
    assert missing.status_code == 404
    assert "We could not find that reference" in missing.content.decode()
