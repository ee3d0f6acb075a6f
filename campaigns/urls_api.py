from django.urls import path

from campaigns.api import desk, stock, vouchers

urlpatterns = [
    path("stock/receipts/", stock.ReceiptView.as_view(), name="api-stock-receipts"),
    path("stock/transfers/", stock.TransferView.as_view(), name="api-stock-transfers"),
    path(
        "stock/transfers/<int:pk>/receive/",
        stock.TransferReceiveView.as_view(),
        name="api-stock-transfer-receive",
    ),
    path("stock/distributions/", stock.DistributionView.as_view(), name="api-stock-distributions"),
    path("stock/adjustments/", stock.AdjustmentView.as_view(), name="api-stock-adjustments"),
    path("stock/levels/", stock.LevelsView.as_view(), name="api-stock-levels"),
    path("desk/supplies/", desk.DeskSuppliesView.as_view(), name="api-desk-supplies"),
    path(
        "desk/supplies/batch/",
        desk.DeskSuppliesBatchView.as_view(),
        name="api-desk-supplies-batch",
    ),
    path(
        "campaigns/<int:pk>/vouchers/",
        vouchers.VoucherIssueView.as_view(),
        name="api-voucher-issue",
    ),
]
