from django.urls import path

from . import views

app_name = "reports"

# Mounted under areas/<slug:slug>/ by quality_system.urls.
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("recommendations/", views.recommendations, name="recommendations"),
]
