"""Reviews, reports and recommendations (mounted under areas/<slug>/ by reports.urls, in the
"reports" namespace). The answer-by-link and public pages are in quality_system.urls."""

from django.urls import path

from . import views as rv

urlpatterns = [
    path("recommendations/", rv.tracker, name="recommendations"),
    path("recommendations/tracker.csv", rv.tracker_csv, name="tracker-csv"),
    path("recommendations/<int:pk>/", rv.recommendation, name="recommendation"),
    path("recommendations/<int:pk>/respond/", rv.recommendation_respond, name="recommendation-respond-in-app"),
    path("recommendations/<int:pk>/letter/", rv.letter, name="recommendation-letter"),
    path("reviews/", rv.reviews, name="reviews"),
    path("reviews/new/", rv.review_create, name="review-create"),
    path("reviews/<int:pk>/", rv.review, name="review"),
    path("reviews/<int:pk>/report/", rv.report_create, name="report-create"),
    path("reports/<int:pk>/", rv.report, name="report"),
    path("reports/<int:pk>/publish/", rv.report_publish, name="report-publish"),
]
