from django.urls import path

from . import area_settings, duty_views, footprint_views, handover_views, part_views, views

app_name = "agencies"

# Mounted under areas/<slug:slug>/ by quality_system.urls.
urlpatterns = [
    path("quality-system/", views.quality_system, name="quality-system"),
    path("quality-system/duties/<int:number>/", duty_views.duty_detail, name="duty"),
    path("bodies/", views.body_list, name="bodies"),
    path("bodies/new/", views.body_create, name="body-create"),
    path("bodies/<int:pk>/", views.body_detail, name="body-detail"),
    path("bodies/<int:pk>/edit/", views.body_edit, name="body-edit"),
    path("bodies/<int:pk>/stop-serving/", footprint_views.footprint_end, name="footprint-end"),
    path("bodies/add-existing/", footprint_views.body_find, name="body-find"),
    path("bodies/add-existing/<int:pk>/", footprint_views.attach_request, name="attach-request"),
    path("bodies/requests/", footprint_views.attach_requests, name="attach-requests"),
    path("bodies/requests/<int:pk>/", footprint_views.attach_request_answer, name="attach-request-answer"),
    path("functions/", views.function_list, name="functions"),
    path("functions/assign/", views.function_assign, name="function-assign"),
    path("functions/holdings/<int:pk>/end/", views.holding_end, name="holding-end"),
    path("functions/part-rules/", part_views.part_rules, name="part-rules"),
    path("people/", views.people, name="people"),
    path("people/add/", views.person_add, name="person-add"),
    path("people/<int:pk>/role/", views.membership_edit, name="membership-edit"),
    path("people/<int:pk>/remove/", views.membership_remove, name="membership-remove"),
    path("audit/", views.audit, name="audit"),
    path("settings/", area_settings.area_settings, name="area-settings"),
    path("handovers/", handover_views.handover_list, name="handovers"),
    path("handovers/new/<slug:function>/", handover_views.handover_edit, name="handover-create"),
    path("handovers/<int:pk>/", handover_views.handover_preview, name="handover"),
    path("handovers/<int:pk>/edit/", handover_views.handover_edit, name="handover-edit"),
    path("handovers/<int:pk>/cancel/", handover_views.handover_cancel, name="handover-cancel"),
    path("handovers/<int:pk>/records/<slug:kind>/<int:rid>/", handover_views.handover_record, name="handover-record"),
]
