from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stations.demo import DEMO_PASSWORD, create_demo_accounts, create_demo_inspections
from stations.fixtures_loader import load_demo_stations, load_network


class Command(BaseCommand):
    help = "Quick start only: load the network, demo stations and demo accounts (idempotent)."

    def handle(self, *args, **options) -> None:
        if not getattr(settings, "YIZHAN_ALLOW_DEMO", False):
            raise CommandError(
                "load_demo runs only under the quick-start settings (YIZHAN_ALLOW_DEMO)."
            )
        network = load_network()
        demo = load_demo_stations()
        accounts = create_demo_accounts()
        inspected = create_demo_inspections()
        self.stdout.write(
            f"regions: {network.regions}, unions: {network.unions}, demo stations: "
            f"{demo.stations_created} new, {demo.stations_updated} updated, "
            f"六有 inspections: {inspected} recorded"
        )
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for account in accounts:
            self.stdout.write(f"  {account.username:<16} {account.description}")
