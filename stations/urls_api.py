from django.urls import path

from stations import api

urlpatterns = [
    path("visits/batch/", api.VisitBatchView.as_view(), name="api-visits-batch"),
    path("visits/<str:uuid>/", api.VisitUndoView.as_view(), name="api-visit-undo"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("desk/today/", api.TodayView.as_view(), name="api-desk-today"),
    path("stations/<str:code>/feedback/", api.FeedbackView.as_view(), name="api-feedback"),
    path("stations/<str:code>/reports/", api.ReportView.as_view(), name="api-report"),
    path("stations/<str:code>/closures/", api.ClosuresView.as_view(), name="api-closures"),
    path(
        "stations/<str:code>/closures/<int:pk>/",
        api.ClosureEndView.as_view(),
        name="api-closure-end",
    ),
    path("stations/<str:code>/hours/<str:day>/", api.DayHoursView.as_view(), name="api-day-hours"),
]
