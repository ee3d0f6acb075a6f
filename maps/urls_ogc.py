"""OGC API – Features at /ogc/ (see maps.ogc)."""

from django.urls import path

from maps.ogc import definition, items, landing

app_name = "ogc"

urlpatterns = [
    path("", landing.landing, name="landing"),
    path("api", definition.api_definition, name="api"),
    path("conformance", landing.conformance, name="conformance"),
    path("collections", landing.collections, name="collections"),
    path("collections/<str:collection_id>", landing.collection, name="collection"),
    path("collections/<str:collection_id>/items", items.items, name="items"),
    path("collections/<str:collection_id>/items/<str:feature_id>", items.item, name="item"),
]
