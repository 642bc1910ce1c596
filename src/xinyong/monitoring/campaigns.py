"""专项治理 campaigns (诚信缺失突出问题专项治理): define, launch (freeze the target list), handle, follow.

The credit centre defines a campaign (a target rule in the signals' language, a period, a deadline and the
department domains that handle it); launching derives the targets on that day and freezes them, each
assigned to the department of each domain with jurisdiction over the subject's county. Subjects the rule
reaches later are shown beside the frozen list, not silently added. Departments step their targets from
待处置 to 整改中 to 已整改 / 无法整改 (with a note); every step is audited; an officer sees and handles only
its own department's targets, a county supervisor its county's. The caller commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth.principal import Principal, Role, can, permission
from xinyong.departments.models import Department
from xinyong.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.monitoring import campaign_states as states
from xinyong.monitoring.campaign_targets import Assignees, check_rule, derive, rule_signal
from xinyong.monitoring.models import Campaign, CampaignTarget, CampaignTask
from xinyong.monitoring.queries import AlertScope
from xinyong.monitoring.schemas import (
    AddedTarget,
    CampaignDetail,
    CampaignIn,
    CampaignRead,
    ProgressRead,
    TargetRule,
    TaskPage,
    TaskRead,
    TaskStatusIn,
)
from xinyong.monitoring.service import scope_of
from xinyong.policy.loader import Policy
from xinyong.subjects.models import Subject

DEFINE = permission("campaigns.define", Role.ADMIN)  # the credit centre defines and launches


def _require_centre(principal: Principal) -> None:
    if not can(principal, DEFINE):
        raise Forbidden("只有信用中心可以部署专项治理", code="campaign.forbidden")


def _get(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("未找到该专项治理任务", code="campaign.not_found")
    return campaign


def create_campaign(session: Session, policy: Policy, body: CampaignIn, *, principal: Principal) -> Campaign:
    """Define a campaign (not yet launched); refuse a rule with dangling references or disordered dates."""
    _require_centre(principal)
    if body.ends_on < body.starts_on or body.due_on < body.starts_on:
        raise Invalid("结束日期和整改期限不能早于开始日期", code="campaign.bad_dates")
    check_rule(policy, body.rule, body.domains, session)
    campaign = Campaign(
        name=body.name,
        basis=body.basis,
        rule=body.rule.model_dump(mode="json"),
        domains=list(body.domains),
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        due_on=body.due_on,
        created_by=principal.actor,
    )
    session.add(campaign)
    session.flush()
    audit.append(
        session,
        actor=principal.actor,
        action="campaign.create",
        object_type="campaign",
        object_id=campaign.id,
        detail={"name": body.name, "rule": campaign.rule, "domains": campaign.domains},
    )
    return campaign


def launch(
    session: Session, policy: Policy, campaign_id: int, *, principal: Principal, on: dt.date, city_region: str
) -> Campaign:
    """Derive the targets on ``on``, freeze them and assign each to the departments with jurisdiction."""
    _require_centre(principal)
    campaign = _get(session, campaign_id)
    if campaign.launched_on is not None:
        raise Conflict("该专项治理已启动，对象清单已固定", code="campaign.launched")
    rule = TargetRule.model_validate(campaign.rule)
    targets = derive(session, policy, rule_signal(campaign.name, campaign.basis, rule, on), rule, on)
    assignees = Assignees(session, city_region)
    for t in targets:
        row = CampaignTarget(
            campaign_id=campaign.id,
            subject_id=t.subject.id,
            region_code=t.subject.region_code,
            evidence=list(t.finding.evidence),
        )
        session.add(row)
        session.flush()
        departments = {assignees.of(d, t.subject.region_code) for d in campaign.domains} - {None}
        session.add_all(
            CampaignTask(campaign_id=campaign.id, target_id=row.id, department_id=d, status=states.PENDING)
            for d in sorted(x for x in departments if x is not None)
        )
    campaign.launched_on, campaign.launched_by, campaign.policy_hash = on, principal.actor, policy.hash
    audit.append(
        session,
        actor=principal.actor,
        action="campaign.launch",
        object_type="campaign",
        object_id=campaign.id,
        detail={"on": on.isoformat(), "targets": len(targets), "policy_hash": policy.hash},
    )
    session.flush()
    return campaign


def _scoped(
    q: Select[CampaignTask, CampaignTarget], scope: AlertScope
) -> Select[CampaignTask, CampaignTarget]:
    """Keep the tasks a reader's duty covers: the centre all, a supervisor its county, an officer its own."""
    if not scope.city_wide:
        if scope.department_id is None:
            raise Forbidden("只有部门工作人员和信用中心可以查看专项治理", code="campaign.forbidden")
        return q.where(CampaignTask.department_id == scope.department_id)
    if scope.region is not None:
        return q.where(CampaignTarget.region_code == scope.region)
    return q


def _tasks(campaign_id: int, scope: AlertScope) -> Select[CampaignTask, CampaignTarget]:
    q = (
        select(CampaignTask, CampaignTarget)
        .join(CampaignTarget, CampaignTarget.id == CampaignTask.target_id)
        .where(CampaignTask.campaign_id == campaign_id)
    )
    return _scoped(q, scope)


def _read(session: Session, campaign: Campaign, scope: AlertScope, on: dt.date) -> CampaignRead:
    rows = session.execute(_tasks(campaign.id, scope)).all()
    p = states.progress([task.status for task, _ in rows], due_on=campaign.due_on, on=on)
    return CampaignRead(
        id=campaign.id,
        name=campaign.name,
        basis=campaign.basis,
        rule=TargetRule.model_validate(campaign.rule),
        domains=campaign.domains,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        due_on=campaign.due_on,
        phase=states.phase(
            launched_on=campaign.launched_on, starts_on=campaign.starts_on, ends_on=campaign.ends_on, on=on
        ),
        launched_on=campaign.launched_on,
        targets=len({target.id for _, target in rows}),
        progress=ProgressRead(
            total=p.total, by_status=p.by_status, closed=p.closed, percent=p.percent, overdue=p.overdue
        ),
    )


def list_campaigns(
    session: Session, principal: Principal, *, on: dt.date, city_region: str
) -> list[CampaignRead]:
    """Return the campaigns the reader takes part in (the centre: all), newest first, with its progress."""
    scope = scope_of(principal, city_region)
    out = []
    for campaign in session.scalars(select(Campaign).order_by(Campaign.id.desc())):
        read = _read(session, campaign, scope, on)
        if read.targets or (scope.city_wide and scope.region is None):
            out.append(read)
    return out


def campaign_detail(
    session: Session, policy: Policy, principal: Principal, campaign_id: int, *, on: dt.date, city_region: str
) -> CampaignDetail:
    """Return a campaign with the reader's progress and the subjects its rule reaches since launch."""
    scope = scope_of(principal, city_region)
    campaign = _get(session, campaign_id)
    read = _read(session, campaign, scope, on)
    if not read.targets and not (scope.city_wide and scope.region is None):
        raise NotFound("未找到该专项治理任务", code="campaign.not_found")
    added: list[AddedTarget] = []
    if campaign.launched_on is not None and scope.city_wide:
        rule = TargetRule.model_validate(campaign.rule)
        frozen = set(
            session.scalars(
                select(CampaignTarget.subject_id).where(CampaignTarget.campaign_id == campaign.id)
            )
        )
        now = derive(session, policy, rule_signal(campaign.name, campaign.basis, rule, on), rule, on)
        added = [
            AddedTarget(
                subject_id=t.subject.id, subject_name=t.subject.name, region_code=t.subject.region_code
            )
            for t in now
            if t.subject.id not in frozen and (scope.region is None or t.subject.region_code == scope.region)
        ]
    return CampaignDetail(**read.model_dump(), added_since_launch=added)


def _task_read(
    session: Session, task: CampaignTask, target: CampaignTarget, due_on: dt.date, on: dt.date
) -> TaskRead:
    subject = session.get(Subject, target.subject_id)
    department = session.get(Department, task.department_id)
    return TaskRead(
        id=task.id,
        campaign_id=task.campaign_id,
        subject_id=target.subject_id,
        subject_name=subject.name if subject else "",
        subject_code=subject.uscc if subject else None,
        region_code=target.region_code,
        department=department.name if department else "",
        status=task.status,
        note=task.note,
        evidence=target.evidence,
        overdue=task.status not in states.CLOSED and on > due_on,
        next_statuses=sorted(states.STEPS.get(task.status, frozenset())),
    )


def list_tasks(
    session: Session,
    principal: Principal,
    campaign_id: int,
    *,
    status: str | None,
    page: int,
    size: int,
    on: dt.date,
    city_region: str,
) -> TaskPage:
    """Return one page of a campaign's targets the reader's duty covers; the read is audited."""
    campaign = _get(session, campaign_id)
    q = _tasks(campaign.id, scope_of(principal, city_region))
    if status is not None:
        q = q.where(CampaignTask.status == status)
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = session.execute(q.order_by(CampaignTask.id).offset((page - 1) * size).limit(size)).all()
    audit.append(
        session,
        actor=principal.actor,
        action="campaign.tasks",
        object_type="campaign",
        object_id=campaign.id,
        detail={"status": status, "page": page, "count": len(rows)},
    )
    return TaskPage(total=total, items=[_task_read(session, t, g, campaign.due_on, on) for t, g in rows])


def set_task_status(
    session: Session, principal: Principal, task_id: int, body: TaskStatusIn, *, on: dt.date, city_region: str
) -> TaskRead:
    """Step a target's handling (only the assigned department, or the centre); audited with the note."""
    row = session.execute(
        _scoped(
            select(CampaignTask, CampaignTarget)
            .join(CampaignTarget, CampaignTarget.id == CampaignTask.target_id)
            .where(CampaignTask.id == task_id),
            scope_of(principal, city_region),
        )
    ).first()
    if row is None or principal.role not in (Role.OFFICER, Role.ADMIN):
        raise NotFound("未找到该治理对象", code="campaign.task_not_found")
    task, target = row
    why = states.refusal(task.status, body.status, body.note)
    if why is not None:
        raise Invalid(why, code="campaign.bad_step")
    before = task.status
    task.status, task.note, task.updated_by, task.updated_at = (
        body.status,
        body.note,
        principal.actor,
        dt.datetime.now(dt.UTC),
    )
    audit.append(
        session,
        actor=principal.actor,
        action="campaign.task_status",
        object_type="campaign_task",
        object_id=task.id,
        detail={"campaign_id": task.campaign_id, "before": before, "after": body.status, "note": body.note},
    )
    session.flush()
    return _task_read(session, task, target, _get(session, task.campaign_id).due_on, on)


@dataclass(frozen=True)
class FormChoices:
    """What the console's campaign form offers: lists, department domains and counties, with their names."""

    list_items: list[tuple[str, str]]
    domains: list[tuple[str, str]]
    regions: list[tuple[str, str]]


def form_choices(session: Session, policy: Policy, city_region: str) -> FormChoices:
    """Return the lists (catalog items with a listing end), the domains (named by a department) and counties."""
    lists = [(c.id, c.name) for c in policy.catalog.values() if "list_end" in c.roles]
    names: dict[str, str] = {}
    for domain, region, name in session.execute(
        select(Department.domain, Department.region_code, Department.name).order_by(Department.id)
    ):
        if domain and (domain not in names or region == city_region):
            names[domain] = name
    regions = [(r.code, r.name) for r in policy.regions.regions if r.code != city_region]
    return FormChoices(sorted(lists), sorted(names.items(), key=lambda x: x[1]), regions)
