"""The indices' use cases: compute a span, import figures, read rankings, history and the catalogue.

Index definitions are policy (``policy/indices``); units and facts come from the providers registered in
``xinyong.wiring``; results are stored per run with the policy hash (``docs/indices.md``).
"""

from __future__ import annotations

from xinyong.indices.compute import compute as compute
from xinyong.indices.evidence import describe as describe
from xinyong.indices.imports import import_file as import_file
from xinyong.indices.personal import is_personal as is_personal
from xinyong.indices.personal import unit_result as unit_result
from xinyong.indices.reads import catalogue as catalogue
from xinyong.indices.reads import definition as definition
from xinyong.indices.reads import history as history
from xinyong.indices.reads import results as results
from xinyong.indices.reads import trend as trend
from xinyong.indices.spec import UNIT_LABELS as UNIT_LABELS
