"""Opening hours as union clerks write them, to and from the periods model.

``parse_hours_text`` reads "24小时", "8:00-20:00", "08：00—20：00",
"周一至周五 9:00-17:00，周六日 10:00-16:00", "夏季 7:00-21:00", "8:00-12:00 14:00-18:00",
"20:00-次日2:00" … into ``(is_24h, periods)``; ``format_hours_text`` writes periods back
in the same language, so that an exported file imports unchanged.

Reading is a left-to-right walk over tokens: a season (夏季, 冬季, "6月1日至9月30日")
starts a new block; days (周一至周五, 周六日, 工作日, 周末) say which weekdays the time
spans after them cover (every day when none is named); a span adds a period to each of
those days. Anything left over that is not a separator is refused, quoting the text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from itertools import groupby

from django.utils.translation import gettext as _

from core.tabular import fold
from stations.hours import Period, PeriodLike

#: The seasons a clerk names, as the month-day spans the periods model keeps.
SEASONS: dict[str, tuple[str, str]] = {
    "春季": ("03-01", "05-31"),
    "夏季": ("06-01", "08-31"),
    "秋季": ("09-01", "11-30"),
    "冬季": ("11-15", "03-15"),  # the heating season, across the new year
}
SEASON_WORDS = {"春": "春季", "夏": "夏季", "秋": "秋季", "冬": "冬季"}
DAY_CHARS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, "七": 7}
ALL_DAYS = (1, 2, 3, 4, 5, 6, 7)
DAY_LABELS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "日"}
#: A day-long span on named days only (the model keeps no 24:00).
END_OF_DAY = dt.time(23, 59, 59)

_DASH = r"(?:-|~|—|–|至|到|－|―)+"
_PREFIX = r"(?:周|星期|礼拜)"
_DAY = r"[一二三四五六日天七]"
TOKEN = re.compile(
    rf"""
    (?P<season>[春夏秋冬](?:季|天|令时?)(?:时间)?)
  | (?P<dates>(?P<m1>\d{{1,2}})月(?P<d1>\d{{1,2}})日?\s*{_DASH}
        \s*(?P<m2>\d{{1,2}})月(?P<d2>\d{{1,2}})日?)
  | (?P<other>其[他它余](?:时间|季节|月份)?|平时)
  | (?P<h24>24\s*(?:小时|h|H)(?:营业|开放)?|全天(?:候)?(?:开放|营业)?)
  | (?P<days>{_PREFIX}{_DAY}(?:\s*(?:{_DASH}|、|,|和|及)?\s*{_PREFIX}?{_DAY})*)
  | (?P<workdays>工作日)
  | (?P<weekend>周末|双休日)
  | (?P<everyday>每天|每日|天天|全年|全周|每周)
  | (?P<span>(?P<h1>\d{{1,2}})(?::(?P<n1>\d{{2}})|[点时](?P<half1>半)?)?\s*{_DASH}\s*
        (?P<next>次日|翌日|第二天)?\s*(?P<h2>\d{{1,2}})(?::(?P<n2>\d{{2}})|[点时](?P<half2>半)?)?)
  | (?P<closed>休息|闭站|不开放|关闭|闭馆|停止开放)
  | (?P<sep>[\s,;、/|.。:()\[\]]+|开放|营业|对外|时间|时段|为|均|都|是|其中)
    """,
    re.VERBOSE,
)


class HoursParseError(ValueError):
    """The text is not hours we can read; ``str()`` is a message that quotes it."""


def _time(hour: str, minute: str | None, half: str | None, *, text: str) -> dt.time | None:
    h, m = int(hour), int(minute) if minute else (30 if half else 0)
    if h == 24 and m == 0:
        return None  # midnight at the end of the day
    if not (0 <= h < 24 and 0 <= m < 60):
        raise HoursParseError(_("开放时间“%(text)s”中的时刻 %(h)s:%(m)02d 不存在。") % {
            "text": text, "h": hour, "m": m})  # fmt: skip
    return dt.time(h, m)


def _days(token: str) -> set[int]:
    chars = [DAY_CHARS[c] for c in re.findall(_DAY, token)]
    ranged = re.search(rf"{_DAY}\s*{_DASH}\s*{_PREFIX}?{_DAY}", token)
    if ranged and len(chars) == 2:
        first, last = chars
        if first <= last:
            return set(range(first, last + 1))
        return set(range(first, 8)) | set(range(1, last + 1))  # 周六至周一
    return set(chars)


def parse_hours_text(text: str) -> tuple[bool, list[Period]]:
    """``(is_24h, periods)`` for hours written as text; raises HoursParseError."""
    raw = str(text or "").strip()
    value = fold(raw).replace("：", ":")
    if not value:
        raise HoursParseError(_("开放时间为空。"))
    is_24h = False
    periods: list[Period] = []
    season: tuple[str, str] = ("", "")
    days: set[int] | None = None
    after_span = False
    position = 0
    while position < len(value):
        match = TOKEN.match(value, position)
        if match is None or match.end() == position:
            raise HoursParseError(
                _("无法识别开放时间“%(text)s”（从“%(rest)s”起看不懂）。可写作“8:00-20:00”“24小时”"
                  "或“周一至周五 9:00-17:00，周六日 10:00-16:00”。")
                % {"text": raw, "rest": value[position:position + 12]}
            )  # fmt: skip
        position = match.end()
        kind = match.lastgroup
        if kind == "sep":
            continue
        if kind == "season":
            season, days, after_span = SEASONS[SEASON_WORDS[match.group("season")[0]]], None, False
        elif kind == "dates":
            season = (f"{int(match['m1']):02d}-{int(match['d1']):02d}",
                      f"{int(match['m2']):02d}-{int(match['d2']):02d}")  # fmt: skip
            days, after_span = None, False
        elif kind == "other":
            season, days, after_span = ("", ""), None, False
        elif kind in ("days", "workdays", "weekend", "everyday"):
            found = {"workdays": {1, 2, 3, 4, 5}, "weekend": {6, 7}, "everyday": set(ALL_DAYS)}.get(
                kind
            ) or _days(match.group(0))
            days = found if (days is None or after_span) else days | found
            after_span = False
        elif kind == "closed":
            days, after_span = None, True
        elif kind in ("h24", "span"):
            if kind == "h24":
                opens, closes = dt.time(0), None
            else:
                opens = _time(match["h1"], match["n1"], match["half1"], text=raw) or dt.time(0)
                closes = _time(match["h2"], match["n2"], match["half2"], text=raw)
            whole_day = opens == dt.time(0) and closes is None
            if whole_day and days is None and not season[0]:
                is_24h = True
            elif whole_day:
                periods += [
                    Period(d, opens, END_OF_DAY, False, *season) for d in sorted(days or ALL_DAYS)
                ]
            else:
                end = closes or dt.time(0)
                if end == opens:
                    raise HoursParseError(
                        _("开放时间“%(text)s”的开始和结束时刻相同。") % {"text": raw}
                    )
                overnight = end < opens
                if match["next"] and not overnight:
                    raise HoursParseError(
                        _("开放时间“%(text)s”写了“次日”，但结束时刻不早于开始时刻。")
                        % {"text": raw}
                    )
                periods += [
                    Period(d, opens, end, overnight, *season) for d in sorted(days or ALL_DAYS)
                ]
            after_span = True
    if is_24h and periods:
        raise HoursParseError(
            _("开放时间“%(text)s”既写了 24 小时又写了具体时段，请只保留一种。") % {"text": raw}
        )
    if not is_24h and not periods:
        raise HoursParseError(_("开放时间“%(text)s”里没有任何时段。") % {"text": raw})
    return is_24h, sorted(set(periods), key=period_sort_key)


def period_sort_key(p: PeriodLike) -> tuple[str, str, int, dt.time, dt.time, bool]:
    return (p.season_start or "", p.season_end or "", p.weekday, p.opens, p.closes, p.overnight)


def _span_text(p: PeriodLike) -> str:
    if p.opens == dt.time(0) and p.closes == END_OF_DAY:
        return "24小时"
    closes = "24:00" if p.closes == dt.time(0) and p.overnight else f"{p.closes:%H:%M}"
    return f"{p.opens:%H:%M}-{closes}"


def _days_text(days: Sequence[int]) -> str:
    if tuple(days) == ALL_DAYS:
        return ""
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"周{DAY_LABELS[run[0]]}至周{DAY_LABELS[run[-1]]}")
        else:
            parts.append("、".join(f"周{DAY_LABELS[d]}" for d in run))
    return "、".join(parts) + " "


def _season_text(start: str, end: str) -> str:
    for name, span in SEASONS.items():
        if span == (start, end):
            return name + " "
    (m1, d1), (m2, d2) = (s.split("-") for s in (start, end))
    return f"{int(m1)}月{int(d1)}日至{int(m2)}月{int(d2)}日 "


def format_hours_text(*, periods: Sequence[PeriodLike], is_24h: bool) -> str:
    """Periods as a clerk would write them (parses back to the same periods)."""
    if is_24h:
        return "24小时"
    blocks = []
    ordered = sorted(periods, key=period_sort_key)
    for (start, end), in_season in groupby(
        ordered, key=lambda p: (p.season_start or "", p.season_end or "")
    ):
        by_day: dict[int, tuple[str, ...]] = {}
        for p in in_season:
            by_day.setdefault(p.weekday, ())
            by_day[p.weekday] += (_span_text(p),)
        groups: dict[tuple[str, ...], list[int]] = {}
        for day in sorted(by_day):
            groups.setdefault(by_day[day], []).append(day)
        clauses = [
            f"{_days_text(days)}{' '.join(spans)}"
            for spans, days in sorted(groups.items(), key=lambda item: item[1][0])
        ]
        text = "，".join(clauses)
        blocks.append(f"{_season_text(start, end)}{text}" if start else text)
    return "；".join(blocks)
