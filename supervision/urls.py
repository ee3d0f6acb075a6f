from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("organizer/supervision/accidents.xlsx", views.accident_report, name="accident-report"),
]
