from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from campaigns.demo import load_demo_campaign


class Command(BaseCommand):
    help = "Quick start only: a Xining depot, an active summer campaign and a week of visits."

    def handle(self, *args, **options) -> None:
        if not getattr(settings, "YIZHAN_ALLOW_DEMO", False):
            raise CommandError("load_demo_campaign runs only under the quick-start settings.")
        campaign = load_demo_campaign()
        self.stdout.write(f"demo campaign: {campaign.name} → /campaigns/{campaign.pk}/")
