"""The written notice of an inspection as a PDF (ReportLab): 工会劳动保护监督检查意见书, or
整改建议书 when the union asks for rectification, with the union's name, the findings, the
law each breaks, the deadlines and the people responsible.

The union is the one that supervises the workplace (``Workplace.union``). The font is
``settings.NOTICE_FONT_PATH`` (Debian's WenQuanYi Micro Hei by default), embedded as a
subset so the text can be copied and searched (``pdftotext`` reads it back).
"""

from __future__ import annotations

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

from core import time as local_time
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


def inspection_notice_pdf(*, inspection: Inspection, kind: str = "opinion") -> bytes:
    """The notice for ``inspection``: ``kind`` is ``opinion`` (意见书) or ``rectification``
    (整改建议书, the findings not yet verified)."""
    if kind not in KINDS:
        raise ValueError(kind)
    styles = _styles()
    workplace = inspection.workplace
    union = workplace.union
    findings = list(inspection.findings.order_by("pk"))
    if kind == "rectification":
        findings = [f for f in findings if f.status != Finding.Status.VERIFIED]
    day = inspection.inspected_on
    story: list[Flowable] = [
        Paragraph(_esc(union.name), styles["title"]),
        Paragraph(_esc(notice_title(kind)), styles["title"]),
        Paragraph(
            _esc(
                _("%(code)s 劳保〔%(year)d〕%(n)d 号")
                % {"code": union.code, "year": day.year, "n": inspection.pk}
            ),
            styles["number"],
        ),
        Spacer(1, 6 * mm),
        Paragraph(_esc(_("%(name)s：") % {"name": workplace.name}), styles["body"]),
    ]
    joined = inspection.get_agencies_display()
    intro = _(
        "%(union)s于 %(date)s 依法对你单位的劳动保护和职业健康工作进行了监督检查%(joined)s。"
        "检查发现下列问题，危害职工的安全健康权益，请按期整改，并在整改期限届满前将整改情况"
        "书面报告本会。"
    ) % {
        "union": union.name,
        "date": day.strftime("%Y-%m-%d"),
        "joined": (_("（会同%(a)s）") % {"a": joined}) if joined else "",
    }
    story += [Paragraph(_esc(intro), styles["body"]), Spacer(1, 4 * mm)]
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
    if not findings:
        rows.append([Paragraph("—", cell), Paragraph(_esc(_("未发现问题。")), cell), "", "", "",
                     "", ""])  # fmt: skip
    table = Table(rows, colWidths=[10 * mm, 45 * mm, 20 * mm, 32 * mm, 32 * mm, 22 * mm,
                                   20 * mm], repeatRows=1)  # fmt: skip
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))  # fmt: skip
    story += [table, Spacer(1, 6 * mm)]
    if inspection.notes:
        story.append(Paragraph(_esc(_("总体意见：") + inspection.notes), styles["body"]))
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
        Paragraph(local_time.today().strftime("%Y-%m-%d"), styles["right"]),
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
