"""The written notice of an inspection as a PDF (ReportLab): 工会劳动保护监督检查意见书, or
整改建议书 when the union asks for rectification, with the union's name, the findings, the
law each breaks, the deadlines and the people responsible.

The union is the inspecting one (``Inspection.union``, else the workplace's). An issued
notice (``supervision.services.notice_register``) carries its 发文字号 and date and is
kept as printed. The font is
``settings.NOTICE_FONT_PATH`` (Debian's WenQuanYi Micro Hei by default), embedded as a
subset so the text can be copied and searched (``pdftotext`` reads it back).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from stations.models import Union
from supervision.models import Finding, Inspection

FONT = "NoticeCJK"
KINDS = ("opinion", "rectification")


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        path = Path(settings.NOTICE_FONT_PATH)
        if not path.is_file():
            raise ImproperlyConfigured(
                f"NOTICE_FONT_PATH: no font at {path} (Debian: apt-get install fonts-wqy-microhei)"
            )
        index = {"subfontIndex": 0} if path.suffix.lower() == ".ttc" else {}
        pdfmetrics.registerFont(TTFont(FONT, str(path), **index))
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4
        ),
        "number": ParagraphStyle("number", parent=body, alignment=TA_CENTER, fontSize=10),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=12),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
    }


def _esc(value: object) -> str:
    return (
        str(value or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    ).replace("\n", "<br/>")


def notice_title(kind: str) -> str:
    return (
        _("工会劳动保护监督检查整改建议书")
        if kind == "rectification"
        else _("工会劳动保护监督检查意见书")
    )


def _findings_table(findings: list[Finding], styles: dict[str, ParagraphStyle]) -> Table:
    cell = styles["cell"]
    head = [_("序号"), _("问题"), _("类别"), _("违反的法规或标准"), _("整改要求"), _("整改期限"),
            _("责任人")]  # fmt: skip
    rows = [[Paragraph(_esc(h), cell) for h in head]]
    for n, finding in enumerate(findings, start=1):
        category = finding.get_category_display()
        if finding.severity == Finding.Severity.MAJOR:
            category = f"{category}（{_('重大')}）"
        rows.append([
            Paragraph(str(n), cell), Paragraph(_esc(finding.description), cell),
            Paragraph(_esc(category), cell), Paragraph(_esc(finding.law_cited or "—"), cell),
            Paragraph(_esc(finding.requirement or _("立即整改")), cell),
            Paragraph(finding.deadline.strftime("%Y-%m-%d"), cell),
            Paragraph(_esc(finding.responsible_person), cell),
        ])  # fmt: skip
    table = Table(rows, colWidths=[10 * mm, 45 * mm, 20 * mm, 32 * mm, 32 * mm, 22 * mm,
                                   20 * mm], repeatRows=1)  # fmt: skip
    table.setStyle(TABLE_STYLE)
    return table


def _verified_table(findings: list[Finding], styles: dict[str, ParagraphStyle]) -> Table:
    cell = styles["cell"]
    head = [_("序号"), _("问题"), _("整改情况"), _("验证日期"), _("验证意见")]
    rows = [[Paragraph(_esc(h), cell) for h in head]]
    for n, finding in enumerate(findings, start=1):
        rows.append([
            Paragraph(str(n), cell), Paragraph(_esc(finding.description), cell),
            Paragraph(_esc(finding.rectification_evidence or "—"), cell),
            Paragraph(finding.verified_on.strftime("%Y-%m-%d") if finding.verified_on else "—",
                      cell),
            Paragraph(_esc(finding.verification_note or "—"), cell),
        ])  # fmt: skip
    table = Table(rows, colWidths=[10 * mm, 55 * mm, 50 * mm, 22 * mm, 44 * mm], repeatRows=1)
    table.setStyle(TABLE_STYLE)
    return table


TABLE_STYLE = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
])  # fmt: skip


def inspection_notice_pdf(
    *,
    inspection: Inspection,
    kind: str = "opinion",
    union: Union | None = None,
    document_number: str = "",
    issued_on: dt.date | None = None,
    reply_due: dt.date | None = None,
) -> bytes:
    """The notice for ``inspection``: ``kind`` is ``opinion`` (意见书) or ``rectification``
    (整改建议书). Findings still to rectify are listed as such; verified ones in a section
    of their own with the verification date and note. With no ``document_number`` (not
    issued through the register) the page says 草稿 and carries no number and no date."""
    if kind not in KINDS:
        raise ValueError(kind)
    styles = _styles()
    workplace = inspection.workplace
    union = union or inspection.inspecting_union
    findings = list(inspection.findings.order_by("pk"))
    pending = [f for f in findings if f.status != Finding.Status.VERIFIED]
    verified = [f for f in findings if f.status == Finding.Status.VERIFIED]
    day = inspection.inspected_on
    number = document_number or _("（草稿，未编号）")
    story: list[Flowable] = [
        Paragraph(_esc(union.name), styles["title"]),
        Paragraph(_esc(notice_title(kind)), styles["title"]),
        Paragraph(_esc(number), styles["number"]),
        Spacer(1, 6 * mm),
        Paragraph(_esc(_("%(name)s：") % {"name": workplace.name}), styles["body"]),
    ]
    joined = inspection.get_agencies_display()
    facts = {
        "union": union.name,
        "date": day.strftime("%Y-%m-%d"),
        "joined": (_("（会同%(a)s）") % {"a": joined}) if joined else "",
    }
    opening = (
        _("%(union)s于 %(date)s 依法对你单位的劳动保护和职业健康工作进行了监督检查%(joined)s")
        % facts
    )
    if pending:
        outcome = _(
            "。检查发现下列问题，危害职工的安全健康权益，请按期整改，并在整改期限届满前将整改"
            "情况书面报告本会。"
        )
    elif verified:
        outcome = _("。检查发现的问题均已整改，并经本会验证。")
    else:
        outcome = _("，未发现问题。")
    intro = opening + outcome
    story += [Paragraph(_esc(intro), styles["body"]), Spacer(1, 4 * mm)]
    if pending:
        story += [
            Paragraph(_esc(_("一、需要整改的问题")), styles["body"]),
            _findings_table(pending, styles),
            Spacer(1, 6 * mm),
        ]
    if verified:
        story += [
            Paragraph(
                _esc(_("二、已整改并经验证的问题") if pending else _("已整改并经验证的问题")),
                styles["body"],
            ),
            _verified_table(verified, styles),
            Spacer(1, 6 * mm),
        ]
    if inspection.notes:
        story.append(Paragraph(_esc(_("总体意见：") + inspection.notes), styles["body"]))
    if reply_due is not None:
        story.append(
            Paragraph(
                _esc(_("请于 %(d)s 前书面答复本会。") % {"d": reply_due.strftime("%Y-%m-%d")}),
                styles["body"],
            )
        )
    story += [
        Paragraph(
            _esc(
                _(
                    "依据《中华人民共和国工会法》《中华人民共和国安全生产法》《中华人民共和国"
                    "职业病防治法》，工会对生产经营单位的劳动保护工作进行监督，提出意见和建议，"
                    "生产经营单位应当及时研究答复。"
                )
            ),
            styles["body"],
        ),
        Spacer(1, 12 * mm),
        Paragraph(_esc(union.name + _("（盖章）")), styles["right"]),
        Paragraph(
            issued_on.strftime("%Y-%m-%d") if issued_on else _esc(_("（草稿）")),
            styles["right"],
        ),
        Spacer(1, 8 * mm),
        Paragraph(_esc(_("签收人：__________　　签收日期：__________")), styles["body"]),
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm, title=notice_title(kind), author=union.name,
    )  # fmt: skip
    doc.build(story)
    return out.getvalue()
