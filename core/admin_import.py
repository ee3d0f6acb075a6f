"""Spreadsheet import and export in the admin, the same for every kind.

Import: upload → preview (every row new / update with the changed columns / unchanged /
error with the column and the reason) → confirm → written all or none. A file of more
than ``ASYNC_ROWS`` rows is handed to a Celery task and the page shows its progress.
Each kind downloads its own template (a sample row and a notes sheet).

Export: django-import-export's export of the change list (filtered as the list is) as
XLSX or CSV, with Chinese headers.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as AdminPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm

from core.datum import CRS_CHOICES
from core.errors import DomainError, NotFound
from core.import_jobs import job_create, job_read, job_rows, job_run, job_write
from core.importing import TabularResource
from core.tabular import EXTENSIONS, xlsx_bytes
from core.tasks import import_file_run

#: Files with more rows than this are imported by a Celery task.
ASYNC_ROWS = 5000
CRS_LABELS = {
    "wgs84": gettext_lazy("WGS-84（GPS、天地图、OpenStreetMap）"),
    "gcj02": gettext_lazy("GCJ-02（高德、腾讯地图拾取的坐标）"),
    "bd09": gettext_lazy("BD-09（百度地图拾取的坐标）"),
}


class ImportForm(forms.Form):
    """The upload; ``crs`` for kinds with coordinates, ``consent`` for rosters."""

    file = forms.FileField(label=gettext_lazy("文件（.xlsx 或 .csv）"))
    crs = forms.ChoiceField(
        label=gettext_lazy("坐标系"),
        choices=[(c, CRS_LABELS[c]) for c in CRS_CHOICES],
        required=False,
    )
    union = forms.CharField(
        label=gettext_lazy("导入到工会（编号，可不填）"), max_length=40, required=False
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("大文件只检查、不写入"), required=False,
        help_text=gettext_lazy("超过 5000 行的文件在后台导入；勾选后只检查每一行。"),
    )  # fmt: skip

    consent = forms.BooleanField(
        label=gettext_lazy("用人单位已取得名册上每位劳动者的同意"), required=True
    )

    def __init__(
        self, *args: Any, takes_crs: bool = False, consent: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not takes_crs:
            del self.fields["crs"]
        if not consent:
            del self.fields["consent"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in EXTENSIONS:
            raise forms.ValidationError(
                _("不支持的文件类型“%(ext)s”：请上传 Excel（.xlsx）或 CSV（.csv）文件。")
                % {"ext": suffix or _("无扩展名")}
            )
        return upload


class TabularExportMixin(ExportMixin):
    """Export of the change list (filtered as shown) as XLSX or CSV, Chinese headers."""

    import_resource_class: type[TabularResource]
    import_export_change_list_template = "admin/core/tabular_change_list.html"
    formats = (XLSX, CSV)
    export_formats = (XLSX, CSV)
    export_form_class = ExportForm  # every column (what may be exported is the resource's call)
    allow_import = False

    def get_export_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        return {"actor": request.user}

    def get_export_resource_classes(self, request: HttpRequest) -> list[type[TabularResource]]:
        # Chinese headers first (the default), then the same columns with English keys.
        cls = self.import_resource_class
        english = getattr(cls, "_english_variant", None)
        if english is None or english.__base__ is not cls:
            english = cls._english_variant = cls.with_english_headers()
        return [cls, english]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra = {"allow_tabular_import": self.allow_import and self.may_import(request)}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def may_import(self, request: HttpRequest) -> bool:
        return False


class TabularImportMixin:
    """Import: preview, confirm, a background task for big files, the template."""

    import_resource_class: type[TabularResource]
    allow_import = True
    change_list_template = "admin/core/tabular_import_change_list.html"

    def may_import(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request)  # type: ignore[attr-defined]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra = {"allow_tabular_import": self.may_import(request)}
        return super().changelist_view(request, {**(extra_context or {}), **extra})  # type: ignore[misc]

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name
        urls = [
            path("import-file/", self.admin_site.admin_view(self.import_file_view),
                 name="{}_{}_import_file".format(*info)),
            path("import-file/template.xlsx", self.admin_site.admin_view(self.import_template_view),
                 name="{}_{}_import_template".format(*info)),
            path("import-file/<str:job_id>/", self.admin_site.admin_view(self.import_job_view),
                 name="{}_{}_import_job".format(*info)),
            path("import-file/<str:job_id>/state.json",
                 self.admin_site.admin_view(self.import_state_view),
                 name="{}_{}_import_state".format(*info)),
        ]  # fmt: skip
        return urls + super().get_urls()  # type: ignore[misc]

    def _check_import(self, request: HttpRequest) -> None:
        if not self.may_import(request):
            raise AdminPermissionDenied

    def _job_url(self, job_id: str) -> str:
        info = self.opts.app_label, self.opts.model_name
        return reverse(
            "admin:{}_{}_import_job".format(*info), args=[job_id], current_app=self.admin_site.name
        )

    def _resource_path(self) -> str:
        cls = self.import_resource_class
        return f"{cls.__module__}.{cls.__qualname__}"

    def import_template_view(self, request: HttpRequest) -> HttpResponse:
        self._check_import(request)
        resource = self.import_resource_class()
        data = xlsx_bytes(
            [c.label for c in resource.columns], resource.template_rows(),
            title=str(self.opts.verbose_name), notes=resource.notes(),
        )  # fmt: skip
        response = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{resource.kind}-template.xlsx"'
        return response

    def import_file_view(self, request: HttpRequest) -> HttpResponse:
        self._check_import(request)
        takes_crs = any(c.key in ("lng", "lnglat") for c in self.import_resource_class.columns)
        consent = getattr(self.import_resource_class, "needs_consent", False)
        form = ImportForm(
            request.POST or None, request.FILES or None, takes_crs=takes_crs, consent=consent
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            options = {"crs": form.cleaned_data.get("crs") or "wgs84",
                       "union": form.cleaned_data.get("union") or None,
                       "consent": bool(form.cleaned_data.get("consent"))}  # fmt: skip
            job_id = job_create(
                user_id=request.user.pk, resource=self._resource_path(), filename=upload.name,
                data=upload, options=options,
            )  # fmt: skip
            rows = job_rows(job_id) or 0
            try:
                if rows > ASYNC_ROWS:
                    import_file_run.delay(job_id, dry_run=form.cleaned_data["dry_run"])
                else:
                    job_run(job_id, dry_run=True)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                return HttpResponseRedirect(self._job_url(job_id))
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "form": form,
            "title": _("导入%(kind)s") % {"kind": self.opts.verbose_name},
            "columns": self.import_resource_class.columns, "async_rows": ASYNC_ROWS,
        }  # fmt: skip
        return TemplateResponse(request, "admin/core/tabular_import.html", context)

    def _job(self, request: HttpRequest, job_id: str) -> dict[str, Any]:
        self._check_import(request)
        try:
            state = job_read(job_id, user_id=request.user.pk)
        except NotFound:
            raise Http404 from None
        if state["resource"] != self._resource_path():
            raise Http404
        return state

    def import_job_view(self, request: HttpRequest, job_id: str) -> HttpResponse:
        state = self._job(request, job_id)
        if request.method == "POST":
            report = state.get("report") or {}
            if state["status"] == "done" and report.get("dry_run") and report.get("ok"):
                if (
                    report["total"] > ASYNC_ROWS
                ):  # a big file checked first: write it in the background
                    state.update(status="queued", report=None, done=0)
                    job_write(job_id, state)
                    import_file_run.delay(job_id, dry_run=False)
                    return HttpResponseRedirect(self._job_url(job_id))
                state = job_run(job_id, dry_run=False)
                if state["report"]["written"]:
                    done = _("已导入：新增 %(new)d，更新 %(update)d，未变 %(unchanged)d。")
                    self.message_user(request, done % state["report"]["counts"], messages.SUCCESS)
            return HttpResponseRedirect(self._job_url(job_id))
        report = state.get("report")
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "state": state,
            "report": report, "job_id": job_id,
            "title": _("导入%(kind)s：%(file)s")
            % {"kind": self.opts.verbose_name, "file": state["filename"]},
            "can_confirm": bool(report and report["dry_run"] and report["ok"]),
            "state_url": self._job_url(job_id) + "state.json",
        }  # fmt: skip
        return TemplateResponse(request, "admin/core/tabular_import_job.html", context)

    def import_state_view(self, request: HttpRequest, job_id: str) -> JsonResponse:
        state = self._job(request, job_id)
        return JsonResponse(
            {"status": state["status"], "done": state["done"], "total": state["total"]}
        )


class TabularAdminMixin(TabularImportMixin, TabularExportMixin):
    """Import and export (stations, workplaces)."""

    change_list_template = None
    import_export_change_list_template = "admin/core/tabular_change_list.html"

    def may_import(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request)  # type: ignore[attr-defined]
