"""``manage.py import_stations FILE [--dry-run] [--crs wgs84|gcj02|bd09] [--union CODE]``."""

from core.import_command import ImportCommand
from stations.resources.stations import StationResource


class Command(ImportCommand):
    help = "Import stations (with opening hours) from an XLSX or CSV file; all rows or none."
    resource_class = StationResource
    takes_crs = True
