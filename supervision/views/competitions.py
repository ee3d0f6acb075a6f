"""安康杯 competitions: enrolling units, scoring, groups, evidence, ranking and awards."""

from __future__ import annotations

from pathlib import PurePosixPath

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.access import organizer_scope
from core.errors import DomainError
from core.private_files import private_file_response
from core.scoping import Scope
from supervision.forms import (
    ActionForm,
    CompetitionEntryForm,
    EnrolForm,
    EntryAwardForm,
    EntryScoresForm,
    EvidenceForm,
    GroupForm,
    GroupScoreForm,
)
from supervision.models import Award, Competition
from supervision.selectors.competitions import (
    RANKING_DIMENSIONS,
    competition_ranking,
    competitions_in_scope,
    evidence_in_scope,
)
from supervision.selectors.workplaces import workplaces_in_scope
from supervision.services import competitions as competition_services


@login_required
def competitions(request: HttpRequest) -> HttpResponse:
    scope = organizer_scope(request)
    return render(request, "supervision/competitions.html", {
        "competitions": competitions_in_scope(scope)[:50],
    })  # fmt: skip


@login_required
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A contest entry's evidence (private storage), for the competition's organizers."""
    scope = organizer_scope(request)
    evidence = evidence_in_scope(scope, pk=pk)
    if evidence is None:
        raise Http404(_("没有这份材料，或不在您的管理范围内。"))
    suffix = PurePosixPath(evidence.file.name).suffix
    return private_file_response(evidence.file.name, download_name=f"evidence-{pk}{suffix}")


@login_required
def competition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A competition: enrol units, score them on the sheet, rank them by region or
    industry and give the awards; the status moves enrolling → evaluating → closed."""
    scope = organizer_scope(request)
    competition = competitions_in_scope(scope).filter(pk=pk).first()
    if competition is None:
        raise Http404(_("没有这个竞赛，或不在您的管理范围内。"))
    if request.method == "POST":
        _competition_post(request, scope, competition)
        return redirect("supervision:competition", pk=competition.pk)
    by = request.GET.get("by") or None
    if by not in (None, *RANKING_DIMENSIONS):
        raise Http404(_("只能按区划或行业排名。"))
    entries = (
        competition.entries.select_related("workplace", "unit_union")
        .prefetch_related("groups", "evidence")
        .order_by("pk")
    )
    enrolled = {e.workplace_id for e in entries if e.workplace_id}
    return render(request, "supervision/competition.html", {
        "competition": competition, "by": by, "entries": entries,
        "ranking": competition_ranking(competition, by=by),
        "candidates": workplaces_in_scope(scope).filter(
            union__path__startswith=competition.union.path
        ).exclude(pk__in=enrolled),
        "awards": Award.choices,
    })  # fmt: skip


def _refused(request: HttpRequest, form: forms.Form) -> bool:
    """Answer whether ``form`` was refused, telling the organizer why."""
    if form.is_valid():
        return False
    messages.error(request, next(iter(form.errors.values()))[0])
    return True


def _competition_post(request: HttpRequest, scope: Scope, competition: Competition) -> None:
    action, actor = ActionForm.action_of(request.POST), request.user
    target = CompetitionEntryForm(request.POST)
    entry_id = target.cleaned_data["entry"] if target.is_valid() else None
    entry = competition.entries.filter(pk=entry_id).first() if entry_id is not None else None
    try:
        if action == "enrol":
            enrol = EnrolForm(request.POST, workplaces=workplaces_in_scope(scope))
            if not enrol.is_valid():
                messages.error(request, _("请选择参赛单位。"))
                return
            competition_services.competition_enrol(
                actor=actor, competition=competition, workplace=enrol.cleaned_data["workplace"]
            )
        elif action in ("evaluating", "closed"):
            competition_services.competition_advance(
                actor=actor, competition=competition, status=action
            )
        elif action == "evaluate" and entry is not None:
            sheet = EntryScoresForm(request.POST, items=competition.scoring_items)
            if _refused(request, sheet):
                return
            competition_services.entry_evaluate(actor=actor, entry=entry, scores=sheet.scores())
        elif action == "evidence" and entry is not None:
            evidence = EvidenceForm(request.POST, request.FILES)
            if _refused(request, evidence):
                return
            competition_services.entry_evidence_add(
                actor=actor, entry=entry, upload=evidence.cleaned_data["file"],
                note=evidence.cleaned_data["note"],
            )  # fmt: skip
        elif action == "group" and entry is not None:
            group_form = GroupForm(request.POST)
            if _refused(request, group_form):
                return
            v = group_form.cleaned_data
            competition_services.group_register(
                actor=actor, entry=entry, name=v["name"], leader=v["leader"],
                members=v["members"],
            )  # fmt: skip
        elif action == "group_score" and entry is not None:
            score_form = GroupScoreForm(request.POST)
            if _refused(request, score_form):
                return
            v = score_form.cleaned_data
            group = entry.groups.filter(pk=v["group"]).first() if v["group"] is not None else None
            if group is None:
                messages.error(request, _("没有这个班组。"))
                return
            competition_services.group_evaluate(
                actor=actor, group=group, score=v["score"], award=v["award"]
            )
        elif action == "award" and entry is not None:
            award = EntryAwardForm(request.POST)
            if _refused(request, award):
                return
            competition_services.entry_award(
                actor=actor, entry=entry, award=award.cleaned_data["award"]
            )
        else:
            messages.error(request, _("无法识别的操作。"))
            return
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
