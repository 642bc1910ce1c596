"""Registration changes (市场主体变更登记): the market regulator's record of each change of a registered item.

Most firms change something now and then (a new address, a wider business scope); a few change their legal
representative or address again and again within months — what 信用大脑's churn signal looks for. Both are
drawn from the subject's own generator, so the main stream of every other record is unchanged in kind.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from xinyong.synth.context import Ctx, Row, doc_no
from xinyong.synth.names import Picker, person_name
from xinyong.synth.subjects import SynthSubject

CHANGE_RATE = 0.12  # ordinary changes per firm and year
CHURN_RATE = 0.02  # share of firms with a burst of changes
CHURN_CHANGES = (3, 5)  # changes in a burst, within CHURN_DAYS
CHURN_DAYS = 300
PICK_ITEM = Picker((("法定代表人", 35.0), ("住所", 35.0), ("经营范围", 20.0), ("注册资本", 10.0)))
ROADS = (
    "人民路",
    "解放路",
    "中山路",
    "东海大道",
    "开发大道",
    "工业路",
    "商城路",
    "青年路",
    "文化路",
    "新华路",
)
SCOPES = ("批发和零售", "技术服务", "货物进出口", "餐饮服务", "道路货物运输", "建筑工程施工", "机械设备制造")


def _working_day(on: dt.date) -> dt.date:
    return on - dt.timedelta(days=on.weekday() - 4) if on.weekday() >= 5 else on


def changes(
    subject: SynthSubject, active_from: dt.date, days: int, end: dt.date
) -> Iterator[tuple[str, dt.date, str]]:
    """Yield the registration changes of a firm or an individual business with a credit code."""
    if subject.is_person or not subject.uscc or subject.legal_rep is None:
        return
    own = random.Random(f"djbg:{subject.uscc}")
    expected = CHANGE_RATE * days / 365.25
    count = int(expected) + (1 if own.random() < expected - int(expected) else 0)
    dates = [active_from + dt.timedelta(days=int(own.random() * (days + 1))) for _ in range(count)]
    if own.random() < CHURN_RATE:
        first = active_from + dt.timedelta(days=int(own.random() * (days + 1)))
        dates += [
            first + dt.timedelta(days=own.randrange(CHURN_DAYS)) for _ in range(own.randint(*CHURN_CHANGES))
        ]
    for on in sorted({_working_day(d) for d in dates}):  # one change a day: its row draws from that day
        if active_from <= on <= end:
            yield "djbg", on, "market_regulation"


def row_rng(subject: SynthSubject, item_id: str, on: dt.date) -> random.Random | None:
    """Return the generator of a registration change's row (its own, so the main stream is untouched)."""
    if item_id != "djbg":
        return None
    return random.Random(f"djbg:{subject.uscc}:{on.isoformat()}")


def _address(ctx: Ctx) -> str:
    county = ctx.subject.county
    return f"{county.name}{ctx.rng.choice(county.towns)}{ctx.rng.choice(ROADS)}{ctx.rng.randrange(1, 999)}号"


def djbg(ctx: Ctx, domain: str) -> Row:
    """Return one change of a registered item with its content before and after."""
    item = PICK_ITEM(ctx.rng)
    if item == "法定代表人":
        before, after = person_name(ctx.rng), ctx.subject.legal_rep or person_name(ctx.rng)
    elif item == "住所":
        before, after = _address(ctx), _address(ctx)
    elif item == "经营范围":
        before = ctx.rng.choice(SCOPES)
        after = f"{before}；{ctx.rng.choice(SCOPES)}"
    else:
        capital = ctx.rng.choice((50, 100, 200, 500, 1000))
        before, after = f"{capital}万元人民币", f"{capital * ctx.rng.choice((2, 3, 5))}万元人民币"
    return {
        "BG_SX": item,
        "BG_QNR": before,
        "BG_HNR": after,
        "BG_RQ": ctx.on,
        "BG_WH": doc_no(ctx, "市监变登"),
        "BG_DJJG": ctx.dept.name,
    }
