from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("supervision/report/", views.inspector_report, name="inspector-report"),
    path("organizer/supervision/", views.home, name="home"),
    path("organizer/supervision/sw.js", views.inspection_service_worker, name="sw"),
    path("organizer/supervision/inspections/new/", views.inspection_new, name="inspection-new"),
    path(
        "organizer/supervision/inspections/<int:pk>/",
        views.inspection_detail,
        name="inspection",
    ),
    path("organizer/supervision/findings/<int:pk>/step/", views.finding_step, name="finding-step"),
    path(
        "organizer/supervision/workplaces/<int:pk>/",
        views.workplace_detail,
        name="workplace",
    ),
    path(
        "organizer/supervision/workplaces/<int:pk>/stop-work/",
        views.stop_work,
        name="stop-work",
    ),
    path("organizer/supervision/cup/", views.competitions, name="competitions"),
    path("organizer/supervision/cup/<int:pk>/", views.competition_detail, name="competition"),
    path("organizer/supervision/evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("organizer/supervision/accidents/", views.accidents, name="accidents"),
    path("organizer/supervision/accidents/<int:pk>/", views.accident_detail, name="accident"),
    path("organizer/supervision/notices/", views.notice_register, name="notices"),
    path("organizer/supervision/returns/", views.returns, name="returns"),
    path("organizer/supervision/returns.xlsx", views.accident_return, name="accident-return"),
    path(
        "organizer/supervision/labour-protection.xlsx",
        views.protection_statistics,
        name="protection-statistics",
    ),
    path("organizer/supervision/accidents.xlsx", views.accident_report, name="accident-report"),
    path(
        "organizer/supervision/inspections/<int:pk>/notice.pdf",
        views.inspection_notice,
        name="inspection-notice",
    ),
]
