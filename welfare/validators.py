"""The unified social credit code (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.identifiers import ascii_digits

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The 18th character for the first 17 (mod-31 weighted sum, GB 32100-2015 §5)."""
    total = sum(
        CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def credit_code_normalize(value: object) -> str:
    """The code as stored: NFKC, any script's digits as ASCII, spaces and dashes dropped,
    upper case (``core.identifiers``); other characters are left for the validator to name."""
    return "".join(
        c for c in ascii_digits("" if value is None else str(value)).upper() if c not in " -\u3000"
    )


def validate_credit_code(value: str) -> None:
    code = credit_code_normalize(value)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，现在是 %(n)d 位。") % {"n": len(code)}, code="length"
        )
    bad = sorted({c for c in code if c not in CREDIT_CODE_CHARS})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、S、V、Z）。")
            % {"chars": "".join(bad)},
            code="chars",
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码的校验位不对（最后一位应为 %(c)s），请核对是否抄错。")
            % {"c": expected},
            code="check",
        )
