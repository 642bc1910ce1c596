"""Which regime governs which channel (policy/channels.yaml), and every consumer stating it the same way.

The issue's reproduction: a market regulator's small fine plus 警告 was public 3 months on the portal
(SAMR Order 45 applied to this platform) and 36 months in the repair notice (a second engine). This
platform publishes under the NDRC regime; Order 45 governs the 国家企业信用信息公示系统 channel.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.rules.conftest import penalty_row
from xinyong.errors import PolicyError
from xinyong.policy.loader import Policy, load_policy, policy_hash
from xinyong.records import service as records_service
from xinyong.repair.eligibility import assess
from xinyong.repair.notices import _compose
from xinyong.repair.queries import notice_facts
from xinyong.rules.disclosure import Audience, decide
from xinyong.rules.windows import windows

D = dt.date
ORG = "企业法人"


def _all_consumers(policy: Policy, row: object, domain: str, on: dt.date) -> dict[str, object]:
    portal_facts = records_service.facts_of(row, subject_kind=ORG, domain=domain, policy=policy)  # type: ignore[arg-type]
    portal = decide(portal_facts, Audience.PUBLIC, on, policy)
    notice_f = notice_facts(policy, row, domain, None, ORG)  # type: ignore[arg-type]
    content, _earliest, notice_end, regime = _compose(row, "某公司", "台州市市场监督管理局", notice_f, policy)  # type: ignore[arg-type]
    return {
        "portal": portal.public_until,
        "notice": notice_end,
        "notice_text": "\n".join(content.paragraphs),
        "eligibility": assess(notice_f, on, policy).publication_end,
        "regime": (portal.regime_id, regime),
    }


def test_small_fine_and_warning_from_the_market_regulator(policy: Policy) -> None:
    row = penalty_row(D(2024, 5, 10), types=("罚款", "警告"), fine=0.5)
    seen = _all_consumers(policy, row, "market_regulation", D(2024, 6, 1))
    # Order 58 governs this platform on the decision date: at most 36 months, everywhere alike
    assert seen["portal"] == seen["notice"] == seen["eligibility"] == D(2027, 5, 10)
    assert seen["regime"] == ("ndrc-order-58", "ndrc-order-58")
    assert "最长公示至 2027-05-10" in str(seen["notice_text"])
    # Order 45 Art. 13 on the enterprise publicity system: 3 months, stated as the other channel
    facts = records_service.facts_of(row, subject_kind=ORG, domain="market_regulation", policy=policy)
    gsxt = windows(facts, policy)["gsxt"]
    assert (gsxt.regime_id, gsxt.end) == ("samr-order-45", D(2024, 8, 10))
    assert "国家企业信用信息公示系统" in str(seen["notice_text"])
    assert "2024-08-10" in str(seen["notice_text"])


def test_order_36_on_this_platform_order_45_on_gsxt(policy: Policy) -> None:
    row = penalty_row(D(2026, 5, 10), fine=5.0)
    seen = _all_consumers(policy, row, "market_regulation", D(2026, 6, 1))
    assert seen["portal"] == seen["notice"] == seen["eligibility"] == D(2027, 5, 10)  # 一般: 12 months
    assert seen["regime"] == ("ndrc-order-36", "ndrc-order-36")
    facts = records_service.facts_of(row, subject_kind=ORG, domain="market_regulation", policy=policy)
    found = windows(facts, policy)
    assert list(found) == ["xytz", "gsxt"]
    assert found["gsxt"].end == D(2029, 5, 10)  # Order 45: 3 years
    shown = decide(facts, Audience.PUBLIC, D(2026, 6, 1), policy, channels=True)
    assert shown.other_channels == (
        "国家企业信用信息公示系统：依《市场监管总局令第45号》自 2026-05-10 公示至 2029-05-10",
    )


def test_other_domains_are_on_this_platform_only(policy: Policy) -> None:
    row = penalty_row(D(2026, 5, 10))
    seen = _all_consumers(policy, row, "environment", D(2026, 6, 1))
    assert seen["portal"] == seen["notice"] == D(2027, 5, 10)
    assert "国家企业信用信息公示系统" not in str(seen["notice_text"])


# --- the channel policy is data, validated at load and in the hash -------------------------------------


@pytest.fixture
def policy_copy(tmp_path: Path, repo_root: Path) -> Path:
    dest = tmp_path / "policy"
    shutil.copytree(repo_root / "policy", dest)
    return dest


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "channels.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_channels_name_the_legal_basis_and_dates(policy: Policy) -> None:
    platform = policy.channels.channel(policy.channels.platform)
    assert platform.name == "信用台州"
    assert [g.regime for g in platform.governed_by] == ["ndrc-2019-527", "ndrc-order-58", "ndrc-order-36"]
    assert platform.governed_by[-1].effective_from == D(2026, 4, 1)
    assert all(g.basis for c in policy.channels.channels for g in c.governed_by)
    assert policy.channels.channel("gsxt").governed_by[0].regime == "samr-order-45"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("regime: samr-order-45", "regime: samr-order-99", "不存在的公示期规则"),
        ("effective_from: 2021-09-01", "effective_from: 2020-01-01", "超出该规则本身的生效期"),
        ("effective_to: 2026-03-31", "effective_to: 2026-04-01", "生效期重叠"),
        ("platform: xytz", "platform: nowhere", "本平台渠道"),
        (
            "basis: 国家发展改革委令2023年第58号",
            "basis: 国家发展改革委令2023年第58号\n        extra: 1",
            "extra",
        ),
    ],
)
def test_bad_channel_policy_is_refused(policy_copy: Path, old: str, new: str, message: str) -> None:
    _edit(policy_copy, old, new)
    with pytest.raises(PolicyError) as err:
        load_policy(policy_copy)
    assert message in str(err.value.problems if hasattr(err.value, "problems") else err.value)


def test_channels_are_in_the_policy_hash(policy_copy: Path) -> None:
    before = policy_hash(policy_copy)
    _edit(policy_copy, "name: 信用台州", "name: 信用台州网")
    assert policy_hash(policy_copy) != before
    assert load_policy(policy_copy).channels.channel("xytz").name == "信用台州网"
