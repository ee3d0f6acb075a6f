from django.urls import path

from welfare import api

urlpatterns = [
    path("workplaces/", api.WorkplaceView.as_view(), name="api-workplaces"),
    path("hazard-reports/", api.HazardReportCreateView.as_view(), name="api-hazard-reports"),
    path(
        "hazard-reports/<str:tracking_code>/",
        api.HazardReportStatusView.as_view(),
        name="api-hazard-report-status",
    ),
    path("alerts/", api.AlertsView.as_view(), name="api-alerts"),
]
