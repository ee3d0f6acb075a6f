"""Every write of the welfare app, one module per concept:

- ``workplaces``: workplaces, their hazards, measurements (WBGT limits);
- ``health``: registered workers, health checks, follow-ups, leaving;
- ``reminders``: the weekly e-mail of the health checks due;
- ``roster``: an employer's XLSX roster, previewed then applied all or nothing;
- ``hazards``: hazard reports, their outcomes, rewards and reward budgets;
- ``weather``: forecasts and the advisories they raise;
- ``official``: official warning signals (CAP 1.2) as issued;
- ``rules``: the province rules (``welfare.rules``);
- ``altitude``: altitudes of stations and workplaces, filled from a DEM.

Permission is checked in each service through ``core.scoping``; each write of a model
with history names its actor (``history_user``) and, for corrections, the reason
(``history_change_reason``). The names below are the public surface
(``from welfare import services; services.worker_register(...)``).
"""

from welfare.exceptions import WelfareError
from welfare.services._common import KEEP, REASON_MAX_LENGTH, Keep
from welfare.services.altitude import AltitudeFill, altitude_fill, workplace_set_altitude
from welfare.services.hazards import (
    FINAL_STATUSES,
    HAZARD_TRANSITIONS,
    TRACKING_ALPHABET,
    hazard_report_advance,
    hazard_report_contact,
    hazard_report_status,
    hazard_report_submit,
    outcome_text,
    report_contacts,
    reward_amount,
    reward_budget_set,
    reward_mark_paid,
)
from welfare.services.health import (
    health_check_correct,
    health_check_record,
    health_check_validate,
    next_check_due,
    worker_mark_left,
    worker_register,
    worker_update,
)
from welfare.services.official import CapRejected, Ingested, official_alert_ingest
from welfare.services.privacy import Erasure, retention_run, worker_erase
from welfare.services.reminders import health_check_reminders_send
from welfare.services.roster import roster_apply, roster_preview, roster_template
from welfare.services.rules import province_rule_save, rule_region_codes_for
from welfare.services.weather import weather_apply, weather_mark_stale
from welfare.services.workplaces import (
    measurement_correct,
    measurement_record,
    measurement_validate,
    wbgt_limit,
    workplace_delete,
    workplace_save,
)

__all__ = [
    "FINAL_STATUSES",
    "HAZARD_TRANSITIONS",
    "KEEP",
    "REASON_MAX_LENGTH",
    "TRACKING_ALPHABET",
    "AltitudeFill",
    "CapRejected",
    "Erasure",
    "Ingested",
    "Keep",
    "WelfareError",
    "altitude_fill",
    "hazard_report_advance",
    "hazard_report_contact",
    "hazard_report_status",
    "hazard_report_submit",
    "health_check_correct",
    "health_check_record",
    "health_check_reminders_send",
    "health_check_validate",
    "measurement_correct",
    "measurement_record",
    "measurement_validate",
    "next_check_due",
    "official_alert_ingest",
    "outcome_text",
    "province_rule_save",
    "report_contacts",
    "retention_run",
    "reward_amount",
    "reward_budget_set",
    "reward_mark_paid",
    "roster_apply",
    "roster_preview",
    "roster_template",
    "rule_region_codes_for",
    "wbgt_limit",
    "weather_apply",
    "weather_mark_stale",
    "worker_erase",
    "worker_mark_left",
    "worker_register",
    "worker_update",
    "workplace_delete",
    "workplace_save",
    "workplace_set_altitude",
]
