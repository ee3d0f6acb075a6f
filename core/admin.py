"""Admin building blocks every app's back office uses: rows scoped to the user's unions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as AdminPermissionDenied
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from core.errors import DomainError
from core.scoping import Scope, scope_for, users_in_scope


class ServiceWritesAdminMixin:
    """What every admin of ours adds to Django's: writes through services, errors as
    messages, history read-only.

    A service refusal that the form could not foresee (a rule checked under lock, a
    protected row) comes back to the same page as a message, never as a server error; the
    admin's transaction has rolled back whatever the request did. simple-history's
    "revert" would save around the services, so it is off, and its pages take no POST.
    """

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:  # fmt: skip
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)  # type: ignore[misc]
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(request.get_full_path())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            try:
                self.delete_model(request, obj)  # type: ignore[attr-defined]
            except DomainError as exc:
                self.message_user(request, f"{obj}: {exc.message}", messages.ERROR)  # type: ignore[attr-defined]

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # A model without simple-history (visits: millions of rows, written once) gets
        # Django's own change log instead of simple-history's page, which would fail.
        if not hasattr(self.model._meta, "simple_history_manager_attribute"):  # type: ignore[attr-defined]
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)  # type: ignore[arg-type]
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc]

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:  # fmt: skip
        if request.method != "GET":
            raise AdminPermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]


class ScopedAdminMixin(ServiceWritesAdminMixin):
    """Show and allow only rows under the user's unions (superusers: everything)."""

    union_path_field = "union__path"
    station_field: str | None = None
    #: Foreign keys to a union: their choices are narrowed to the user's scope.
    union_fields: tuple[str, ...] = ("union", "parent")

    def _scope(self, request: HttpRequest) -> Scope:
        return scope_for(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return self._scope(request).filter(
            qs, union_path_field=self.union_path_field, station_field=self.station_field
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        scope = self._scope(request)
        return request.user.is_active and request.user.is_staff and not scope.is_empty

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # simple-history's pages load the object (or its last historical copy) without the
        # scoped queryset and ask only this: the object itself must be in scope.
        if not self.has_module_permission(request):
            return False
        return obj is None or self._covers(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        scope = self._scope(request)
        return request.user.is_staff and (scope.is_superuser or bool(scope.union_paths))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.has_add_permission(request):
            return False
        return obj is None or self._covers(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    def _covers(self, request: HttpRequest, obj: Any) -> bool:
        """The object lies in the user's scope, decided the way the list is narrowed (so
        every scoped admin, whatever leads from its model to a union, agrees with it)."""
        scope = self._scope(request)
        if scope.is_superuser:
            return True
        model = type(obj)
        rows = model._default_manager.filter(pk=obj.pk)
        return scope.filter(
            rows, union_path_field=self.union_path_field, station_field=self.station_field
        ).exists()

    def _scoped_choices(self, db_field: Any, request: HttpRequest) -> QuerySet[Any] | None:
        """The rows a relation may point to: those in the user's scope.

        A union is known by its path. Any other related model registered with a scoped
        admin is narrowed the way that admin narrows its own list, so a workplace, stock
        location or station of another union is never offered.
        """
        related = db_field.related_model
        if related is None:
            return None
        if related is get_user_model():
            return users_in_scope(request.user)
        if db_field.name in self.union_fields:
            return self._scope(request).filter(
                related._default_manager.all(), union_path_field="path"
            )
        related_admin = self.admin_site._registry.get(related)  # type: ignore[attr-defined]
        if isinstance(related_admin, ScopedAdminMixin):
            return self._scope(request).filter(
                related._default_manager.all(),
                union_path_field=related_admin.union_path_field,
                station_field=related_admin.station_field,
            )
        return None

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if "queryset" not in kwargs:
            choices = self._scoped_choices(db_field, request)
            if choices is not None:
                kwargs["queryset"] = choices
                if db_field.name in self.raw_id_fields and "widget" not in kwargs:  # type: ignore[attr-defined]
                    kwargs["widget"] = ScopedRawIdWidget(
                        db_field.remote_field,
                        self.admin_site,
                        queryset=choices,  # type: ignore[attr-defined]
                    )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if "queryset" not in kwargs:
            choices = self._scoped_choices(db_field, request)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """A raw-id input whose label (Django shows the named row's ``str`` beside the id)
    names only rows in ``queryset``: an id typed or posted for a row out of scope shows
    nothing, so ids cannot be walked to list other unions' users."""

    def __init__(self, rel: Any, admin_site: Any, *, queryset: Any, **kwargs: Any) -> None:
        super().__init__(rel, admin_site, **kwargs)
        self.queryset = queryset

    def label_and_url_for_value(self, value: Any) -> tuple[str, str]:
        key = self.rel.get_related_field().name
        try:
            if not self.queryset.filter(**{key: value}).exists():
                return "", ""
        except (ValueError, TypeError, ValidationError):
            return "", ""
        return super().label_and_url_for_value(value)


class ReadOnlyScopedAdminMixin(ScopedAdminMixin):
    """Rows written only by services elsewhere (the ledger, workflows): looked at here, in
    scope, never added, changed or deleted. Admin actions may still call services."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyForOrganizersMixin(ServiceWritesAdminMixin):
    """Reference data: everyone in a union may look, only superusers change it."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


class ReadOnlyTabularInline(admin.TabularInline):
    """An inline that shows rows written elsewhere (through their service) and changes
    nothing: no add, no change, no delete. Subclasses set ``model`` and ``fields``; every
    field shown is read-only."""

    extra = 0

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
