"""Composition: the capabilities above register how they react to what the ones below them do.

Ingest and the outbox sit below the workflows and evaluation, so they name no capability that reacts to
them; each keeps a typed ``register(fn)``. This module, at the entry layer, imports the reacting
functions by reference and registers them. Every entry point calls :func:`install` before it serves:
``app.create_app``, the ``xinyong`` CLI, the demo and the test fixtures. Installing twice changes nothing.
"""

from __future__ import annotations

from xinyong.evaluation.rescore import rescore_after_change
from xinyong.indices import providers as index_providers
from xinyong.indices.units import city_units, county_units, department_units
from xinyong.ingest import hooks as ingest_hooks
from xinyong.outbox import changes
from xinyong.repair.notice_batch import notices_for_batch
from xinyong.reports.corrections import notify_after_change
from xinyong.rural import service as rural_service

# After a workflow changed a record, in order (``outbox.changes.record_changed``).
RECORD_CHANGE_HOOKS: tuple[changes.Hook, ...] = (
    rescore_after_change,  # Order 36: the subject is re-evaluated at once
    notify_after_change,  # recipients of issued reports get a correction notice
)
# After ingest stored a batch, in order (``ingest.hooks.batch_stored``).
BATCH_STORED_HOOKS: tuple[ingest_hooks.BatchHook, ...] = (
    notices_for_batch,  # 两书同达: the repair notices of the batch's penalties and listings
)

# Where each unit kind of the indices gets its units and facts (``indices.providers``).
INDEX_PROVIDERS: tuple[tuple[str, index_providers.Provider], ...] = (
    ("agency", department_units),  # a department as a government body (政务诚信)
    ("department", department_units),  # a department as a data provider (部门绩效)
    ("county", county_units),
    ("city", city_units),
    ("village", rural_service.village_units),  # villages as the 信用村 creation judged them (rural)
    ("township", rural_service.township_units),  # townships by code, as the 信用乡镇 creation judged them
    ("household", rural_service.household_units),  # households on the 信用户 rating's facts (personal data)
)


def install() -> None:
    """Register every hook with its registry (idempotent)."""
    for hook in RECORD_CHANGE_HOOKS:
        changes.register(hook)
    for batch_hook in BATCH_STORED_HOOKS:
        ingest_hooks.register(batch_hook)
    for unit_kind, provider in INDEX_PROVIDERS:
        index_providers.register(unit_kind, provider)
