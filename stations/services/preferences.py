"""A person's own preferences: the home they land on after login."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from stations import selectors
from stations.exceptions import StationsError
from stations.models import HomeChoice

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def home_choose(*, actor: AbstractBaseUser, home: str) -> HomeChoice:
    """Remember ``home`` as where ``actor`` lands after login; only a home one of their
    roles gives them (``selectors.homes_for``) may be chosen."""
    if home not in selectors.homes_for(user=actor):
        raise StationsError(_("您没有这个首页对应的角色。"), field="home")
    choice, _created = HomeChoice.objects.update_or_create(user=actor, defaults={"home": home})
    return choice
