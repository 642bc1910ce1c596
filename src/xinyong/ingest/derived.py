"""What validation derives across a row's fields: plausible dates (none in the future, ends after starts)
and the severity of a negative record (the policy's severity map over penalty types, procedure, amount band
and the department's domain).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from xinyong.ingest import fields as F  # noqa: N812 - short alias for the parser module
from xinyong.rules.severity import band_representative, classify

if TYPE_CHECKING:
    from xinyong.ingest.validate import Context


def plausible_dates(ctx: Context, dates: Mapping[str, pa.Array], fail: F.Failures) -> None:
    """Fail decisions dated in the future and end dates before their start or decision."""
    roles = ctx.source.item.roles
    labels = {f.name: f.label for f in ctx.source.item.fields}
    decision = dates.get(roles.get("decision_on", ""))
    if decision is None:
        return
    today = pa.scalar(ctx.today, pa.date32())
    name = roles["decision_on"]
    fail.add(
        F.mask_of(pc.greater(decision, today)),
        "date.future",
        name,
        f"“{labels[name]}”晚于今天，决定日期不能在未来",
    )
    for role in ("publication_end", "valid_to", "list_end"):
        other_name = roles.get(role)
        other = dates.get(other_name or "")
        if other is None or other_name is None:
            continue
        fail.add(
            F.mask_of(pc.less(other, decision)),
            "date.order",
            other_name,
            f"“{labels[other_name]}”早于“{labels[name]}”",
        )
    start_name = roles.get("valid_from")
    end_name = roles.get("valid_to")
    if start_name and end_name and start_name in dates and end_name in dates:
        fail.add(
            F.mask_of(pc.less(dates[end_name], dates[start_name])),
            "date.order",
            end_name,
            f"“{labels[end_name]}”早于“{labels[start_name]}”",
        )


def severity(
    ctx: Context, enums: Mapping[str, pa.Array], amounts: Mapping[str, pa.Array], department: pa.Array
) -> pa.Array:
    """Return the severity of each row (null for positive and neutral items)."""
    item = ctx.source.item
    n = len(department)
    if item.polarity != "negative":
        return pa.nulls(n, pa.string())
    roles = item.roles
    types = enums.get(roles.get("penalty_types", ""), pa.nulls(n, pa.string()))
    proc_field = next((f.name for f in item.fields if f.enum_ref == "procedure"), "")
    proc = enums.get(proc_field, pa.nulls(n, pa.string()))
    total: pa.Array | None = None
    for role in ("fine_wan", "confiscation_wan", "amount_wan"):
        col = amounts.get(roles.get(role, ""))
        if col is not None:
            total = col if total is None else pc.add(pc.fill_null(total, 0.0), pc.fill_null(col, 0.0))
    sev = ctx.severity
    domains = {d.code: d.domain for d in ctx.departments_by_uscc.values()}
    if ctx.department:
        domains[ctx.department.code] = ctx.department.domain
    if total is None:
        bands = pa.array(["none"] * n, pa.string())
    else:
        limits = sev.fine_thresholds_wan
        bands = pc.if_else(
            pc.is_null(total),
            "none",
            pc.if_else(
                pc.greater_equal(total, limits.serious_from),
                "high",
                pc.if_else(pc.less(total, limits.minor_below), "low", "mid"),
            ),
        )
    keys = pc.binary_join_element_wise(
        pc.fill_null(types, "None"),
        pc.fill_null(proc, "None"),
        bands,
        pc.fill_null(department, "None"),
        "\x1f",
    )

    def fn(key: str) -> str:
        t, p, b, d = key.split("\x1f")
        return classify(
            sev,
            catalog_item=item.id,
            penalty_types=json.loads(t) if t != "None" else [],
            procedure=None if p == "None" else p,
            amount_wan=band_representative(sev, b),
            domain=domains.get(d),
        )

    return F.map_distinct(keys, fn)
