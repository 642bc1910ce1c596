"""Read the evaluation's inputs from the system of record (the dialect-specific SQL lives here).

The same SELECTs feed the batch (all subjects) and the single-subject path (one subject), so both see
identical inputs. Every column comes back non-null (``''`` for a missing date, ``0`` for a missing number)
because Arrow readers infer column types from the first rows; ``batch.py`` turns them back into NULLs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from xinyong.evaluation.inputs import retention_rule
from xinyong.evaluation.spec import EvaluationModel, ModelSet, RecordSelector
from xinyong.kit.dates import sub_months
from xinyong.policy.loader import Policy

AMOUNT_ROLES = ("fine_wan", "confiscation_wan", "amount_wan")


@dataclass(frozen=True)
class PayloadFields:
    """What the models need of the records: catalog items, amount fields (万元), sentence and list ends.

    ``items`` are the items some model uses plus the serious-dishonesty lists (their listings extend the
    retention of every negative record of the subject).
    """

    items: tuple[str, ...]
    amounts: dict[str, tuple[str, ...]]
    sentence_end: dict[str, str]
    list_end: dict[str, str]
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # item -> payload fields of its tag


@dataclass(frozen=True)
class ReadFilter:
    """Which records the batch can skip: those no in-force indicator, listing or flag can use.

    A record is read when its item is used by an indicator without a window (or is a serious list), or it
    was decided after ``window_from`` (the longest window's cut-off), or it corrects another version, or
    it has a status event (a separate query, ``event_records_sql``). Every other record is counted by no
    indicator, extends no listing and carries no objection flag, so skipping it changes no result.
    """

    always_items: tuple[str, ...]
    window_from: dt.date


def read_filter(policy: Policy, models: list[EvaluationModel], as_of: dt.date) -> ReadFilter:
    """Return the batch's read filter for the models in force on ``as_of``."""
    indicators: list[RecordSelector] = [i for m in models for i in m.indicators if i.source == "records"]
    indicators += [c for m in models for c in m.caps]
    always = {item for i in indicators if i.window_months is None for item in i.catalog_items}
    always |= retention_rule(policy).list_items
    longest = max((i.window_months or 0 for i in indicators), default=0)
    return ReadFilter(tuple(sorted(always)), sub_months(as_of, longest))


def payload_fields(policy: Policy, models: ModelSet) -> PayloadFields:
    """Return the amount and sentence-end fields of the catalog items the models use."""
    amount_items = {
        item
        for m in models.models
        for i in m.indicators
        if i.measure == "sum_amount"
        for item in i.catalog_items
    }
    amounts = {}
    for item in sorted(amount_items):
        roles = policy.catalog[item].roles
        fields = tuple(roles[r] for r in AMOUNT_ROLES if r in roles)
        if fields:
            amounts[item] = fields
    sentence = {
        item.id: item.roles["sentence_end"]
        for item in policy.catalog.values()
        if "sentence_end" in item.roles
    }
    lists = retention_rule(policy).list_items
    list_end = {item: policy.catalog[item].roles["list_end"] for item in sorted(lists)}
    used = {item for m in models.models for i in [*m.indicators, *m.caps] for item in i.catalog_items}
    tags = {item: tuple(f) for m in models.models for item, f in m.tag_fields.items()}
    return PayloadFields(
        items=tuple(sorted(used | lists)),
        amounts=amounts,
        sentence_end=dict(sorted(sentence.items())),
        list_end=list_end,
        tags=dict(sorted(tags.items())),
    )


def _json_text(dialect: str, field: str) -> str:
    safe = field.replace("'", "''").replace('"', "")
    if dialect == "sqlite":
        return f"json_extract(payload, '$.\"{safe}\"')"
    return f"(payload->>'{safe}')"


def _amount_sql(dialect: str, fields: PayloadFields) -> str:
    if not fields.amounts:
        return "0"
    whens = []
    for item, names in fields.amounts.items():
        if dialect == "sqlite":
            parts = [f"COALESCE(CAST({_json_text(dialect, f)} AS REAL), 0)" for f in names]
            value = f"CAST(ROUND(({' + '.join(parts)}) * 10000) AS INTEGER)"
        else:
            parts = [
                f"COALESCE(CASE WHEN {_json_text(dialect, f)} ~ '^-?[0-9]+(\\.[0-9]+)?$' "
                f"THEN CAST({_json_text(dialect, f)} AS NUMERIC) END, 0)"
                for f in names
            ]
            value = f"CAST(ROUND(({' + '.join(parts)}) * 10000) AS BIGINT)"
        whens.append(f"WHEN '{item}' THEN {value}")
    return f"CASE catalog_item {' '.join(whens)} ELSE 0 END"


def _role_date_sql(dialect: str, fields: dict[str, str]) -> str:
    if not fields:
        return "''"
    whens = []
    for item, name in fields.items():
        if dialect == "sqlite":
            value = f"COALESCE(date({_json_text(dialect, name)}), '')"
        else:
            raw = _json_text(dialect, name)
            value = (
                f"CASE WHEN {raw} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}' THEN substr({raw}, 1, 10) ELSE '' END"
            )
        whens.append(f"WHEN '{item}' THEN {value}")
    return f"CASE catalog_item {' '.join(whens)} ELSE '' END"


def _tag_sql(dialect: str, fields: dict[str, tuple[str, ...]]) -> str:
    if not fields:
        return "''"
    whens = []
    for item, names in fields.items():
        parts = " || '/' || ".join(f"COALESCE(CAST({_json_text(dialect, n)} AS TEXT), '')" for n in names)
        whens.append(f"WHEN '{item}' THEN {parts}")
    return f"CASE catalog_item {' '.join(whens)} ELSE '' END"


def _date_text(dialect: str, column: str) -> str:
    return f"COALESCE(CAST({column} AS TEXT), '')"


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values) or "''"


def _keep_sql(keep: ReadFilter) -> str:
    return (
        f"(catalog_item IN ({_in(keep.always_items)}) OR decision_on > '{keep.window_from.isoformat()}' "
        "OR supersedes_id IS NOT NULL)"
    )


def records_sql(
    dialect: str,
    fields: PayloadFields,
    *,
    one_subject: bool = False,
    keep: ReadFilter | None = None,
    id_range: tuple[int, int] | None = None,
    known: bool = False,
) -> str:
    """Return the SELECT of ``ev_record`` rows (all subjects, or ``:subject_id`` only).

    ``known``: only the versions received by ``:known_at`` (transaction time, ``records.asof``); the
    supersession among them is then what the platform knew.

    Only the catalog items some model uses are read, and every correction (so supersession is seen); on
    SQLite ``+catalog_item`` keeps the planner on a table scan rather than the index.
    ``keep`` skips the records no result depends on (``ReadFilter``); ``id_range`` (low, high] splits
    the scan for parallel readers.
    """
    column = "+catalog_item" if dialect == "sqlite" else "catalog_item"
    # a correction supersedes its old version whatever its item (a record key keeps the item, but the
    # rule does not depend on it)
    where = f" WHERE ({column} IN ({_in(fields.items)}) OR supersedes_id IS NOT NULL)"
    if one_subject:
        where += " AND subject_id = :subject_id"
    if keep is not None:
        where += f" AND {_keep_sql(keep)}"
    if id_range is not None:
        where += f" AND id > {int(id_range[0])} AND id <= {int(id_range[1])}"
    if known:
        where += " AND first_received_at <= :known_at"
    return _record_select(dialect, fields) + where


def event_records_sql(dialect: str, fields: PayloadFields, keep: ReadFilter) -> str:
    """Return the SELECT of the records with status events that ``records_sql(keep=...)`` skipped."""
    return (
        _record_select(dialect, fields)
        + f" WHERE catalog_item IN ({_in(fields.items)}) AND id IN (SELECT record_id FROM record_event)"
        f" AND NOT COALESCE({_keep_sql(keep)}, FALSE)"
    )


def _record_select(dialect: str, fields: PayloadFields) -> str:
    return (
        "SELECT id, subject_id, catalog_item, COALESCE(severity, '') AS severity, polarity, "
        f"{_date_text(dialect, 'decision_on')} AS decision_on, {_date_text(dialect, 'valid_to')} AS valid_to, "
        f"{_amount_sql(dialect, fields)} AS amount, {_role_date_sql(dialect, fields.sentence_end)} AS retention_start, "
        f"COALESCE(supersedes_id, 0) AS supersedes_id, {_role_date_sql(dialect, fields.list_end)} AS list_end, "
        f"{_tag_sql(dialect, fields.tags)} AS tag FROM credit_record"
    )


def events_sql(dialect: str, *, one_subject: bool = False, known: bool = False) -> str:
    """Return the SELECT of ``ev_event`` rows (all, or those of the records listed in ``:ids``; ``known``:
    only those recorded by ``:known_at``)."""
    where = " WHERE record_id IN :ids" if one_subject else ""
    if known:
        where += (" AND" if where else " WHERE") + " created_at <= :known_at"
    return (
        f"SELECT record_id, kind, {_date_text(dialect, 'effective_on')} AS effective_on, id "
        f"FROM record_event{where}"
    )


def subjects_sql(dialect: str, *, one_subject: bool = False) -> str:
    """Return the SELECT of ``ev_subject`` rows."""
    where = " WHERE id = :subject_id" if one_subject else ""
    return (
        "SELECT id AS subject_id, kind, "
        f"{_date_text(dialect, 'established_on')} AS established_on, COALESCE(region_code, '') AS region_code, "
        f"COALESCE(industry, '') AS industry FROM subject{where}"
    )
