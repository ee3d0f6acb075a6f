"""Admin building blocks every app's back office uses: rows scoped to the user's unions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from core.scoping import Scope, scope_for


class ScopedAdminMixin:
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
        return self.has_module_permission(request)

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
        return self._scope(request).covers_union(obj.union)

    def _scoped_choices(self, db_field: Any, request: HttpRequest) -> QuerySet[Any] | None:
        """The rows a relation may point to: those in the user's scope.

        A union is known by its path. Any other related model registered with a scoped
        admin is narrowed the way that admin narrows its own list, so a workplace, stock
        location or station of another union is never offered.
        """
        related = db_field.related_model
        if related is None:
            return None
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
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if "queryset" not in kwargs:
            choices = self._scoped_choices(db_field, request)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class ReadOnlyForOrganizersMixin:
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
