from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("organizer/supervision/accidents.xlsx", views.accident_report, name="accident-report"),
    path(
        "organizer/supervision/inspections/<int:pk>/notice.pdf",
        views.inspection_notice,
        name="inspection-notice",
    ),
]
