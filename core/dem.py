"""Heights from a digital elevation model (DEM) that the operator provides: a GeoTIFF (or
any raster GDAL reads) in any projection, read through GeoDjango's ``GDALRaster``.

The path comes from the operator on the command line (``manage.py fill_altitude``), never
from a client.
"""

from __future__ import annotations

import math
from pathlib import Path

from django.contrib.gis.gdal import GDALException, GDALRaster
from django.contrib.gis.geos import Point


class DemError(Exception):
    """The file is not a raster GDAL can read, or has no usable georeference."""


class DemSampler:
    """The height (metres, band 1) of the cell under a WGS-84 point; nearest cell, no
    interpolation (a station's altitude is wanted to the metre, the DEM is coarser)."""

    def __init__(self, path: str | Path) -> None:
        if not Path(path).is_file():
            raise DemError(f"no such file: {path}")
        try:
            self.raster = GDALRaster(str(path))
        except GDALException as exc:
            raise DemError(f"GDAL cannot read {path}: {exc}") from exc
        if self.raster.srs is None:
            raise DemError(f"{path} has no spatial reference")
        x0, dx, rx, y0, ry, dy = self.raster.geotransform
        det = dx * dy - rx * ry
        if det == 0:
            raise DemError(f"{path} has a degenerate geotransform")
        self._affine = (x0, dx, rx, y0, ry, dy, det)
        self.band = self.raster.bands[0]
        self.nodata = self.band.nodata_value

    def height_at(self, *, lng: float, lat: float) -> float | None:
        """The height under (lng, lat), or None outside the DEM or on a no-data cell."""
        point = Point(lng, lat, srid=4326)
        if self.raster.srs.srid != 4326:
            point.transform(self.raster.srs)
        x0, dx, rx, y0, ry, dy, det = self._affine
        u, v = point.x - x0, point.y - y0
        col = math.floor((dy * u - rx * v) / det)
        row = math.floor((dx * v - ry * u) / det)
        if not (0 <= col < self.raster.width and 0 <= row < self.raster.height):
            return None
        value = float(self.band.data(offset=(col, row), size=(1, 1))[0])
        if (self.nodata is not None and value == self.nodata) or not math.isfinite(value):
            return None
        return value
