"""The API schema is valid OpenAPI and says how every operation can fail."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

pytestmark = [pytest.mark.django_db]


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker) -> dict:
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        # --validate checks against the OpenAPI 3 meta-schema; --fail-on-warn refuses a view
        # whose request or answer spectacular could not work out.
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def test_the_error_envelope_is_a_component(schema):
    error = schema["components"]["schemas"]["Error"]
    detail = schema["components"]["schemas"][error["properties"]["error"]["$ref"].rsplit("/", 1)[1]]
    assert set(detail["required"]) == {"field", "message"}


def test_every_operation_declares_its_errors(schema):
    seen = 0
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        assert {"400", "404", "429"} <= set(responses), (method, path)
        if method != "get":
            assert {"403", "409"} <= set(responses), (method, path)
        for code, response in responses.items():
            if code.startswith("4"):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/Error"), (method, path, code)
        seen += 1
    assert seen >= 20


def test_login_only_operations_declare_401_and_403(schema):
    levels = schema["paths"]["/api/v1/stock/levels/"]["get"]["responses"]
    assert {"401", "403"} <= set(levels)
    nearby = schema["paths"]["/api/v1/stations/nearby/"]["get"]["responses"]
    assert "401" not in nearby  # public


def test_an_unknown_api_address_answers_the_envelope(client):
    response = client.get("/api/v1/stock/transfers/null,null/receive/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["field"] is None
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_query_parameters_declare_the_bounds_the_server_enforces(schema):
    """A value the schema allows is one the server accepts (schemathesis's
    positive_data_acceptance): the bounds of maps.filters are in the schema."""

    def param(path: str, name: str) -> dict:
        found = schema["paths"][path]["get"]["parameters"]
        return next(p for p in found if p["name"] == name)["schema"]

    assert param("/api/v1/stations/nearby/", "limit") == {
        "type": "integer", "minimum": 1, "maximum": 50
    }  # fmt: skip
    assert param("/api/v1/stations/nearby/", "lat")["maximum"] == 90
    assert param("/api/v1/alerts/here/", "lng")["minimum"] == -180
    assert param("/api/v1/stations/clusters/", "zoom")["maximum"] == 20
    assert param("/api/v1/open-data/hsds/", "per_page")["minimum"] == 1
