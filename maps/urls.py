from django.urls import path

from maps import views

app_name = "maps"

urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("tiles/stations/<int:z>/<int:x>/<int:y>.mvt", views.station_tile, name="station-tile"),
    path("nearby/", views.nearby_page, name="nearby"),
    path("stations/<str:code>/", views.station_page, name="station"),
    path("stations/<str:code>/feedback/", views.station_feedback, name="station-feedback"),
    path("stations/<str:code>/report/", views.station_report, name="station-report"),
]
