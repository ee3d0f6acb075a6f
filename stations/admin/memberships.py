"""Back office for memberships: who may do what in which union. The form checks with
the same rules as ``stations.services.memberships``, which then writes (a security event)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin
from core.errors import DomainError
from core.scoping import users_in_scope
from stations.models import Membership, Station
from stations.services.memberships import (
    membership_change,
    membership_check,
    membership_grant,
    membership_revoke,
)


class UsernameField(forms.CharField):
    """A user named by their exact login name.

    A select would list every account of the whole network to any organizer; a name
    typed in discloses nothing (the same message for "no such user" as for a typo).
    """

    def clean(self, value: Any) -> Any:
        username = super().clean(value)
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("没有这个登录名的在用账号。"), code="unknown_user")
        return user

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            user = get_user_model().objects.filter(pk=value).first()
            return user.get_username() if user else ""
        return getattr(value, "username", value)


class MembershipForm(forms.ModelForm):
    """Checks the membership with the same rules as the services, as field errors."""

    actor: Any = None  # set per request by MembershipAdmin.get_form
    user = UsernameField(label=_("登录名"), max_length=150)

    def clean_user(self) -> Any:
        """A login name outside the organizer's scope gets the answer of a name that does
        not exist: the form does not tell whether another union's account exists."""
        user = self.cleaned_data.get("user")
        if user is not None and not users_in_scope(self.actor).filter(pk=user.pk).exists():
            raise forms.ValidationError(_("没有这个登录名的在用账号。"), code="unknown_user")
        return user

    class Meta:
        model = Membership
        fields = ("user", "union", "role", "stations")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        existing = self.instance if self.instance.pk else None
        try:
            membership_check(
                actor=self.actor,
                user=data.get("user") or self.instance.user,
                union=data["union"],
                role=data["role"],
                stations=data.get("stations") or (),
                membership=existing,
            )
        except DomainError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


@admin.register(Membership)
class MembershipAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    form = MembershipForm
    list_display = ("user", "union", "role", "created_at")
    list_filter = ("role", "union")
    search_fields = ("user__username", "union__name")
    autocomplete_fields = ("stations",)
    list_select_related = ("user", "union")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A role moves to another person by revoking it and granting a new one.
        return ("user",) if obj is not None else ()

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if db_field.name == "stations":
            kwargs["queryset"] = self._scope(request).filter(
                Station.objects.select_related("union")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = membership_change(
                actor=request.user,
                membership=obj,
                role=data["role"],
                union=data["union"],
                stations=data.get("stations") or (),
            )
        else:
            saved = membership_grant(
                actor=request.user,
                user=data["user"],
                union=data["union"],
                role=data["role"],
                stations=data.get("stations") or (),
            )
        obj.pk, obj.created_at = saved.pk, saved.created_at

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The stations were written by the service with the membership."""

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_revoke(actor=request.user, membership=obj)
