from django.urls import path

from maps import views

app_name = "maps"

urlpatterns = [
    path("", views.home, name="home"),
    path("nearby/", views.nearby_page, name="nearby"),
    path("stations/<str:code>/", views.station_page, name="station"),
]
