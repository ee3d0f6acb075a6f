from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import seasons
from welfare.demo import load_demo_welfare


class Command(BaseCommand):
    help = "Quick start only: the season's demo weather alerts, demo workplaces and a worker."

    def handle(self, *args, **options) -> None:
        if not getattr(settings, "YIZHAN_ALLOW_DEMO", False):
            raise CommandError("load_demo_welfare runs only under the quick-start settings.")
        load_demo_welfare()
        self.stdout.write(
            f"demo weather alerts ({seasons.current_season()}) and demo workplaces loaded"
        )
