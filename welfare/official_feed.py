"""Fetching official warning signals (CAP 1.2) from a configured feed URL.

The URL (``OFFICIAL_ALERT_FEED_URL``) answers either one CAP ``<alert>`` document or an
Atom feed whose entries link to CAP documents (the shape of the CAP feeds of national
warning services). Reading goes through ``welfare.cap`` (defusedxml, the CAP 1.2 schema).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import requests
from django.conf import settings

from welfare import cap
from welfare.weather import session

#: At most this many documents are read from one feed poll.
MAX_DOCUMENTS = 500


class FeedError(Exception):
    """The feed could not be read at all (network, HTTP status, not XML)."""


@dataclass
class FeedDocuments:
    documents: list[tuple[str, bytes]] = field(default_factory=list)  # (url, bytes)
    errors: list[str] = field(default_factory=list)  # one line per document not fetched


def _get(client: requests.Session, url: str) -> bytes:
    try:
        response = client.get(
            url, timeout=(settings.WEATHER_CONNECT_TIMEOUT, settings.WEATHER_READ_TIMEOUT),
            stream=True,
        )  # fmt: skip
    except requests.RequestException as exc:
        raise FeedError(f"{url}: request failed: {exc.__class__.__name__}") from exc
    with response:
        if response.status_code != 200:
            raise FeedError(f"{url}: HTTP {response.status_code}")
        body = response.raw.read(cap.MAX_BYTES + 1, decode_content=True)
    if len(body) > cap.MAX_BYTES:
        raise FeedError(f"{url}: larger than {cap.MAX_BYTES} bytes")
    return body


def fetch_documents(*, url: str, http: requests.Session | None = None) -> FeedDocuments:
    """The CAP documents at ``url``: the document itself, or those its Atom feed links to.
    A linked document that cannot be fetched is listed in ``errors``; the others count."""
    client = http or session()
    body = _get(client, url)
    out = FeedDocuments()
    try:
        links = cap.feed_links(body, base=url)
    except cap.CapError:
        links = None  # not XML, or unsafe: the ingest says which, as for a document
    if links is None:
        out.documents.append((url, body))
        return out
    for link in links[:MAX_DOCUMENTS]:
        try:
            out.documents.append((link, _get(client, link)))
        except FeedError as exc:
            out.errors.append(str(exc))
    return out
