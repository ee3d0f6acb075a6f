from django.urls import path

from stations import api

urlpatterns = [
    path("visits/batch/", api.VisitBatchView.as_view(), name="api-visits-batch"),
    path("visits/<str:uuid>/", api.VisitUndoView.as_view(), name="api-visit-undo"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("desk/today/", api.TodayView.as_view(), name="api-desk-today"),
]
