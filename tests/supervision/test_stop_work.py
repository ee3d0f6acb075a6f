"""建议撤离 / 停止作业 (安全生产法 §60): recorded with time, place and to whom, and the
organizers of the union and every union above are e-mailed at once, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from core import time as local_time
from stations.services import memberships as stations_services
from supervision.exceptions import SupervisionError
from supervision.models import StopWorkProposal
from supervision.services import stop_work as svc
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def organizers(network):
    people = {}
    for name, union in (("qh", network.province), ("xn", network.xining),
                        ("cz", network.chengzhong), ("gem", network.golmud)):  # fmt: skip
        user = UserFactory(username=f"org-{name}", email=f"{name}@example.org")
        stations_services.membership_grant(actor=None, user=user, union=union, role="organizer")
        people[name] = user
    return people


def test_a_proposal_from_the_page_alerts_the_unions_above_at_once(
    client, organizers, plant, django_capture_on_commit_callbacks
):
    client.force_login(organizers["cz"])
    at = local_time.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/organizer/supervision/workplaces/{plant.pk}/stop-work/", {
            "kind": "evacuate", "proposed_at": at.strftime("%Y-%m-%dT%H:%M"),
            "place": "电解二车间", "addressed_to": "生产副总 王强",
            "danger": "电解槽漏铝，车间有爆炸危险",
        })  # fmt: skip
    assert response.status_code == 302
    proposal = StopWorkProposal.objects.get()
    assert (proposal.kind, proposal.place, proposal.addressed_to) == (
        "evacuate", "电解二车间", "生产副总 王强")  # fmt: skip
    assert local_time.to_local(proposal.proposed_at) == at
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["cz@example.org", "qh@example.org", "xn@example.org"]
    assert "建议撤离" in mail.outbox[0].subject and "生产副总 王强" in mail.outbox[0].body
    assert svc.stop_work_alert_send(proposal_id=proposal.pk) is False  # once
    page = client.get(f"/organizer/supervision/workplaces/{plant.pk}/").content.decode()
    assert "电解二车间" in page


def test_another_unions_organizer_cannot_propose(organizers, plant):
    with pytest.raises(Exception) as exc:
        svc.stop_work_propose(
            actor=organizers["gem"], workplace=plant, kind="stop_work",
            proposed_at=local_time.now(), place="车间", addressed_to="厂长", danger="塌方",
        )  # fmt: skip
    assert exc.value.status_code in (403, 404)
    assert not StopWorkProposal.objects.exists()


def test_a_time_in_the_future_is_refused(organizers, plant):
    with pytest.raises(SupervisionError) as exc:
        svc.stop_work_propose(
            actor=organizers["cz"], workplace=plant, kind="stop_work",
            proposed_at=local_time.now() + dt.timedelta(hours=2), place="车间",
            addressed_to="厂长", danger="塌方",
        )  # fmt: skip
    assert exc.value.field == "proposed_at"
