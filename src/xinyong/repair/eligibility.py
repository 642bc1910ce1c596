"""Repair eligibility (信用修复条件), pure: record facts + date + policy ⇒ eligible or not, and why.

Rules (spec §1): only negative information is repaired (Order 36 Art. 3–4); a penalty's early stop
(终止公示) needs the minimum period of every applicable regime to have run (国办发〔2025〕22号), is barred
for the penalty types a regime lists (SAMR Order 45 Art. 14), and is pointless once the maximum period
has passed (publication ends by itself); a subject still on a serious-dishonesty list is not repaired
before it leaves the list (《浙江省公共信用修复管理暂行办法》); Zhejiang deletes negative information after
its retention period (Regulation Art. 16, 自然修复). Each reason carries a stable code, a Chinese
message and, where time lifts it, the day it does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from xinyong.kit.dates import add_months
from xinyong.policy.loader import Policy
from xinyong.repair.facts import Declaration
from xinyong.repair.workflows import Material, RepairMode, RepairWorkflow, workflows
from xinyong.rules.disclosure import retention_end
from xinyong.rules.facts import EventKind, RecordFacts
from xinyong.rules.windows import repair_terms

ReasonKind = Literal["time", "action", "unknown", "blocked"]


@dataclass(frozen=True)
class Reason:
    """Why a record is not (yet) repairable: ``time`` lifts on ``until``; ``action`` needs the applicant;
    ``unknown`` lifts on a day not known yet; ``blocked`` is not lifted by applying at all."""

    code: str
    message: str
    kind: ReasonKind
    until: dt.date | None = None


@dataclass(frozen=True)
class Eligibility:
    """The answer, with everything needed to explain it."""

    eligible: bool
    on: dt.date
    mode: RepairMode | None
    mode_label: str | None
    reasons: tuple[Reason, ...]
    earliest_on: dt.date | None
    regime_id: str | None = None
    regime_name: str | None = None
    severity: str | None = None
    min_period_end: dt.date | None = None
    publication_end: dt.date | None = None
    materials: tuple[Material, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def codes(self) -> list[str]:
        """Return the reason codes."""
        return [r.code for r in self.reasons]


def _earliest(on: dt.date, reasons: list[Reason]) -> dt.date | None:
    if any(r.kind in ("blocked", "unknown") for r in reasons):
        return None
    dates = [r.until for r in reasons if r.kind == "time" and r.until is not None]
    return max([on, *dates])


def _serious_list(facts: RecordFacts, wf: RepairWorkflow, on: dt.date) -> Reason | None:
    active = [
        lf
        for lf in facts.other_lists
        if lf.catalog_item in wf.serious_list_items and lf.record_id != facts.record_id and lf.active_on(on)
    ]
    if not active:
        return None
    ends = [lf.known_end() for lf in active]
    if all(e is not None for e in ends):
        end = max(e for e in ends if e is not None)
        return Reason(
            "repair.on_serious_list",
            f"主体仍在严重失信主体名单内（预计 {end} 移出），移出名单前不予信用修复",
            "time",
            end,
        )
    return Reason(
        "repair.on_serious_list",
        "主体仍在严重失信主体名单内，移出名单前不予信用修复（可先申请移出名单）",
        "unknown",
    )


def _status_reasons(facts: RecordFacts, mode: RepairMode, on: dt.date) -> list[Reason]:
    out: list[Reason] = []
    if (e := facts.last_event(EventKind.DELETED, on)) is not None:
        out.append(Reason("repair.deleted", f"该记录已于 {e.effective_on} 依法删除", "blocked"))
    if (e := facts.last_event(EventKind.REPAIRED, on)) is not None:
        out.append(Reason("repair.already_repaired", f"该记录已于 {e.effective_on} 完成信用修复", "blocked"))
    if mode == "list_removal" and (e := facts.last_event(EventKind.LIST_REMOVED, on)) is not None:
        out.append(Reason("repair.already_removed", f"主体已于 {e.effective_on} 移出该名单", "blocked"))
    return out


def _penalty_end(
    facts: RecordFacts, policy: Policy, wf: RepairWorkflow, on: dt.date
) -> tuple[list[Reason], dict[str, object]]:
    out: list[Reason] = []
    win = repair_terms(facts, policy)
    info: dict[str, object] = {
        "regime_id": win.regime_id,
        "regime_name": win.regime_name,
        "severity": win.severity,
        "min_period_end": win.min_end,
        "publication_end": win.publication_end,
    }
    if win.regime_id is None:
        out.append(Reason("repair.no_regime", "处罚决定日没有适用的公示期规则，无法确定公示期", "blocked"))
        return out, info
    if not win.held:
        out.append(Reason("repair.not_published", f"{win.not_held_reason}，无需申请修复", "blocked"))
        return out, info
    if win.publication_end is not None and on >= win.publication_end:
        out.append(
            Reason(
                "repair.period_ended",
                f"最长公示期已于 {win.publication_end} 届满，自动终止公示，无需申请",
                "blocked",
            )
        )
        return out, info
    if win.no_early_stop:
        out.append(
            Reason(
                "repair.no_early_stop",
                f"处以{'、'.join(win.no_early_stop)}的处罚不得提前停止公示，"
                + (
                    f"将于 {win.publication_end} 自动终止公示"
                    if win.publication_end
                    else "期满后自动终止公示"
                ),
                "blocked",
            )
        )
    if win.min_end is not None and on < win.min_end:
        out.append(
            Reason(
                "repair.min_period",
                f"{win.severity}失信行为最短公示期（{win.min_regime_name}）至 {win.min_end} 届满，届满后方可申请",
                "time",
                win.min_end,
            )
        )
    out.extend(_regime_conditions(facts, wf, win.regime_ids, on))
    return out, info


def _regime_conditions(
    facts: RecordFacts, wf: RepairWorkflow, regime_ids: tuple[str, ...], on: dt.date
) -> list[Reason]:
    """Return the reasons from the extra conditions some regimes set (no repeat, not on the abnormal list)."""
    out: list[Reason] = []
    for regime_id in regime_ids:
        for cond in wf.regime_conditions.get(regime_id, []):
            if cond == "no_repeat_same_violation" and facts.repeat_violation_on is not None:
                out.append(
                    Reason(
                        "repair.repeat_violation",
                        f"{facts.repeat_violation_on} 又因同一类违法行为受到行政处罚，不得提前停止公示",
                        "blocked",
                    )
                )
            if cond == "not_on_abnormal_list":
                active = [
                    lf
                    for lf in facts.other_lists
                    if lf.catalog_item in wf.abnormal_list_items and lf.active_on(on)
                ]
                if active:
                    end = active[0].known_end()
                    out.append(
                        Reason(
                            "repair.on_abnormal_list",
                            "主体仍在经营异常名录内，移出后方可申请提前停止公示",
                            "time" if end else "unknown",
                            end,
                        )
                    )
    return out


def _min_months(facts: RecordFacts, mode: RepairMode, wf: RepairWorkflow) -> int:
    rules = wf.modes[mode]
    return rules.min_months_by_list_type.get(facts.list_type or "", rules.min_months)


def _retention_reasons(facts: RecordFacts, policy: Policy, mode: RepairMode, on: dt.date) -> list[Reason]:
    """Return the reason a record past its retention needs no repair (it is deleted: 自然修复)."""
    retention = policy.retention.negative_retention_months
    kept_until = retention_end(facts, policy)
    if mode != "list_removal" and kept_until is not None and kept_until <= on:
        return [
            Reason(
                "repair.retention_expired",
                f"已超过 {retention // 12} 年保存期限，依《浙江省公共信用信息管理条例》第十六条删除（自然修复），无需申请",
                "blocked",
            )
        ]
    return []


def _period_reasons(
    facts: RecordFacts, wf: RepairWorkflow, mode: RepairMode, decision_on: dt.date, on: dt.date
) -> tuple[list[Reason], dt.date]:
    """Return the reasons of a list removal or other record (list ended, minimum period) and that period's end."""
    out: list[Reason] = []
    if mode == "list_removal" and facts.list_end is not None and facts.list_end <= on:
        out.append(Reason("repair.list_ended", f"名单期限已于 {facts.list_end} 届满，已自动移出", "blocked"))
    months = _min_months(facts, mode, wf)
    min_end = add_months(decision_on, months)
    if on < min_end:
        what = "列入名单" if mode == "list_removal" else "认定"
        out.append(
            Reason(
                "repair.min_period", f"自{what}之日起满 {months} 个月（{min_end}）后方可申请", "time", min_end
            )
        )
    return out, min_end


def _declaration_reasons(declaration: Declaration | None) -> list[Reason]:
    """Return what the applicant still has to do: fulfil obligations, sign the commitment."""
    out: list[Reason] = []
    if declaration is not None:
        if not declaration.obligations_fulfilled:
            out.append(Reason("repair.obligations_unfulfilled", "尚未履行法定义务、纠正失信行为", "action"))
        if not declaration.commitment_signed:
            out.append(Reason("repair.commitment_missing", "未签署信用修复承诺书", "action"))
    return out


def assess(
    facts: RecordFacts, on: dt.date, policy: Policy, declaration: Declaration | None = None
) -> Eligibility:
    """Decide whether ``facts`` may be repaired on application on ``on``, and explain."""
    wf = workflows(policy).repair
    reasons: list[Reason] = []
    mode = wf.mode_of(facts.catalog_item)
    info: dict[str, object] = {}
    if facts.polarity != "negative":
        reasons.append(Reason("repair.not_negative", "该记录不是失信信息，无需信用修复", "blocked"))
    elif mode is None:
        reasons.append(Reason("repair.no_mode", "该类信息不适用依申请信用修复", "blocked"))
    if mode is None or reasons:
        return Eligibility(False, on, mode, None, tuple(reasons), None)
    rules = wf.modes[mode]
    reasons.extend(_status_reasons(facts, mode, on))
    reasons.extend(_retention_reasons(facts, policy, mode, on))
    if facts.decision_on is None:
        reasons.append(Reason("repair.no_decision_date", "记录缺少认定（决定）日期，无法计算期限", "blocked"))
    elif mode == "penalty_end":
        found, info = _penalty_end(facts, policy, wf, on)
        reasons.extend(found)
    else:
        found, min_end = _period_reasons(facts, wf, mode, facts.decision_on, on)
        reasons.extend(found)
        info["min_period_end"] = min_end
    if mode != "list_removal" and (serious := _serious_list(facts, wf, on)) is not None:
        reasons.append(serious)
    reasons.extend(_declaration_reasons(declaration))
    notes = []
    if not reasons:
        notes.append("申请时须签署信用修复承诺书，并提供履行义务、纠正失信行为的证明材料")
    return Eligibility(
        eligible=not reasons,
        on=on,
        mode=mode,
        mode_label=rules.label,
        reasons=tuple(reasons),
        earliest_on=_earliest(on, reasons),
        regime_id=info.get("regime_id"),  # type: ignore[arg-type]
        regime_name=info.get("regime_name"),  # type: ignore[arg-type]
        severity=info.get("severity"),  # type: ignore[arg-type]
        min_period_end=info.get("min_period_end"),  # type: ignore[arg-type]
        publication_end=info.get("publication_end"),  # type: ignore[arg-type]
        materials=tuple(rules.materials),
        notes=tuple(notes),
    )
