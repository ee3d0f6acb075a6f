"""The PDF notice renders Chinese: pdftotext reads back the union, the workplace and every
finding with its deadline."""

from __future__ import annotations

import subprocess

import pytest

from supervision.services import inspections as svc
from tests.supervision.conftest import days_ago, finding_input

pytestmark = [pytest.mark.django_db]


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(content)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True, check=True, timeout=30,
    )  # fmt: skip
    return result.stdout.decode("utf-8")


@pytest.fixture
def inspection(organizer_xining, plant):
    inspection = svc.inspection_record(
        actor=organizer_xining, workplace=plant, inspected_on=days_ago(3), inspectors="李明",
        agencies=["emergency"],
        findings=[
            finding_input(description="冲床光电保护失效", deadline=days_ago(-10)),
            finding_input(description="未发放防尘口罩", category="ppe", severity="major",
                          deadline=days_ago(-20), responsible_person="车间主任王强"),
        ],
    )  # fmt: skip
    first = inspection.findings.get(description="冲床光电保护失效")
    svc.finding_rectify(actor=organizer_xining, finding=first, rectified_on=days_ago(1),
                        evidence="已修复")  # fmt: skip
    svc.finding_verify(actor=organizer_xining, finding=first, verified_on=days_ago(0))
    return inspection


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_the_opinion_names_the_union_and_every_finding(client, organizer_xining, inspection,
                                                       tmp_path):  # fmt: skip
    client.force_login(organizer_xining)
    response = client.get(f"/organizer/supervision/inspections/{inspection.pk}/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = squeeze(pdf_text(response.content, tmp_path))
    assert "工会劳动保护监督检查意见书" in text
    assert "城中区总工会" in text and "西宁某铝业（测试）" in text
    assert "冲床光电保护失效" in text and "未发放防尘口罩" in text
    assert days_ago(-10).isoformat() in text and days_ago(-20).isoformat() in text
    assert "车间主任王强" in text and "应急管理" in text and "重大" in text


def test_the_rectification_notice_leaves_out_verified_findings(client, organizer_xining,
                                                               inspection, tmp_path):  # fmt: skip
    client.force_login(organizer_xining)
    url = f"/organizer/supervision/inspections/{inspection.pk}/notice.pdf?kind=rectification"
    text = squeeze(pdf_text(client.get(url).content, tmp_path))
    assert "整改建议书" in text
    assert "未发放防尘口罩" in text and "冲床光电保护失效" not in text


def test_another_union_gets_no_notice(client, organizer_golmud, inspection):
    client.force_login(organizer_golmud)
    url = f"/organizer/supervision/inspections/{inspection.pk}/notice.pdf"
    for response in (client.get(url), client.get(url, {"kind": "rectification"})):
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")  # no PDF of any kind
        body = response.content.decode()
        assert "Not Found" in body
        for secret in ("西宁某铝业（测试）", "城中区总工会", "未发放防尘口罩", "车间主任王强"):
            assert secret not in body, secret
