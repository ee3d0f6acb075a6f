"""Issue 15 in headless Chromium on a 360-px phone: an organizer records an inspection on
site with a finding and a photo, sees it on the inspection's page, marks it rectified,
and the dashboard panel on /organizer/ counts it."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image

from core import time as local_time
from stations.services.memberships import membership_grant
from supervision.models import Finding, FindingPhoto
from tests.browser.conftest import wait_for_service_worker, wait_until
from tests.factories import UserFactory
from tests.welfare.factories import WorkplaceFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(os.environ.get("SHOTS_DIR", "var/test-artifacts"))
PASSWORD = "org-pass-12345"


@pytest.fixture
def organizer(network):
    user = UserFactory(username="org-supervision", password=PASSWORD)
    membership_grant(actor=None, user=user, union=network.xining, role="organizer")
    return user


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_an_inspection_with_a_finding_on_a_phone(phone, network, organizer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    plant = WorkplaceFactory(name="西宁测试铝厂", union=network.chengzhong)
    photo = tmp_path / "hazard.jpg"
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(out, format="JPEG")
    photo.write_bytes(out.getvalue())

    page = phone.open(None)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "org-supervision")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    page.goto("/organizer/supervision/inspections/new/")
    no_sideways_scroll(page)

    page.select_option("select[name=workplace]", str(plant.pk))
    page.fill("input[name=inspectors]", "李明、张华")
    page.check("input[name=agencies][value=emergency]")
    # the finding's fields hide while "发现问题" is not ticked (static JS, no inline script)
    page.uncheck("input[name=has_finding]")
    assert page.is_hidden("#finding-fields")
    page.check("input[name=has_finding]")
    assert page.is_visible("#finding-fields")
    page.select_option("select[name=category]", "equipment")
    page.select_option("select[name=severity]", "major")
    page.fill("textarea[name=description]", "天车制动器磨损严重")
    page.fill("input[name=law_cited]", "《安全生产法》第三十六条")
    deadline = local_time.today() + dt.timedelta(days=10)
    page.fill("input[name=deadline]", deadline.isoformat())
    page.fill("input[name=responsible_person]", "设备部赵刚")
    page.set_input_files("input[name=photos]", str(photo))
    shot(page, "supervision-inspection-form-360")
    page.click("#inspection-form button[type=submit]")
    page.wait_for_load_state()
    errors = page.locator("#inspection-form .error").all_inner_texts()
    assert re.search(r"/inspections/\d+/$", page.url), errors

    finding = Finding.objects.get()
    assert (finding.severity, finding.status, finding.workplace) == ("major", "open", plant)
    assert FindingPhoto.objects.filter(finding=finding, kind="finding").count() == 1
    assert "天车制动器磨损严重" in page.inner_text("#findings")
    no_sideways_scroll(page)
    shot(page, "supervision-inspection-page-360")

    form = page.locator(f"#finding-{finding.pk} form.step-form")
    form.locator("select[name=step]").select_option("rectify")
    form.locator("textarea[name=text]").fill("更换制动器并检验合格")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.inner_text(f"#finding-{finding.pk} .finding-status") == "已整改待验证"
    finding.refresh_from_db()
    assert finding.status == "rectified"

    page.goto("/organizer/")
    panel = page.locator("#supervision")
    assert "今年监督检查 1 次" in panel.inner_text()
    no_sideways_scroll(page)
    panel.screenshot(path=str(ARTIFACTS / "supervision-panel-360.png"))
    phone.assert_no_errors()


def test_an_inspection_recorded_offline_is_sent_when_the_signal_returns(
    phone, network, organizer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    plant = WorkplaceFactory(name="西宁测试矿山", union=network.chengzhong)
    page = phone.open(None)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "org-supervision")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    page.goto("/organizer/supervision/inspections/new/")
    wait_for_service_worker(page)  # going offline sooner cuts its download
    page.context.set_offline(True)

    page.select_option("select[name=workplace]", str(plant.pk))
    page.fill("input[name=inspectors]", "马军")
    page.select_option("select[name=category]", "fire")
    page.fill("textarea[name=description]", "井口消防器材过期")
    page.fill("input[name=deadline]", (local_time.today() + dt.timedelta(days=3)).isoformat())
    page.fill("input[name=responsible_person]", "安全科")
    page.click("#inspection-form button[type=submit]")
    page.wait_for_selector("#queue-status:not([hidden])")
    assert "1 次检查保存在手机上" in page.inner_text("#queue-status")
    assert not Finding.objects.exists()
    assert page.input_value("input[name=inspectors]") == ""  # ready for the next one
    shot(page, "supervision-inspection-queued-360")

    page.context.set_offline(False)
    wait_until(page, "document.getElementById('queue-status').textContent.indexOf('已上传') >= 0")
    finding = Finding.objects.get()
    assert (finding.description, finding.workplace) == ("井口消防器材过期", plant)
    assert finding.inspection.client_uuid is not None
    queue = page.evaluate(f"localStorage.getItem('yizhan.inspections.queue.{organizer.pk}')")
    assert queue == "[]"
    phone.assert_no_errors()


def test_the_notice_register_and_the_returns_on_a_phone(phone, network, organizer):
    """Issue 26: the register shows each notice's number and dates with the overdue reply
    flagged; the quarterly return and the accident form (one step at a time) fit 360 px."""
    from supervision.models import NoticeSeries
    from supervision.services import accidents, inspections, notice_register

    today = local_time.today()
    days = dt.timedelta
    NoticeSeries.objects.create(union=network.xining, prefix="宁工劳保")
    plant = WorkplaceFactory(name="西宁测试铝厂", union=network.chengzhong)
    inspection = inspections.inspection_record(
        actor=None, workplace=plant, inspected_on=today - days(20), inspectors="李明",
        union=network.xining,
    )  # fmt: skip
    answered = notice_register.notice_issue(
        actor=None, inspection=inspection, kind="opinion", issued_on=today - days(19),
        reply_due=today - days(5),
    )  # fmt: skip
    notice_register.notice_serve(actor=None, notice=answered, served_on=today - days(18))
    notice_register.notice_reply_record(
        actor=None, notice=answered, received_on=today - days(6), note="已书面答复"
    )
    late = notice_register.notice_issue(
        actor=None, inspection=inspection, kind="rectification", issued_on=today - days(19),
        reply_due=today - days(2),
    )  # fmt: skip
    notice_register.notice_serve(actor=None, notice=late, served_on=today - days(18))
    accidents.accident_register(
        actor=None, workplace=plant, occurred_on=today - days(3), place="电解车间",
        category="scald", serious=1, direct_loss="125000",
        injured=[accidents.InjuredInput("甲", lost_workdays=120)],
    )  # fmt: skip

    page = phone.open(None)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "org-supervision")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"/organizer/supervision/notices/?year={today.year}")
    no_sideways_scroll(page)
    assert page.is_visible(f"#notice-{late.pk} .badge.late")
    assert page.is_hidden(f"#notice-{answered.pk} .badge.late")
    assert "宁工劳保〔" in page.inner_text("#notices")
    shot(page, "supervision-notice-register-360")

    quarter = (today.month - 1) // 3 + 1
    page.goto(f"/organizer/supervision/returns/?year={today.year}&quarter={quarter}")
    no_sideways_scroll(page)
    first_row = page.inner_text("#return-table tbody tr:first-child")
    assert "西宁市总工会" in first_row and "12.50" in first_row
    shot(page, "supervision-returns-360")

    page.goto("/organizer/supervision/accidents/")
    no_sideways_scroll(page)
    assert page.is_visible("fieldset.form-step[data-step='1']")
    assert page.is_hidden("fieldset.form-step[data-step='2']")
    assert page.is_hidden("#accident-form button[type=submit]")
    page.select_option("select[name=workplace]", str(plant.pk))
    page.fill("input[name=occurred_on]", today.isoformat())
    page.fill("input[name=place]", "铸造车间")
    page.click(".step-nav [data-go='1']")
    assert page.is_visible("fieldset.form-step[data-step='2']")
    assert page.is_hidden("fieldset.form-step[data-step='1']")
    shot(page, "supervision-accident-form-step-360")
