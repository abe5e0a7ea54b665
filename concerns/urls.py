from django.urls import path

from . import views

app_name = "concerns"

# Mounted under areas/<slug:slug>/ by quality_system.urls.
urlpatterns = [
    path("concerns/", views.index, name="index"),
]
