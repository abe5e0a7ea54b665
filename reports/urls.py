from django.urls import path

from . import views

app_name = "reports"

# Mounted under areas/<slug:slug>/ by quality_system.urls.
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("closure-days/", views.closure_days, name="closure-days"),
    path("closure-days/<int:pk>/remove/", views.closure_day_remove, name="closure-day-remove"),
]
