from django.core.management.base import BaseCommand, CommandError

from campaigns.selectors.stock import ledger_mismatches


class Command(BaseCommand):
    help = "Check that for every location × lot the stock ledger sums to the level."

    def handle(self, *args, **options) -> None:
        mismatches = ledger_mismatches()
        for m in mismatches:
            self.stderr.write(
                f"MISMATCH {m.location} / {m.lot}: ledger {m.ledger} ≠ level {m.level}"
            )
        if mismatches:
            raise CommandError(f"{len(mismatches)} location × lot pairs disagree with the ledger")
        self.stdout.write("stock ledger and levels agree")
