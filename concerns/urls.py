from django.urls import path

from . import (
    alert_views,
    exports,
    import_views,
    outreach_views,
    safeguarding_views,
    selection_views,
    triage_views,
    views,
)

app_name = "concerns"

# Mounted under areas/<slug:slug>/ by quality_system.urls.
urlpatterns = [
    path("concerns/", views.index, name="index"),
    path("concerns/new/", views.create, name="create"),
    path("concerns/export.csv", exports.export, name="export"),
    path("concerns/selection/alert/", selection_views.alert, name="selection-alert"),
    path("concerns/selection/theme/", selection_views.theme, name="selection-theme"),
    path("concerns/export.xlsx", exports.export, {"fmt": "xlsx"}, name="export-xlsx"),
    path("concerns/<int:pk>/", views.detail, name="detail"),
    path("concerns/<int:pk>/edit/", views.edit, name="edit"),
    path("concerns/<int:pk>/summary/", views.summary, name="summary"),
    path("concerns/<int:pk>/personal/", views.personal, name="personal"),
    path("concerns/<int:pk>/personal/edit/", views.personal_edit, name="personal-edit"),
    path("concerns/<int:pk>/safeguarding/refer/", safeguarding_views.refer, name="safeguarding-refer"),
    path(
        "concerns/<int:pk>/safeguarding/<int:rid>/outcome/",
        safeguarding_views.outcome,
        name="safeguarding-outcome",
    ),
    path("concerns/shared-online/", triage_views.queue, name="submissions"),
    path("concerns/shared-online/<int:pk>/", triage_views.review, name="submission"),
    path("concerns/shared-online/<int:pk>/restore/", triage_views.restore, name="submission-restore"),
    path("concerns/shared-online/keep-rejected/", triage_views.retention, name="submission-retention"),
    path("concerns/import/", import_views.start, name="import"),
    path("concerns/import/template.csv", import_views.template, name="import-template"),
    path("concerns/import/template.xlsx", import_views.template, {"fmt": "xlsx"}, name="import-template-xlsx"),
    path("concerns/import/<int:pk>/", import_views.job, name="import-job"),
    path("concerns/import/<int:pk>/run/", import_views.run, name="import-run"),
    path("themes/", views.themes, name="themes"),
    path("themes/new/", views.theme_edit, name="theme-create"),
    path("themes/defaults/", views.themes_defaults, name="themes-defaults"),
    path("themes/<int:pk>/edit/", views.theme_edit, name="theme-edit"),
    path("trends/", views.trends, name="trends"),
    path("alerts/", alert_views.alert_list, name="alerts"),
    path("alerts/new/", alert_views.create, name="alert-create"),
    path("alerts/<int:pk>/", alert_views.detail, name="alert-detail"),
    path("alerts/<int:pk>/recipients/<int:rid>/acknowledge/", alert_views.acknowledge, name="alert-acknowledge"),
    path("alerts/<int:pk>/recipients/<int:rid>/respond/", alert_views.respond, name="alert-respond-in-app"),
    path("concerns/personal-data-log/", views.access_log, name="access-log"),
    path("event-codes/", outreach_views.event_codes, name="event-codes"),
    path("event-codes/<int:pk>/withdraw/", outreach_views.event_code_withdraw, name="event-code-withdraw"),
]
