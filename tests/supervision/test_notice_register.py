"""The notice register: a 发文字号 per union and year from 1, allocated without a race; a
reprint is the document first printed (its date, not today's); an overdue written reply
alerts the issuing organizer once."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection

from stations.services import memberships as stations_services
from supervision.exceptions import SupervisionError
from supervision.models import Notice, NoticeSeries
from supervision.services import inspections as svc
from supervision.services import notice_register as register
from supervision.tasks import notices_overdue_daily
from tests.factories import UserFactory
from tests.supervision.test_notice import pdf_text, squeeze

pytestmark = [pytest.mark.django_db]

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH_2 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def series(network):
    NoticeSeries.objects.create(union=network.xining, prefix="宁工劳保")
    NoticeSeries.objects.create(union=network.golmud, prefix="格工劳保")
    NoticeSeries.objects.create(union=network.chengzhong, prefix="城工劳保")


def inspect(actor, workplace, union=None, day=dt.date(2026, 2, 26)):
    return svc.inspection_record(
        actor=actor, workplace=workplace, inspected_on=day, inspectors="李明", union=union
    )


@time_machine.travel(MARCH_2, tick=False)
def test_two_unions_first_notices_of_a_year_are_both_number_one(
    network, series, organizer_xining, organizer_golmud, plant, golmud_plant
):
    xining = inspect(organizer_xining, plant, union=network.xining)
    golmud = inspect(organizer_golmud, golmud_plant)
    first = register.notice_issue(
        actor=organizer_xining, inspection=xining, kind="opinion",
        issued_on=dt.date(2026, 3, 2), reply_due=dt.date(2026, 3, 17),
    )  # fmt: skip
    other = register.notice_issue(
        actor=organizer_golmud, inspection=golmud, kind="opinion",
        issued_on=dt.date(2026, 3, 2), reply_due=dt.date(2026, 3, 17),
    )  # fmt: skip
    second = register.notice_issue(
        actor=organizer_xining, inspection=xining, kind="rectification",
        issued_on=dt.date(2026, 3, 2), reply_due=dt.date(2026, 3, 17),
    )  # fmt: skip
    assert first.document_number == "宁工劳保〔2026〕1号"
    assert other.document_number == "格工劳保〔2026〕1号"
    assert second.document_number == "宁工劳保〔2026〕2号"
    # The inspecting union chosen, not the workplace's (城中区), signs and numbers it.
    assert first.union == network.xining


@time_machine.travel(dt.datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_the_sequence_starts_again_each_year(network, series, organizer_xining, plant):
    inspection = inspect(organizer_xining, plant, day=dt.date(2026, 12, 28))
    last_year = register.notice_issue(
        actor=organizer_xining, inspection=inspection, kind="opinion",
        issued_on=dt.date(2026, 12, 30), reply_due=dt.date(2027, 1, 15),
    )  # fmt: skip
    this_year = register.notice_issue(
        actor=organizer_xining, inspection=inspection, kind="rectification",
        issued_on=dt.date(2027, 1, 4), reply_due=dt.date(2027, 1, 15),
    )  # fmt: skip
    assert last_year.document_number == "城工劳保〔2026〕1号"
    assert this_year.document_number == "城工劳保〔2027〕1号"


def test_a_union_without_a_prefix_is_told_to_set_one(network, organizer_xining, plant):
    inspection = inspect(organizer_xining, plant, day=dt.date(2026, 2, 26))
    with pytest.raises(Exception) as exc:
        register.notice_issue(
            actor=organizer_xining, inspection=inspection, kind="opinion",
            issued_on=dt.date(2026, 2, 26), reply_due=dt.date(2026, 3, 10),
        )  # fmt: skip
    assert exc.value.field == "union" and "发文字号前缀" in exc.value.message
    assert not Notice.objects.exists()


def test_a_reply_due_before_the_issue_is_refused(network, series, organizer_xining, plant):
    inspection = inspect(organizer_xining, plant, day=dt.date(2026, 2, 26))
    with pytest.raises(SupervisionError) as exc:
        register.notice_issue(
            actor=organizer_xining, inspection=inspection, kind="opinion",
            issued_on=dt.date(2026, 2, 27), reply_due=dt.date(2026, 2, 26),
        )  # fmt: skip
    assert exc.value.field == "reply_due"


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_distinct_numbers(network, series, organizer_xining, plant):
    inspection = inspect(organizer_xining, plant, day=dt.date(2026, 2, 26))
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def issue() -> None:
        try:
            start.wait(timeout=30)
            notice = register.notice_issue(
                actor=organizer_xining, inspection=inspection, kind="opinion",
                issued_on=dt.date(2026, 2, 26), reply_due=dt.date(2026, 3, 10),
            )  # fmt: skip
            numbers.append(notice.document_number)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert sorted(numbers) == sorted(f"城工劳保〔2026〕{n}号" for n in range(1, 7))


def test_a_reprint_a_week_later_prints_the_same_date(
    client, network, series, organizer_xining, plant, tmp_path
):
    with time_machine.travel(MARCH_2, tick=False):
        inspection = inspect(organizer_xining, plant, union=network.xining)
        client.force_login(organizer_xining)
        response = client.post(f"/organizer/supervision/inspections/{inspection.pk}/", {
            "action": "issue", "kind": "opinion", "issued_on": "2026-03-02",
            "reply_due": "2026-03-17",
        })  # fmt: skip
        assert response.status_code == 302
        url = f"/organizer/supervision/inspections/{inspection.pk}/notice.pdf"
        first = client.get(url).content
    with time_machine.travel(MARCH_2 + dt.timedelta(days=7), tick=False):
        again = client.get(url).content
    assert again == first  # the same document, byte for byte
    text = squeeze(pdf_text(again, tmp_path))
    assert "宁工劳保〔2026〕1号" in text and "西宁市总工会（盖章）" in text
    assert "2026-03-02" in text and "2026-03-09" not in text
    assert "请于2026-03-17前书面答复本会" in text


def test_an_overdue_reply_raises_one_alert(
    network, series, plant, django_capture_on_commit_callbacks
):
    organizer = UserFactory(username="org-cz", email="cz@example.org")
    stations_services.membership_grant(
        actor=None, user=organizer, union=network.chengzhong, role="organizer"
    )
    with time_machine.travel(MARCH_2, tick=False):
        inspection = inspect(organizer, plant)
        late = register.notice_issue(
            actor=organizer, inspection=inspection, kind="rectification",
            issued_on=dt.date(2026, 3, 2), reply_due=dt.date(2026, 3, 10),
        )  # fmt: skip
        answered = register.notice_issue(
            actor=organizer, inspection=inspection, kind="opinion",
            issued_on=dt.date(2026, 3, 2), reply_due=dt.date(2026, 3, 10),
        )  # fmt: skip
    with time_machine.travel(dt.datetime(2026, 3, 9, 9, tzinfo=SHANGHAI), tick=False):
        register.notice_reply_record(
            actor=organizer, notice=answered, received_on=dt.date(2026, 3, 9),
            note="已按期整改并书面答复",
        )  # fmt: skip
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=SHANGHAI), tick=False):
        assert notices_overdue_daily() == 0  # due today: not late yet
    with time_machine.travel(dt.datetime(2026, 3, 11, 9, tzinfo=SHANGHAI), tick=False):
        assert notices_overdue_daily() == 1
        assert notices_overdue_daily() == 0  # the second run alerts nothing
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["cz@example.org"]
    assert late.document_number in mail.outbox[0].subject
    late.refresh_from_db()
    assert late.overdue_alerted_on == dt.date(2026, 3, 11)


@time_machine.travel(MARCH_2, tick=False)
def test_the_register_lists_the_notice_with_its_dates(
    client, network, series, organizer_xining, plant
):
    inspection = inspect(organizer_xining, plant)
    notice = register.notice_issue(
        actor=organizer_xining, inspection=inspection, kind="opinion",
        issued_on=dt.date(2026, 3, 2), reply_due=dt.date(2026, 3, 17),
    )  # fmt: skip
    register.notice_serve(actor=organizer_xining, notice=notice, served_on=dt.date(2026, 3, 2))
    client.force_login(organizer_xining)
    page = client.get("/organizer/supervision/notices/?year=2026").content.decode()
    assert "城工劳保〔2026〕1号" in page and "2026-03-17" in page and "待答复" in page


def test_an_expired_certificate_is_refused_with_a_clear_message(network, organizer_xining, plant):
    from supervision.models import AppointedInspector

    today = dt.date(2026, 3, 2)
    valid = AppointedInspector.objects.create(
        union=network.xining, name="马军", certificate_number="QH-LB-0107",
        valid_from=dt.date(2024, 1, 1), valid_until=dt.date(2027, 1, 1),
    )  # fmt: skip
    lapsed = AppointedInspector.objects.create(
        union=network.xining, name="祁文", certificate_number="QH-LB-0033",
        valid_from=dt.date(2021, 1, 1), valid_until=dt.date(2026, 2, 1),
    )  # fmt: skip
    with time_machine.travel(MARCH_2, tick=False):
        with pytest.raises(SupervisionError) as exc:
            svc.inspection_record(
                actor=organizer_xining, workplace=plant, inspected_on=today, inspectors="",
                appointed=[valid, lapsed],
            )  # fmt: skip
        assert exc.value.field == "appointed[1]"
        assert exc.value.message == (
            "祁文 的监督检查员证书（QH-LB-0033）已于 2026-02-01 过期，不能参加这次检查；请先换证。"
        )
        inspection = svc.inspection_record(
            actor=organizer_xining, workplace=plant, inspected_on=today, inspectors="",
            appointed=[valid],
        )  # fmt: skip
    assert inspection.inspectors == "马军" and list(inspection.appointed.all()) == [valid]


def test_the_inspecting_union_must_be_over_the_workplace(network, organizer_xining,
                                                        golmud_plant, plant):  # fmt: skip
    with pytest.raises(Exception) as exc:  # Golmud's union: not Xining's to use
        svc.inspection_record(actor=organizer_xining, workplace=plant,
                              inspected_on=dt.date(2026, 1, 5), inspectors="李",
                              union=network.golmud)  # fmt: skip
    assert exc.value.status_code == 403
    with pytest.raises(SupervisionError) as exc:  # a union below the workplace's
        svc.inspection_record(actor=None, workplace=golmud_plant,
                              inspected_on=dt.date(2026, 1, 5), inspectors="李",
                              union=network.chengzhong)  # fmt: skip
    assert exc.value.field == "union"


def test_the_inspection_form_defaults_to_the_organizers_own_union(client, network,
                                                                  organizer_xining, plant):  # fmt: skip
    client.force_login(organizer_xining)
    page = client.get("/organizer/supervision/inspections/new/")
    form = page.context["form"]
    assert form.fields["union"].initial == network.xining.pk
    assert list(form.fields["union"].queryset) == [network.xining, network.chengzhong]
