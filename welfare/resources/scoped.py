"""The lookups every welfare import needs: unions, regions and the actor's scope."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.importing import RowInvalid, TabularResource
from core.scoping import scope_for
from core.tabular import fold, tidy
from stations.models import Union


class ScopedResource(TabularResource):
    """Lookups every welfare kind needs: unions, regions and the actor's scope."""

    def prepare(self) -> None:
        self.scope = scope_for(self.actor) if self.actor is not None else None
        self.unions = {u.code: u for u in Union.objects.all()}
        self.union_names = {u.name: u for u in self.unions.values()}
        self.default_union = None
        if self.options.get("union"):
            self.default_union = self.union_of(str(self.options["union"]))

    def union_of(self, text: str, column: str = "union") -> Union:
        value = tidy(text)
        union = self.unions.get(fold(value).upper()) or self.union_names.get(value)
        if union is None:
            raise RowInvalid({column: _("未知的工会：%(v)s") % {"v": value}})
        if self.scope is not None and not self.scope.covers_union(union):
            message = _("您无权管理“%(union)s”及其下级的数据。") % {"union": union.name}
            raise RowInvalid({column: message})
        if self.default_union is not None and not union.is_under(self.default_union):
            message = _("“%(u)s”不在导入时指定的工会“%(d)s”之下。") % {
                "u": union.name, "d": self.default_union.name}  # fmt: skip
            raise RowInvalid({column: message})
        return union

    def row_union(self, cells: dict[str, str]) -> Union:
        if cells.get("union"):
            return self.union_of(cells["union"])
        if self.default_union is None:
            raise RowInvalid({"union": _("所属工会不能为空（或在导入时指定工会）。")})
        return self.default_union

    def out_of_scope(self, union: Union, what: str) -> dict[str, Any] | None:
        if self.scope is not None and not self.scope.covers_union(union):
            message = _("%(what)s属于“%(union)s”，您无权修改。") % {
                "what": what,
                "union": union.name,
            }
            return {"__error__": (self.key_column, message)}
        return None
