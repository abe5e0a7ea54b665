from django.urls import path

from . import recommendation_views as rv
from . import views

app_name = "reports"

# Mounted under areas/<slug:slug>/ by quality_system.urls.
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
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
    path("closure-days/", views.closure_days, name="closure-days"),
    path("closure-days/<int:pk>/remove/", views.closure_day_remove, name="closure-day-remove"),
]
