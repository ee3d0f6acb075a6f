"""Official warning signals in OASIS Common Alerting Protocol 1.2 (CAP), as China's national
emergency warning release system publishes them (profile: GB/T 35965.1-2018 应急信息交互
协议 第1部分：预警信息).

Only the meteorological offices publish weather warnings to the public (《中华人民共和国
气象法》第二十二条); yizhan shows their signals verbatim and labels its own estimates as
提示. This module reads a document and nothing else: no database, no network.

Reading is safe by construction: the bytes are parsed only by ``defusedxml`` (no DTD, no
entities, no external references); lxml then checks the same bytes, which defusedxml has
accepted, against the CAP 1.2 schema shipped beside this file (``CAP-v1.2.xsd``, OASIS,
with its notice in ``NOTICE.md``), through a parser that resolves nothing and reads no
network.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin
from xml.etree.ElementTree import Element  # a type only: parsing is defusedxml's

import defusedxml.ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from lxml import etree as lxml_etree  # validates bytes defusedxml accepted

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
NS = {"cap": CAP_NS}
XSD_PATH = Path(__file__).with_name("CAP-v1.2.xsd")
#: A CAP document is a few kilobytes; anything far larger is not one.
MAX_BYTES = 1024 * 1024

#: GB/T 35965.1-2018: the identifier is the issuer's code (GB/T 2260 area code, 6 digits +
#: GB/T 4657 body code, 3 digits + 2 + 2 digits = 13 characters), ``_``, the Beijing-time
#: entry stamp YYYYMMDDhhmmss, ``_``, a sequence number.
GBT35965_IDENTIFIER = re.compile(
    r"^(?P<issuer>\d{6}[0-9A-Za-z]{7})_(?P<stamp>\d{14})_(?P<seq>\d+)$"
)

#: CAP severity → signal colour: the four grades of 《突发事件应对法》(2007) 第四十二条 (red I,
#: orange II, yellow III, blue IV) in CAP's four severities, most severe first. The colour
#: word of a Chinese headline is the issuer's own and wins when the severity is Unknown.
SEVERITY_COLOURS = {"Extreme": "red", "Severe": "orange", "Moderate": "yellow", "Minor": "blue"}
#: The colour words of a Chinese signal's headline, as issued.
COLOUR_WORDS = {"红色": "red", "橙色": "orange", "黄色": "yellow", "蓝色": "blue"}
#: The hazard of an official signal, for the map's icon: from words of its ``<event>``.
EVENT_KINDS = (("高温", "heat"), ("寒潮", "cold_wave"), ("低温", "cold_wave"),
               ("冰冻", "cold_wave"), ("道路结冰", "cold_wave"), ("霜冻", "cold_wave"),
               ("暴雪", "cold_wave"), ("heat", "heat"), ("cold", "cold_wave"),
               ("freez", "cold_wave"))  # fmt: skip


class CapError(ValueError):
    """The document cannot be taken as a CAP 1.2 alert; ``str()`` says why, in English
    (it goes to logs and command output, not to the public)."""


@dataclass(frozen=True)
class CapArea:
    description: str
    polygons: tuple[tuple[tuple[float, float], ...], ...]  # rings of (lng, lat)
    geocodes: tuple[tuple[str, str], ...]  # (valueName, value)


@dataclass(frozen=True)
class CapAlert:
    """One CAP alert, read as issued. ``info`` fields come from the first Chinese
    ``<info>`` block (else the first one)."""

    identifier: str
    sender: str
    sent: dt.datetime
    status: str
    msg_type: str
    scope: str
    references: tuple[tuple[str, str, str], ...]  # (sender, identifier, sent)
    language: str = ""
    event: str = ""
    urgency: str = ""
    severity: str = ""
    certainty: str = ""
    effective: dt.datetime | None = None
    expires: dt.datetime | None = None
    sender_name: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    areas: tuple[CapArea, ...] = field(default_factory=tuple)
    raw: str = ""

    @property
    def colour(self) -> str:
        """The signal's colour as issued: the one its severity stands for, else the colour
        word of its event or headline; "" when neither says."""
        if self.severity in SEVERITY_COLOURS:
            return SEVERITY_COLOURS[self.severity]
        for word, colour in COLOUR_WORDS.items():
            if word in self.event or word in self.headline:
                return colour
        return ""

    @property
    def kind(self) -> str:
        text = f"{self.event} {self.headline}".lower()
        return next((kind for word, kind in EVENT_KINDS if word in text), "other")

    @property
    def geocodes(self) -> list[str]:
        return [value for area in self.areas for _name, value in area.geocodes]


@functools.cache
def schema() -> lxml_etree.XMLSchema:
    parser = lxml_etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return lxml_etree.XMLSchema(lxml_etree.parse(str(XSD_PATH), parser))


def _safe_tree(data: bytes) -> Element:
    if len(data) > MAX_BYTES:
        raise CapError(f"document larger than {MAX_BYTES} bytes")
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                 forbid_external=True)  # fmt: skip
    except DefusedXmlException as exc:
        raise CapError(f"unsafe XML refused: {exc.__class__.__name__}") from None
    except SafeET.ParseError as exc:
        raise CapError(f"not well-formed XML: {exc}") from None


def validate(data: bytes) -> None:
    """Raise ``CapError`` unless ``data`` is a CAP 1.2 alert valid against the schema."""
    root = _safe_tree(data)
    if root.tag != f"{{{CAP_NS}}}alert":
        raise CapError(f"root element is {root.tag!r}, not a CAP 1.2 <alert>")
    parser = lxml_etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                  huge_tree=False)  # fmt: skip
    try:
        document = lxml_etree.fromstring(data, parser)  # defusedxml accepted these bytes
    except lxml_etree.XMLSyntaxError as exc:  # pragma: no cover - defusedxml read it first
        raise CapError(f"not well-formed XML: {exc}") from None
    checker = schema()
    if not checker.validate(document):
        first = checker.error_log.filter_from_errors()[0]
        raise CapError(f"not valid CAP 1.2 (line {first.line}): {first.message}")


def _text(node: Element | None, path: str) -> str:
    found = node.find(path, NS) if node is not None else None
    return (found.text or "").strip() if found is not None else ""


def _time(value: str) -> dt.datetime | None:
    # The schema has checked the pattern (offset required): YYYY-MM-DDThh:mm:ss±hh:mm.
    return dt.datetime.fromisoformat(value) if value else None


def _polygon(text: str) -> tuple[tuple[float, float], ...]:
    """CAP §3.2.4: pairs "lat,lon" separated by spaces, at least four, the first equal to
    the last (WGS-84)."""
    points = []
    for pair in text.split():
        try:
            lat, lon = (float(v) for v in pair.split(","))
        except ValueError:
            raise CapError(f"bad polygon point {pair!r}") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise CapError(f"polygon point out of range {pair!r}")
        points.append((lon, lat))
    if len(points) < 4 or points[0] != points[-1]:
        raise CapError("a polygon needs at least four points, the first equal to the last")
    return tuple(points)


def _references(text: str) -> tuple[tuple[str, str, str], ...]:
    """CAP §3.2.1 <references>: "sender,identifier,sent" entries separated by spaces."""
    out = []
    for entry in text.split():
        parts = entry.split(",")
        if len(parts) != 3:
            raise CapError(f"bad reference {entry!r}")
        out.append((parts[0], parts[1], parts[2]))
    return tuple(out)


def _pick_info(root: Element) -> Element | None:
    infos = root.findall("cap:info", NS)
    chinese = [i for i in infos if _text(i, "cap:language").lower().startswith("zh")]
    return (chinese or infos or [None])[0]


def parse(data: bytes) -> CapAlert:
    """Validate and read one CAP 1.2 ``<alert>`` document."""
    validate(data)
    root = _safe_tree(data)
    info = _pick_info(root)
    sent = _time(_text(root, "cap:sent"))
    assert sent is not None  # the schema requires <sent>
    areas = []
    for area in info.findall("cap:area", NS) if info is not None else []:
        areas.append(
            CapArea(
                description=_text(area, "cap:areaDesc"),
                polygons=tuple(_polygon(p.text or "") for p in area.findall("cap:polygon", NS)),
                geocodes=tuple(
                    (_text(g, "cap:valueName"), _text(g, "cap:value"))
                    for g in area.findall("cap:geocode", NS)
                ),
            )
        )
    return CapAlert(
        identifier=_text(root, "cap:identifier"),
        sender=_text(root, "cap:sender"),
        sent=sent,
        status=_text(root, "cap:status"),
        msg_type=_text(root, "cap:msgType"),
        scope=_text(root, "cap:scope"),
        references=_references(_text(root, "cap:references")),
        language=_text(info, "cap:language"),
        event=_text(info, "cap:event"),
        urgency=_text(info, "cap:urgency"),
        severity=_text(info, "cap:severity"),
        certainty=_text(info, "cap:certainty"),
        effective=_time(_text(info, "cap:effective")),
        expires=_time(_text(info, "cap:expires")),
        sender_name=_text(info, "cap:senderName"),
        headline=_text(info, "cap:headline"),
        description=_text(info, "cap:description"),
        instruction=_text(info, "cap:instruction"),
        areas=tuple(areas),
        raw=data.decode("utf-8", errors="replace"),
    )


def feed_links(data: bytes, *, base: str) -> list[str] | None:
    """The CAP documents an Atom feed links to (absolute URLs), or None when ``data`` is
    not an Atom feed. An entry's ``<link rel="alternate">`` (or first link) is taken."""
    root = _safe_tree(data)
    if root.tag != f"{{{ATOM_NS}}}feed":
        return None
    links = []
    for entry in root.findall(f"{{{ATOM_NS}}}entry"):
        candidates = entry.findall(f"{{{ATOM_NS}}}link")
        chosen = next((c for c in candidates if c.get("rel", "alternate") == "alternate"), None)
        if chosen is not None and chosen.get("href"):
            links.append(urljoin(base, chosen.get("href")))
    return links


def gbt35965_identifier_ok(identifier: str) -> bool:
    """Whether ``identifier`` has the GB/T 35965.1-2018 form (issuer code, Beijing-time
    stamp, sequence)."""
    match = GBT35965_IDENTIFIER.match(identifier)
    if match is None:
        return False
    try:
        dt.datetime.strptime(match["stamp"], "%Y%m%d%H%M%S")
    except ValueError:
        return False
    return True
