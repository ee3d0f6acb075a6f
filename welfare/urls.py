from django.urls import path

from welfare.views import hazards, rewards, roster, workers, workplaces

app_name = "welfare"

urlpatterns = [
    path("hazards/report/", hazards.hazard_report, name="hazard-report"),
    path("hazards/status/", hazards.hazard_status, name="hazard-status"),
    path("organizer/workplaces/", workplaces.workplace_map, name="workplaces"),
    path("organizer/hot-days.csv", workplaces.hot_days_csv, name="hot-days"),
    path("organizer/workers/", workers.workers, name="workers"),
    path("organizer/workers/new/", workers.worker_new, name="worker-new"),
    path("organizer/workers/import/", roster.roster_import, name="roster-import"),
    path(
        "organizer/workers/roster-template.xlsx",
        roster.roster_template,
        name="roster-template",
    ),
    path("organizer/workers/<int:pk>/", workers.worker_detail, name="worker"),
    path("organizer/workers/<int:pk>/checks/", workers.check_record, name="check-record"),
    path("organizer/workers/<int:pk>/leave/", workers.worker_leave, name="worker-leave"),
    path("organizer/hazards/", hazards.hazards, name="hazards"),
    path("organizer/hazards/<int:pk>/", hazards.hazard_detail, name="hazard"),
    path("organizer/rewards/", rewards.rewards, name="rewards"),
    path("organizer/rewards/budget/", rewards.reward_budget, name="reward-budget"),
    path("organizer/rewards/<int:pk>/paid/", rewards.reward_paid, name="reward-paid"),
]
