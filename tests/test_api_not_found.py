"""Every answer under /api/ is the error envelope as JSON, whatever the path; /ogc/ answers
its errors in the format asked for (``f`` or Accept).

The walk sends every operation of the schema that has a path parameter a non-integer, an
empty and a 5000-character value for each parameter in turn, anonymously and as an
organizer: the answer is JSON with ``{"error": {"field", "message"}}`` each time, never a
500 and never Django's HTML page.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Iterator

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator

from config import urls as site_urls

BAD_VALUES = {"non-integer": "null,null", "empty": "", "long": "x" * 5000}
PARAM = re.compile(r"\{([^}]+)\}")
# A real value for the parameters not under test, so the one under test is what fails.
GOOD = {"code": "QH-XN-0001"}


# A urlconf for the cases no real API route produces: a plain Django view's 405, a view's
# own Http404, and a server error.
@require_GET
def _plain_get(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def _plain_missing(request: HttpRequest) -> HttpResponse:
    raise Http404("no such thing")


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


urlpatterns = [
    path("api/v1/test-plain-get/", _plain_get),
    path("api/v1/test-plain-missing/", _plain_missing),
    path("api/v1/test-boom/", _boom),
    path("ogc/test-boom", _boom),
    *site_urls.urlpatterns,
]
handler404 = site_urls.handler404
handler500 = site_urls.handler500


def assert_envelope(response, *, status: int | None = None) -> dict:
    where = (response.request["REQUEST_METHOD"], response.request["PATH_INFO"][:120])
    if status != 500:
        assert response.status_code != 500, (*where, response.content[:300])
    assert response.status_code >= 400, (*where, response.status_code)
    if status is not None:
        assert response.status_code == status, (*where, response.status_code)
    assert response["Content-Type"].split(";")[0] == "application/json", (
        *where,
        response["Content-Type"],
    )
    error = json.loads(response.content)["error"]
    assert "field" in error and isinstance(error["message"], str) and error["message"], where
    return error


@pytest.fixture(scope="module")
def operations(django_db_blocker) -> list[tuple[str, str]]:
    with django_db_blocker.unblock():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    found = [
        (route, method)
        for route, item in schema["paths"].items()
        if PARAM.search(route)
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(found) >= 25  # the walk covers the API, not a stray route or two
    return found


def urls_with_a_bad_value(route: str) -> Iterator[tuple[str, str]]:
    names = PARAM.findall(route)
    for name in names:
        for label, bad in BAD_VALUES.items():
            url = route
            for other in names:
                url = url.replace("{" + other + "}", bad if other == name else GOOD.get(other, "1"))
            yield f"{name}={label}", url


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "organizer"])
def test_every_path_parameter_refused_with_the_envelope(
    operations, network, organizer_xining, settings, who
):
    settings.PUBLIC_FORM_RATE = "100000/minute"  # the walk is one client sending a lot
    client = Client()
    if who == "organizer":
        client.force_login(organizer_xining)
    sent = 0
    for route, method in operations:
        for _case, url in urls_with_a_bad_value(route):
            send = getattr(client, method)
            if method == "get":
                response = send(url)
            else:
                response = send(url, data={}, content_type="application/json")
            assert_envelope(response)
            sent += 1
    assert sent >= 80


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_no_route_and_refused_converter_answer_the_envelope(client, settings, debug):
    settings.DEBUG = debug
    for url in (
        "/api/v1/supervision/accidents/null,null/",
        "/api/v1/stock/transfers/null,null/receive/",
        "/api/v1/no-such-thing/",
        "/api/v2/",
    ):
        error = assert_envelope(client.get(url), status=404)
        assert error["field"] is None
    # The site's own pages keep their HTML 404.
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_plain_views_under_api_answer_the_envelope(client, settings, debug):
    settings.DEBUG = debug
    not_allowed = client.post("/api/v1/test-plain-get/")
    assert_envelope(not_allowed, status=405)
    assert not_allowed["Allow"] == "GET"
    missing = assert_envelope(client.get("/api/v1/test-plain-missing/"), status=404)
    no_route = assert_envelope(client.get("/api/v1/test-plain-missing/x/"), status=404)
    assert missing["message"] != no_route["message"]  # "not found" vs "no such address"
    # A DRF route's 405 keeps DRF's own message.
    assert_envelope(client.delete("/api/v1/stations/nearby/"), status=405)


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_server_error_under_api_answers_the_envelope(settings, debug):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    error = assert_envelope(client.get("/api/v1/test-boom/"), status=500)
    assert "boom" not in error["message"]  # nothing of the traceback leaks
    if not debug:  # (in DEBUG /ogc/ keeps Django's page with the traceback)
        ogc = client.get("/ogc/test-boom", HTTP_ACCEPT="application/json")
        assert ogc.status_code == 500 and ogc.json()["code"] == "ServerError"
        page = client.get("/ogc/test-boom?f=html")
        assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


# OGC API – Features: errors in the format asked for, as the pages are.


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize(
    ("url", "headers", "media"),
    [
        ("/ogc/no-such-thing", {}, "application/json"),
        ("/ogc/no-such-thing?f=json", {"HTTP_ACCEPT": "text/html"}, "application/json"),
        ("/ogc/no-such-thing", {"HTTP_ACCEPT": "text/html,*/*;q=0.8"}, "text/html"),
        ("/ogc/no-such-thing?f=html", {}, "text/html"),
        ("/ogc/collections/nope", {}, "application/json"),
        ("/ogc/collections/nope?f=html", {}, "text/html"),
        ("/ogc/collections/stations/items/NOPE", {"HTTP_ACCEPT": "text/html"}, "text/html"),
        ("/ogc/collections/stations/items?f=xml", {"HTTP_ACCEPT": "text/html"}, "text/html"),
        ("/ogc/collections/stations/items?f=xml", {}, "application/json"),
    ],
)  # fmt: skip
def test_ogc_errors_answer_the_format_asked_for(client, settings, debug, url, headers, media):
    settings.DEBUG = debug
    response = client.get(url, **headers)
    assert response.status_code in (400, 404)
    assert response["Content-Type"].split(";")[0] == media
    assert "Accept" in response["Vary"]
    if media == "application/json":
        body = response.json()
        assert body["code"] in ("NotFound", "InvalidParameterValue")
        assert body["description"] == body["error"]["message"]
    else:
        text = response.content.decode()
        assert "Page not found" not in text and "ogc" in text  # the OGC page, not Django's


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("f", "accept", "media"),
    [("", "application/json", "application/json"), ("", "text/html", "text/html"),
     ("html", "application/json", "text/html")],
)  # fmt: skip
def test_ogc_methods_other_than_get_answer_405_in_the_format_asked_for(client, f, accept, media):
    response = client.post(f"/ogc/collections?f={f}", HTTP_ACCEPT=accept)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Content-Type"].split(";")[0] == media
    api = client.delete(f"/ogc/api?f={f}", HTTP_ACCEPT=accept)
    assert api.status_code == 405 and api["Content-Type"].split(";")[0] == media


@pytest.mark.django_db
def test_ogc_pages_answer_the_format_asked_for(client, network):
    assert client.get("/ogc/collections", HTTP_ACCEPT="text/html")["Content-Type"].startswith(
        "text/html"
    )
    assert client.get("/ogc/collections?f=json", HTTP_ACCEPT="text/html").json()["collections"]


# The quick start's server and a chunked request body.


@pytest.fixture
def development_server() -> Iterator[int]:
    """Django's development server (what ``make run`` serves), in a thread."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_a_chunked_body_does_not_break_the_next_request_on_the_connection(development_server):
    """The development server does not decode a chunked body; on a keep-alive connection it
    read what was left (``0\\r\\n\\r\\n``) as the next request and answered the client's
    next call with a bare HTML page and no status line: "connection aborted" (seen by
    schemathesis on ``POST /api/v1/stations/0/feedback/``)."""
    connection = http.client.HTTPConnection("127.0.0.1", development_server, timeout=10)
    try:
        # Refused before any body is read (GET only), as a rate limit or a login would be.
        connection.request(
            "POST", "/api/v1/stations/nearby/", body=iter([b"x=1"]), encode_chunked=True
        )
        first = connection.getresponse()
        assert first.status == 405 and "error" in json.loads(first.read())
        connection.request("GET", "/livez")
        second = connection.getresponse()
        assert second.status == 200 and json.loads(second.read()) == {"ok": True}
        # The server closed the connection; http.client opened a new one for the second.
        assert first.getheader("Connection") == "close"
    finally:
        connection.close()
