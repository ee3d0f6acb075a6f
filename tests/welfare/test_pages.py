"""The welfare HTML pages use forms: field errors next to the field, the organizer check
from the scope, and the hot-day threshold from the weather rules, not from the view."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.welfare.conftest import XINING_POINT
from tests.welfare.factories import HazardReportFactory
from welfare import rules_tables, services
from welfare.models import HazardReport
from welfare.weather import DayForecast

pytestmark = [pytest.mark.django_db]


def test_hazard_form_shows_the_error_at_its_field(counties, client):
    page = client.get("/hazards/report/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page and 'id="lat"' in page

    bad_category = client.post("/hazards/report/", {**XINING_POINT, "category": "ufo",
                                                    "description": "电线裸露"})  # fmt: skip
    assert bad_category.status_code == 400
    assert bad_category.context["form"].errors.keys() == {"category"}
    assert "电线裸露" in bad_category.content.decode()  # what was typed is kept

    nowhere = client.post("/hazards/report/", {"category": "fire", "description": "灭火器过期"})
    assert nowhere.status_code == 400
    assert "请在地图上选择位置或填写地址" in str(nowhere.context["form"].errors["address"])

    off_map = client.post("/hazards/report/", {"lat": "91", "lng": "101", "category": "fire",
                                               "description": "灭火器过期"})  # fmt: skip
    assert off_map.status_code == 400 and "lat" in off_map.context["form"].errors
    assert not HazardReport.objects.exists()

    # Only an address: the worker picks the region, and the report goes to its union (not
    # to the province union).
    no_region = client.post("/hazards/report/", {"address": "城中区某工地", "category": "fire",
                                                 "description": "灭火器过期"})  # fmt: skip
    assert no_region.status_code == 400 and "region" in no_region.context["form"].errors
    by_address = client.post("/hazards/report/", {"address": "城中区某工地", "category": "fire",
                                                  "description": "灭火器过期",
                                                  "region": "632801"})  # fmt: skip
    assert by_address.status_code == 302
    report = HazardReport.objects.get()
    assert report.address == "城中区某工地" and report.union.code == "QH-HX-GEM"


def test_status_page_form(counties, client):
    report = HazardReportFactory(**XINING_POINT)
    assert client.get("/hazards/status/").status_code == 200
    found = client.get("/hazards/status/", {"code": report.tracking_code.lower()})
    assert found.status_code == 200 and "已受理" in found.content.decode()
    missing = client.get("/hazards/status/", {"code": "NOPE000000"})
    assert missing.status_code == 404
    assert "没有这个查询码" in str(missing.context["form"].errors["code"])
    assert client.get("/hazards/status/", {"code": ""}).status_code == 400


def test_api_refuses_a_body_that_is_not_an_object(counties):
    response = APIClient().post("/api/v1/hazard-reports/", ["x"], format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] is None and "期待为字典类型" in error["message"]
    assert not HazardReport.objects.exists()


@pytest.mark.parametrize(
    ("url", "shown"),
    [("/organizer/workplaces/", "<title>特殊环境作业场所 · 驿站</title>"),
     ("/organizer/hot-days.csv", "区划代码,区划,35°C 以上天数,日期")],
)  # fmt: skip
def test_organizer_pages_need_an_organizer(
    client, network, staff_xining, organizer_xining, url, shown
):
    client.force_login(staff_xining)
    refused = client.get(url)
    assert refused.status_code == 403
    assert "403 Forbidden" in refused.content.decode() and shown not in refused.content.decode()
    client.force_login(organizer_xining)
    page = client.get(url)
    assert page.status_code == 200
    assert shown in page.content.decode("utf-8-sig")


def test_hot_days_follow_the_heat_rules(client, network, organizer_xining, settings):
    xining = network.xining.region
    services.weather_apply(region=xining, fetched_at=timezone.now(), days=[
        DayForecast(dt.date(2027, 7, 14), Decimal("35.0"), Decimal("20")),
        DayForecast(dt.date(2027, 7, 15), Decimal("36.5"), Decimal("20")),
    ])  # fmt: skip
    client.force_login(organizer_xining)
    text = client.get("/organizer/hot-days.csv", {"year": 2027}).content.decode("utf-8-sig")
    assert "35°C" in text and ",2,2027-07-14 2027-07-15" in text
    rules = dict(rules_tables.WEATHER_RULES)
    rules["heat"] = [{**rule, "at_or_above": rule["at_or_above"] + 1} for rule in rules["heat"]]
    settings.WEATHER_RULES = rules
    text = client.get("/organizer/hot-days.csv", {"year": 2027}).content.decode("utf-8-sig")
    assert "36°C" in text and ",1,2027-07-15" in text
    bad = client.get("/organizer/hot-days.csv", {"year": "next"})
    assert bad.status_code == 400 and "year" in bad.content.decode()
    page = client.get("/organizer/workplaces/").content.decode()
    assert "36°C" in page
