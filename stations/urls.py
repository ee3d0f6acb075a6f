from django.urls import path

from stations.views import desk, organizer, province

app_name = "stations"

urlpatterns = [
    path("desk/", desk.desk, name="desk"),
    path("desk/sw.js", desk.desk_service_worker, name="desk-sw"),
    path("organizer/", organizer.overview, name="organizer"),
    path("organizer/province/", province.province, name="province"),
    path("organizer/province.xlsx", province.province_xlsx, name="province-export"),
    path("organizer/visits.<str:fmt>", organizer.export_visits, name="organizer-export"),
]
