"""OGC API – Features (Part 1: Core, with GeoJSON, HTML and OpenAPI 3.0) at ``/ogc/``.

One collection, ``stations``: every active station, the same features as the GeoJSON dump
(``maps.geojson.open_feature``; id = the station code), in CRS84. Each resource answers
JSON (GeoJSON for features) or HTML, chosen by ``f=json|html`` or else by the Accept header.
``datetime`` filters on when a station last changed (``updated``), so a harvester can ask
for what changed since its last visit. ``offset`` pages beside ``limit``, and each page
links to the next and previous ones. GDAL/QGIS read it (``ogrinfo OAPIF:…/ogc/``).

Errors answer the OGC exception (``code``, ``description``) together with our envelope
(``error.field``, ``error.message``), as JSON or as an HTML page by the same ``f`` or
Accept header as the pages, including an unknown address under ``/ogc/``, a method other
than GET/HEAD and a server error. A bad ``f`` itself is answered by the Accept header.
"""
