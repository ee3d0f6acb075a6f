from django.urls import path

from supervision.views import (
    accidents,
    competitions,
    inspections,
    inspectors,
    notices,
    returns,
    workplaces,
)

app_name = "supervision"

urlpatterns = [
    path("supervision/report/", inspectors.inspector_report, name="inspector-report"),
    path("organizer/supervision/", inspections.home, name="home"),
    path("organizer/supervision/sw.js", inspections.inspection_service_worker, name="sw"),
    path(
        "organizer/supervision/inspections/new/", inspections.inspection_new, name="inspection-new"
    ),
    path(
        "organizer/supervision/inspections/<int:pk>/",
        inspections.inspection_detail,
        name="inspection",
    ),
    path(
        "organizer/supervision/findings/<int:pk>/step/",
        inspections.finding_step,
        name="finding-step",
    ),
    path(
        "organizer/supervision/workplaces/<int:pk>/",
        workplaces.workplace_detail,
        name="workplace",
    ),
    path(
        "organizer/supervision/workplaces/<int:pk>/stop-work/",
        workplaces.stop_work,
        name="stop-work",
    ),
    path("organizer/supervision/cup/", competitions.competitions, name="competitions"),
    path(
        "organizer/supervision/cup/<int:pk>/", competitions.competition_detail, name="competition"
    ),
    path("organizer/supervision/evidence/<int:pk>/", competitions.evidence_file, name="evidence"),
    path("organizer/supervision/accidents/", accidents.accidents, name="accidents"),
    path("organizer/supervision/accidents/<int:pk>/", accidents.accident_detail, name="accident"),
    path("organizer/supervision/notices/", notices.notice_register, name="notices"),
    path("organizer/supervision/returns/", returns.returns, name="returns"),
    path("organizer/supervision/returns.xlsx", returns.accident_return, name="accident-return"),
    path(
        "organizer/supervision/labour-protection.xlsx",
        returns.protection_statistics,
        name="protection-statistics",
    ),
    path("organizer/supervision/accidents.xlsx", returns.accident_report, name="accident-report"),
    path(
        "organizer/supervision/inspections/<int:pk>/notice.pdf",
        notices.inspection_notice,
        name="inspection-notice",
    ),
]
