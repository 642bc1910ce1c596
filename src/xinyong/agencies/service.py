"""Use cases of the 信用服务机构 registry, for the API, the pages, the demo and other capabilities.

Writes: ``register``, ``cancel``, ``add_practitioner``, ``leave`` (``registry``); ``record_event``,
``file_report`` (``supervision``, through the records service). Reads: ``listing`` (the public list),
``detail`` (as the caller may see it), ``agency_read`` (``views``). An agency is an enterprise subject with
a filing beside it: its credit file is the subject's file.
"""

from __future__ import annotations

from xinyong.agencies.reads import agency_read as agency_read
from xinyong.agencies.reads import detail as detail
from xinyong.agencies.reads import listing as listing
from xinyong.agencies.reads import report_reads as report_reads
from xinyong.agencies.registry import add_practitioner as add_practitioner
from xinyong.agencies.registry import cancel as cancel
from xinyong.agencies.registry import get as get
from xinyong.agencies.registry import leave as leave
from xinyong.agencies.registry import register as register
from xinyong.agencies.rules import registry_rules as registry_rules
from xinyong.agencies.status import filing_status as filing_status
from xinyong.agencies.supervision import file_report as file_report
from xinyong.agencies.supervision import record_event as record_event
from xinyong.agencies.supervision import report as report
