"""One normal form for every identifier a person types: phones, ID digits, credit codes,
station codes, voucher codes.

Python's ``\\d`` and ``str.isdigit`` accept every script's digits, so ``13700000001``,
``１３７００００００００１`` (full width) and ``١٣٧٠٠٠٠٠٠٠١`` (Arabic-Indic) would be three
different keys: three workers under a limit of one hand-out a day. Every identifier is
therefore brought to one form *before* it is keyed, compared or stored:

1. NFKC (full-width letters and digits, circled and superscript digits → ASCII);
2. every remaining decimal digit of any script (Unicode category Nd) → its ASCII digit;
3. the separators the caller allows (spaces, dashes …) are dropped, letters upper-cased;
4. anything left that is not in the identifier's ASCII alphabet is refused with a message
   that names the field.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from core.errors import DomainError

DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SPACES = " \t\u00a0\u3000"


class IdentifierInvalid(DomainError):
    """An identifier with characters outside its alphabet (400, naming the field)."""


def ascii_digits(text: str) -> str:
    """``text`` after NFKC with every decimal digit of any script as its ASCII digit."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(
        str(unicodedata.decimal(c)) if not c.isascii() and unicodedata.category(c) == "Nd" else c
        for c in folded
    )


def normalize_identifier(
    value: object,
    *,
    field: str,
    label: str,
    alphabet: str = DIGITS,
    drop: str = SPACES + "-",
    upper: bool = True,
    max_length: int = 64,
) -> str:
    """``value`` in its one stored form, or :class:`IdentifierInvalid` naming ``field``.

    ``alphabet`` is what may remain (ASCII only), ``drop`` the separators removed first.
    Empty input gives ``""``; whether that is allowed is the caller's rule.
    """
    text = ascii_digits("" if value is None else str(value))
    if upper:
        text = text.upper()
    text = "".join(c for c in text if c not in drop)
    if len(text) > max_length:
        raise IdentifierInvalid(
            _("%(label)s太长（最多 %(n)d 个字符）。") % {"label": label, "n": max_length},
            field=field,
        )
    bad = sorted({c for c in text if c not in alphabet})
    if bad:
        shown = "".join(c if c.isprintable() else "?" for c in bad[:8])
        raise IdentifierInvalid(
            _("%(label)s含有不允许的字符：%(chars)s。") % {"label": label, "chars": shown},
            field=field,
        )
    return text


def normalize_phone(value: object, *, field: str = "phone") -> str:
    """A mainland mobile number as 11 ASCII digits (spaces, dashes, brackets and a
    leading +86 or 0086 ignored); anything else refused."""
    digits = normalize_identifier(
        value, field=field, label=_("手机号码"), drop=SPACES + "-+()（）.", max_length=20
    )
    if len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not re.fullmatch(r"1[0-9]{10}", digits):
        raise IdentifierInvalid(_("请填写 11 位手机号码。"), field=field)
    return digits


def normalize_code(value: object, *, field: str, label: str, max_length: int = 40) -> str:
    """A code of upper-case ASCII letters, digits and dashes (station and union codes):
    spaces dropped, dashes kept."""
    return normalize_identifier(
        value, field=field, label=label, alphabet=DIGITS + UPPER + "-", drop=SPACES,
        max_length=max_length,
    )  # fmt: skip


def code_lookup_form(value: object, *, max_length: int = 40) -> str:
    """A typed code (station, union) in the form it is stored in, for a lookup that
    answers "not found" rather than refusing: NFKC, ASCII digits, upper case, no spaces."""
    text = ascii_digits("" if value is None else str(value)[: max_length * 4]).upper()
    return "".join(c for c in text if c not in SPACES)[:max_length]
