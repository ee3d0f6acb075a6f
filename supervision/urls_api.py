from django.urls import path

from supervision import api

urlpatterns = [
    path(
        "supervision/inspections/",
        api.InspectionListView.as_view(),
        name="api-supervision-inspections",
    ),
    path(
        "supervision/inspections/<int:pk>/",
        api.InspectionDetailView.as_view(),
        name="api-supervision-inspection",
    ),
    path("supervision/findings/", api.FindingListView.as_view(), name="api-supervision-findings"),
    path(
        "supervision/findings/<int:pk>/rectify/",
        api.FindingRectifyView.as_view(),
        name="api-supervision-finding-rectify",
    ),
    path(
        "supervision/findings/<int:pk>/verify/",
        api.FindingVerifyView.as_view(),
        name="api-supervision-finding-verify",
    ),
    path(
        "supervision/findings/<int:pk>/reopen/",
        api.FindingReopenView.as_view(),
        name="api-supervision-finding-reopen",
    ),
    path(
        "supervision/findings/<int:pk>/report-government/",
        api.FindingGovernmentReportView.as_view(),
        name="api-supervision-finding-report-government",
    ),
    path(
        "supervision/findings/<int:pk>/report-congress/",
        api.FindingCongressReportView.as_view(),
        name="api-supervision-finding-report-congress",
    ),
    path(
        "supervision/accidents/", api.AccidentListView.as_view(), name="api-supervision-accidents"
    ),
    path(
        "supervision/accidents/statistics/",
        api.AccidentStatisticsView.as_view(),
        name="api-supervision-accident-statistics",
    ),
    path(
        "supervision/accidents/<int:pk>/",
        api.AccidentDetailView.as_view(),
        name="api-supervision-accident",
    ),
    path(
        "supervision/accidents/<int:pk>/checks/",
        api.AccidentCheckView.as_view(),
        name="api-supervision-accident-check",
    ),
    path(
        "supervision/accidents/<int:pk>/cause/",
        api.AccidentCauseView.as_view(),
        name="api-supervision-accident-cause",
    ),
    path(
        "supervision/accidents/<int:pk>/close/",
        api.AccidentCloseView.as_view(),
        name="api-supervision-accident-close",
    ),
    path(
        "supervision/injured/<int:pk>/follow-up/",
        api.InjuredFollowUpView.as_view(),
        name="api-supervision-injured-follow-up",
    ),
]
