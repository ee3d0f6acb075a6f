"""Accidents graded under 生产安全事故报告和调查处理条例 §3 at each threshold's edge, the
per-person 轻伤/重伤 by GB 6441's 105 lost workdays, the e-mail upward on a fatal
registration (exactly one), and the 工伤认定 clocks of 工伤保险条例 §17 (flag on day 31)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from core import time as local_time
from stations.services import memberships as stations_services
from supervision.exceptions import SupervisionError
from supervision.models import AccidentCause, InjuredPerson
from supervision.selectors.accidents import claim_clock, claims_missing
from supervision.services import accidents as svc
from supervision.services.accidents import InjuredInput, accident_grade
from tests.factories import UserFactory
from tests.supervision.conftest import days_ago

pytestmark = [pytest.mark.django_db]


@pytest.mark.parametrize(
    ("deaths", "serious", "loss", "grade"),
    [
        (2, 0, "0", "general"),
        (3, 0, "0", "larger"),
        (9, 0, "0", "larger"),
        (10, 0, "0", "major"),
        (29, 0, "0", "major"),
        (30, 0, "0", "extraordinary"),
        (0, 9, "0", "general"),
        (0, 10, "0", "larger"),
        (0, 49, "0", "larger"),
        (0, 50, "0", "major"),
        (0, 99, "0", "major"),
        (0, 100, "0", "extraordinary"),
        (0, 0, "9999999.99", "general"),  # 999.99万
        (0, 0, "10000000", "larger"),  # 1000万
        (0, 0, "49999999.99", "larger"),
        (0, 0, "50000000", "major"),
        (0, 0, "99999999.99", "major"),
        (0, 0, "100000000", "extraordinary"),  # 1亿
        (2, 9, "9999999.99", "general"),  # below on every count
        (1, 0, "60000000", "major"),  # the highest of the three decides
    ],
)
def test_the_grade_at_each_threshold(deaths, serious, loss, grade):
    assert accident_grade(deaths=deaths, serious=serious, direct_loss=Decimal(loss)) == grade


def test_the_grade_is_stored_and_shown(client, organizer_xining, plant):
    accident = svc.accident_register(
        actor=organizer_xining, workplace=plant, occurred_on=days_ago(3), place="二号井",
        category="collapse", deaths=3, serious=2, direct_loss="12000000",
    )  # fmt: skip
    accident.refresh_from_db()
    assert accident.grade == "larger" and accident.direct_loss == Decimal("12000000.00")
    client.force_login(organizer_xining)
    page = client.get(f"/organizer/supervision/accidents/{accident.pk}/").content.decode()
    assert "较大事故" in page and "1200.00 万元" in page


@pytest.mark.parametrize(("days", "injury"), [(104, "minor"), (105, "serious")])
def test_lost_workdays_class_the_injury_by_gb_6441(organizer_xining, plant, days, injury):
    accident = svc.accident_register(
        actor=organizer_xining, workplace=plant, occurred_on=days_ago(3), place="车间",
        category="machinery", serious=1, minor=1,
        injured=[InjuredInput(name="张三", lost_workdays=days)],
    )  # fmt: skip
    person = accident.injured.get()
    assert person.injury == injury and person.lost_workdays == days


def test_a_stated_injury_that_contradicts_the_workdays_is_refused(organizer_xining, plant):
    with pytest.raises(SupervisionError) as exc:
        svc.accident_register(
            actor=organizer_xining, workplace=plant, occurred_on=days_ago(3), place="车间",
            category="machinery", minor=1,
            injured=[InjuredInput(name="张三", injury="minor", lost_workdays=120)],
        )  # fmt: skip
    assert exc.value.field == "injured[0].injury" and "重伤" in exc.value.message


def test_an_occupational_hazard_event_may_have_no_casualty(organizer_xining, plant):
    event = svc.accident_register(
        actor=organizer_xining, workplace=plant, occurred_on=days_ago(3), place="电解车间",
        category="poisoning", kind="hazard_event", description="氟化物浓度超标",
    )  # fmt: skip
    assert event.get_kind_display() == "职业危害事件" and event.grade == "general"


def test_the_cause_list_cites_what_it_comes_from():
    doc = AccidentCause.__doc__
    assert "GB 6442-86" in doc and "A.6" in doc and "A.7" in doc


# -- the alert upward ----------------------------------------------------------------------


@pytest.fixture
def organizers_above(network):
    """Organizers with e-mail at the province, Xining and 城中区, and one at Golmud."""
    people = {}
    for name, union in (("qh", network.province), ("xn", network.xining),
                        ("cz", network.chengzhong), ("gem", network.golmud)):  # fmt: skip
        user = UserFactory(username=f"org-{name}", email=f"{name}@example.org")
        stations_services.membership_grant(actor=None, user=user, union=union, role="organizer")
        people[name] = user
    return people


def test_a_fatal_registration_sends_exactly_one_email_upward(
    organizers_above, plant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        accident = svc.accident_register(
            actor=organizers_above["cz"], workplace=plant, occurred_on=days_ago(0),
            place="三号车间", category="fall", deaths=1, serious=1,
        )  # fmt: skip
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["cz@example.org", "qh@example.org", "xn@example.org"]
    assert "死亡 1 人" in message.subject and plant.name in message.body
    # Run again (a retried task): nothing more is sent.
    assert svc.accident_fatal_alert_send(accident_id=accident.pk) is False
    assert len(mail.outbox) == 1


def test_an_accident_without_deaths_sends_no_email(
    organizers_above, plant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        svc.accident_register(
            actor=organizers_above["cz"], workplace=plant, occurred_on=days_ago(0),
            place="三号车间", category="fall", serious=2,
        )  # fmt: skip
    assert callbacks == [] and mail.outbox == []


def test_a_refused_registration_sends_nothing(
    organizers_above, plant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SupervisionError):
        svc.accident_register(
            actor=organizers_above["cz"], workplace=plant, occurred_on=days_ago(0),
            place="三号车间", category="fall", deaths=1,
            injured=[InjuredInput("甲", "death"), InjuredInput("乙", "death")],
        )  # fmt: skip
    assert mail.outbox == []


# -- 工伤认定 clocks -----------------------------------------------------------------------


@pytest.mark.parametrize(("age", "late"), [(30, False), (31, True)])
def test_a_missing_application_is_flagged_on_day_31(client, organizer_xining, plant, age, late):
    accident = svc.accident_register(
        actor=organizer_xining, workplace=plant, occurred_on=days_ago(age), place="车间",
        category="machinery", serious=1, injured=[InjuredInput("张三", "serious")],
    )  # fmt: skip
    person = accident.injured.get()
    today = local_time.today()
    clock = claim_clock(person, on=today)
    assert clock.employer_until == days_ago(age) + dt.timedelta(days=30)
    assert clock.employer_late is late and clock.worker_late is False
    from core.scoping import scope_for

    missing = claims_missing(scope_for(organizer_xining), on=today)
    assert list(missing) == ([person] if late else [])
    client.force_login(organizer_xining)
    page = client.get(f"/organizer/supervision/accidents/{accident.pk}/").content.decode()
    assert ("单位未在 30 日内申请工伤认定" in page) is late
    # Once applied, no flag.
    svc.injured_follow_up(actor=organizer_xining, person=person, insurance_claimed_on=today)
    assert not claim_clock(InjuredPerson.objects.get(pk=person.pk), on=today).employer_late


def test_the_worker_year_ends_a_year_after(organizer_xining, plant):
    accident = svc.accident_register(
        actor=organizer_xining, workplace=plant, occurred_on=dt.date(2024, 2, 29), place="车间",
        category="machinery", minor=1, injured=[InjuredInput("李四", "minor")],
    )  # fmt: skip
    clock = claim_clock(accident.injured.get(), on=dt.date(2025, 3, 1))
    assert clock.worker_until == dt.date(2025, 2, 28) and clock.worker_late
