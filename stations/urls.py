from django.urls import path

from stations import views, views_organizer, views_province

app_name = "stations"

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/sw.js", views.desk_service_worker, name="desk-sw"),
    path("organizer/", views_organizer.overview, name="organizer"),
    path("organizer/province/", views_province.province, name="province"),
    path("organizer/province.xlsx", views_province.province_xlsx, name="province-export"),
    path("organizer/visits.<str:fmt>", views_organizer.export_visits, name="organizer-export"),
]
