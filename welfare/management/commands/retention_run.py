from django.core.management.base import BaseCommand

from welfare import services


class Command(BaseCommand):
    help = "Delete or anonymise personal data past its retention period (docs/privacy.md)."

    def handle(self, *args, **options) -> None:
        done = services.retention_run()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in done.items()))
