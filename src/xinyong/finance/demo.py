"""Demo step: 信易贷 and 信易+ in use — consents to the demo banks, applications at every step, scene usage.

The demo company (the first enterprise, the ``company`` account) is left without a consent: the demo
journey has it pick 台州银行 from the list itself.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.auth import consent
from xinyong.auth.principal import Principal, Role
from xinyong.db import session_scope, utcnow
from xinyong.errors import XinyongError
from xinyong.finance import service
from xinyong.finance.consent import name_of
from xinyong.finance.rules import products_of
from xinyong.finance.schemas import ApplicationIn, DecisionIn
from xinyong.finance.states import Action
from xinyong.policy.loader import Policy
from xinyong.runtime import Runtime
from xinyong.scenes import service as scenes_service
from xinyong.scenes.rules import scenes_of
from xinyong.scenes.schemas import UsageIn
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.schemas import SECTIONS

BORROWERS = 12
# the steps the demo's applications stop at, in turn: 已提交, 已受理, 已放款, 已拒绝
STEPS: tuple[tuple[Action, ...], ...] = (
    (),
    (Action.ACCEPT,),
    (Action.ACCEPT, Action.GRANT),
    (Action.REJECT,),
)


def _institution(policy: Policy, code: str) -> Principal:
    return Principal(
        role=Role.BANK,
        username=f"demo-{code.lower()}",
        organisation=name_of(policy, code),
        institution_code=code,
    )


def _apply(session: Session, runtime: Runtime, firm: Subject, n: int, on: dt.date) -> bool:
    policy = runtime.policy
    product = [p for p in products_of(policy).products if firm.kind in p.eligibility.subject_kinds][n % 2 :][
        :1
    ]
    if not product or firm.uscc is None:
        return False
    p = product[0]
    owner = Principal(role=Role.SUBJECT, username=f"demo-subject-{firm.id}", subject_id=firm.id)
    consent.grant(
        session,
        owner,
        grantee_code=p.institution,
        grantee_name=name_of(policy, p.institution) or p.institution,
        purpose="信易贷授信审查",
        sections=list(SECTIONS),
        score=True,
        valid_from=on,
        valid_to=on + dt.timedelta(days=60),
        policy=policy,
    )
    bank = _institution(policy, p.institution)
    body = ApplicationIn(
        code=firm.uscc, product_id=p.id, amount_yuan=p.amount_yuan.min * 2, term_months=p.term_months.min
    )
    row = service.submit(session, policy, runtime.keys, bank, body, on=on)
    for action in STEPS[n % len(STEPS)]:
        reason = "经营流水不足以覆盖还款" if action == Action.REJECT else None
        service.decide(session, bank, row.id, DecisionIn(action=action, reason=reason))
    return True


def _usage(
    session: Session, runtime: Runtime, firms: list[Subject], people: list[Subject], on: dt.date
) -> int:
    """Report scene usage for the subjects that qualify (organisations by code, persons by token)."""
    done = 0
    for sc in scenes_of(runtime.policy).scenes:
        provider = _institution(runtime.policy, sc.provider)
        for subject in firms if sc.audience == "organisation" else people:
            if sc.audience == "person":
                person = Principal(
                    role=Role.SUBJECT, username=f"demo-person-{subject.id}", subject_id=subject.id
                )
                _, token = scenes_service.issue_token(
                    session, runtime.policy, person, sc.id, now=utcnow(), on=on
                )
                body = UsageIn(token=token, benefit=sc.benefit[:200], used_on=on)
            else:
                body = UsageIn(code=subject.uscc, benefit=sc.benefit[:200], value_yuan=500, used_on=on)
            try:
                scenes_service.report_usage(
                    session, runtime.policy, runtime.keys, provider, sc.id, body, now=utcnow(), on=on
                )
                done += 1
            except XinyongError:
                continue  # not qualified: no benefit, nothing recorded
    return done


def seed_finance(runtime: Runtime, _synth_dir: Path) -> list[str]:
    """Create the demo's consents, applications and scene usage once."""
    on = runtime.today()
    with session_scope(runtime.sessions) as session:
        firms = list(
            session.scalars(
                select(Subject)
                .where(Subject.kind == SubjectKind.ENTERPRISE.value, Subject.uscc.is_not(None))
                .order_by(Subject.id)
                .offset(1)  # the demo company grants its own consent in the journey
                .limit(BORROWERS)
            )
        )
        applied = sum(_apply(session, runtime, f, n, on) for n, f in enumerate(firms))
        people = list(
            session.scalars(
                select(Subject)
                .where(Subject.kind == SubjectKind.NATURAL_PERSON.value)
                .order_by(Subject.id)
                .offset(1)
                .limit(4)
            )
        )
        used = _usage(session, runtime, firms[:4], people, on)
    return [f"信易贷：{applied} 笔演示申请（含已受理、已放款、已拒绝）；信易+：{used} 次激励使用"]
