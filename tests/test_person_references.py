"""References people are given for what they shared: shape, reading forgiveness, lookup."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agencies.models import Locality
from agencies.outbox_models import Notification
from concerns import person_references
from concerns.models import Concern, PersonReference
from concerns.person_references import ALPHABET, area_prefix, normalise
from tests.conftest import make_concern, mirror_world
from tests.test_public_and_imports import share


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


# ---------------------------------------------------------------- the thank-you page and email


@pytest.mark.django_db
def test_the_thank_you_page_shows_the_reference_kept_in_the_session_not_the_url(client, world):
    response = share(client, world)
    assert response.status_code == 302
    concern = Concern.all_objects.get()
    ref = concern.person_reference.reference
    assert ref not in response["Location"]
    page = client.get(response["Location"])
    text = page.content.decode()
    assert ref in text
    assert "Keep this reference: you can use it to" in text
    assert reverse("public-track-reference", args=[ref]) in text
    assert "no-store" in page["Cache-Control"] and "noindex" in page["X-Robots-Tag"]


@pytest.mark.django_db
def test_a_new_browser_sees_no_one_elses_reference_on_the_thank_you_page(client, world):
    share(client, world)
    ref = Concern.all_objects.get().person_reference.reference
    from django.test import Client

    text = Client().get(reverse("share-thanks", args=[world.area.slug])).content.decode()
    assert "Thank you for sharing your experience" in text and ref not in text


@pytest.mark.django_db
def test_a_person_who_gave_an_email_gets_their_reference_by_email_once(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        share(client, world, wants_contact="on", name="Sam Jones", email="sam@example.com")
    concern = Concern.all_objects.get()
    ref = concern.person_reference.reference
    sent = [m for m in mailoutbox if "sam@example.com" in m.to[0]]
    assert len(sent) == 1
    assert ref in sent[0].subject and ref in sent[0].body
    assert "Keep this reference: you can use it to see what happened" in sent[0].body
    assert reverse("public-track-reference", args=[ref]) in sent[0].body
    assert "three weeks" not in sent[0].body and "Riverside" not in sent[0].body  # never what they wrote
    with django_capture_on_commit_callbacks(execute=True):
        assert person_references.confirmation_queue(concern=concern, email="sam@example.com") is False
    assert Notification.objects.filter(kind="share-confirmation").count() == 1


@pytest.mark.django_db
def test_no_email_is_sent_when_the_person_gave_no_address(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        share(client, world)
        share(client, world, wants_contact="on", phone="01234 567890")
    assert Concern.all_objects.count() == 2
    assert not Notification.objects.filter(kind="share-confirmation").exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_staff_logging_an_experience_send_no_confirmation(world):
    make_concern(world)  # with the person's email address, logged by staff from a phone call
    assert not Notification.objects.filter(kind="share-confirmation").exists()


# ---------------------------------------------------------------- staff find a concern by it


@pytest.mark.django_db
def test_staff_find_an_experience_by_the_persons_reference(world, login):
    concern = make_concern(world)
    ref = concern.person_reference.reference
    response = login(world.officer).get(
        reverse("concerns:index", args=[world.area.slug]), {"q": ref.lower().replace("-", " ")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("concerns:detail", args=[world.area.slug, concern.pk])
    page = login(world.officer).get(response["Location"]).content.decode()
    assert "The person's reference" in page and ref in page


@pytest.mark.django_db
def test_a_reference_from_another_area_is_not_found_from_this_one(world, login):
    mirror = mirror_world(world)
    theirs = make_concern(mirror).person_reference.reference
    response = login(world.officer).get(reverse("concerns:index", args=[world.area.slug]), {"q": theirs})
    assert response.status_code == 200
    assert "0 experiences" in response.content.decode()
    mine = make_concern(world).person_reference.reference
    response = login(mirror.officer).get(reverse("concerns:index", args=[mirror.area.slug]), {"q": mine})
    assert response.status_code == 200 and "0 experiences" in response.content.decode()


@pytest.mark.django_db
def test_only_the_collecting_bodys_staff_see_or_find_by_the_reference(world, login):
    concern = make_concern(world)
    ref = concern.person_reference.reference
    client = login(world.read_only)
    assert client.get(reverse("concerns:index", args=[world.area.slug]), {"q": ref}).status_code == 200
    page = client.get(reverse("concerns:detail", args=[world.area.slug, concern.pk])).content.decode()
    assert ref not in page and "The person's reference" not in page


@pytest.mark.django_db
def test_a_record_imported_without_a_reference_gets_one_on_its_page(world, login):
    concern = make_concern(world)
    concern.person_reference.delete()  # as a bulk import leaves it
    page = login(world.officer).get(reverse("concerns:detail", args=[world.area.slug, concern.pk])).content.decode()
    ref = PersonReference.objects.get(concern=concern).reference
    assert ref in page
    assert person_references.concern_by_reference(ref) == concern
