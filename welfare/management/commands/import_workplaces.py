"""``manage.py import_workplaces FILE [--dry-run] [--crs wgs84|gcj02|bd09] [--union CODE]``."""

from core.import_command import ImportCommand
from welfare.resources.workplaces import WorkplaceResource


class Command(ImportCommand):
    help = "Import workplaces (with hazards) from an XLSX or CSV file; all rows or none."
    resource_class = WorkplaceResource
    takes_crs = True
