"""Heat advice by 《防暑降温措施管理办法》第八条: the place's own three hottest hours from the
hourly forecast (not a fixed 12–15 时), and no overtime from 35 °C."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from welfare.weather import heat_rule, hottest_hours, parse_daily

DAY = dt.date(2027, 7, 14)
# Xining: solar noon near 13:15 Beijing time, the air warmest mid to late afternoon.
XINING_CURVE = [14, 13, 13, 12, 12, 12, 13, 15, 18, 21, 24, 27, 30, 32, 34, 35.5, 36.5, 37.2,
                36.4, 34, 30, 25, 20, 17]  # fmt: skip


def payload(temps):
    hours = [f"{DAY}T{h:02d}:00" for h in range(24)]
    return {
        "daily": {"time": [str(DAY)], "temperature_2m_max": [max(temps)],
                  "temperature_2m_min": [min(temps)], "wind_speed_10m_max": [10]},
        "hourly": {"time": hours, "temperature_2m": temps, "wind_speed_10m": [3] * 24},
    }  # fmt: skip


def test_the_three_hottest_hours_come_from_the_hourly_forecast():
    (day,) = parse_daily(payload(XINING_CURVE), days=1)
    assert day.hottest_start() == 16  # 16–19 时: 36.5 + 37.2 + 36.4
    assert day.hottest_start(2) == 16 and day.hottest_start(1) == 17
    rule = heat_rule(t_max=day.t_max, province="630000", hottest_start=day.hottest_start())
    assert rule.level == 2
    assert "当天气温最高的 3 小时（16 时至 19 时）内停止户外露天作业" in rule.advice
    assert "12 时" not in rule.advice and "16:00 to 19:00" in rule.advice_en


@pytest.mark.parametrize(
    ("temps", "start"),
    [({12: Decimal(30), 13: Decimal(31), 14: Decimal(31), 15: Decimal(30)}, 12),  # a tie: earliest
     ({12: Decimal(30), 13: Decimal(31), 15: Decimal(40)}, None),  # no three in a row
     ({}, None)],
)  # fmt: skip
def test_hottest_hours_edges(temps, start):
    assert hottest_hours(temps) == start


def test_without_hourly_values_the_rule_says_its_own_words():
    rule = heat_rule(t_max=Decimal("37.0"), province="630000")
    assert "当天气温最高的 3 小时内停止户外露天作业" in rule.advice


@pytest.mark.parametrize("t_max", ["35.0", "36.9"])
def test_35_to_37_bans_overtime(t_max):
    rule = heat_rule(t_max=Decimal(t_max), province="630000")
    assert rule.level == 1 and "不得安排户外露天作业劳动者加班" in rule.advice
    assert "no overtime" in rule.advice_en
