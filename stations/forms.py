"""Forms of the station app's HTML pages (field errors, i18n and CSRF from Django)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from stations.models import Union

DEFAULT_DAYS = 14
MAX_DAYS = 366


class VisitReportForm(forms.Form):
    """The report's union, date range and granularity, read from the query string.

    Every field may be left out. A bad date or period is a field error and the report
    falls back to its default (the last 14 days ending today, by day); a range longer
    than a year is cut to its last 366 days, also with an error. The values to show are
    in ``start``, ``end`` and ``period`` after ``is_valid()``.
    """

    union = forms.ModelChoiceField(queryset=Union.objects.none(), to_field_name="code",
                                   required=False)  # fmt: skip
    start = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={
            "invalid": _lazy("开始日期（start）不是有效日期，请按 2027-07-01 的格式填写。")
        },
    )
    end = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={
            "invalid": _lazy("结束日期（end）不是有效日期，请按 2027-07-01 的格式填写。")
        },
    )
    period = forms.ChoiceField(
        required=False,
        choices=[("day", _lazy("按日")), ("week", _lazy("按周"))],
        error_messages={
            "invalid_choice": _lazy("统计周期（period）只能是 day（按日）或 week（按周）。")
        },
    )

    def __init__(self, data: Any, *, unions: QuerySet[Union], today: dt.date) -> None:
        super().__init__(data)
        self.fields["union"].queryset = unions
        self.today = today
        self.start = today - dt.timedelta(days=DEFAULT_DAYS - 1)
        self.end = today
        self.period = "day"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "period" not in self.errors:
            self.period = data.get("period") or "day"
        if "start" in self.errors or "end" in self.errors:
            return data
        end = data.get("end") or self.today
        start = data.get("start") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
        if end < start:
            self.add_error("end", _("结束日期（end）不能早于开始日期（start）。"))
            return data
        if (end - start).days + 1 > MAX_DAYS:
            start = end - dt.timedelta(days=MAX_DAYS - 1)
            self.add_error(
                "start",
                _("时间范围最多 %(n)d 天，开始日期（start）已改为 %(start)s。")
                % {"n": MAX_DAYS, "start": start.isoformat()},
            )
        self.start, self.end = start, end
        return data

    def messages(self) -> tuple[str, ...]:
        """The field errors as sentences (each names its field), union errors aside."""
        return tuple(
            str(message)
            for name, errors in self.errors.items()
            if name != "union"
            for message in errors
        )
