from django.urls import path

from campaigns import api, api_desk

urlpatterns = [
    path("stock/receipts/", api.ReceiptView.as_view(), name="api-stock-receipts"),
    path("stock/transfers/", api.TransferView.as_view(), name="api-stock-transfers"),
    path(
        "stock/transfers/<int:pk>/receive/",
        api.TransferReceiveView.as_view(),
        name="api-stock-transfer-receive",
    ),
    path("stock/distributions/", api.DistributionView.as_view(), name="api-stock-distributions"),
    path("stock/adjustments/", api.AdjustmentView.as_view(), name="api-stock-adjustments"),
    path("stock/levels/", api.LevelsView.as_view(), name="api-stock-levels"),
    path("desk/supplies/", api_desk.DeskSuppliesView.as_view(), name="api-desk-supplies"),
    path(
        "desk/supplies/batch/",
        api_desk.DeskSuppliesBatchView.as_view(),
        name="api-desk-supplies-batch",
    ),
    path(
        "campaigns/<int:pk>/vouchers/",
        api_desk.VoucherIssueView.as_view(),
        name="api-voucher-issue",
    ),
]
