"""The board pack's confidential Part B downloads (the Quality Surveillance Group's views):
only for board members and ICB or QSG officers (reports.access.can_see_surveillance)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from agencies.http import area_view

from .. import access, word
from ..models import BoardPack
from . import pack_render, selectors


def _pack(request, locality, pk: int) -> BoardPack:
    return selectors.board_pack_for(user=request.user, locality=locality, pk=pk)


def _part_b(request, locality, pk: int) -> BoardPack:
    """A pack's confidential Part B: only for those who may see the QSG's views (others 403)."""
    access.require_surveillance_reader(request.user, locality)
    pack = _pack(request, locality, pk)
    if pack.state != BoardPack.State.READY or not pack.part_b_html:
        raise Http404("This board pack has no Part B")
    return pack


@area_view
@require_safe
def board_pack_part_b_pdf(request, locality, pk: int):
    pack = _part_b(request, locality, pk)
    if not pack.part_b_pdf:
        raise Http404("This board pack's Part B has no PDF")
    return FileResponse(
        pack.part_b_pdf.open("rb"),
        as_attachment=True,
        filename=f"board-pack-{locality.slug}-{pack.meeting_on:%Y-%m-%d}-part-b.pdf",
        content_type="application/pdf",
    )


@area_view
@require_safe
def board_pack_part_b_docx(request, locality, pk: int):
    pack = _part_b(request, locality, pk)
    name = f"board-pack-{locality.slug}-{pack.meeting_on:%Y-%m-%d}-part-b.docx"
    return word.response(pack_render.word_document(pack, part_b=True), name)
