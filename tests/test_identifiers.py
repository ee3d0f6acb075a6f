"""Identifiers in one normal form (core.identifiers): the same phone, ID tail, credit code,
station code or voucher code typed in any script's digits is the same identifier, and
anything outside its alphabet is refused naming the field (security review 2, class 1)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.identifiers import IdentifierInvalid, normalize_identifier, normalize_phone
from core.identity import worker_key

# The zero of some scripts whose digits Python's \d (and str.isdigit) accepts.
ZEROS = [
    0x30,  # ASCII
    0xFF10,  # full width
    0x660,  # Arabic-Indic
    0x6F0,  # Extended Arabic-Indic (Persian)
    0x966,  # Devanagari
    0x9E6,  # Bengali
    0xE50,  # Thai
    0x1040,  # Myanmar
    0x1D7CE,  # mathematical bold
    0x1D7F6,  # mathematical monospace
]
SEPARATORS = ["", "", " ", "-", "\u3000", "\u00a0", "－"]  # the last is a full-width dash

phones = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@st.composite
def spelled(draw: st.DrawFn, digits: str) -> str:
    """``digits`` with each digit in a script drawn for it, separators in between."""
    out = []
    for d in digits:
        zero = draw(st.sampled_from(ZEROS))
        out.append(chr(zero + int(d)) + draw(st.sampled_from(SEPARATORS)))
    return "".join(out)


def test_the_scripts_are_all_decimal_digits():
    for zero in ZEROS:
        assert [unicodedata.decimal(chr(zero + i)) for i in range(10)] == list(range(10))


@given(data=st.data(), phone=phones)
@settings(max_examples=150, deadline=None)
def test_a_phone_in_any_script_is_one_worker(data, phone):
    form = data.draw(spelled(phone))
    prefix = data.draw(st.sampled_from(["", "+86 ", "+８６", "0086", "86-"]))
    assert normalize_phone(prefix + form) == phone
    assert worker_key(prefix + form) == worker_key(phone)


@given(
    phone=phones,
    junk=st.characters(categories=("Lu", "Ll", "Lo", "Sm", "Sc")).filter(
        lambda c: unicodedata.normalize("NFKC", c) not in "+－﹢＋"
    ),
    at=st.integers(min_value=0, max_value=11),
)
@settings(max_examples=200, deadline=None)
def test_anything_else_in_a_phone_is_refused_naming_the_field(phone, junk, at):
    with pytest.raises(IdentifierInvalid) as exc:
        worker_key(phone[:at] + junk + phone[at:])
    assert exc.value.field == "phone"


@given(data=st.data(), digits=st.from_regex(r"[0-9]{3}[0-9X]", fullmatch=True))
@settings(max_examples=100, deadline=None)
def test_id_digits_in_any_script_are_one_value(data, digits):
    from welfare.services.health import clean_id_last4

    form = data.draw(spelled(digits.rstrip("X"))) + ("x" if digits.endswith("X") else "")
    assert clean_id_last4(form) == digits


def test_refusals_name_the_field_and_the_character():
    with pytest.raises(IdentifierInvalid) as exc:
        normalize_identifier("12a4", field="id_last4", label="身份证后四位")
    assert exc.value.field == "id_last4" and "A" in exc.value.message
    assert normalize_identifier("１２３４", field="x", label="x") == "1234"


def test_codes_in_any_script_are_found():
    from campaigns.services.vouchers import voucher_code_normalize
    from core.identifiers import code_lookup_form
    from welfare.validators import credit_code_normalize

    assert code_lookup_form("ｑｈ-ｘｎ-٠٠٠١") == "QH-XN-0001"
    assert voucher_code_normalize("ab٢٣-ＣＤ４５") == "AB23CD45"
    assert credit_code_normalize("９１６３٠١٠٠ma7xxxxxx1") == "91630100MA7XXXXXX1"


# Keyed and compared: the hand-out limit and the worker register -----------------------


@pytest.mark.django_db
@given(data=st.data(), phone=phones)
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_limit_of_one_a_day_holds_across_forms(data, phone, stock_for_identifiers):
    from campaigns.exceptions import LimitReached
    from campaigns.models import Distribution
    from campaigns.services import ledger

    stock = stock_for_identifiers
    forms = [phone, *data.draw(st.lists(spelled(phone), min_size=1, max_size=3))]
    with transaction.atomic():
        given_out = 0
        for form in forms:
            try:
                ledger.stock_distribute(
                    actor=None, campaign=stock.campaign, location=stock.depot, item=stock.hat,
                    quantity=1, category="delivery", phone=form, on=dt.date(2027, 7, 1),
                )  # fmt: skip
                given_out += 1
            except LimitReached:
                pass
        assert given_out == 1
        assert Distribution.objects.filter(worker_key=worker_key(phone)).count() == 1
        transaction.set_rollback(True)


@pytest.fixture
def stock_for_identifiers(network):
    from campaigns.models import Campaign, Item
    from campaigns.services import ledger, lifecycle, locations

    depot = locations.depot_create(
        actor=None, code="DEPOT-XN", name="西宁市总工会仓库", union=network.xining,
        lat=36.62, lng=101.77,
    )  # fmt: skip
    campaign = lifecycle.campaign_create(
        actor=None, kind="summer", name="2027 西宁送清凉", union=network.xining,
        starts_on=dt.date(2027, 6, 1), ends_on=dt.date(2027, 8, 31), target_workers=1000,
    )  # fmt: skip
    lifecycle.campaign_set_status(actor=None, campaign=campaign, status="active")
    Campaign.objects.filter(pk=campaign.pk).update(per_person_daily_limit=1)
    campaign.refresh_from_db()
    hat = Item.objects.get(code="sun_hat")
    ledger.stock_receive(
        actor=None, location=depot, lines=[ledger.ReceiptLine(item=hat, quantity=500)]
    )

    class S:
        pass

    s = S()
    s.depot, s.campaign, s.hat = depot, campaign, hat
    return s


@pytest.mark.django_db
@given(data=st.data(), phone=phones)
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_worker_form_does_not_register_a_phone_twice(data, phone, network):
    from core.errors import Conflict
    from tests.welfare.factories import WorkplaceFactory
    from welfare import services

    form = data.draw(spelled(phone))
    with transaction.atomic():
        workplace = WorkplaceFactory(union=network.xining, hazards={"noise": 5})
        services.worker_register(
            actor=None, name="马师傅", category="construction", union=network.xining,
            consent=True, workplace=workplace, phone=phone,
        )  # fmt: skip
        with pytest.raises(Conflict):
            services.worker_register(
                actor=None, name="马师傅", category="construction", union=network.xining,
                consent=True, workplace=workplace, phone=form,
            )  # fmt: skip
        transaction.set_rollback(True)
