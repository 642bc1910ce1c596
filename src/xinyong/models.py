"""Import every table module so ``Base.metadata`` is complete (for Alembic and tests)."""

from xinyong.agencies import models as agency_models
from xinyong.audit import models as audit_models
from xinyong.auth import models as auth_models
from xinyong.commitments import models as commitment_models
from xinyong.db import Base
from xinyong.departments import models as department_models
from xinyong.evaluation import models as evaluation_models
from xinyong.finance import models as finance_models
from xinyong.indices import models as index_models
from xinyong.ingest import models as ingest_models
from xinyong.monitoring import models as monitoring_models
from xinyong.objections import models as objection_models
from xinyong.outbox import models as outbox_models
from xinyong.records import models as record_models
from xinyong.registers import models as register_models
from xinyong.repair import models as repair_models
from xinyong.reports import models as report_models
from xinyong.rural import models as rural_models
from xinyong.sanctions import models as sanction_models
from xinyong.scenes import models as scene_models
from xinyong.simulation import models as simulation_models
from xinyong.subjects import models as subject_models

__all__ = [
    "Base",
    "agency_models",
    "audit_models",
    "auth_models",
    "commitment_models",
    "department_models",
    "evaluation_models",
    "finance_models",
    "index_models",
    "ingest_models",
    "monitoring_models",
    "objection_models",
    "outbox_models",
    "record_models",
    "register_models",
    "repair_models",
    "report_models",
    "rural_models",
    "sanction_models",
    "scene_models",
    "simulation_models",
    "subject_models",
]
