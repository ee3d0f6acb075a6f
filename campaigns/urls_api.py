from django.urls import path

from campaigns import api

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
]
