"""A body's own pages, across every area it serves (mounted at bodies/ by quality_system.urls,
in the "bodies" namespace: per body, not per area)."""

from django.urls import path

from . import views

app_name = "bodies"

urlpatterns = [
    path("<int:pk>/work/", views.work, name="work"),
]
