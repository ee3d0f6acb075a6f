"""Forms of the organizer pages. They check the shape of the input; the services judge it,
and a refusal is shown beside the field it names (``add_domain_error``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core import time as local_time
from core.errors import DomainError
from stations.models import Union
from supervision.models import (
    Accident,
    AccidentCategory,
    AccidentCause,
    AccidentCheck,
    Agency,
    AppointedInspector,
    Finding,
    InjuredPerson,
    Notice,
    StopWorkProposal,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal on the field it names, else above the form."""
    field = (exc.field or "").removeprefix("findings[0].")
    form.add_error(field if field in form.fields else None, exc.message)


class InspectionForm(forms.Form):
    """An inspection on site with its first finding (more are added on its page)."""

    workplace = forms.ModelChoiceField(label=_("受检单位"), queryset=None)  # type: ignore[arg-type]
    inspected_on = forms.DateField(label=_("检查日期"), widget=DATE)
    union = forms.ModelChoiceField(
        label=_("检查工会（以其名义发文）"), queryset=None,  # type: ignore[arg-type]
        required=False, empty_label=None,
    )  # fmt: skip
    appointed = forms.ModelMultipleChoiceField(
        label=_("工会劳动保护监督检查员"), queryset=None,  # type: ignore[arg-type]
        required=False, widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    inspectors = forms.CharField(
        label=_("其他检查人员"), max_length=300, required=False,
        help_text=_("未列入上面名单的人员，如联合检查部门的同志。"),
    )  # fmt: skip
    agencies = forms.MultipleChoiceField(
        label=_("联合检查部门"), choices=Agency.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    notes = forms.CharField(label=_("总体意见"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    has_finding = forms.BooleanField(label=_("发现问题"), required=False, initial=True)
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("问题类别"), choices=Finding.Category.choices,
                                 required=False)  # fmt: skip
    severity = forms.ChoiceField(label=_("严重程度"), choices=Finding.Severity.choices,
                                 required=False)  # fmt: skip
    description = forms.CharField(label=_("问题描述"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    law_cited = forms.CharField(label=_("违反的法规或标准"), required=False, max_length=300)
    requirement = forms.CharField(label=_("整改要求"), required=False, max_length=2000)
    deadline = forms.DateField(label=_("整改期限"), required=False, widget=DATE)
    responsible_person = forms.CharField(label=_("企业整改责任人"), required=False,
                                         max_length=100)  # fmt: skip
    photos = forms.ImageField(
        label=_("照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    def __init__(
        self, *args: Any, workplaces: Any, unions: Any = None, appointed: Any = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["workplace"].queryset = workplaces
        self.fields["inspected_on"].initial = local_time.today()
        self.fields["union"].queryset = unions if unions is not None else Union.objects.none()
        if unions is not None and unions.exists():
            self.fields["union"].initial = unions.first().pk  # the organizer's own union
        self.fields["appointed"].queryset = (
            appointed if appointed is not None else AppointedInspector.objects.none()
        )
        today = local_time.today()
        self.fields["appointed"].label_from_instance = lambda a: (
            f"{a.name}（{a.certificate_number}）"
            + ("" if a.valid_until >= today else str(_("，证书已过期")))
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("inspectors") or "").strip() and not data.get("appointed"):
            self.add_error("inspectors", _("请选择监督检查员或填写检查人员。"))
        return data


class NoticeIssueForm(forms.Form):
    """Issue the inspection's notice under the inspecting union's 发文字号."""

    action = forms.CharField(widget=forms.HiddenInput, initial="issue")
    kind = forms.ChoiceField(label=_("文书"), choices=Notice.Kind.choices)
    issued_on = forms.DateField(label=_("发文日期"), widget=DATE)
    reply_due = forms.DateField(label=_("书面答复期限"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = local_time.today()
        self.fields["issued_on"].initial = today
        self.fields["reply_due"].initial = today + dt.timedelta(days=15)


class NoticeStepForm(forms.Form):
    """A notice served on the enterprise, or its written reply received."""

    STEPS = (("served", _("已送达")), ("reply", _("收到书面答复")))
    action = forms.ChoiceField(choices=STEPS)
    notice = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    on = forms.DateField(label=_("日期"), widget=DATE)
    note = forms.CharField(label=_("答复内容"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class FindingForm(forms.Form):
    category = forms.ChoiceField(label=_("问题类别"), choices=Finding.Category.choices)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Finding.Severity.choices)
    description = forms.CharField(label=_("问题描述"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    law_cited = forms.CharField(label=_("违反的法规或标准"), required=False, max_length=300)
    requirement = forms.CharField(label=_("整改要求"), required=False, max_length=2000)
    deadline = forms.DateField(label=_("整改期限"), widget=DATE)
    responsible_person = forms.CharField(label=_("企业整改责任人"), max_length=100)


class FindingStepForm(forms.Form):
    """One step of a finding: rectified (with evidence), verified, or reopened."""

    STEPS = (
        ("rectify", _("已整改")),
        ("verify", _("验证通过")),
        ("reopen", _("整改不到位，退回")),
        ("government", _("企业已报告政府部门")),
        ("congress", _("企业已报告职代会")),
        ("dual_verify", _("核实企业双报告")),
    )
    step = forms.ChoiceField(label=_("登记"), choices=STEPS)
    on = forms.DateField(label=_("日期"), widget=DATE)
    text = forms.CharField(
        label=_("说明"), required=False, max_length=4000,
        help_text=_("整改情况与证据、验证意见、退回原因，或报告的接收部门、接收人"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    photos = forms.ImageField(label=_("证据照片"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = local_time.today()


class AccidentForm(forms.Form):
    """Registering an accident, in four steps on a phone (``data-step`` groups the fields:
    the script shows one group at a time; without it, all are shown)."""

    STEPS = {
        "kind": 1, "workplace": 1, "occurred_on": 1, "place": 1,
        "category": 2, "cause": 2, "description": 2,
        "deaths": 3, "serious": 3, "minor": 3, "direct_loss": 3, "injured": 3,
        "union_participation": 4,
    }  # fmt: skip
    STEP_TITLES = (_("何时何地"), _("类别与经过"), _("伤亡与损失"), _("工会参与"))

    kind = forms.ChoiceField(label=_("性质"), choices=Accident.Kind.choices, required=False,
                             initial=Accident.Kind.ACCIDENT)  # fmt: skip
    workplace = forms.ModelChoiceField(label=_("事故单位"), queryset=None)  # type: ignore[arg-type]
    occurred_on = forms.DateField(label=_("发生日期"), widget=DATE)
    place = forms.CharField(label=_("发生地点"), max_length=300)
    category = forms.ChoiceField(label=_("事故类别（GB 6441）"), choices=AccidentCategory.choices)
    cause = forms.ChoiceField(label=_("主要原因"), choices=AccidentCause.choices,
                              initial=AccidentCause.UNKNOWN)  # fmt: skip
    deaths = forms.IntegerField(label=_("死亡人数"), min_value=0, max_value=1000, initial=0)
    serious = forms.IntegerField(label=_("重伤人数"), min_value=0, max_value=1000, initial=0)
    minor = forms.IntegerField(label=_("轻伤人数"), min_value=0, max_value=1000, initial=0)
    direct_loss = forms.DecimalField(
        label=_("直接经济损失（元）"), min_value=0, max_digits=14, decimal_places=2, initial=0,
        required=False,
        help_text=_("按 GB 6721 计算的直接经济损失；定级时 1000 万元起为较大事故。"),
    )  # fmt: skip
    description = forms.CharField(label=_("经过"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    union_participation = forms.CharField(label=_("工会参与调查情况"), required=False,
                                          max_length=2000,
                                          widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    injured = forms.CharField(
        label=_("伤亡人员（仅您可见）"), required=False, max_length=2000,
        help_text=_(
            "每行一人：姓名，伤害程度（死亡、重伤或轻伤）或损失工作日，如“张三，重伤”"
            "或“李四，120”（GB 6441：105 日及以上为重伤）。"
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args: Any, workplaces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workplace"].queryset = workplaces
        for name, field in self.fields.items():
            field.widget.attrs["data-step"] = str(self.STEPS.get(name, 1))

    def clean_injured(self) -> list[tuple[str, str, int | None]]:
        labels = {str(label): value for value, label in InjuredPerson.Injury.choices}
        people = []
        for n, line in enumerate((self.cleaned_data.get("injured") or "").splitlines(), 1):
            parts = [p.strip() for p in line.replace(",", "，").split("，")]
            if not parts[0]:
                continue
            injury, days = "", None
            for part in parts[1:]:
                if part in labels:
                    injury = labels[part]
                elif part.isdigit() and len(part) <= 4:
                    days = int(part)
                else:
                    injury = "?"
            if len(parts) < 2 or injury == "?" or (not injury and days is None):
                raise forms.ValidationError(
                    _("第 %(n)d 行：请写“姓名，死亡/重伤/轻伤”或“姓名，损失工作日”。") % {"n": n}
                )
            people.append((parts[0], injury, days))
        return people


class AccidentStepForm(forms.Form):
    STEPS = (
        ("cause", _("填写主要原因")),
        ("check", _("登记四不放过事项")),
        ("close", _("结案")),
    )
    step = forms.ChoiceField(choices=STEPS)
    cause = forms.ChoiceField(label=_("主要原因"), choices=AccidentCause.choices, required=False)
    kind = forms.ChoiceField(label=_("事项"), choices=AccidentCheck.Kind.choices, required=False)
    on = forms.DateField(label=_("日期"), widget=DATE, required=False)
    evidence = forms.CharField(label=_("证据与说明"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class FollowUpForm(forms.Form):
    insurance_claimed_on = forms.DateField(label=_("工伤认定申请日期"), required=False, widget=DATE)
    insurance_granted_on = forms.DateField(label=_("工伤保险待遇落实日期"), required=False,
                                           widget=DATE)  # fmt: skip
    placement = forms.CharField(label=_("安置情况"), required=False, max_length=300)


class InspectorReportForm(forms.Form):
    """A safety inspector's report from the phone: what, where, how bad, a photo."""

    workplace = forms.ModelChoiceField(label=_("单位"), queryset=None)  # type: ignore[arg-type]
    category = forms.ChoiceField(label=_("问题类别"), choices=Finding.Category.choices)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Finding.Severity.choices)
    description = forms.CharField(label=_("问题描述"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    responsible_person = forms.CharField(label=_("企业整改责任人"), max_length=100)
    deadline = forms.DateField(label=_("建议整改期限"), widget=DATE)
    photos = forms.ImageField(
        label=_("照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    def __init__(self, *args: Any, workplaces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workplace"].queryset = workplaces
        self.fields["deadline"].initial = local_time.today() + dt.timedelta(days=7)


class StopWorkForm(forms.Form):
    """建议撤离 / 停止作业 (安全生产法 §60), recorded on the spot."""

    kind = forms.ChoiceField(label=_("建议"), choices=StopWorkProposal.Kind.choices)
    proposed_at = forms.DateTimeField(
        label=_("提出时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=_("危险场所"), max_length=300)
    addressed_to = forms.CharField(label=_("向谁提出"), max_length=150,
                                   help_text=_("企业负责人或现场负责人的姓名和职务"))  # fmt: skip
    danger = forms.CharField(label=_("危及生命安全的情况"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposed_at"].initial = local_time.now().replace(second=0, microsecond=0)


class ActionForm(forms.Form):
    """Which of a page's forms was sent: its ``action`` (a button's or a hidden field's
    value); empty when none was named."""

    action = forms.CharField(required=False, max_length=40)

    @classmethod
    def action_of(cls, data: Any) -> str:
        form = cls(data)
        return form.cleaned_data["action"] if form.is_valid() else ""


def _id_or_none(value: str) -> int | None:
    """A posted id: the number, else ``None`` (not a number, or too long to be one)."""
    return int(value) if value.isdigit() and len(value) < 19 else None


class InjuredPersonForm(forms.Form):
    """The accident page's follow-up form names the injured person it is about; the other
    forms of the page name none."""

    person = forms.CharField(required=False, strip=False)

    def clean_person(self) -> int | None:
        """``None`` when no person is named, 0 when one is named but is no number."""
        value = self.cleaned_data["person"]
        if not value:
            return None
        return _id_or_none(value) or 0


class CompetitionEntryForm(forms.Form):
    """The entry a competition page's form acts on (``None`` when it names none)."""

    entry = forms.CharField(required=False)

    def clean_entry(self) -> int | None:
        return _id_or_none(self.cleaned_data["entry"])


class EnrolForm(forms.Form):
    workplace = forms.ModelChoiceField(queryset=None)  # type: ignore[arg-type]

    def __init__(self, *args: Any, workplaces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workplace"].queryset = workplaces


class EntryScoresForm(forms.Form):
    """A score per item of the competition's scoring sheet (``score-<code>``); the service
    judges each."""

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"score-{item['code']}"] = forms.CharField(required=False, strip=False)

    def scores(self) -> dict[str, str]:
        return {name.removeprefix("score-"): value for name, value in self.cleaned_data.items()}


class EvidenceForm(forms.Form):
    file = forms.FileField(required=False, allow_empty_file=True)
    note = forms.CharField(required=False, strip=False)


class GroupForm(forms.Form):
    name = forms.CharField(required=False, strip=False)
    leader = forms.CharField(required=False, strip=False)
    members = forms.CharField(required=False, strip=False)

    def clean_members(self) -> int:
        """The head count, or -1 (refused by the service) when it is not a number."""
        value = self.cleaned_data["members"]
        return int(value) if value.isdigit() and len(value) < 6 else -1


class GroupScoreForm(forms.Form):
    group = forms.CharField(required=False)
    score = forms.CharField(required=False, strip=False)
    award = forms.CharField(required=False, strip=False)

    def clean_group(self) -> int | None:
        return _id_or_none(self.cleaned_data["group"])


class EntryAwardForm(forms.Form):
    award = forms.CharField(required=False, strip=False)
