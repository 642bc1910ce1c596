"""Rural credit use cases — the one entry other capabilities, pages and commands use.

Set-based reads the indices work (and anyone else) should call:

- ``household_facts(session, policy, household_ids, on)`` — each household's members' ``MemberFacts``;
- ``rate_households(session, policy, household_ids, on)`` — each household's ``Rating`` (信用户 or not, why);
- ``compute_units(session, policy, on)`` — every household, village, township and county result (``UnitOutcome``);
- ``run_period`` / ``publish`` / ``unit_results`` / ``published_villages`` — a period's stored, published run.

Registry writes: ``register_village``, ``register_household``, ``attach_member``, ``load_files``,
``rename_township`` (the township's code, its key, stays); the
household file (authorised, logged): ``household_file``, ``my_household``, and ``authorise_household`` for any
other read of a household's personal data (the indices' household results).
"""

from __future__ import annotations

from xinyong.rural.compute import UnitOutcome as UnitOutcome
from xinyong.rural.compute import compute_units as compute_units
from xinyong.rural.compute import household_facts as household_facts
from xinyong.rural.compute import period_as_of as period_as_of
from xinyong.rural.compute import rate_households as rate_households
from xinyong.rural.compute import scheme_on as scheme_on
from xinyong.rural.compute import unit_scheme_on as unit_scheme_on
from xinyong.rural.household_file import authorise_household as authorise_household
from xinyong.rural.household_file import household_file as household_file
from xinyong.rural.household_file import my_household as my_household
from xinyong.rural.index_units import household_units as household_units
from xinyong.rural.index_units import township_units as township_units
from xinyong.rural.index_units import village_units as village_units
from xinyong.rural.registry import MemberIn as MemberIn
from xinyong.rural.registry import attach_member as attach_member
from xinyong.rural.registry import load_files as load_files
from xinyong.rural.registry import register_household as register_household
from xinyong.rural.registry import register_village as register_village
from xinyong.rural.runs import latest_run as latest_run
from xinyong.rural.runs import publish as publish
from xinyong.rural.runs import published_villages as published_villages
from xinyong.rural.runs import results_for as results_for
from xinyong.rural.runs import run_period as run_period
from xinyong.rural.runs import run_read as run_read
from xinyong.rural.runs import unit_results as unit_results
from xinyong.rural.runs import visible_units as visible_units
from xinyong.rural.townships import rename_township as rename_township
