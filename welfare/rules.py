"""Rules that differ by province, as data (``ProvinceRule``), read through one selector.

Each key has a default here (Qinghai's values, each with its source; the migration
``0007_province_rules`` seeds the same rows) and a validator that the admin's write path
(``welfare.services.rules.province_rule_save``) runs before it stores a value.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from stations.models import Region
from welfare.exceptions import WelfareError
from welfare.models import ProvinceRule

Key = ProvinceRule.Key
MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")

#: The defaults: Qinghai's rules, with their sources. ``region_code`` "" unless stated.
DEFAULTS: list[dict[str, Any]] = [
    {"key": Key.STATION_CHECKLIST, "region_code": "",
     "value": [{"code": "shelter", "label": "有场所（遮阳避雨、防寒保暖的休息场所）"},
               {"code": "seats", "label": "有桌椅"},
               {"code": "water", "label": "有饮用水"},
               {"code": "heating", "label": "有冷暖设备"},
               {"code": "toilet", "label": "有卫生间或就近如厕"},
               {"code": "first_aid", "label": "有应急药箱"}],
     "source": "青海省总工会《关于加强户外劳动者服务站点建设的实施意见》(2021) 四(六)：“六有”标准"},
    {"key": Key.HOT_HOURS, "region_code": "",
     "value": {"method": "hourly_forecast", "spell_hours": 3},
     "source": "《防暑降温措施管理办法》(2012) 第八条（二）：气温最高时段 3 小时内停止露天作业"},
    {"key": Key.SEASON_HOT, "region_code": "",
     "value": {"start": "06-01", "end": "09-30"},
     "source": "GBZ 188-2014 §7.3（每年高温季节到来之前）；季节起止为本省设定"},
    {"key": Key.SEASON_COLD, "region_code": "",
     "value": {"start": "11-01", "end": "03-31"},
     "source": "本地规则：寒冷季节（北方城镇法定供暖期 11 月 1 日至次年 3 月 31 日）"},
    {"key": Key.SEASON_COLD, "region_code": "630100",
     "value": {"start": "10-15", "end": "04-15"},
     "source": "西宁市城镇供热采暖期：每年 10 月 15 日至次年 4 月 15 日"},
    {"key": Key.REWARD_AMOUNTS, "region_code": "",
     "value": {"general": 200, "major": 1000},
     "source": "占位值：待青海省总工会按举报奖励办法确定"},
    {"key": Key.REPORT_CONTACTS, "region_code": "",
     "value": {"phone": "12351", "email": ""},
     "source": "全国总工会职工服务热线 12351"},
]  # fmt: skip


def _check_season(value: Any) -> None:
    if not isinstance(value, dict) or set(value) != {"start", "end"}:
        raise WelfareError(_("季节应为 {\"start\": \"MM-DD\", \"end\": \"MM-DD\"}。"),
                           field="value")  # fmt: skip
    for part in ("start", "end"):
        if not isinstance(value[part], str) or not MONTH_DAY.match(value[part]):
            raise WelfareError(_("日期应写作 MM-DD，如 10-15。"), field="value")


def _check_checklist(value: Any) -> None:
    ok = (
        isinstance(value, list)
        and 1 <= len(value) <= 12
        and all(
            isinstance(item, dict) and set(item) == {"code", "label"}
            and all(isinstance(item[k], str) and item[k].strip() for k in ("code", "label"))
            for item in value
        )
    )  # fmt: skip
    if not ok:
        raise WelfareError(_("建设标准应为 1–12 项，每项有 code 和 label。"), field="value")
    codes = [item["code"] for item in value]
    if len(set(codes)) != len(codes):
        raise WelfareError(_("建设标准的 code 不能重复。"), field="value")


def _check_hot_hours(value: Any) -> None:
    if (
        not isinstance(value, dict)
        or value.get("method") != "hourly_forecast"
        or not isinstance(value.get("spell_hours"), int)
        or not 1 <= value["spell_hours"] <= 6
    ):
        raise WelfareError(
            _('高温时段应为 {"method": "hourly_forecast", "spell_hours": 1–6}。'),
            field="value",
        )


def _check_rewards(value: Any) -> None:
    if not isinstance(value, dict) or set(value) != {"general", "major"} or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 1_000_000
        for v in value.values()
    ):  # fmt: skip
        raise WelfareError(_('奖励金额应为 {"general": 元, "major": 元}。'), field="value")


def _check_contacts(value: Any) -> None:
    if not isinstance(value, dict) or set(value) != {"phone", "email"} or not all(
        isinstance(v, str) and len(v) <= 100 for v in value.values()
    ):  # fmt: skip
        raise WelfareError(_("联系方式应为 {\"phone\": \"…\", \"email\": \"…\"}。"),
                           field="value")  # fmt: skip


VALIDATORS = {
    Key.STATION_CHECKLIST: _check_checklist,
    Key.HOT_HOURS: _check_hot_hours,
    Key.SEASON_HOT: _check_season,
    Key.SEASON_COLD: _check_season,
    Key.REWARD_AMOUNTS: _check_rewards,
    Key.REPORT_CONTACTS: _check_contacts,
}


def validate(*, key: str, value: Any) -> None:
    if key not in VALIDATORS:
        raise WelfareError(_("未知的规则：%(k)s。") % {"k": key}, field="key")
    VALIDATORS[key](value)


def region_codes(region: Region | None) -> list[str]:
    """``region``'s code and those above it, the most specific first, then "" (default)."""
    codes = []
    walk = region
    while walk is not None:
        codes.append(walk.code)
        walk = walk.parent
    return [*codes, ""]


def rule_value(*, key: str, region: Region | None = None) -> Any:
    """The rule ``key`` for ``region``: its own, else its city's or province's, else the
    default row, else the built-in default (``DEFAULTS``, which also holds a few regions'
    own values for a database whose rows were not seeded)."""
    codes = region_codes(region)
    rows = {
        code or "": value
        for code, value in ProvinceRule.objects.filter(key=key)
        .filter(Q(region__code__in=codes[:-1]) | Q(region__isnull=True))
        .values_list("region__code", "value")
    }
    for code in codes:
        if code in rows:
            return rows[code]
        built_in = next(
            (d["value"] for d in DEFAULTS if d["key"] == key and d["region_code"] == code), None
        )
        if built_in is not None and code:
            return built_in
    return next(d["value"] for d in DEFAULTS if d["key"] == key and d["region_code"] == "")


def seasons(*, region: Region | None) -> dict[str, tuple[str, str]]:
    """The hot and cold seasons of ``region`` as (MM-DD, MM-DD)."""
    hot = rule_value(key=Key.SEASON_HOT, region=region)
    cold = rule_value(key=Key.SEASON_COLD, region=region)
    return {"hot": (hot["start"], hot["end"]), "cold": (cold["start"], cold["end"])}


def default_seasons() -> dict[str, tuple[str, str]]:
    """The seasons of ``DEFAULTS`` (no database)."""

    def of(key: str) -> tuple[str, str]:
        value = next(d["value"] for d in DEFAULTS if d["key"] == key and d["region_code"] == "")
        return value["start"], value["end"]

    return {"hot": of(Key.SEASON_HOT), "cold": of(Key.SEASON_COLD)}


def station_checklist(*, region: Region | None) -> list[dict[str, str]]:
    """The station standard's items for ``region`` (六有, or a city's 八有)."""
    return list(rule_value(key=Key.STATION_CHECKLIST, region=region))


def hot_spell_hours(*, region: Region | None) -> int:
    return int(rule_value(key=Key.HOT_HOURS, region=region)["spell_hours"])
