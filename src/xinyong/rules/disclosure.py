"""Disclosure (信息披露) derived, never flagged: who may see a credit record on a given day, and why.

``decide(facts, audience, on, policy)`` is the one place that answers, for one record, one audience
and one date, whether the record is shown, whether it may be shared with government and used by
evaluation and checks, and the reason in Chinese. The API, the pages, the reports, the exports,
evaluation and checks all call it. It is pure: no database, no framework.

Rules applied, each with its source in ``spec/domain-rules.md``:

* Deletion (依法删除, objection found a factual error, §2.1): nobody sees it but the audit archive.
* Zhejiang retention (浙江条例第十六条, §1.5, §11.3): negative information is kept and disclosed
  for ``retention.negative_retention_months`` from the determination (for a custodial sentence,
  from the end of the sentence); still on a serious-dishonesty list at the end ⇒ extended to the
  day the subject leaves the list. After that the record leaves the credit file: audit archive only.
  ``disclosure_stopped`` (objection: past the retention period, §2.1) has the same effect.
* Repair (信用修复, Order 36 Art. 3–4, §1.1): 终止公示 + 停止共享和使用 — not public, not shared,
  not counted; the subject still sees it marked 已修复 (信用代证 marks repaired items, §10), the
  credit centre keeps handling it, the audit archive keeps it.
* Temporary blocking (暂时屏蔽, 22号, §1.1): while suspended, as repaired.
* Objection (异议标注, 浙江条例第三十条, §2.1): still shown, marked 异议中.
* Natural persons (浙江条例第十五条, §11.3): never public; only government sharing and query — and no
  audience is told a publication window (no 公示期内/公示至) for them.
* Catalog disclosure level: ``public`` / ``shared`` (government and authorised parties) /
  ``authorised`` (only with the subject's authorisation).
* Publicity regimes (§1.2–1.4): the regime governing this platform's channel on the decision date
  (``policy/channels.yaml``: the NDRC regime; SAMR Order 45 governs only the 国家企业信用信息公示系统)
  sets the window (``rules.windows``); after its end the record is no longer public (still shared
  within retention). The other channels' windows are carried as information (``other_channels``).
* Lists (严重失信, 失信被执行人, 经营异常, §1.6): public while listed; after the list end date or a
  ``list_removed`` event the entry is history: no longer public, still shared within retention.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xinyong.kit.dates import add_months
from xinyong.rules.facts import (
    NATURAL_PERSON,
    NEGATIVE,
    EventKind,
    Listing,
    RecordFacts,
    StatusEvent,
    personal_not_public,
)
from xinyong.rules.windows import platform_window, windows

if TYPE_CHECKING:
    from xinyong.policy.loader import Policy

__all__ = [
    "AUDIENCE_LABELS",
    "NATURAL_PERSON",
    "NEGATIVE",
    "Audience",
    "Disclosure",
    "EventKind",
    "Listing",
    "RecordFacts",
    "StatusEvent",
    "decide",
    "decide_many",
    "listing_period",
    "public_catalog_items",
    "retention_end",
]


class Audience(enum.StrEnum):
    """Who is looking (the caller's basis for the read, not its role)."""

    PUBLIC = "public"  # 社会公众（公开）
    SUBJECT_SELF = "subject_self"  # 信用主体本人/本单位
    DEPARTMENT = "department"  # 政府部门依职责共享（浙江条例第二十一条情形）
    AUTHORISED_PARTY = "authorised_party"  # 经主体授权的查询方（银行、第三方）
    CREDIT_CENTRE = "credit_centre"  # 公共信用工作机构（信用中心）
    AUDITOR = "auditor"  # 审计（审计档案）


AUDIENCE_LABELS = {
    Audience.PUBLIC: "社会公众",
    Audience.SUBJECT_SELF: "主体本人",
    Audience.DEPARTMENT: "政府部门（依职责）",
    Audience.AUTHORISED_PARTY: "经授权查询方",
    Audience.CREDIT_CENTRE: "信用中心",
    Audience.AUDITOR: "审计档案",
}

# Audiences that see non-public ("shared") catalog items.
_SHARED_AUDIENCES = frozenset(
    {Audience.SUBJECT_SELF, Audience.DEPARTMENT, Audience.AUTHORISED_PARTY, Audience.CREDIT_CENTRE}
)
# Audiences that see ``authorised``-level items (departments need the subject's authorisation too).
_AUTHORISED_AUDIENCES = frozenset({Audience.SUBJECT_SELF, Audience.AUTHORISED_PARTY, Audience.CREDIT_CENTRE})
# Audiences that still see a repaired or suspended record.
_REPAIRED_AUDIENCES = frozenset({Audience.SUBJECT_SELF, Audience.CREDIT_CENTRE, Audience.AUDITOR})


MARK_UNDER_OBJECTION = "异议中"  # the mark printed next to a record (异议标注); pages recognise it by name
MARK_REPAIRED = "已修复"  # 已修复标注


@dataclass(frozen=True)
class Disclosure:
    """The decision for one record, audience and date."""

    shown: bool
    shared: bool
    counted: bool
    reason_code: str
    reason: str
    public_until: dt.date | None = None
    under_objection: bool = False
    repaired: bool = False
    regime_id: str | None = None
    other_channels: tuple[str, ...] = ()

    @property
    def marks(self) -> list[str]:
        """Return the labels to print next to the record (异议中, 已修复)."""
        marks = ((MARK_UNDER_OBJECTION, self.under_objection), (MARK_REPAIRED, self.repaired))
        return [mark for mark, shown in marks if shown]


@dataclass(frozen=True)
class _State:
    deleted: bool
    stopped: bool
    repaired: bool
    suspended: bool
    under_objection: bool
    list_removed_on: dt.date | None


LISTING_ENDS = (EventKind.LIST_REMOVED, EventKind.DELETED, EventKind.REPAIRED)


def listing_period(
    decision_on: dt.date | None, list_end: dt.date | None, events: Iterable[StatusEvent]
) -> Listing | None:
    """Return the listing period of a serious-dishonesty list record (``None`` without a decision date).

    It ends at the list end date, or earlier on removal, deletion or repair. Evaluation's set-based plan
    restates this rule (``evaluation/sqlgen.py``); a differential test keeps the two equal.
    """
    if decision_on is None:
        return None
    end = list_end
    for e in events:
        if e.kind in LISTING_ENDS and (end is None or e.effective_on < end):
            end = e.effective_on
    return Listing(decision_on, end)


def _state(events: Iterable[StatusEvent], on: dt.date) -> _State:
    past = sorted((e for e in events if e.effective_on <= on), key=lambda e: e.effective_on)
    kinds = {e.kind for e in past}
    objection = suspended = False
    removed: dt.date | None = None
    for e in past:  # the latest of a pair wins; same-day ties keep the input order of the sort
        if e.kind == EventKind.OBJECTION_OPENED:
            objection = True
        elif e.kind == EventKind.OBJECTION_CLOSED:
            objection = False
        elif e.kind == EventKind.SUSPENDED:
            suspended = True
        elif e.kind == EventKind.UNSUSPENDED:
            suspended = False
        elif e.kind == EventKind.LIST_REMOVED and removed is None:
            removed = e.effective_on
    return _State(
        deleted=EventKind.DELETED in kinds,
        stopped=EventKind.DISCLOSURE_STOPPED in kinds,
        repaired=EventKind.REPAIRED in kinds,
        suspended=suspended,
        under_objection=objection,
        list_removed_on=removed,
    )


def retention_end(facts: RecordFacts, policy: Policy) -> dt.date | None:
    """Return the last day + 1 of Zhejiang retention for negative information (``None``: not limited).

    Counted from the determination, or from the end of a custodial sentence; extended while the
    subject stays on a serious-dishonesty list (浙江条例第十六条). ``None`` also when still listed.
    """
    if facts.polarity != NEGATIVE or facts.decision_on is None:
        return None
    rule = policy.retention
    start = facts.sentence_end if facts.sentence_end and facts.sentence_end > facts.decision_on else None
    end = add_months(start or facts.decision_on, rule.negative_retention_months)
    if not rule.extend_while_listed:
        return end
    listings = list(facts.subject_listings)
    if _is_list_item(facts, policy) and policy.catalog[facts.catalog_item].section == "严重失信":
        own_end = facts.list_end
        for e in facts.events:
            if e.kind in (EventKind.LIST_REMOVED, EventKind.REPAIRED) and (
                own_end is None or e.effective_on < own_end
            ):
                own_end = e.effective_on
        listings.append(Listing(facts.decision_on, own_end))
    changed = True
    while changed:  # a listing still running at the end pushes the end to the day it stops
        changed = False
        for lst in listings:
            if lst.start < end and (lst.end is None or lst.end > end):
                if lst.end is None:
                    return None
                end, changed = lst.end, True
    return end


def _is_list_item(facts: RecordFacts, policy: Policy) -> bool:
    item = policy.catalog.get(facts.catalog_item)
    return item is not None and "list_end" in item.roles


@dataclass(frozen=True)
class _Publicity:
    public: bool
    code: str
    reason: str
    until: dt.date | None
    regime_id: str | None


def publicity(facts: RecordFacts, policy: Policy, on: dt.date) -> _Publicity:
    """Return whether the record is inside its publication window on ``on`` (catalog rules aside)."""
    decided = facts.decision_on
    if decided is None:
        return _Publicity(False, "no_decision_date", "缺少决定日期，无法确定公示期", None, None)
    if on < decided:
        return _Publicity(False, "not_yet_effective", "决定日期在查询日之后，尚未生效", None, None)
    if _is_list_item(facts, policy):
        end = facts.list_end
        if end is not None and on >= end:
            return _Publicity(False, "list_ended", f"已于 {end.isoformat()} 移出名单，不再公示", end, None)
        return _Publicity(True, "listed", "名单有效期内，依法公示", end, None)
    win = platform_window(facts, policy)
    if win is None:
        end = facts.publication_end
        if end is not None and on >= end:
            return _Publicity(False, "publication_ended", f"公示截止期 {end.isoformat()} 已过", end, None)
        return _Publicity(True, "public", "依目录公开", end, None)
    rid, name = win.regime_id, win.regime_name
    if not win.published or win.end is None:
        return _Publicity(False, win.code, win.reason, None, rid)
    end = win.end
    if on >= end:
        reason = f"已过最长公示期（{name}，至 {end.isoformat()}），不再公示"
        return _Publicity(False, "publication_ended", reason, end, rid)
    return _Publicity(True, "in_publication", f"公示期内（{name}，公示至 {end.isoformat()}）", end, rid)


_PERSON = _Publicity(
    False, "natural_person_not_public", "自然人信用信息不向社会公开，仅限政务共享和依授权查询", None, None
)


def _person(facts: RecordFacts, policy: Policy, pub: _Publicity) -> _Publicity:
    """A natural person's record states no publication window to anybody (浙江条例第十五条)."""
    early = pub.code in ("no_decision_date", "not_yet_effective")
    if early or not personal_not_public(facts.subject_kind, policy):
        return pub
    return _Publicity(False, _PERSON.code, _PERSON.reason, None, pub.regime_id)


def other_channels(facts: RecordFacts, policy: Policy) -> tuple[str, ...]:
    """Return what the other channels' regimes say of the record, for information (none for persons)."""
    if facts.natural_person:
        return ()
    platform = policy.channels.platform
    return tuple(
        f"{w.channel_name}：{w.reason}" for cid, w in windows(facts, policy).items() if cid != platform
    )


def decide(
    facts: RecordFacts, audience: Audience, on: dt.date, policy: Policy, *, channels: bool = False
) -> Disclosure:
    """Decide whether ``audience`` sees the record on ``on``, whether it is shared and counted, and why.

    ``channels``: also state the other channels' windows (for views people read; the check and the
    evaluation do not need them).
    """
    st = _state(facts.events, on)
    pub = _person(facts, policy, publicity(facts, policy, on))
    rid = pub.regime_id
    archive = audience == Audience.AUDITOR

    def hidden(code: str, reason: str, *, shown: bool = False) -> Disclosure:
        return Disclosure(
            shown=shown or archive,
            shared=False,
            counted=False,
            reason_code=code,
            reason=reason,
            under_objection=st.under_objection,
            repaired=st.repaired,
            regime_id=rid,
        )

    if st.deleted:
        return hidden("deleted", "已依法删除，仅保留于审计档案")
    keep_until = retention_end(facts, policy)
    if keep_until is not None and on >= keep_until:
        return hidden(
            "retention_expired",
            f"不良信息保存期已满（至 {keep_until.isoformat()}），已从信用档案删除，仅存审计档案",
        )
    if st.stopped:
        return hidden("disclosure_stopped", "已停止披露，仅存审计档案")
    if pub.code == "not_yet_effective":
        return hidden(pub.code, pub.reason, shown=audience == Audience.CREDIT_CENTRE)
    if st.repaired:
        return hidden(
            "repaired", "已信用修复：终止公示，停止共享和使用", shown=audience in _REPAIRED_AUDIENCES
        )
    if st.suspended:
        return hidden(
            "suspended", "暂时屏蔽中：不公示、不共享、不使用", shown=audience in _REPAIRED_AUDIENCES
        )
    return _visible(facts, audience, on, policy, st, pub, channels)


def _visible(
    facts: RecordFacts,
    audience: Audience,
    on: dt.date,
    policy: Policy,
    st: _State,
    pub: _Publicity,
    channels: bool = False,
) -> Disclosure:
    if st.list_removed_on is not None and (pub.code == "listed" or pub.code == "list_ended"):
        end = st.list_removed_on if pub.until is None else min(pub.until, st.list_removed_on)
        pub = _Publicity(
            False, "list_ended", f"已于 {end.isoformat()} 移出名单，不再公示", end, pub.regime_id
        )

    def result(shown: bool, code: str, reason: str) -> Disclosure:
        return Disclosure(
            shown=shown,
            shared=True,
            # without a decision date neither evaluation windows nor retention can be applied: not used
            counted=facts.decision_on is not None,
            reason_code=code,
            reason=reason + ("（异议处理中）" if st.under_objection else ""),
            public_until=pub.until if pub.public else None,
            under_objection=st.under_objection,
            repaired=False,
            regime_id=pub.regime_id,
            other_channels=other_channels(facts, policy) if channels and shown else (),
        )

    item = policy.catalog.get(facts.catalog_item)
    level = item.disclosure if item is not None else "authorised"
    if audience == Audience.AUDITOR:
        return result(True, "audit_archive", "审计档案：全部可见")
    if audience == Audience.PUBLIC:
        if personal_not_public(facts.subject_kind, policy):
            return result(False, _PERSON.code, _PERSON.reason)
        if level != "public":
            return result(
                False, f"catalog_{level}", "该类信息不向社会公开（目录披露方式：" + _LEVEL[level] + "）"
            )
        return result(pub.public, pub.code, pub.reason)
    if level == "authorised" and audience not in _AUTHORISED_AUDIENCES:
        return result(False, "catalog_authorised", "该类信息须经主体授权方可查询")
    if audience not in _SHARED_AUDIENCES:  # pragma: no cover - every audience is handled above
        return result(False, "audience_unknown", "未知的查询身份")
    return result(True, "shared_" + pub.code if not pub.public else pub.code, _shared_reason(audience, pub))


_LEVEL = {"public": "公开", "shared": "政务共享", "authorised": "授权查询"}


def _shared_reason(audience: Audience, pub: _Publicity) -> str:
    basis = AUDIENCE_LABELS[audience]
    if pub.public:
        return f"{pub.reason}；{basis}可见"
    return f"{pub.reason}；在保存期内，{basis}可见"


def public_catalog_items(policy: Policy) -> frozenset[str]:
    """Return the catalog items that can ever be public (a SQL-side prefilter, not the decision)."""
    return frozenset(i.id for i in policy.catalog.values() if i.disclosure == "public")


def decide_many(
    facts: Iterable[tuple[int, RecordFacts]], audience: Audience, on: dt.date, policy: Policy
) -> dict[int, Disclosure]:
    """Decide for many records at once (keyed by record id)."""
    return {rid: decide(f, audience, on, policy) for rid, f in facts}
