"""A grade is public only where the model says so (``grade_disclosure``); persons' grades never are."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.conftest import POLICY_DIR
from tests.factories.subjects import enterprise
from xinyong.errors import PolicyError
from xinyong.evaluation import service
from xinyong.evaluation.loaders import MODELS
from xinyong.policy.loader import load_policy
from xinyong.runtime import Runtime

AS_OF = dt.date(2026, 9, 30)


def _policy_with(tmp_path: Path, model_file: str, line: str) -> Path:
    copy = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, copy)
    path = copy / "models" / model_file
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ninputs:", f"\n{line}\ninputs:", 1), encoding="utf-8")
    return copy


def test_grade_shared_by_default_public_when_the_model_says_so(
    session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    firm = enterprise(
        session, runtime.keys, name="台州市公示等级测试有限公司", established_on=dt.date(2012, 3, 1)
    )
    assert service.public_grade(session, runtime.policy, firm.id) is None  # nothing evaluated yet
    service.run_evaluation(session, runtime.policy, AS_OF, actor="test")
    assert service.public_grade(session, runtime.policy, firm.id) is None  # Taizhou default: shared only

    public = load_policy(_policy_with(tmp_path, "tz-enterprise.yaml", "grade_disclosure: public"))
    shown = service.public_grade(session, public, firm.id)
    stored = service.current_result(session, firm.id)
    assert stored is not None
    assert shown == {
        "grade": stored[1].grade,
        "as_of": AS_OF,
        "model": "台州市企业公共信用评价模型",
        "model_version": stored[1].model_version,
    }


def test_a_positive_only_model_cannot_publish_grades(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="不得向社会公示"):
        load_policy(_policy_with(tmp_path, "tz-natural-person.yaml", "grade_disclosure: public")).section(
            MODELS
        )
