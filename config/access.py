"""Who may use each URL: one line per URL name, read by tests/test_permission_matrix.py.

The test walks the URL resolver and fails on any named URL (and any model registered in the
admin) that has no line here, so a new endpoint cannot ship without saying who may use it.
It then tries every URL as seven people (anonymous, staff of station A, staff of station
B, the organizer of Xining, the organizer of Golmud, the provincial admin and a workers'
safety inspector of a Xining workplace) against objects of station A / Xining, and checks
that the people this table allows succeed and everyone else gets 403 (404 where existence
is private, a login redirect for anonymous HTML) with nothing changed. How to add a line:
docs/access.md.

The table only declares; the checks themselves live in the services (core.scoping).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Who, relative to the object the request acts on (station A of Xining, or a Xining row):
PUBLIC = "public"  # anyone, no login (public forms are rate-limited)
SIGNED_IN = "signed_in"  # any signed-in user, acting on their own things
STAFF = "staff"  # staff of that station, or an organizer/admin above it
ORGANIZER = "organizer"  # an organizer/admin whose union covers the object
ORGANIZERS = "organizers"  # any organizer/admin, each on their own union's rows only
SUPERUSER = "superuser"  # Django superusers only
INSPECTOR = "inspector"  # a workers' safety inspector of that workplace, or ORGANIZER

READ, WRITE, EXPORT = "read", "write", "export"


@dataclass(frozen=True)
class Access:
    who: str
    kind: str = READ
    #: HTTP methods that write (for WRITE); the test sends each of them.
    methods: tuple[str, ...] = ("POST",)
    #: URL keyword → name of the object it names (tests/test_permission_matrix.py OBJECTS).
    args: dict[str, str] = field(default_factory=dict)


def read(who: str, **args: str) -> Access:
    return Access(who, READ, (), args)


def write(who: str, *methods: str, **args: str) -> Access:
    return Access(who, WRITE, methods or ("POST",), args)


def export(who: str, **args: str) -> Access:
    return Access(who, EXPORT, (), args)


URLS: dict[str, Access] = {
    # config / Django
    "healthz": read(PUBLIC),
    "livez": read(PUBLIC),
    # Not by person: an allow-listed network or a bearer token (config.metrics); the
    # test client's loopback address is allowed.
    "metrics": read(PUBLIC),
    "set_language": write(PUBLIC),
    "api-schema": read(PUBLIC),
    "api-docs": read(PUBLIC),
    "home-for-role": read(SIGNED_IN),
    "login": write(PUBLIC),
    "admin-login": write(PUBLIC),
    "two-factor": write(ORGANIZERS),
    "api-token-issue": write(SIGNED_IN),
    "logout": write(PUBLIC),
    "password_change": write(SIGNED_IN),
    "password_change_done": read(SIGNED_IN),
    "password_reset": write(PUBLIC),
    "password_reset_done": read(PUBLIC),
    "password_reset_confirm": write(PUBLIC),
    "password_reset_complete": read(PUBLIC),
    # stations: the desk API
    "api-visits-batch": write(STAFF),
    "api-visit-undo": write(STAFF, "DELETE", uuid="visit"),
    "api-me": read(SIGNED_IN),
    "api-desk-today": read(STAFF),
    "api-feedback": write(PUBLIC, code="station"),
    "api-report": write(PUBLIC, code="station"),
    "api-closures": write(STAFF, "POST", code="station"),
    "api-closure-end": write(STAFF, "DELETE", code="station", pk="closure"),
    "api-day-hours": write(STAFF, "PUT", "DELETE", code="station", day="tomorrow"),
    # stations: pages
    "stations:desk": read(SIGNED_IN),
    "stations:desk-sw": read(PUBLIC),
    "stations:organizer": read(ORGANIZERS),
    "stations:organizer-export": export(ORGANIZERS, fmt="fmt"),
    "stations:province": read(ORGANIZERS),
    "stations:province-export": export(ORGANIZERS),
    # campaigns: stock API and desk
    "api-stock-receipts": write(ORGANIZER),
    "api-stock-transfers": write(ORGANIZER),
    "api-stock-transfer-receive": write(STAFF, pk="transfer"),
    "api-stock-distributions": write(STAFF),
    "api-stock-adjustments": write(ORGANIZER),
    "api-stock-levels": read(STAFF),
    "api-desk-supplies": read(STAFF),
    "api-desk-supplies-batch": write(STAFF),
    "api-voucher-issue": write(ORGANIZER, pk="campaign"),
    # campaigns: pages
    "campaigns:list": read(ORGANIZERS),
    "campaigns:dashboard": read(ORGANIZER, pk="campaign"),
    "campaigns:summary": export(ORGANIZER, pk="campaign"),
    "campaigns:stock": write(ORGANIZER, pk="campaign"),
    "campaigns:plan": write(ORGANIZER, pk="campaign"),
    "campaigns:hand-out": write(ORGANIZER, pk="campaign"),
    "campaigns:receive": write(ORGANIZER, pk="campaign"),
    "campaigns:receive-transfer": write(ORGANIZER, pk="campaign", transfer_pk="transfer"),
    "campaigns-vouchers:issue": write(ORGANIZER),
    "campaigns-vouchers:voucher": read(PUBLIC, code="voucher"),  # the code is the key
    "campaigns-vouchers:voucher-svg": read(PUBLIC, code="voucher"),
    # welfare
    "api-workplaces": write(ORGANIZER),
    "api-hazard-reports": write(PUBLIC),
    "api-hazard-report-status": read(PUBLIC, tracking_code="hazard_code"),  # the code is the key
    "api-alerts": read(PUBLIC),
    "welfare:hazard-report": write(PUBLIC),
    "welfare:hazard-status": read(PUBLIC),
    "welfare:workplaces": read(ORGANIZERS),
    "welfare:hot-days": export(ORGANIZERS),
    "welfare:workers": read(ORGANIZERS),
    "welfare:worker-new": write(ORGANIZER),
    "welfare:roster-import": write(ORGANIZER),
    "welfare:roster-template": export(ORGANIZERS),
    "welfare:worker": read(ORGANIZER, pk="worker"),
    "welfare:check-record": write(ORGANIZER, pk="worker"),
    "welfare:worker-leave": write(ORGANIZER, pk="worker"),
    "welfare:hazards": read(ORGANIZERS),
    "welfare:hazard": write(ORGANIZER, pk="hazard"),
    "welfare:rewards": read(ORGANIZERS),
    "welfare:reward-budget": write(ORGANIZER),
    "welfare:reward-paid": write(ORGANIZER, pk="reward"),
    # maps: public
    "maps:home": read(PUBLIC),
    "maps:service-worker": read(PUBLIC),
    "maps:nearby": read(PUBLIC),
    "maps:station": read(PUBLIC, code="station"),
    "maps:station-feedback": write(PUBLIC, code="station"),
    "maps:station-report": write(PUBLIC, code="station"),
    "api-alerts-here": read(PUBLIC),
    "api-station-list": read(PUBLIC),
    "api-station-nearby": read(PUBLIC),
    "api-station-clusters": read(PUBLIC),
    "api-station-detail": read(PUBLIC, code="station"),
    # maps: open data (no personal data; every active station is public)
    "api-stations-geojson": read(PUBLIC),
    "api-open-data-hsds": read(PUBLIC),
    "maps:station-tile": read(PUBLIC, z="tile_z", x="tile_x", y="tile_y"),
    "ogc:landing": read(PUBLIC),
    "ogc:api": read(PUBLIC),
    "ogc:conformance": read(PUBLIC),
    "ogc:collections": read(PUBLIC),
    "ogc:collection": read(PUBLIC, collection_id="ogc_collection"),
    "ogc:items": read(PUBLIC, collection_id="ogc_collection"),
    "ogc:item": read(PUBLIC, collection_id="ogc_collection", feature_id="station"),
    # Any other address under /ogc/: the OGC 404 by f/Accept (it reverses to /ogc/ itself).
    "ogc-not-found": read(PUBLIC),
    # supervision: pages (organizers of the union over the workplace)
    "supervision:home": read(ORGANIZERS),
    "supervision:sw": read(PUBLIC),  # the offline queue's script, no data
    "supervision:inspection-new": write(ORGANIZER),
    "supervision:inspection": write(ORGANIZER, pk="inspection"),
    "supervision:inspection-notice": export(ORGANIZER, pk="inspection"),
    "supervision:finding-step": write(ORGANIZER, pk="finding_open"),
    "supervision:workplace": read(ORGANIZER, pk="workplace"),
    "supervision:stop-work": write(ORGANIZER, pk="workplace"),
    "supervision:competitions": read(ORGANIZERS),
    "supervision:competition": write(ORGANIZER, pk="competition"),
    "supervision:evidence": read(ORGANIZER, pk="evidence"),
    "supervision:accidents": write(ORGANIZER),
    "supervision:accident": write(ORGANIZER, pk="accident"),
    "supervision:accident-report": export(ORGANIZERS),
    "supervision:accident-return": export(ORGANIZERS),  # ?year=2026&quarter=1&union=QH-XN
    "supervision:notices": read(ORGANIZERS),
    "supervision:returns": read(ORGANIZERS),
    "supervision:protection-statistics": export(ORGANIZERS),  # ?year=2026&union=QH-XN
    "supervision:inspector-report": write(INSPECTOR),
    # supervision: API
    "api-supervision-inspections": write(ORGANIZER),
    "api-supervision-inspection": read(ORGANIZER, pk="inspection"),
    "api-supervision-findings": read(ORGANIZERS),
    "api-supervision-finding-rectify": write(ORGANIZER, pk="finding_open"),
    "api-supervision-finding-verify": write(ORGANIZER, pk="finding_rectified"),
    "api-supervision-finding-reopen": write(ORGANIZER, pk="finding_rectified"),
    "api-supervision-finding-report-government": write(ORGANIZER, pk="finding_major"),
    "api-supervision-finding-report-congress": write(ORGANIZER, pk="finding_major"),
    "api-supervision-accidents": write(ORGANIZER),
    "api-supervision-accident-statistics": read(ORGANIZER),  # ?union=QH-XN
    "api-supervision-accident": read(ORGANIZER, pk="accident"),
    "api-supervision-accident-check": write(ORGANIZER, pk="accident"),
    "api-supervision-accident-cause": write(ORGANIZER, pk="accident"),
    "api-supervision-accident-close": write(ORGANIZER, pk="accident"),
    "api-supervision-injured-follow-up": write(ORGANIZER, pk="injured"),
    "api-supervision-competitions": read(ORGANIZERS),
    "api-supervision-competition-ranking": read(ORGANIZER, pk="competition"),
    "api-supervision-competition-enrol": write(ORGANIZER, pk="competition_open"),
    "api-supervision-entry-evaluate": write(ORGANIZER, pk="entry"),
    "api-supervision-entry-award": write(ORGANIZER, pk="entry"),
    "api-supervision-projects": read(ORGANIZERS),
    "api-supervision-project-review": write(ORGANIZER, pk="project"),
    "api-supervision-inspector-report": write(INSPECTOR),
}

# Admin: every registered model. SCOPED: organizers/admins of the owning union change it;
# SCOPED_READ: they look, services write; REFERENCE: staff look, superusers change;
# SUPERUSER: accounts and tokens, superusers only.
SCOPED, SCOPED_READ, REFERENCE = "scoped", "scoped_read", "reference"

ADMIN: dict[str, str] = {
    "auth.Group": SUPERUSER,
    "auth.User": SUPERUSER,
    "authtoken.TokenProxy": SUPERUSER,
    "axes.AccessAttempt": SUPERUSER,
    "axes.AccessFailureLog": SUPERUSER,
    "axes.AccessLog": SUPERUSER,
    "otp_totp.TOTPDevice": SUPERUSER,
    "stations.Region": REFERENCE,
    "stations.Service": REFERENCE,
    "stations.ServiceAlias": REFERENCE,  # organizers also add aliases (a shared vocabulary)
    "stations.Union": SCOPED,
    "stations.Station": SCOPED,
    "stations.Membership": SCOPED,
    "stations.Visit": SCOPED_READ,
    "stations.Feedback": SCOPED,
    "stations.FacilityReport": SCOPED,
    "stations.Inspection": SCOPED_READ,
    "campaigns.Item": REFERENCE,
    "campaigns.Lot": REFERENCE,
    "campaigns.StockLocation": SCOPED,
    "campaigns.Campaign": SCOPED,
    "campaigns.StockLevel": SCOPED_READ,
    "campaigns.StockEntry": SCOPED_READ,
    "campaigns.Movement": SCOPED_READ,
    "campaigns.Transfer": SCOPED_READ,
    "campaigns.Distribution": SCOPED_READ,
    "campaigns.Allocation": SCOPED_READ,
    "welfare.Workplace": SCOPED,
    "welfare.Worker": SCOPED,
    "welfare.HealthCheck": SCOPED,
    "welfare.Measurement": SCOPED,
    "welfare.HazardReport": SCOPED,
    "welfare.HealthFollowUp": SCOPED,
    "welfare.HazardReward": SCOPED,
    "welfare.RewardBudget": SCOPED,
    "welfare.WeatherAlert": REFERENCE,
    "welfare.OfficialAlert": REFERENCE,
    # A province's union edits its own rules; the defaults, superusers.
    "welfare.ProvinceRule": SCOPED,
    "supervision.ChecklistTemplate": SCOPED,
    "supervision.Inspection": SCOPED_READ,
    "supervision.Finding": SCOPED_READ,
    "supervision.Accident": SCOPED_READ,
    "supervision.Competition": SCOPED,
    "supervision.CompetitionEntry": SCOPED_READ,
    "supervision.SafetyGroup": SCOPED_READ,
    "supervision.Project": SCOPED,
    "supervision.SafetyInspector": SCOPED,
    "supervision.InspectorTraining": SCOPED_READ,
    "supervision.InspectorAssessment": SCOPED_READ,
    "supervision.SafetyCard": SCOPED,
    "supervision.TrainingRecord": SCOPED,
    "supervision.NoticeSeries": SCOPED,
    "supervision.Notice": SCOPED_READ,
    "supervision.AppointedInspector": SCOPED,
    "supervision.StopWorkProposal": SCOPED_READ,
    "supervision.InspectorIncentive": SCOPED,
    "supervision.ProtectionCommittee": SCOPED,
    "supervision.HonourQuota": SCOPED,
    "supervision.Nomination": SCOPED_READ,
    "supervision.TeamSafetyMeeting": SCOPED_READ,
}

# The admin's own pages that belong to no model: staff (is_staff) only.
ADMIN_SITE_URLS = (
    "admin:index", "admin:login", "admin:logout", "admin:password_change",
    "admin:password_change_done", "admin:jsi18n", "admin:view_on_site", "admin:app_list",
    "admin:autocomplete",
)  # fmt: skip
