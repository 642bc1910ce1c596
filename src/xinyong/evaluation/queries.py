"""Read the evaluation's inputs from the system of record (the dialect-specific SQL lives here).

The same SELECTs feed the batch (all subjects) and the single-subject path (one subject), so both see
identical inputs. Every column comes back non-null (``''`` for a missing date, ``0`` for a missing number)
because Arrow readers infer column types from the first rows; ``batch.py`` turns them back into NULLs.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinyong.evaluation.spec import ModelSet
from xinyong.policy.loader import Policy

AMOUNT_ROLES = ("fine_wan", "confiscation_wan", "amount_wan")


@dataclass(frozen=True)
class PayloadFields:
    """What the models need of the records: their catalog items, amount fields (万元) and sentence ends."""

    items: tuple[str, ...]
    amounts: dict[str, tuple[str, ...]]
    sentence_end: dict[str, str]


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
    items = tuple(sorted({item for m in models.models for i in m.indicators for item in i.catalog_items}))
    return PayloadFields(items=items, amounts=amounts, sentence_end=dict(sorted(sentence.items())))


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


def _sentence_sql(dialect: str, fields: PayloadFields) -> str:
    if not fields.sentence_end:
        return "''"
    whens = []
    for item, name in fields.sentence_end.items():
        if dialect == "sqlite":
            value = f"COALESCE(date({_json_text(dialect, name)}), '')"
        else:
            raw = _json_text(dialect, name)
            value = f"CASE WHEN {raw} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' THEN {raw} ELSE '' END"
        whens.append(f"WHEN '{item}' THEN {value}")
    return f"CASE catalog_item {' '.join(whens)} ELSE '' END"


def _date_text(dialect: str, column: str) -> str:
    return f"COALESCE(CAST({column} AS TEXT), '')"


def records_sql(dialect: str, fields: PayloadFields, *, one_subject: bool = False) -> str:
    """Return the SELECT of ``ev_record`` rows (all subjects, or ``:subject_id`` only).

    Only the catalog items some model uses are read (versions of a fact share its item, so supersession
    is still seen); on SQLite ``+catalog_item`` keeps the planner on a table scan rather than the index.
    """
    column = "+catalog_item" if dialect == "sqlite" else "catalog_item"
    items = ", ".join(f"'{i}'" for i in fields.items) or "''"
    where = f" WHERE {column} IN ({items})" + (" AND subject_id = :subject_id" if one_subject else "")
    return (
        "SELECT id, subject_id, catalog_item, COALESCE(severity, '') AS severity, polarity, "
        f"{_date_text(dialect, 'decision_on')} AS decision_on, {_date_text(dialect, 'valid_to')} AS valid_to, "
        f"{_amount_sql(dialect, fields)} AS amount, {_sentence_sql(dialect, fields)} AS retention_start, "
        f"COALESCE(supersedes_id, 0) AS supersedes_id FROM credit_record{where}"
    )


def events_sql(dialect: str, *, one_subject: bool = False) -> str:
    """Return the SELECT of ``ev_event`` rows (all, or those of ``:subject_id``'s records)."""
    where = (
        " WHERE record_id IN (SELECT id FROM credit_record WHERE subject_id = :subject_id)"
        if one_subject
        else ""
    )
    return f"SELECT record_id, kind, {_date_text(dialect, 'effective_on')} AS effective_on FROM record_event{where}"


def subjects_sql(dialect: str, *, one_subject: bool = False) -> str:
    """Return the SELECT of ``ev_subject`` rows."""
    where = " WHERE id = :subject_id" if one_subject else ""
    return (
        "SELECT id AS subject_id, kind, "
        f"{_date_text(dialect, 'established_on')} AS established_on, COALESCE(region_code, '') AS region_code, "
        f"COALESCE(industry, '') AS industry FROM subject{where}"
    )
