"""Pages and files that may hold personal data are never kept by a browser or a proxy
(Cache-Control: no-store): a shared computer's back button or disk cache must not show a
person's details to the next user. Public pages stay cacheable."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.urls import reverse

from reports.models import BoardPack
from tests.conftest import make_concern, make_recommendation


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_a_concerns_personal_details_page_is_not_stored(world, login):
    concern = make_concern(world)
    response = login(world.officer).get(reverse("concerns:personal", args=[world.area.slug, concern.pk]))
    assert response.status_code == 200 and "Pat Patient" in response.content.decode()
    assert _no_store(response)


def test_the_personal_export_is_not_stored(world, login):
    make_concern(world)
    response = login(world.officer).get(reverse("concerns:export", args=[world.area.slug]), {"personal": "yes"})
    assert b"Pat Patient" in b"".join(response.streaming_content)
    assert _no_store(response)


def test_a_board_pack_pdf_is_not_stored(world, login):
    pack = BoardPack.objects.create(
        locality=world.area, meeting_on=datetime.date(2026, 12, 10), state=BoardPack.State.READY,
        requested_by=world.board_member,
    )  # fmt: skip
    pack.pdf.save("pack.pdf", ContentFile(b"%PDF-1.7 a board pack"))
    response = login(world.board_member).get(reverse("reports:board-pack-pdf", args=[world.area.slug, pack.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert _no_store(response)


def test_the_word_tracker_is_not_stored(world, login):
    make_recommendation(world)
    response = login(world.scrutiny_officer).get(
        reverse("reports:recommendations", args=[world.area.slug]), {"format": "word"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert _no_store(response)


def test_every_signed_in_page_is_not_stored(world, login):
    response = login(world.read_only).get(reverse("home"))
    assert response.status_code == 200 and _no_store(response)


def test_public_pages_may_be_cached(world, client):
    make_recommendation(world, publish=True)
    response = client.get(reverse("public-reports", args=[world.area.slug]))
    assert response.status_code == 200
    assert not _no_store(response)


def test_an_answer_by_link_page_is_not_stored(world, client, mailoutbox, django_capture_on_commit_callbacks):
    import re

    from tests.conftest import make_alert

    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends on commit
        make_alert(world, recipients=[world.icb])
    email = next(m for m in mailoutbox if world.icb.contact_email in m.to[0])
    link = re.search(r"https?://[^/\s]+(/respond/\S+)", email.body).group(1)
    response = client.get(link)
    assert response.status_code == 200
    assert _no_store(response)
