from django.urls import path

from campaigns import views_vouchers

app_name = "campaigns-vouchers"

urlpatterns = [
    path("vouchers/issue/", views_vouchers.issue, name="issue"),
    path("vouchers/<str:code>/", views_vouchers.voucher_page, name="voucher"),
    path("vouchers/<str:code>.svg", views_vouchers.voucher_svg, name="voucher-svg"),
]
