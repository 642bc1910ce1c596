"""Use cases of the registers of practitioners, for the API, the pages, the demo and other capabilities.

Writes: ``register``, ``cancel``, ``add_practitioner``, ``leave`` (``registry``); ``record_event``,
``file_report`` (``supervision``, through the records service). Reads: ``listing`` (the public list),
``detail`` (as the caller may see it), ``agency_read`` (``views``). An agency is an enterprise subject with
a filing beside it: its credit file is the subject's file.

Key professions and civil servants (``licences``, ``civil``): ``register_licence``, ``sanction_licence``,
``licences``, ``licence_status``, ``register_civil_servant``, ``leave_post``, ``sanction_civil_servant``,
``report_headcount``, ``civil_servants``, ``coverage``; the catalog: ``professions``. Every person's entry is
non-public (a natural person) and each read of one is authorised and logged.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from xinyong.agencies.civil import coverage_of as coverage
from xinyong.agencies.civil import leave as leave_post
from xinyong.agencies.civil import listing as civil_servants
from xinyong.agencies.civil import register as register_civil_servant
from xinyong.agencies.civil import report_headcount as report_headcount
from xinyong.agencies.civil import sanction as sanction_civil_servant
from xinyong.agencies.licences import listing as licences
from xinyong.agencies.licences import register as register_licence
from xinyong.agencies.licences import sanction as sanction_licence
from xinyong.agencies.licences import status as licence_status
from xinyong.agencies.professions_rules import catalog_of
from xinyong.agencies.reads import agency_read as agency_read
from xinyong.agencies.reads import detail as detail
from xinyong.agencies.reads import listing as listing
from xinyong.agencies.reads import report_reads as report_reads
from xinyong.agencies.registry import add_practitioner as add_practitioner
from xinyong.agencies.registry import cancel as cancel
from xinyong.agencies.registry import get as get
from xinyong.agencies.registry import leave as leave
from xinyong.agencies.registry import register as register
from xinyong.agencies.rules import registry_rules as registry_rules
from xinyong.agencies.schemas import ProfessionRead
from xinyong.agencies.status import filing_status as filing_status
from xinyong.agencies.supervision import file_report as file_report
from xinyong.agencies.supervision import record_event as record_event
from xinyong.agencies.supervision import report as report
from xinyong.policy.loader import Policy
from xinyong.subjects.names import names_of

__all__ = [
    "add_practitioner",
    "agency_read",
    "body_name",
    "cancel",
    "civil_servants",
    "coverage",
    "detail",
    "file_report",
    "filing_status",
    "get",
    "leave",
    "leave_post",
    "licence_status",
    "licences",
    "listing",
    "professions",
    "record_event",
    "register",
    "register_civil_servant",
    "register_licence",
    "registry_rules",
    "report",
    "report_headcount",
    "report_reads",
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
