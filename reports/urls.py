from django.urls import path

from . import views
from .board.urls import urlpatterns as board
from .recommendations.urls import urlpatterns as recommendations

app_name = "reports"

# Mounted under areas/<slug:slug>/ by quality_system.urls; each room keeps its own list.
urlpatterns = [
    *board,
    *recommendations,
    path("closure-days/", views.closure_days, name="closure-days"),
    path("closure-days/<int:pk>/remove/", views.closure_day_remove, name="closure-day-remove"),
]
