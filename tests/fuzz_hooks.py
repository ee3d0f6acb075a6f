"""Schemathesis hooks for ``tests/test_api_fuzz.py`` (loaded with ``SCHEMATHESIS_HOOKS``).

``filter_case`` keeps, of the coverage phase, only the cases built for a path parameter:
its boundary values (a non-integer for an integer id, an empty value, a very long one,
``null,null`` …), which a URL converter may refuse before any view runs. What the coverage
phase would send for query parameters and bodies is left to the other phases.
"""

from __future__ import annotations

import schemathesis
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoveragePhaseData


@schemathesis.hook
def filter_case(context: schemathesis.HookContext, case: schemathesis.Case) -> bool:
    data = case.meta.phase.data if case.meta is not None else None
    if not isinstance(data, CoveragePhaseData):
        return True
    return data.parameter_location == ParameterLocation.PATH
