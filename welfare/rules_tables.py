"""The national tables the welfare rules apply, each with its source. The code that
applies them reads them through :func:`table`.

A deployment may still replace a whole table with a setting of the same name (for example
``WBGT_LIMITS`` in its settings module): that setting, when set, wins over the table here.
A province's own lists go in the setting ``WEATHER_RULE_OVERRIDES`` (``welfare.cold``);
season dates, reward amounts and the like are province rules, data in the admin
(``welfare.rules``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

# WBGT limits (°C) by exposure-time percentage and work intensity (GBZ 2.2-2007 table).
WBGT_LIMITS: dict[int, dict[str, float]] = {
    100: {"light": 30, "moderate": 28, "heavy": 26, "very_heavy": 25},
    75: {"light": 31, "moderate": 29, "heavy": 28, "very_heavy": 26},
    50: {"light": 32, "moderate": 30, "heavy": 29, "very_heavy": 28},
    25: {"light": 33, "moderate": 32, "heavy": 31, "very_heavy": 30},
}

# GB/T 14440-1993 (术语：低温作业): work at a site's mean air temperature at or below this
# (°C) is cold work.
COLD_WORK_MAX_MEAN = 5

# National defaults. Heat: 《防暑降温措施管理办法》(2012, 安监总安健〔2012〕89号) 第八条:
# (一) 40 °C and above: stop outdoor work for the day; (二) 37–40 °C: at most 6 hours
# outdoors in all and none in the 3 hottest hours of the day ({hot_hours}: from the hourly
# forecast of the place, welfare.weather.hottest_hours); (三) 35–37 °C: shift rotation,
# shorter spells, and no overtime for outdoor workers.
WEATHER_RULES: dict[str, list[dict[str, Any]]] = {
    "heat": [
        {"at_or_above": 35, "level": 1, "advice": "日最高气温达到 35°C：采取换班轮休，缩短连续作业时间，不得安排户外露天作业劳动者加班。",
         "advice_en": "35 °C or more: rotate shifts, shorten spells of work, and no overtime for outdoor workers."},
        {"at_or_above": 37, "level": 2, "advice": "日最高气温达到 37°C：户外露天作业全天累计不超过 6 小时，{hot_hours}内停止户外露天作业。",
         "advice_en": "37 °C or more: at most 6 hours outdoors in all, and no outdoor work in {hot_hours}."},
        {"at_or_above": 40, "level": 3, "advice": "日最高气温达到 40°C：当日停止户外露天作业。",
         "advice_en": "40 °C or more: stop outdoor work for the day."},
    ],
    # 寒潮预警信号 (cold-wave warning signal): 中国气象局令第16号《气象灾害预警信号发布与
    # 传播办法》附件 (2007), 寒潮蓝/黄/橙/红色预警信号 standards. A colour is raised when the
    # day's minimum falls by at least ``fall_at_least`` °C within ``within_hours`` (24 or
    # 48), the minimum reached is at most ``min_at_or_below`` °C and the mean wind reaches
    # ``wind_at_least_ms`` (Beaufort 5 = 8.0 m/s, 6 = 10.8 m/s; None: not required).
    # The advice follows each signal's 防御指南, for outdoor workers and their stations.
    "cold_wave": [
        {"level": 1, "colour": "blue", "within_hours": 48, "fall_at_least": 8, "min_at_or_below": 4, "wind_at_least_ms": 8.0,
         "advice": "做好防寒保暖，户外作业配足手套、棉衣；驿站开放取暖、供应热水。",
         "advice_en": "Dress warmly, hand out gloves and padded coats; stations open heating and serve hot water."},
        {"level": 2, "colour": "yellow", "within_hours": 24, "fall_at_least": 10, "min_at_or_below": 4, "wind_at_least_ms": 10.8,
         "advice": "缩短连续户外作业时间，安排进站暖休；驿站延长开放、供应热水热饭。",
         "advice_en": "Shorten spells outdoors and take warm-up breaks indoors; stations stay open longer with hot water and meals."},
        {"level": 3, "colour": "orange", "within_hours": 24, "fall_at_least": 12, "min_at_or_below": 0, "wind_at_least_ms": 10.8,
         "advice": "减少户外作业，停止室外高处作业；每小时进站暖休，驿站全天开放取暖。",
         "advice_en": "Cut outdoor work, stop work at height outdoors; warm up indoors every hour; stations keep heating on all day."},
        {"level": 4, "colour": "red", "within_hours": 24, "fall_at_least": 16, "min_at_or_below": 0, "wind_at_least_ms": 10.8,
         "advice": "停止非必要户外作业；确需作业的轮换上岗、配足防寒用品，驿站全天开放。",
         "advice_en": "Stop outdoor work that can wait; those who must work rotate, fully equipped; stations stay open around the clock."},
    ],
    # Wind chill (风寒指数) risk bands for exposed skin: Environment and Climate Change
    # Canada, "Wind chill: hazards and what to do" (bands on the index rounded to a whole
    # degree; frostbite times as published). Index by the JAG/TI formula (welfare.cold).
    "wind_chill": [
        {"level": 1, "at_or_below": -10, "risk": "moderate",
         "advice": "分层穿衣，戴帽子、手套和围巾，保持活动。",
         "advice_en": "Dress in layers with a hat, mittens or gloves and a scarf; keep active."},
        {"level": 2, "at_or_below": -28, "risk": "high",
         "advice": "裸露皮肤 10–30 分钟可能冻伤；遮住全部皮肤，戴护脸、护颈和防风手套。",
         "advice_en": "Exposed skin can freeze in 10–30 minutes; cover all skin, wear a face mask, neck tube and windproof mittens."},
        {"level": 3, "at_or_below": -40, "risk": "very_high",
         "advice": "裸露皮肤 5–10 分钟可能冻伤；穿防风外层，两人结伴，经常检查面部和手脚。",
         "advice_en": "Exposed skin can freeze in 5–10 minutes; wear a windproof outer layer, work in pairs, check face and extremities often."},
        {"level": 4, "at_or_below": -48, "risk": "severe",
         "advice": "裸露皮肤 2–5 分钟可能冻伤；尽量留在室内，确需外出的全副防寒。",
         "advice_en": "Exposed skin can freeze in 2–5 minutes; stay indoors where you can, go out only fully covered."},
        {"level": 5, "at_or_below": -55, "risk": "extreme",
         "advice": "裸露皮肤 2 分钟内可能冻伤；停止户外作业，留在室内。",
         "advice_en": "Exposed skin can freeze in under 2 minutes; stop outdoor work and stay indoors."},
    ],
}  # fmt: skip

# Work/warm-up schedule for a four-hour shift: ACGIH TLV for cold stress (after the
# Saskatchewan Labour schedule). Rows by air temperature (at or below, °C) give a step
# offset; columns by wind speed (at least, km/h: none, 8, 16, 24, 32) add one step each.
# Steps: normal breaks, normal breaks, then the longest spell outdoors before a 10-minute
# warm-up break (75, 55, 40, 30 min), then None = stop non-emergency work. Light work
# with little movement (riding an e-bike) takes the schedule one step further.
WARMUP_SCHEDULE: dict[str, Any] = {
    "rows": [(-26, 0), (-29, 1), (-32, 2), (-35, 3), (-38, 4), (-40, 5), (-43, 6)],
    "wind_columns_kmh": [8, 16, 24, 32],
    "steps": ["normal", "normal", 75, 55, 40, 30, None],
    "light_work_extra_steps": 1,
    "break_minutes": 10,
}

# GB/T 14440-1993《低温作业分级》table 1: grade I–IV by the site's mean air temperature
# (作业地点平均气温; columns ≤5～0, <0～−5, <−5～−10, <−10～−15, <−15～−20, <−20 °C: each
# boundary belongs to the warmer column, so a column starts *below* each value of "below")
# and the cold-work time rate (rows: at most 25, 50, 75, 100 % of an 8-hour day). Cold work
# starts at COLD_WORK_MAX_MEAN.
COLD_WORK_GRADES: dict[str, Any] = {
    "below": [0, -5, -10, -15, -20],
    "exposure_up_to": [25, 50, 75, 100],
    "grades": [[1, 1, 1, 2, 2, 3], [1, 1, 2, 2, 3, 3], [1, 2, 2, 3, 3, 4], [2, 2, 3, 3, 4, 4]],
}


def table(name: str) -> Any:
    """The table ``name``: the deployment's setting of that name when it sets one, else
    the national table of this module."""
    return getattr(settings, name, _TABLES[name])


_TABLES: dict[str, Any] = {
    "WBGT_LIMITS": WBGT_LIMITS,
    "COLD_WORK_MAX_MEAN": COLD_WORK_MAX_MEAN,
    "WEATHER_RULES": WEATHER_RULES,
    "WARMUP_SCHEDULE": WARMUP_SCHEDULE,
    "COLD_WORK_GRADES": COLD_WORK_GRADES,
}
