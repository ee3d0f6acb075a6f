from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/summary.xlsx", views.summary_xlsx, name="summary"),
    path("<int:pk>/stock/", views.stock, name="stock"),
    path("<int:pk>/plan/", views.plan, name="plan"),
    path("<int:pk>/hand-out/", views.hand_out, name="hand-out"),
    path("<int:pk>/receive/", views.receive_goods, name="receive"),
    path(
        "<int:pk>/transfers/<int:transfer_pk>/receive/",
        views.receive_transfer,
        name="receive-transfer",
    ),
]
