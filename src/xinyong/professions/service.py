"""Use cases of 职业人群 and 公务员, for the API, the pages, the demo and other capabilities.

Licences (``licences``): ``register_licence``, ``sanction_licence``, ``licences``, ``licence_status``.
Civil servants (``civil``): ``register_civil_servant``, ``leave_post``, ``sanction_civil_servant``,
``report_headcount``, ``civil_servants``, ``coverage``. The catalog: ``professions``. Every person's entry
is non-public (a natural person) and each read of one is authorised and logged.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from xinyong.policy.loader import Policy
from xinyong.professions.civil import coverage_of as coverage
from xinyong.professions.civil import leave as leave_post
from xinyong.professions.civil import listing as civil_servants
from xinyong.professions.civil import register as register_civil_servant
from xinyong.professions.civil import report_headcount as report_headcount
from xinyong.professions.civil import sanction as sanction_civil_servant
from xinyong.professions.licences import listing as licences
from xinyong.professions.licences import register as register_licence
from xinyong.professions.licences import sanction as sanction_licence
from xinyong.professions.licences import status as licence_status
from xinyong.professions.rules import catalog_of
from xinyong.professions.schemas import ProfessionRead
from xinyong.subjects.names import names_of

__all__ = [
    "body_name",
    "civil_servants",
    "coverage",
    "leave_post",
    "licence_status",
    "licences",
    "professions",
    "register_civil_servant",
    "register_licence",
    "report_headcount",
    "sanction_civil_servant",
    "sanction_licence",
]


def professions(policy: Policy, on: dt.date) -> list[ProfessionRead]:
    """Return the professions in the catalog on ``on`` (policy data: public)."""
    catalog = catalog_of(policy, on)
    return [
        ProfessionRead(
            code=p.code,
            name=p.name,
            licensing_body=p.licensing_body,
            basis=p.basis,
            effective_from=p.effective_from,
            effective_to=p.effective_to,
        )
        for p in catalog.professions
        if p.in_force(on)
    ]


def body_name(session: Session, body_id: int) -> str:
    """Return a government body's name."""
    return names_of(session, [body_id]).get(body_id, "")
