from django.urls import path

from maps import api

urlpatterns = [
    path("alerts/here/", api.AlertsHereView.as_view(), name="api-alerts-here"),
    path("stations/", api.StationListView.as_view(), name="api-station-list"),
    path("stations.geojson", api.StationDumpView.as_view(), name="api-stations-geojson"),
    path("open-data/hsds/", api.HsdsView.as_view(), name="api-open-data-hsds"),
    path("stations/nearby/", api.NearbyView.as_view(), name="api-station-nearby"),
    path("stations/clusters/", api.ClusterView.as_view(), name="api-station-clusters"),
    path("stations/<str:code>/", api.StationDetailView.as_view(), name="api-station-detail"),
]
