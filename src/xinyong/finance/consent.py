"""Consent by institution: a subject authorises a registered institution, chosen from the register.

The register (``policy/institutions.yaml``) is the only source of grantees: a code that is not
registered, or whose institution has left the platform, is refused with 422 — a consent never names a
party by free text, so a consent that shows 有效 always reaches the institution it names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from xinyong.auth import consent
from xinyong.auth.consent import Authorisation
from xinyong.auth.principal import Principal
from xinyong.errors import Invalid
from xinyong.policy.loader import Policy
from xinyong.registers.institutions import KIND_LABELS, Institution, institutions_of
from xinyong.subjects.schemas import SECTIONS


@dataclass(frozen=True)
class Choice:
    """An institution a subject may pick in the consent form."""

    code: str
    name: str
    kind_label: str


def in_force(policy: Policy, on: dt.date) -> list[Institution]:
    """Return the registered institutions taking part on ``on``."""
    return [i for i in institutions_of(policy).institutions if i.effective_to is None or i.effective_to >= on]


def choices(policy: Policy, on: dt.date) -> list[Choice]:
    """Return the institutions a subject may authorise on ``on`` (the list in the consent form)."""
    return [Choice(i.code, i.name, KIND_LABELS[i.kind]) for i in in_force(policy, on)]


def institution(policy: Policy, code: str, on: dt.date) -> Institution:
    """Return the registered institution with ``code`` in force on ``on``; 422 otherwise."""
    found = next((i for i in in_force(policy, on) if i.code == code.strip()), None)
    if found is None:
        raise Invalid(
            "被授权机构须从已登记的金融机构名录中选择（填写的机构不在名录中或已退出）",
            code="consent.unknown_institution",
        )
    return found


def name_of(policy: Policy, code: str | None) -> str | None:
    """Return the registered name of an institution code (also one that has left), or ``None``."""
    return next((i.name for i in institutions_of(policy).institutions if i.code == code), None)


def grant(
    session: Session,
    principal: Principal,
    *,
    institution_code: str,
    purpose: str,
    sections: list[str],
    score: bool,
    valid_from: dt.date,
    valid_to: dt.date,
    policy: Policy,
    on: dt.date,
) -> Authorisation:
    """Authorise a registered institution to read the chosen sections (and the score) for a term."""
    found = institution(policy, institution_code, on)
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise Invalid(
            f"未知的信用档案栏目：{'、'.join(unknown)}；可选：{'、'.join(SECTIONS)}",
            code="consent.bad_section",
        )
    return consent.grant(
        session,
        principal,
        grantee_code=found.code,
        grantee_name=found.name,
        purpose=purpose,
        sections=[s for s in SECTIONS if s in sections],
        score=score,
        valid_from=valid_from,
        valid_to=valid_to,
        policy=policy,
    )
