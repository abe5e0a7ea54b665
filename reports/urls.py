from .board.urls import urlpatterns as board
from .closing.urls import urlpatterns as closing
from .recommendations.urls import urlpatterns as recommendations

app_name = "reports"

# Mounted under areas/<slug:slug>/ by quality_system.urls; each room keeps its own list.
urlpatterns = [*board, *recommendations, *closing]
