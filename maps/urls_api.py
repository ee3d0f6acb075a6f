from django.urls import path

from maps import api

urlpatterns = [
    path("stations/", api.StationListView.as_view(), name="api-station-list"),
]
