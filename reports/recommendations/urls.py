"""Reviews, reports and recommendations, and the area's closure days (mounted under
areas/<slug>/ by reports.urls, in the "reports" namespace). Each action has its own URL, POST
only. The answer-by-link and public pages are in quality_system.urls."""

from django.urls import path

from . import evidence_views as ev
from . import lifecycle_views as lc
from . import review_views as reviews
from . import views as rv

urlpatterns = [
    path("recommendations/", rv.tracker, name="recommendations"),
    path("recommendations/tracker.csv", rv.tracker_csv, name="tracker-csv"),
    path("recommendations/<int:pk>/", rv.recommendation, name="recommendation"),
    path("recommendations/<int:pk>/extend/", rv.recommendation_extend, name="recommendation-extend"),
    path("recommendations/<int:pk>/clock/stop/", rv.recommendation_clock_stop, name="recommendation-clock-stop"),
    path(
        "recommendations/<int:pk>/clock/restart/", rv.recommendation_clock_restart, name="recommendation-clock-restart"
    ),
    path("recommendations/<int:pk>/close/", rv.recommendation_close, name="recommendation-close"),
    path("recommendations/<int:pk>/reopen/", rv.recommendation_reopen, name="recommendation-reopen"),
    path("recommendations/<int:pk>/updates/new/", rv.recommendation_update, name="recommendation-update"),
    path(
        "recommendations/<int:pk>/letter/record/",
        rv.recommendation_letter_record,
        name="recommendation-letter-record",
    ),
    path("recommendations/<int:pk>/respond/", rv.recommendation_respond, name="recommendation-respond-in-app"),
    path("recommendations/<int:pk>/letter/", rv.letter, name="recommendation-letter"),
    path("recommendations/<int:pk>/edit/", lc.edit, name="recommendation-edit"),
    path("recommendations/<int:pk>/delete/", lc.delete, name="recommendation-delete"),
    path("recommendations/<int:pk>/send/", lc.send_one, name="recommendation-send"),
    path("recommendations/<int:pk>/withdraw/", lc.withdraw, name="recommendation-withdraw"),
    path("recommendations/<int:pk>/correct/", lc.correct, name="recommendation-correct"),
    path("reviews/", reviews.reviews, name="reviews"),
    path("reviews/new/", reviews.review_create, name="review-create"),
    path("reviews/add-experiences/", reviews.review_add_concerns, name="selection-review"),
    path("reviews/<int:pk>/", reviews.review, name="review"),
    path("reviews/<int:pk>/state/", reviews.review_state, name="review-state"),
    path("reviews/<int:pk>/evidence/", reviews.review_evidence, name="review-evidence"),
    path("reviews/<int:pk>/report/", reviews.report_create, name="report-create"),
    path("evidence/<int:pk>/answer/", ev.evidence_answer_in_app, name="evidence-answer-in-app"),
    path("reports/<int:pk>/", reviews.report, name="report"),
    path("reports/<int:pk>/publish/", reviews.report_publish, name="report-publish"),
    path("reports/<int:pk>/record-sent/", lc.record_sent, name="report-record-sent"),
    path("reports/<int:pk>/agree/", lc.agree, name="report-agree"),
    path("reports/<int:pk>/send/", lc.send_agreed, name="report-send"),
    path("reports/<int:pk>/accuracy-check/", lc.accuracy_check, name="report-accuracy-check"),
    path("reports/<int:pk>/accuracy-check/done/", lc.accuracy_check_done, name="report-accuracy-check-done"),
    path("closure-days/", rv.closure_days, name="closure-days"),
    path("closure-days/<int:pk>/remove/", rv.closure_day_remove, name="closure-day-remove"),
]
