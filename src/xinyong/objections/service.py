"""Objection use cases (异议处理, 《浙江省公共信用信息管理条例》第三十、三十一条); the caller commits.

Anyone may object to what the public can see (with contact details); the subject, its authorised agent and
the credit centre to any of its records. The record is marked 异议中 at once by an
``objection_opened`` event; the source department verifies within 5 working days of acceptance,
extendable with a director's approval to 20 in total. Outcomes change the record only by events or a new
version (``handling``). After a rejection the subject may ask for 复核 (a new case, stage ``review``, on its
own clock).

This module is the capability's public face; the steps live in ``access`` (who may do what), ``filing``
(objections and reviews), ``handling`` (accept, extend, decide, deadlines) and ``queries``.
"""

from __future__ import annotations

from xinyong.objections.access import (
    check_desk_read,
    check_handler,
    check_read,
    get_objection,
    may_see_contacts,
    tracking_hash,
)
from xinyong.objections.filing import request_review, submit_objection
from xinyong.objections.handling import (
    NEW_VERSION_OUTCOMES,
    OUTCOME_EVENTS,
    accept_objection,
    decide_objection,
    extend_objection,
    refresh_deadlines,
)
from xinyong.objections.queries import decided_between, due_on, filed_between, list_objections
from xinyong.objections.versions import new_version

__all__ = [
    "NEW_VERSION_OUTCOMES",
    "OUTCOME_EVENTS",
    "accept_objection",
    "check_desk_read",
    "check_handler",
    "check_read",
    "decide_objection",
    "decided_between",
    "due_on",
    "extend_objection",
    "filed_between",
    "get_objection",
    "list_objections",
    "may_see_contacts",
    "new_version",
    "refresh_deadlines",
    "request_review",
    "submit_objection",
    "tracking_hash",
]
