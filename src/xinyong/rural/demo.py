"""Demo step: the synthetic villages, households and agricultural operators, rated and published.

After the records are loaded (the ratings read them) and the accounts exist: the demo person heads a
household (``synth.rural``), so 我的信用 → 我的农户 shows its file; the 信用村 list is published.
"""

from __future__ import annotations

from pathlib import Path

from xinyong.db import session_scope, utcnow
from xinyong.demo import DEMO_END
from xinyong.runtime import Runtime
from xinyong.rural import service
from xinyong.subjects.register import load_register

ACTOR = "system:demo"


def seed_rural(runtime: Runtime, synth_dir: Path) -> list[str]:
    """Register the rural files of the synthetic city, rate the demo year and publish it; return lines."""
    folder = synth_dir / "register"
    with session_scope(runtime.sessions) as session:
        operators = load_register(session, runtime.keys, folder / "rural-operators.csv")
        counts = service.load_files(
            session, runtime.keys, folder / "villages.csv", folder / "households.csv", actor=ACTOR
        )
        run = service.run_period(session, runtime.policy, str(DEMO_END.year), on=DEMO_END, actor=ACTOR)
        service.publish(session, run.id, actor=ACTOR, now=utcnow())
        met = service.run_read(session, run).counts
    return [
        f"农村信用：村（社区）{counts['villages']} 个、农户 {counts['households']} 户（家庭成员 {counts['members']} 人）、"
        f"家庭农场与农民专业合作社 {operators} 家；{DEMO_END.year} 年度评定信用户 {met['household']} 户、"
        f"信用村（社区）{met['village']} 个，已公布（/credit-villages）",
    ]
