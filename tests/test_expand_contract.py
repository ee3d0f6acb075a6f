"""Migrations keep the previous release running (docs/operations.md, upgrades without
downtime): migrate first, then restart, so release N−1's code must work on release N's
schema. A migration may only expand — new tables, nullable columns or columns with a
database default, indexes — unless it is listed below as a contract step, with the
release that stopped using what it removes.

What breaks the previous release: removing or renaming a table or a column it reads, and
adding a NOT NULL column without a database default (Django drops a Python default after
the migration, so the old code's INSERT fails).
"""

from __future__ import annotations

from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

# Migrations from before this check; each new contract step adds a line with its reason.
#: The December 2026 release added NOT NULL columns with Python defaults only: it is
#: upgraded by stopping the previous release before migrate (docs/operations.md).
THIS_RELEASE = "Dec 2026: NOT NULL with Python defaults; stop the old release, then migrate"

CONTRACT_STEPS: dict[tuple[str, str], str] = {
    ("campaigns", "0005_reorder_levels"): "before the expand/contract rule (first landing)",
    (
        "welfare",
        "0003_workers_followups_rewards",
    ): "before the expand/contract rule (first landing)",
    ("campaigns", "0007_campaign_category_weights"): "before the expand/contract rule",
    ("stations", "0003_station_read_cache"): "before the expand/contract rule",
    (
        "campaigns",
        "0008_item_people_per_unit",
    ): THIS_RELEASE,
    (
        "campaigns",
        "0009_allocation_share_method",
    ): THIS_RELEASE,
    (
        "campaigns",
        "0010_voucher_name_and_hand_out_reversal",
    ): THIS_RELEASE,
    (
        "supervision",
        "0005_notice_register_grades_inspectors",
    ): THIS_RELEASE,
    (
        "supervision",
        "0006_stop_work_dual_report_incentives",
    ): THIS_RELEASE,
    (
        "welfare",
        "0006_gbz188_levels_sites_province_rules",
    ): THIS_RELEASE,
}


def _breaking(migration: migrations.Migration) -> list[str]:
    created = {
        op.name.lower() for op in migration.operations if isinstance(op, migrations.CreateModel)
    }
    problems = []
    for op in migration.operations:
        if isinstance(op, migrations.RemoveField | migrations.RenameField):
            problems.append(
                f"{type(op).__name__} {op.model_name}.{getattr(op, 'name', getattr(op, 'old_name', ''))}"
            )
        elif isinstance(op, migrations.DeleteModel | migrations.RenameModel):
            problems.append(
                f"{type(op).__name__} {getattr(op, 'name', getattr(op, 'old_name', ''))}"
            )
        elif isinstance(op, migrations.AddField) and op.model_name.lower() not in created:
            field = op.field
            has_db_default = field.db_default is not models.NOT_PROVIDED
            if not field.null and not has_db_default and not field.many_to_many:
                problems.append(f"AddField {op.model_name}.{op.name} NOT NULL without db_default")
    return problems


def test_every_migration_expands_or_is_a_listed_contract_step():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    ours = {"core", "stations", "welfare", "campaigns", "supervision", "maps"}
    failures = []
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app not in ours or getattr(migration, "initial", False):
            continue
        problems = _breaking(migration)
        if problems and (app, name) not in CONTRACT_STEPS:
            failures.append(f"{app}.{name}: {'; '.join(problems)}")
    assert not failures, (
        "these migrations break the previous release (expand first, contract a release later, "
        "or list them in CONTRACT_STEPS with the reason):\n" + "\n".join(failures)
    )
    stale = [key for key in CONTRACT_STEPS if key not in loader.disk_migrations]
    assert not stale, f"CONTRACT_STEPS lists migrations that do not exist: {stale}"


def test_the_check_catches_what_breaks_the_previous_release():
    bad = migrations.Migration("0999_bad", "stations")
    bad.operations = [
        migrations.RemoveField("station", "name"),
        migrations.AddField("station", "x", models.IntegerField(default=0)),
    ]
    good = migrations.Migration("0999_good", "stations")
    good.operations = [
        migrations.AddField("station", "y", models.IntegerField(null=True)),
        migrations.AddField("station", "z", models.IntegerField(db_default=0)),
    ]
    assert _breaking(bad) == [
        "RemoveField station.name",
        "AddField station.x NOT NULL without db_default",
    ]
    assert _breaking(good) == []
