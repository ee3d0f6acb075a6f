from django.core.management.base import BaseCommand

from stations.fixtures_loader import load_network


class Command(BaseCommand):
    help = "Load Qinghai's administrative divisions and union tree from fixtures/ (idempotent)."

    def handle(self, *args, **options) -> None:
        report = load_network()
        self.stdout.write(f"regions: {report.regions}, unions: {report.unions}")
