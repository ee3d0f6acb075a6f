from django.urls import path

from welfare import views

app_name = "welfare"

urlpatterns = [
    path("hazards/report/", views.hazard_report, name="hazard-report"),
    path("hazards/status/", views.hazard_status, name="hazard-status"),
    path("organizer/workplaces/", views.workplace_map, name="workplaces"),
    path("organizer/hot-days.csv", views.hot_days_csv, name="hot-days"),
]
