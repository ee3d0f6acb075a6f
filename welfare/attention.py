"""What welfare puts on the organizer home's "今天需要处理" (``stations.panels``, registered
in ``WelfareConfig.ready``): health checks and follow-ups overdue, hazard reports waiting."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import time as local_time
from core.scoping import scope_for
from stations.panels import Attention
from welfare.models import HazardReport, HealthFollowUp, Worker


def welfare_attention(request: HttpRequest) -> list[Attention]:
    scope = scope_for(request.user)
    if not scope.is_organizer:
        return []
    today = local_time.today()
    checks = scope.filter(
        Worker.objects.filter(left_on__isnull=True, next_check_due__lt=today)
    ).count()
    follow_ups = scope.filter(
        HealthFollowUp.objects.filter(done_on__isnull=True, due_on__lt=today),
        union_path_field="worker__union__path",
    ).count()
    waiting = scope.filter(
        HazardReport.objects.filter(
            Q(status=HazardReport.Status.RECEIVED) | Q(status=HazardReport.Status.VERIFIED)
        )
    ).count()
    return [
        Attention(
            key="checks-overdue", label=_("体检逾期"), count=checks + follow_ups,
            url=reverse("welfare:workers"),
            detail=_("职业健康检查 %(c)d 人，复查等跟进 %(f)d 项") % {"c": checks, "f": follow_ups},
        ),
        Attention(
            key="hazards-waiting", label=_("待处理的隐患报告"), count=waiting,
            url=reverse("welfare:hazards") + "?status=open",
            detail=_("已受理或已核实、尚未处理"),
        ),
    ]  # fmt: skip
