"""Templates render view models and hold no rule (ARCHITECTURE §2: pages hold no rule and no query).

A template may pick a style or mark the current menu entry with ``==``, and page through results; what a
caller may do, which state allows which action and how a date compares to today are decided by services
and handed to the page as plain values (``may_revoke``, ``g.revocable``, ``a.next_statuses``). Inside
every Jinja tag this test refuses:

- a comparison that mentions a role (``principal.role.value in ('admin', 'officer')``);
- ``today`` or ``now`` (a date rule belongs to a service; a form's default date comes named by the route);
- an ordering comparison of a date-like name (``due < today``, ``a.valid_to >= x``);
- membership in a literal list or tuple (``status in ("有效", "未生效")``: a set of states is a rule);
- an equality against a string literal (``r.status.value != 'genuine'``): which state a value is in is
  decided by the service and handed over as a boolean, a label or a tone (``r.genuine``, ``e.label``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "xinyong" / "web" / "templates"
TAG = re.compile(r"\{[{%](.*?)[}%]\}", re.DOTALL)
COMPARISON = r"(==|!=|<=|>=|<|>|\bin\b)"
DATE_NAME = r"\b\w*(_on|_at|_from|_to|date|due|deadline)\b"
RULES = {
    "a role comparison": re.compile(rf"\brole\b.*{COMPARISON}|{COMPARISON}.*\brole\b"),
    "today or now": re.compile(r"\b(today|now)\b"),
    "a date ordering": re.compile(rf"{DATE_NAME}\s*[<>]=?|[<>]=?\s*\w+(\.\w+)*{DATE_NAME}"),
    "membership in a literal list": re.compile(r"\bin\s*[\(\[]"),
    "an equality against a string literal": re.compile(r"(==|!=)\s*['\"]|['\"]\s*(==|!=)"),
}


def rules_in(text: str) -> list[str]:
    """Return ``line: rule: tag`` for every tag of a template that computes a rule."""
    found = []
    for match in TAG.finditer(text):
        body = match.group(1)
        for name, pattern in RULES.items():
            if pattern.search(body):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{line}: {name}: {match.group(0).strip()}")
    return found


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("path", _templates(), ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_template_holds_no_rule(path: Path) -> None:
    found = rules_in(path.read_text("utf-8"))
    assert not found, f"{path.relative_to(TEMPLATES)} computes a rule (move it to a service):\n" + "\n".join(
        found
    )


@pytest.mark.parametrize(
    "tag",
    [
        "{% if principal.role.value in ('admin', 'officer') %}",
        "{% if principal.role.value == 'public' %}",
        '{% if status in ("有效", "未生效") %}',
        "{% for o in outcomes if o.code not in ['correct'] %}",
        "{% if due < today %}",
        "{% if a.valid_to >= limit %}",
        "{{ today.isoformat() }}",
        "{% if r.status.value != 'genuine' %}",
        '{% if s.use == "positive_only" %}',
        "{{ '撤销' if e.kind == 'revoked' else '已更正' }}",
        "{% if 'met' == p.verdict.value %}",
    ],
)
def test_the_guard_catches_rules(tag: str) -> None:
    assert rules_in(tag)


@pytest.mark.parametrize(
    "tag",
    [
        "{% if section == key %}",
        "{% if page > 1 or page * size < total %}",
        "{% if 'resolve' in allowed %}",
        "{{ role_labels[principal.role.value] }}",
        "{% if g.revocable %}",
        "{{ a.valid_from|date }}",
    ],
)
def test_the_guard_lets_presentation_through(tag: str) -> None:
    assert rules_in(tag) == []
