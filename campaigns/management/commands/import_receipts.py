"""``manage.py import_receipts FILE [--dry-run]``: goods received at depots."""

from campaigns.resources import ReceiptResource
from core.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import stock receipts (item, batch, expiry, quantity, depot); all rows or none."
    resource_class = ReceiptResource
