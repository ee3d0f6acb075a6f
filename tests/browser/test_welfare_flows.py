"""Issue 10 in headless Chromium on a 360-px phone: an organizer registers a worker,
imports a roster of 50, records a check with a 复查 result and sees the follow-up due on
/organizer/; a worker reports a hazard from the map's link, the organizer marks it
unfounded, the tracking page says so, and no reward is created."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from openpyxl import Workbook

from core import time as local_time
from stations.models import Region
from stations.services.memberships import membership_grant
from tests.browser.conftest import wait_until
from tests.factories import UserFactory
from tests.welfare.factories import WorkplaceFactory
from welfare.models import HazardReport, HazardReward, HealthFollowUp, Worker

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path("var/test-artifacts")
PASSWORD = "org-pass-12345"

#: Each flow runs on a phone set to Chinese and on one set to English (the browser's
#: Accept-Language picks the language); these are the words each must show.
WORDS = {
    "zh-CN": {
        "html": "zh-hans", "preview": "新登记 50 人", "due": "待跟进 1 项",
        "checking": "正在核查", "unfounded": "不属实",
    },
    "en-US": {
        "html": "en", "preview": "New: 50", "due": "1 follow-up due",
        "checking": "checking it", "unfounded": "nfounded",
    },
}  # fmt: skip


@pytest.fixture(params=list(WORDS), ids=["zh-Hans", "en"])
def lang(request):
    return request.param


@pytest.fixture
def organizer(network):
    user = UserFactory(username="org-browser", password=PASSWORD)
    membership_grant(actor=None, user=user, union=network.xining, role="organizer")
    return user


def login(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def roster_file(tmp_path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证后四位", "手机号", "岗位", "接触危害因素"])
    for i in range(50):
        sheet.append([f"名册工人{i:02d}", f"{i:04d}", f"1390000{i:04d}", "环卫", "高温、粉尘"])
    path = tmp_path / "roster.xlsx"
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


def test_organizer_registers_imports_records_and_sees_the_follow_up(
    phone, network, organizer, tmp_path, lang
):
    words = WORDS[lang]
    workplace = WorkplaceFactory(name="西宁测试钢厂", union=network.xining,
                                 hazards={"high_temperature": 60})  # fmt: skip
    page = phone.open(None, locale=lang)
    login(page, "org-browser")
    suffix = "" if lang == "zh-CN" else "-en"

    # One worker by the form.
    page.goto("/organizer/workers/")
    assert page.get_attribute("html", "lang").lower() == words["html"]
    page.goto("/organizer/workers/")
    page.click("#worker-new")
    page.select_option("select[name=workplace]", str(workplace.pk))
    page.fill("input[name=name]", "韩师傅")
    page.fill("input[name=id_last4]", "102X")
    page.fill("input[name=phone]", "137 0000 0001")
    page.fill("input[name=job]", "炉前工")
    page.check("input[name=hazards][value=high_temperature]")
    page.check("input[name=consent]")
    no_sideways_scroll(page)
    shot(page, "welfare-worker-form" + suffix)
    page.click("#worker-form button[type=submit]")
    page.wait_for_selector("#check-form")
    worker = Worker.objects.get(name="韩师傅")
    assert worker.id_last4 == "102X" and worker.phone_key and worker.workplace == workplace

    # A roster of 50: preview, then confirm.
    page.goto(f"/organizer/workers/import/?workplace={workplace.pk}")
    page.set_input_files("input[name=file]", str(roster_file(tmp_path)))
    page.click("#roster-upload button[type=submit]")
    page.wait_for_selector("#preview-summary")
    assert words["preview"] in page.text_content("#preview-summary")
    assert Worker.objects.count() == 1  # nothing written by the preview
    no_sideways_scroll(page)
    shot(page, "welfare-roster-preview" + suffix)
    page.select_option("#roster-apply select[name=category]", "sanitation")
    page.check("#roster-apply input[name=consent]")
    page.click("#roster-apply button[type=submit]")
    page.wait_for_selector("#worker-count")
    assert Worker.objects.filter(workplace=workplace).count() == 51

    # A check with a 复查 result on the worker's page.
    page.goto(f"/organizer/workers/{worker.pk}/")
    checked = local_time.today() - dt.timedelta(days=2)
    page.select_option("#check-form select[name=kind]", "periodic")
    page.fill("#check-form input[name=checked_on]", checked.isoformat())
    page.select_option("#check-form select[name=result]", "review")
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("#worker-follow-ups")
    follow_up = HealthFollowUp.objects.get(worker=worker)
    assert follow_up.due_on == checked + dt.timedelta(days=30)
    shot(page, "welfare-worker-page" + suffix)

    # The overview shows the follow-up due, by workplace.
    page.goto("/organizer/")
    panel = page.locator("#checks-due")
    panel.wait_for()
    assert "西宁测试钢厂" in panel.text_content()
    assert words["due"] in panel.text_content()
    assert follow_up.due_on.isoformat() in page.text_content("#follow-ups")
    panel.scroll_into_view_if_needed()
    no_sideways_scroll(page)
    shot(page, "welfare-organizer-panel" + suffix)
    phone.assert_no_errors()


def test_hazard_report_from_the_map_to_its_outcome(phone, network, organizer, lang):
    words = WORDS[lang]
    suffix = "" if lang == "zh-CN" else "-en"
    Region.objects.filter(code="630103").update(reference_point=Point(101.78, 36.62, srid=4326))
    page = phone.open("/", geolocation={"latitude": 36.63, "longitude": 101.77},
                      permissions=["geolocation"], locale=lang)  # fmt: skip
    assert page.get_attribute("html", "lang").lower() == words["html"]
    page.click("#report-hazard")
    page.wait_for_url("**/hazards/report/")
    box = page.locator("#pick-map").bounding_box()
    assert box is not None and box["height"] >= 200 and box["width"] >= 300
    assert "12351" in page.text_content("#report-contacts")
    page.click("#use-location")
    wait_until(page, "document.getElementById('lat').value !== ''")
    page.select_option("select[name=category]", "height")
    page.fill("textarea[name=description]", "脚手架没有护栏")
    no_sideways_scroll(page)
    shot(page, "welfare-hazard-form" + suffix)
    page.click("#hazard-form button[type=submit]")
    page.wait_for_selector("#hazard-outcome")
    report = HazardReport.objects.get()
    assert report.union.code == "QH-XN-CZ" and abs(report.location.y - 36.63) < 1e-4
    status_url = page.url
    assert words["checking"] in page.text_content("#hazard-outcome")

    organizer_page = phone.open(None, locale=lang)
    login(organizer_page, "org-browser")
    organizer_page.goto(f"/organizer/hazards/{report.pk}/")
    organizer_page.select_option("#hazard-action select[name=status]", "unfounded")
    organizer_page.fill("#hazard-action textarea[name=note]", "现场核查护栏完好")
    shot(organizer_page, "welfare-hazard-handle" + suffix)
    organizer_page.click("#hazard-action button[type=submit]")
    organizer_page.wait_for_selector("#report-status")
    assert words["unfounded"] in organizer_page.text_content("#report-status")

    page.goto(status_url)
    outcome = page.text_content("#hazard-outcome")
    assert words["unfounded"] in outcome and "现场核查护栏完好" in outcome
    # No raw status codes: each step is named in words of the page's language.
    steps = page.locator("#hazard-steps li").all_text_contents()
    codes = {value for value, _ in HazardReport.Status.choices}
    assert steps and not any(step.split(" · ")[0].strip() in codes for step in steps), steps
    if lang == "zh-CN":
        assert "unfounded" not in page.content() and "received" not in page.text_content("main")
    shot(page, "welfare-hazard-status" + suffix)
    assert not HazardReward.objects.exists()
    phone.assert_no_errors()
