from django.urls import path

from welfare import views, views_organizer

app_name = "welfare"

urlpatterns = [
    path("hazards/report/", views.hazard_report, name="hazard-report"),
    path("hazards/status/", views.hazard_status, name="hazard-status"),
    path("organizer/workplaces/", views.workplace_map, name="workplaces"),
    path("organizer/hot-days.csv", views.hot_days_csv, name="hot-days"),
    path("organizer/workers/", views_organizer.workers, name="workers"),
    path("organizer/workers/new/", views_organizer.worker_new, name="worker-new"),
    path("organizer/workers/import/", views_organizer.roster_import, name="roster-import"),
    path(
        "organizer/workers/roster-template.xlsx",
        views_organizer.roster_template,
        name="roster-template",
    ),
    path("organizer/workers/<int:pk>/", views_organizer.worker_detail, name="worker"),
    path("organizer/workers/<int:pk>/checks/", views_organizer.check_record, name="check-record"),
    path("organizer/workers/<int:pk>/leave/", views_organizer.worker_leave, name="worker-leave"),
    path("organizer/hazards/", views_organizer.hazards, name="hazards"),
    path("organizer/hazards/<int:pk>/", views_organizer.hazard_detail, name="hazard"),
    path("organizer/rewards/", views_organizer.rewards, name="rewards"),
    path("organizer/rewards/budget/", views_organizer.reward_budget, name="reward-budget"),
    path("organizer/rewards/<int:pk>/paid/", views_organizer.reward_paid, name="reward-paid"),
]
