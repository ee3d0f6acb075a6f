"""``manage.py import_health_checks FILE [--dry-run] [--union CODE]``."""

from core.import_command import ImportCommand
from welfare.resources.workers import HealthCheckResource


class Command(ImportCommand):
    help = "Import health checks of registered workers; all rows or none."
    resource_class = HealthCheckResource
