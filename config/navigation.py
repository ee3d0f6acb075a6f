"""Where each role works, and the menu that joins the pages of that work.

It lives in ``config`` because it names pages of every app (``config`` sits above them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.scoping import scope_for
from stations import selectors as station_selectors
from stations.models import HomeChoice
from supervision.selectors.inspectors import inspector_roles


@dataclass(frozen=True)
class NavItem:
    label: Any
    url: str
    active: bool = False


#: Each home (``stations.models.HomeChoice.Home``) and the URL name of its page.
HOME_PAGES = {
    HomeChoice.Home.PROVINCE: "stations:province",
    HomeChoice.Home.ORGANIZER: "stations:organizer",
    HomeChoice.Home.DESK: "stations:desk",
}


def home_url_for(user: Any) -> str | None:
    """A user's own home after login: the province overview for the province's
    organizers and admins, the organizer home for a city's or county's, the desk for
    station staff, the map for anyone else. ``None`` when their roles give several homes
    and they have not picked one yet (``config.views.home_for_role`` asks)."""
    homes = station_selectors.homes_for(user=user)
    if not homes:
        return reverse("maps:home")
    if len(homes) == 1:
        return reverse(HOME_PAGES[homes[0]])
    chosen = station_selectors.home_chosen(user=user)
    if chosen in homes:
        return reverse(HOME_PAGES[chosen])
    return None


def menu_for(request: HttpRequest) -> list[NavItem]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    scope = scope_for(user)
    items: list[tuple[Any, str]] = []
    if scope.staff_station_ids or scope.is_organizer:
        items.append((_("站点工作台"), reverse("stations:desk")))
    homes = station_selectors.homes_for(user=user)
    if HomeChoice.Home.PROVINCE in homes:
        items.append((_("全省概览"), reverse("stations:province")))
    if scope.is_organizer:
        items += [
            (_("组织者首页"), reverse("stations:organizer")),
            (_("季节活动"), reverse("campaigns:list")),
            (_("工作场所"), reverse("welfare:workplaces")),
            (_("劳动者"), reverse("welfare:workers")),
            (_("隐患报告"), reverse("welfare:hazards")),
            (_("举报奖励"), reverse("welfare:rewards")),
            (_("劳动保护监督"), reverse("supervision:home")),
        ]
    if scope.is_organizer or inspector_roles(user):
        items.append((_("报告安全问题"), reverse("supervision:inspector-report")))
    if user.is_staff:
        items.append((_("后台管理"), reverse("admin:index")))
    if scope.is_organizer:
        items.append((_("两步验证"), reverse("two-factor")))
    if len(homes) > 1:
        items.append((_("切换首页"), reverse("home-for-role") + "?choose=1"))
    # The page belongs to the item with the longest URL it starts with (/organizer/ is
    # the overview, /organizer/workers/ the workers).
    path = request.path
    matches = [url for _label, url in items if path.startswith(url)]
    current = max(matches, key=len) if matches else None
    return [NavItem(label, url, url == current) for label, url in items]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``nav`` (the signed-in user's menu)."""
    return {"nav": menu_for(request)}
