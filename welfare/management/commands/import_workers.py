"""``manage.py import_workers FILE --consent [--dry-run] [--union CODE]``: a roster."""

from core.import_command import ImportCommand
from welfare.resources.workers import WorkerResource


class Command(ImportCommand):
    help = (
        "Import a roster of workers at registered workplaces; --consent confirms the "
        "employer holds every worker's consent. All rows or none."
    )
    resource_class = WorkerResource
    takes_consent = True
