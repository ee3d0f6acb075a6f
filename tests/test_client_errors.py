"""Bodies a client can send that used to answer 500 (security review 2, class 9): a JSON
body nested past the stack, and a workbook whose XML has a DTD (XXE, billion laughs).
Both answer 400 naming the problem, and nothing is stored."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from core.tabular import TabularError, open_table

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>\n"
)
XXE = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'


def workbook_with_dtd(dtd: bytes, entity: str) -> bytes:
    """A real roster workbook whose first sheet's XML starts with ``dtd`` and uses
    ``entity`` in a cell."""
    book = Workbook()
    book.active.append(["姓名", "身份证后四位", "手机号"])
    book.active.append(["马师傅", "0001", "13900000001"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                body = body.replace(b"<t>", b"<t>" + f"&{entity};".encode(), 1)
                body = body.replace(
                    b'<c r="A2" t="inlineStr"><is><t>',
                    b'<c r="A2" t="inlineStr"><is><t>' + f"&{entity};".encode(),
                )
                data = dtd + body.lstrip()
            dst.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize(("dtd", "entity"), [(BILLION_LAUGHS, "lol9"), (XXE, "xxe")])
def test_a_workbook_with_a_dtd_is_refused_by_the_reader(dtd, entity):
    with (
        pytest.raises(TabularError) as exc,
        open_table(workbook_with_dtd(dtd, entity), filename="roster.xlsx") as table,
    ):
        list(table.rows())
    assert exc.value.field == "file" and "DTD" in exc.value.message


@pytest.mark.parametrize(("dtd", "entity"), [(BILLION_LAUGHS, "lol9"), (XXE, "xxe")])
def test_a_roster_with_a_dtd_answers_400(client, network, organizer_xining, dtd, entity):
    from tests.welfare.factories import WorkplaceFactory
    from welfare.models import Worker

    workplace = WorkplaceFactory(union=network.xining, hazards={"noise": 5})
    client.force_login(organizer_xining)
    upload = io.BytesIO(workbook_with_dtd(dtd, entity))
    upload.name = "roster.xlsx"
    response = client.post(
        "/organizer/workers/import/", {"workplace": workplace.pk, "file": upload}
    )
    assert response.status_code == 400
    assert "DTD" in " ".join(response.context["form"].errors["file"])
    assert Worker.objects.count() == 0


@pytest.mark.parametrize("body", ["[" * 3000, '{"a":' * 3000, "[" * 990 + "]" * 990])
def test_a_json_body_nested_past_the_stack_answers_400(client, organizer_xining, body):
    from campaigns.models import StockEntry

    client.force_login(organizer_xining)
    response = client.post("/api/v1/stock/receipts/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert "error" in response.json()
    assert not StockEntry.objects.exists()
