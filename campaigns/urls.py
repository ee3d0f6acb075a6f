from django.urls import path

from campaigns.views import dashboard, movements, plan, stock, vouchers

app_name = "campaigns"

urlpatterns = [
    path("", dashboard.campaign_list, name="list"),
    path("<int:pk>/", dashboard.dashboard, name="dashboard"),
    path("<int:pk>/summary.xlsx", dashboard.summary_xlsx, name="summary"),
    path("<int:pk>/stock/", stock.stock, name="stock"),
    path("<int:pk>/plan/", plan.plan, name="plan"),
    path("<int:pk>/hand-out/", movements.hand_out, name="hand-out"),
    path("<int:pk>/receive/", movements.receive_goods, name="receive"),
    path(
        "<int:pk>/transfers/<int:transfer_pk>/receive/",
        movements.receive_transfer,
        name="receive-transfer",
    ),
]

#: The voucher pages live at the site's root (a worker's link is short), in their own
#: namespace: ``config/urls.py`` includes ``(vouchers_urlpatterns, "campaigns-vouchers")``.
vouchers_urlpatterns = [
    path("vouchers/issue/", vouchers.issue, name="issue"),
    path("vouchers/<str:code>/", vouchers.voucher_page, name="voucher"),
    path("vouchers/<str:code>.svg", vouchers.voucher_svg, name="voucher-svg"),
]
