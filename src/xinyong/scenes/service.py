"""信易+ use cases: a person's consented token, a provider's eligibility check and usage report, stats.

Every answer about a subject is a logged read (谁查询了我): an organisation's by its code on the basis of
守信激励核验, a person's only on the token the person gave the scene's provider (授权).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth import consent
from xinyong.auth.access import Basis, ReadAccess
from xinyong.auth.principal import Principal, Role
from xinyong.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.evaluation import service as evaluation_service
from xinyong.kit.crypto import KeyRing
from xinyong.policy.loader import Policy
from xinyong.registers.institutions import institutions_of
from xinyong.rules.disclosure import Audience
from xinyong.scenes.eligibility import Answer, Standing, decide
from xinyong.scenes.models import SceneToken, SceneUsage
from xinyong.scenes.rules import Scene, scenes_of
from xinyong.scenes.schemas import EligibilityIn, MySceneRead, SceneStat, UsageIn
from xinyong.subjects import service as subjects_service
from xinyong.subjects.models import Subject, SubjectKind


def scene(policy: Policy, scene_id: str, on: dt.date) -> Scene:
    """Return the scene in force with ``scene_id``; 404 otherwise."""
    found = scenes_of(policy).get(scene_id)
    if found is None or not found.in_force(on):
        raise NotFound(f"信易+ 场景 {scene_id} 不存在或不在有效期内", code="scene.not_found")
    return found


def provider_name(policy: Policy, code: str) -> str:
    """Return a provider's registered name."""
    return next((i.name for i in institutions_of(policy).institutions if i.code == code), code)


def standing(session: Session, policy: Policy, subject_id: int, on: dt.date) -> Standing | None:
    """Return the subject's evaluation on ``on`` by the model in force for its kind."""
    result = evaluation_service.evaluate_one(session, policy, subject_id, on)
    return None if result is None else Standing(result.model_id, result.grade, result.score)


def answer(session: Session, policy: Policy, sc: Scene, subject_id: int, on: dt.date) -> Answer:
    """Answer the scene's rule for one subject."""
    model = next(m for m in evaluation_service.models_of(policy).models if m.id == sc.eligibility.model)
    return decide(sc, standing(session, policy, subject_id, on), model.at_least)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(
    session: Session, policy: Policy, principal: Principal, scene_id: str, *, now: dt.datetime, on: dt.date
) -> tuple[SceneToken, str]:
    """Let a person authorise one scene's provider to learn, for a short time, whether it qualifies."""
    sc = scene(policy, scene_id, on)
    subject = session.get(Subject, principal.subject_id) if principal.subject_id else None
    if principal.role != Role.SUBJECT or subject is None or subject.kind != SubjectKind.NATURAL_PERSON.value:
        raise Forbidden("只有自然人本人可以生成信易+ 授权令牌", code="scene.token_not_person")
    if sc.audience != "person":
        raise Invalid(f"{sc.name}面向组织，按统一社会信用代码核验，无须令牌", code="scene.not_personal")
    clear = "xyt_" + secrets.token_urlsafe(24)
    row = SceneToken(
        token_hash=_hash(clear),
        subject_id=subject.id,
        scene_id=sc.id,
        provider_code=sc.provider,
        expires_at=now + dt.timedelta(minutes=sc.token_minutes),
        created_by=principal.actor,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=principal.actor,
        action="scene.token.issue",
        object_type="scene_token",
        object_id=row.id,
        detail={"scene": sc.id, "provider": sc.provider, "expires_at": row.expires_at.isoformat()},
    )
    return row, clear


def _provider(principal: Principal, sc: Scene) -> None:
    if principal.role != Role.BANK or principal.institution_code != sc.provider:
        raise Forbidden(f"只有{sc.name}的服务机构可以核验和报告", code="scene.not_provider")


def _subject_for(
    session: Session, keys: KeyRing, sc: Scene, body: EligibilityIn, now: dt.datetime
) -> tuple[Subject, ReadAccess]:
    if body.token is not None:
        row = session.scalar(select(SceneToken).where(SceneToken.token_hash == _hash(body.token)))
        if row is None or row.scene_id != sc.id or row.revoked_at is not None or row.expires_at < now:
            raise Forbidden("授权令牌无效、已过期或不属于本场景", code="scene.bad_token")
        subject = session.get(Subject, row.subject_id)
        if subject is None:
            raise NotFound("未找到该信用主体", code="subject.not_found")
        purpose = f"经本人授权核验{sc.name}守信激励资格"
        return subject, ReadAccess(
            Audience.AUTHORISED_PARTY, Basis.AUTHORISATION, purpose, f"scene_token:{row.id}"
        )
    if sc.audience == "person":
        raise Forbidden(f"{sc.name}面向个人，只能凭本人授权令牌核验", code="scene.token_required")
    subject = subjects_service.get_by_code(session, keys, body.code or "")
    if subject.kind == SubjectKind.NATURAL_PERSON.value:
        raise Forbidden("个人只能凭本人授权令牌核验", code="scene.token_required")
    purpose = f"核验{sc.name}守信激励资格"
    return subject, ReadAccess(Audience.AUTHORISED_PARTY, Basis.INCENTIVE, purpose, f"scene:{sc.id}")


def check(
    session: Session,
    policy: Policy,
    keys: KeyRing,
    principal: Principal,
    scene_id: str,
    body: EligibilityIn,
    *,
    now: dt.datetime,
    on: dt.date,
) -> tuple[Scene, Answer, Subject]:
    """Answer a provider whether a subject qualifies (logged in the subject's 谁查询了我)."""
    sc = scene(policy, scene_id, on)
    _provider(principal, sc)
    subject, access = _subject_for(session, keys, sc, body, now)
    consent.log_read(
        session,
        principal,
        subject_id=subject.id,
        access=access,
        what="scene_eligibility",
        items=1,
        policy=policy,
        on=on,
    )
    return sc, answer(session, policy, sc, subject.id, on), subject


def report_usage(
    session: Session,
    policy: Policy,
    keys: KeyRing,
    principal: Principal,
    scene_id: str,
    body: UsageIn,
    *,
    now: dt.datetime,
    on: dt.date,
) -> SceneUsage:
    """Record a benefit the provider gave a qualifying subject."""
    sc, found, subject = check(session, policy, keys, principal, scene_id, body, now=now, on=on)
    if not found.eligible:
        raise Conflict("该主体不满足本场景的守信激励条件，不能报告激励使用", code="scene.not_eligible")
    if body.used_on > on:
        raise Invalid("使用日期不能晚于今天", code="scene.future_use")
    row = SceneUsage(
        scene_id=sc.id,
        provider_code=sc.provider,
        subject_id=subject.id,
        benefit=body.benefit,
        value_yuan=body.value_yuan,
        used_on=body.used_on,
        reported_by=principal.actor,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=principal.actor,
        action="scene.usage",
        object_type="scene_usage",
        object_id=row.id,
        detail={
            "scene": sc.id,
            "subject_id": subject.id,
            "benefit": body.benefit,
            "value_yuan": body.value_yuan,
        },
    )
    return row


def mine(session: Session, policy: Policy, subject: Subject, on: dt.date) -> list[MySceneRead]:
    """Return the scenes for the subject's audience with whether it qualifies (its own view)."""
    audience = "person" if subject.kind == SubjectKind.NATURAL_PERSON.value else "organisation"
    out = []
    for sc in scenes_of(policy).scenes:
        if sc.audience != audience or not sc.in_force(on):
            continue
        a = answer(session, policy, sc, subject.id, on)
        out.append(
            MySceneRead(
                id=sc.id,
                name=sc.name,
                provider_name=provider_name(policy, sc.provider),
                benefit=sc.benefit,
                eligible=a.eligible,
                detail=a.detail,
            )
        )
    return out


def statistics(session: Session, policy: Policy) -> list[SceneStat]:
    """Return usage per scene: reports, distinct subjects, value."""
    rows = {
        r[0]: r
        for r in session.execute(
            select(
                SceneUsage.scene_id,
                func.count(),
                func.count(func.distinct(SceneUsage.subject_id)),
                func.coalesce(func.sum(SceneUsage.value_yuan), 0),
            ).group_by(SceneUsage.scene_id)
        )
    }
    return [
        SceneStat(
            scene=sc.id,
            scene_name=sc.name,
            usages=int(rows[sc.id][1]) if sc.id in rows else 0,
            subjects=int(rows[sc.id][2]) if sc.id in rows else 0,
            value_yuan=int(rows[sc.id][3] or 0) if sc.id in rows else 0,
        )
        for sc in scenes_of(policy).scenes
    ]
