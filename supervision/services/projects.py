"""三同时 reviews (三(五)): a project's three milestones, reviewed in order. A milestone is
passed by a compliant review; a non-compliant one records the improvement request as a
finding, which goes the way of every finding (open → rectified → verified). The
milestone can then be passed only once that finding is verified."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from core import time as local_time
from core.errors import Conflict
from supervision.exceptions import SupervisionError
from supervision.models import Finding, Project, ProjectReview
from supervision.services._common import choice, require_union, stamp, text
from supervision.services.inspections import FindingInput, finding_build, finding_save_new

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

M = ProjectReview.Milestone
ORDER = [M.DESIGN, M.CONSTRUCTION, M.OPERATION]


@transaction.atomic
def project_save(*, actor: AbstractBaseUser | None, project: Project) -> Project:
    require_union(actor, project.workplace.union)
    project.name = text(project.name, "name", max_length=200)
    choice(project.kind, Project.Kind, "kind")
    project.description = text(project.description, "description", max_length=2000,
                                required=False)  # fmt: skip
    project.full_clean()
    stamp(project, actor)
    project.save()
    return project


def milestone_passed(project: Project, milestone: str) -> bool:
    return project.reviews.filter(milestone=milestone, compliant=True).exists()


@transaction.atomic
def project_review(
    *,
    actor: AbstractBaseUser | None,
    project: Project,
    milestone: str,
    reviewed_on: dt.date,
    compliant: bool,
    opinion: str,
    finding: FindingInput | None = None,
) -> ProjectReview:
    """Record the union's review at ``milestone``; ``finding`` (the improvement request
    with its deadline and responsible person) is required when not compliant."""
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("workplace__union")
        .get(pk=project.pk)
    )
    require_union(actor, project.workplace.union)
    milestone = choice(milestone, M, "milestone")
    index = ORDER.index(milestone)
    if index and not milestone_passed(project, ORDER[index - 1]):
        raise Conflict(
            _("请先通过“%(m)s”阶段的审查。") % {"m": M(ORDER[index - 1]).label}, field="milestone"
        )
    if index:
        passed_on = (
            project.reviews.filter(milestone=ORDER[index - 1], compliant=True)
            .values_list("reviewed_on", flat=True)
            .first()
        )
        if isinstance(reviewed_on, dt.date) and reviewed_on < passed_on:
            raise SupervisionError(
                _("审查日期不能早于上一阶段通过的日期（%(d)s）。") % {"d": passed_on.isoformat()},
                field="reviewed_on",
            )
    if milestone_passed(project, milestone):
        raise Conflict(_("这个阶段已经审查通过。"), field="milestone")
    if not isinstance(reviewed_on, dt.date) or reviewed_on > local_time.today():
        raise SupervisionError(_("审查日期不能在将来。"), field="reviewed_on")
    pending = Finding.objects.filter(
        project_review__project=project, project_review__milestone=milestone
    ).exclude(status=Finding.Status.VERIFIED)
    if compliant and pending.exists():
        raise Conflict(_("这个阶段的整改问题尚未验证，不能判定为符合。"), field="compliant")
    review = ProjectReview(
        project=project, milestone=milestone, reviewed_on=reviewed_on, compliant=bool(compliant),
        opinion=text(opinion, "opinion", max_length=2000), reviewed_by=actor,
    )  # fmt: skip
    if not compliant:
        if finding is None:
            raise SupervisionError(_("不符合时请提出整改意见（问题、期限和责任人）。"),
                                   field="finding")  # fmt: skip
        built = finding_build(
            workplace=project.workplace, data=finding, prefix="finding.", not_before=reviewed_on
        )
        built.project, built.source = project, Finding.Source.PROJECT
        review.finding = finding_save_new(
            actor=actor, finding=built, photos=finding.photos, prefix="finding."
        )
    review.full_clean()
    stamp(review, actor)
    review.save()
    return review
