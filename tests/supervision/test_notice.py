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
    svc.finding_verify(actor=organizer_xining, finding=first, verified_on=days_ago(0),
                       note="现场复查：光电保护装置复测正常")  # fmt: skip
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
    assert days_ago(-20).isoformat() in text
    assert "车间主任王强" in text and "应急管理" in text and "重大" in text
    # Not issued through the register: a draft, with no number and no date.
    assert "草稿，未编号" in text


def test_the_rectification_notice_lists_a_verified_finding_in_its_own_section(
    client, organizer_xining, inspection, tmp_path
):
    client.force_login(organizer_xining)
    url = f"/organizer/supervision/inspections/{inspection.pk}/notice.pdf?kind=rectification"
    text = squeeze(pdf_text(client.get(url).content, tmp_path))
    assert "整改建议书" in text
    to_rectify, _sep, verified = text.partition("二、已整改并经验证的问题")
    assert "未发放防尘口罩" in to_rectify and "冲床光电保护失效" not in to_rectify
    assert "冲床光电保护失效" in verified and days_ago(0).isoformat() in verified
    assert "光电保护装置复测正常" in verified  # the verification note


def test_a_notice_whose_findings_are_all_verified_says_so(
    client, organizer_xining, inspection, tmp_path
):
    major = inspection.findings.get(description="未发放防尘口罩")
    svc.finding_rectify(actor=organizer_xining, finding=major, rectified_on=days_ago(0),
                        evidence="已发放")  # fmt: skip
    svc.finding_verify(actor=organizer_xining, finding=major, verified_on=days_ago(0))
    client.force_login(organizer_xining)
    url = f"/organizer/supervision/inspections/{inspection.pk}/notice.pdf?kind=rectification"
    text = squeeze(pdf_text(client.get(url).content, tmp_path))
    assert "检查发现的问题均已整改，并经本会验证" in text
    assert "请按期整改" not in text and "未发现问题" not in text


def test_the_verification_note_is_shown_on_the_page(client, organizer_xining, inspection):
    client.force_login(organizer_xining)
    page = client.get(f"/organizer/supervision/inspections/{inspection.pk}/").content.decode()
    assert "光电保护装置复测正常" in page


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
