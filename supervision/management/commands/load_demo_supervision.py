from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from supervision.demo import load_demo_supervision


class Command(BaseCommand):
    help = "Quick start only: demo inspections, findings, an accident, a 三同时 project, 安康杯."

    def handle(self, *args, **options) -> None:
        if not getattr(settings, "YIZHAN_ALLOW_DEMO", False):
            raise CommandError("load_demo_supervision runs only under the quick-start settings.")
        load_demo_supervision()
        self.stdout.write("demo supervision loaded (inspections, findings)")
