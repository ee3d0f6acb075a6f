"""The demo carries a realistic supervision year: notices with replies and one overdue, a
graded accident with lost workdays and loss, and a quarterly return whose sums match."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from core import time as local_time
from supervision.models import Accident, AppointedInspector, Notice
from tests.worlds import demo_world

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def demo(settings) -> None:
    settings.YIZHAN_ALLOW_DEMO = True
    demo_world("load_demo", "load_demo_campaign", "load_demo_welfare", "load_demo_supervision")


def test_the_demo_year(demo, client):
    today = local_time.today()
    notices = Notice.objects.order_by("pk")
    first, second, late = notices
    assert first.document_number == f"宁工劳保〔{first.year}〕1号"
    assert second.document_number == f"宁工劳保〔{first.year}〕2号"
    assert late.document_number == f"宁北工劳保〔{late.year}〕1号"
    assert notices.filter(reply_received__isnull=False).count() == 2
    overdue = notices.filter(reply_received__isnull=True, reply_due__lt=today)
    assert overdue.count() == 1
    assert AppointedInspector.objects.filter(valid_until__lt=today).count() == 1
    graded = Accident.objects.get(place="3 号楼脚手架")
    assert graded.grade == "general" and graded.direct_loss == 186500
    assert sorted(p.injury for p in graded.injured.all()) == ["minor", "serious"]
    # Call the loader again: nothing is added.
    call_command("load_demo_supervision", verbosity=0)
    assert Notice.objects.count() == 3


def test_the_demo_quarterly_return_sums_match(demo, client, django_user_model):
    from stations.models import Union
    from stations.services import memberships

    user = django_user_model.objects.create_user("demo-reader", password="pw-12345678")
    memberships.membership_grant(
        actor=None, user=user, union=Union.objects.get(code="QH-XN"), role="organizer"
    )
    today = local_time.today()
    quarter = (today.month - 1) // 3 + 1
    client.force_login(user)
    response = client.get(
        "/organizer/supervision/returns.xlsx", {"union": "QH-XN", "year": today.year,
                                                "quarter": quarter},
    )  # fmt: skip
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cases = list(book["情况表"].iter_rows(min_row=3, values_only=True))
    in_quarter = Accident.objects.filter(
        workplace__union__path__startswith="QH/QH-XN/", occurred_on__year=today.year,
        occurred_on__month__gte=3 * quarter - 2, occurred_on__month__lte=3 * quarter,
    )  # fmt: skip
    assert len(cases) == in_quarter.count() >= 1
    total = next(
        r
        for r in book["统计表"].iter_rows(min_row=4, values_only=True)
        if r[0] == "西宁市总工会" and r[1] == "合计"
    )
    assert total[3] == sum(c[10] for c in cases)  # deaths
    assert total[4] == sum(c[11] for c in cases)  # serious
    assert total[5] == sum(c[12] for c in cases)  # minor
    assert total[6] == sum(c[13] for c in cases)  # lost workdays
