"""The board's pages (mounted under areas/<slug>/ by reports.urls, in the "reports" namespace)."""

from django.urls import path

from . import pack_views
from . import referral_views as rv
from . import series_views as sv
from . import views as bv

urlpatterns = [
    path("dashboard/", bv.dashboard_view, name="dashboard"),
    path("dashboard/concerns-chart/", bv.concerns_chart, name="concerns-chart"),
    path("healthwatch/", bv.healthwatch_home, name="healthwatch-home"),
    path("scrutiny/", bv.scrutiny_home, name="scrutiny-home"),
    path("priorities/", bv.priorities, name="priorities"),
    path("priorities/new/", bv.priority_create, name="priority-create"),
    path("priorities/add-experiences/", bv.priority_add_concerns, name="selection-priority"),
    path("priorities/<int:pk>/", bv.priority_detail, name="priority"),
    path("priorities/<int:pk>/edit/", bv.priority_edit, name="priority-edit"),
    path("priorities/<int:pk>/chart/", sv.priority_chart, name="priority-chart"),
    path("priorities/<int:pk>/chart/record/", sv.priority_chart_record, name="priority-chart-record"),
    path(
        "priorities/<int:pk>/chart/<int:note_pk>/withdraw/",
        sv.priority_chart_withdraw,
        name="priority-chart-withdraw",
    ),
    path("priorities/<int:pk>/progress/", bv.priority_progress, name="priority-progress"),
    path("priorities/<int:pk>/actions/new/", bv.priority_action_add, name="priority-action-add"),
    path("priorities/<int:pk>/actions/<int:action_pk>/done/", bv.priority_action_done, name="priority-action-done"),
    path("priorities/<int:pk>/figures/", bv.priority_figures, name="priority-figures"),
    path("priorities/<int:pk>/link/", bv.priority_link, name="priority-link"),
    path("priorities/<int:pk>/refer/", bv.priority_refer, name="priority-refer"),
    path("referrals/<int:pk>/", rv.referral_detail, name="referral"),
    path("referrals/<int:pk>/accept/", rv.referral_accept, name="referral-accept"),
    path("referrals/<int:pk>/decline/", rv.referral_decline, name="referral-decline"),
    path("surveillance/", bv.surveillance, name="surveillance"),
    path("surveillance/new/", bv.surveillance_record, name="surveillance-record"),
    path("board-packs/", bv.board_packs, name="board-packs"),
    path("board-packs/<int:pk>/", bv.board_pack, name="board-pack"),
    path("board-packs/<int:pk>/pdf/", bv.board_pack_pdf, name="board-pack-pdf"),
    path("board-packs/<int:pk>/docx/", bv.board_pack_docx, name="board-pack-docx"),
    path("board-packs/<int:pk>/part-b/pdf/", pack_views.board_pack_part_b_pdf, name="board-pack-part-b-pdf"),
    path("board-packs/<int:pk>/part-b/docx/", pack_views.board_pack_part_b_docx, name="board-pack-part-b-docx"),
]
