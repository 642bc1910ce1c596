"""Content of the other catalog items: lists (名单), court data, arrears, commitments, honours, ratings."""

from __future__ import annotations

import datetime as dt

from xinyong.synth.context import Ctx, Row, add_years, doc_no, log_uniform
from xinyong.synth.names import Picker

SERIOUS_LISTS = {
    "market_regulation": ("严重违法失信名单", "因提交虚假材料取得企业登记被撤销登记"),
    "tax": ("重大税收违法失信主体", "虚开增值税专用发票，查补税款金额一百万元以上"),
    "social_security": (
        "拖欠农民工工资失信联合惩戒对象名单",
        "克扣、无故拖欠农民工工资达到认定拒不支付劳动报酬罪数额标准",
    ),
    "environment": ("环境违法失信名单", "篡改、伪造自动监测数据逃避监管"),
}


def yzsxmd(ctx: Ctx, domain: str) -> Row:
    """Return a 严重失信主体名单 entry; some were removed later."""
    kind, reason = SERIOUS_LISTS[domain]
    removed = ctx.on + dt.timedelta(days=ctx.rng.randrange(365, 1100)) if ctx.rng.random() < 0.3 else None
    if removed and removed > ctx.end:
        removed = None
    return {
        "MD_LX": kind,
        "MD_LRYY": reason,
        "MD_LRRQ": ctx.on,
        "MD_LRWH": doc_no(ctx, "失信列"),
        "MD_YCRQ": removed,
        "MD_YCYY": "信用修复" if removed else None,
        "MD_RDJG": ctx.dept.name,
        "MD_ZYFZR": ctx.subject.legal_rep if not ctx.subject.is_person else None,
    }


ABNORMAL_REASONS = (
    ("未按照《企业信息公示暂行条例》第八条规定的期限公示年度报告", "已补报年度报告并公示"),
    ("通过登记的住所或者经营场所无法联系", "已办理住所变更登记"),
    ("公示企业信息隐瞒真实情况、弄虚作假", "已更正其公示的信息"),
)


PICK_ABNORMAL = Picker((("0", 75.0), ("1", 20.0), ("2", 5.0)))


def jyycml(ctx: Ctx, domain: str) -> Row:
    """Return a 经营异常名录 entry; most are removed within a year."""
    reason, cure = ABNORMAL_REASONS[int(PICK_ABNORMAL(ctx.rng))]
    removed = ctx.on + dt.timedelta(days=ctx.rng.randrange(20, 400)) if ctx.rng.random() < 0.6 else None
    if removed and removed > ctx.end:
        removed = None
    return {
        "YC_LRYY": reason,
        "YC_LRRQ": ctx.on,
        "YC_LRWH": doc_no(ctx, "市监异列"),
        "YC_YCYY": cure if removed else None,
        "YC_YCRQ": removed,
        "YC_ZCJG": ctx.dept.name,
    }


def _case_no(ctx: Ctx, court: str, word: str, year: int) -> str:
    n = ctx.seq(f"{ctx.dept.code}:{word}:{year}")
    return f"（{year}）{court}{word}{n}号"


def _court(ctx: Ctx) -> str:
    return "浙10" if ctx.dept.code.startswith("TZ-") else ctx.subject.county.court


def sxbzxr(ctx: Ctx, domain: str) -> Row:
    """Return a court's 失信被执行人 entry (最高人民法院 format)."""
    court = _court(ctx)
    basis_year = max(ctx.on.year - ctx.rng.randrange(0, 3), 2015)
    amount = log_uniform(ctx, 0.5, 500)
    lifted = ctx.on + dt.timedelta(days=ctx.rng.randrange(90, 900)) if ctx.rng.random() < 0.35 else None
    if lifted and lifted > ctx.end:
        lifted = None
    return {
        "SX_AH": _case_no(ctx, court, "执", ctx.on.year),
        "SX_ZXFY": ctx.dept.name,
        "SX_ZXYJWH": _case_no(ctx, court, "民初", basis_year),
        "SX_YW": f"支付货款及利息共计人民币{amount * 10000:.0f}元",
        "SX_LXQK": ctx.rng.choice(("全部未履行", "部分未履行")),
        "SX_SXQX": ctx.rng.choice(
            ("有履行能力而拒不履行生效法律文书确定义务", "违反财产报告制度", "违反限制消费令")
        ),
        "SX_FBRQ": ctx.on,
        "SX_LARQ": ctx.on - dt.timedelta(days=ctx.rng.randrange(30, 200)),
        "SX_PBRQ": lifted,
    }


TAXES = ("增值税", "企业所得税", "城镇土地使用税", "房产税", "个人所得税", "印花税")


def qs(ctx: Ctx, domain: str) -> Row:
    """Return a 欠税 announcement row (quarterly statistics date)."""
    quarter_end = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}[(ctx.on.month - 1) // 3 + 1]
    stat = dt.date(ctx.on.year, *quarter_end)
    if stat > ctx.end:
        stat = ctx.on
    return {
        "QS_SZ": ctx.rng.choice(TAXES if not ctx.subject.is_person else ("个人所得税",)),
        "QS_JE": log_uniform(ctx, 0.05, 200),
        "QS_TJRQ": stat,
        "QS_GGWH": f"{ctx.abbr}税欠公〔{stat.year}〕{(stat.month + 2) // 3}号",
        "QS_ZGJG": ctx.dept.name,
    }


def sbqj(ctx: Ctx, domain: str) -> Row:
    """Return a 社保欠缴 row."""
    start = add_years(dt.date(ctx.on.year, ctx.on.month, 1), -ctx.rng.randrange(2, 13) / 12)
    return {
        "SB_XZ": ctx.rng.choice(("企业职工基本养老保险", "失业保险", "工伤保险")),
        "SB_JE": log_uniform(ctx, 0.2, 80),
        "SB_QJQJ": f"{start.year}年{start.month:02d}月至{ctx.on.year}年{ctx.on.month:02d}月",
        "SB_RDRQ": ctx.on,
        "SB_WH": doc_no(ctx, "人社欠认"),
        "SB_JG": ctx.dept.name,
    }


COMMITMENT_TYPES = (
    ("证明事项告知承诺型", 45.0),
    ("主动型", 25.0),
    ("容缺办理型", 12.0),
    ("审批替代型", 10.0),
    ("信用修复型", 5.0),
    ("行业自律型", 3.0),
)
PICK_COMMITMENT = Picker(COMMITMENT_TYPES)
COMMITMENT_MATTERS = {
    "证明事项告知承诺型": "申请食品经营许可所需的场所使用证明",
    "主动型": "本单位提供的材料真实有效，守法诚信经营，愿承担违背承诺的责任，接受社会监督，同意在信用平台公示",
    "容缺办理型": "在规定期限内补齐建设项目审批所缺材料",
    "审批替代型": "按承诺条件开展企业投资项目建设",
    "信用修复型": "已纠正失信行为并履行相关义务，今后守法诚信经营",
    "行业自律型": "遵守行业自律公约，诚信经营",
}


def xycn(ctx: Ctx, domain: str) -> Row:
    """Return a 信用承诺: the 20-digit code is region + yyyyMMdd + a six-digit sequence."""
    kind = PICK_COMMITMENT(ctx.rng)
    region = ctx.dept.region
    n = ctx.seq(f"cn:{region}:{ctx.on.isoformat()}")
    age = (ctx.end - ctx.on).days
    status = "履约中" if age < 180 else ("全部履行" if ctx.rng.random() < 0.96 else "未履行")
    return {
        "CN_LX": kind,
        "CN_BM": f"{region}{ctx.on:%Y%m%d}{n:06d}",
        "CN_RQ": ctx.on,
        "CN_SLDW": ctx.dept.name,
        "CN_SLDWDM": ctx.dept.uscc,
        "CN_SX": COMMITMENT_MATTERS[kind],
        "CN_LYZT": status,
    }


HONOURS = {
    "market_regulation": ("浙江省守合同重信用企业", "省级", 2),
    "social_security": ("台州市劳动关系和谐企业", "市级", 3),
    "credit": ("诚信示范企业", "县级", 2),
    "tax": ("纳税信用A级纳税人", "省级", 1),
    "public_security": ("见义勇为先进个人", "市级", 0),
}


def sxjl(ctx: Ctx, domain: str) -> Row:
    """Return a 守信激励/荣誉 row."""
    name, level, years = HONOURS[domain]
    if domain == "credit":
        name = f"{ctx.subject.county.name}{name}"
    return {
        "RY_MC": name,
        "RY_JB": level,
        "RY_RDRQ": ctx.on,
        "RY_WH": doc_no(ctx, "信表"),
        "RY_YXQZ": add_years(ctx.on, years) if years else None,
        "RY_RDJG": ctx.dept.name,
    }


RATINGS = {
    "tax": ("纳税信用等级评价", (("A", 20.0), ("B", 55.0), ("M", 18.0), ("C", 5.0), ("D", 2.0)), 1),
    "environment": (
        "企业环境信用评价",
        (("绿色", 30.0), ("蓝色", 55.0), ("黄色", 10.0), ("红色", 4.0), ("黑色", 1.0)),
        1,
    ),
    "credit": ("公共信用综合评价", (("优秀", 25.0), ("良好", 50.0), ("中等", 20.0), ("较差", 5.0)), 1),
    "construction": ("建筑市场主体信用评价", (("AAA", 10.0), ("AA", 40.0), ("A", 40.0), ("B", 10.0)), 2),
}

PICK_GRADE = {domain: Picker(grades) for domain, (_, grades, _) in RATINGS.items()}


def xypj(ctx: Ctx, domain: str) -> Row:
    """Return a 信用评价结果 row (纳税信用等级 is published every April)."""
    kind, years = RATINGS[domain][0], RATINGS[domain][2]
    grade = PICK_GRADE[domain](ctx.rng)
    return {
        "PJ_LX": kind,
        "PJ_JG": grade,
        "PJ_RQ": ctx.on,
        "PJ_YXQZ": add_years(ctx.on, years) - dt.timedelta(days=1),
        "PJ_WH": doc_no(ctx, "信评"),
        "PJ_DW": ctx.dept.name,
    }


CAUSES_ORG = (
    ("买卖合同纠纷", "1"),
    ("民间借贷纠纷", "1"),
    ("劳动争议", "1"),
    ("金融借款合同纠纷", "1"),
    ("建设工程施工合同纠纷", "1"),
)
CAUSES_PERSON = (("民间借贷纠纷", "1"), ("危险驾驶罪", "2"), ("盗窃罪", "2"), ("信用卡纠纷", "1"))


def sfpj(ctx: Ctx, domain: str) -> Row:
    """Return a 司法判决 row."""
    cause, kind = ctx.rng.choice(CAUSES_PERSON if ctx.subject.is_person else CAUSES_ORG)
    word = {"1": "民初", "2": "刑初", "3": "行初"}[kind]
    sentence_end = None
    if kind == "2":
        months = ctx.rng.choice((1, 2, 3, 6, 8, 12))
        result = f"判处拘役{months}个月，并处罚金人民币{ctx.rng.choice((2000, 3000, 5000))}元"
        sentence_end = add_years(ctx.on, months / 12)
    else:
        result = f"被告于判决生效之日起十日内支付原告人民币{log_uniform(ctx, 0.5, 300) * 10000:.0f}元"
    return {
        "PJ_AH": _case_no(ctx, _court(ctx), word, ctx.on.year),
        "PJ_AJLB": {"1": "民事", "2": "刑事", "3": "行政"}[kind],
        "PJ_AY": cause,
        "PJ_JG2": result,
        "PJ_CPRQ": ctx.on,
        "PJ_FY": ctx.dept.name,
        "PJ_XQJSRQ": sentence_end,
    }


def htly(ctx: Ctx, domain: str) -> Row:
    """Return a 合同履约 (breach of a public contract) row."""
    public_works = domain == "construction"
    return {
        "HT_MC": f"{ctx.subject.county.name}{'道路改造工程施工合同' if public_works else '政府采购合同'}",
        "HT_BH": f"{ctx.dept.region}-{ctx.on.year}-{'SG' if public_works else 'CG'}-{ctx.seq(f'{ctx.dept.code}:ht:{ctx.on.year}'):05d}",
        "HT_WYQK": "未按合同约定工期竣工" if public_works else "未按合同约定期限交付货物",
        "HT_RDRQ": ctx.on,
        "HT_JE": log_uniform(ctx, 5, 500),
        "HT_RDJG": ctx.dept.name,
    }
