"""OGC API – Features at /ogc/ (see maps.ogc)."""

from django.urls import path

from maps import ogc

app_name = "ogc"

urlpatterns = [
    path("", ogc.landing, name="landing"),
    path("api", ogc.api_definition, name="api"),
    path("conformance", ogc.conformance, name="conformance"),
    path("collections", ogc.collections, name="collections"),
    path("collections/<str:collection_id>", ogc.collection, name="collection"),
    path("collections/<str:collection_id>/items", ogc.items, name="items"),
    path("collections/<str:collection_id>/items/<str:feature_id>", ogc.item, name="item"),
]
