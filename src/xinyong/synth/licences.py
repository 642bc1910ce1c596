"""Content of 行政许可 rows (双公示 XK_ fields) and 行政强制 rows by department domain."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xinyong.synth.context import Ctx, Row, add_years, doc_no


@dataclass(frozen=True)
class Licence:
    """A licence a domain grants."""

    document: str
    certificate: str
    content: str
    category: str  # 许可类别 label
    years: int  # 0 = long-term (2099-12-31)
    number: str  # format with {region}, {year}, {n}
    for_person: bool = False
    industries: tuple[str, ...] = ()  # words of the industries that apply for it (all if empty)


L = Licence
LICENCES: dict[str, tuple[Licence, ...]] = {
    "market_regulation": (
        L(
            "食品经营许可决定书",
            "食品经营许可证",
            "预包装食品销售、散装食品销售",
            "普通",
            5,
            "JY1{region}{n:07d}",
            industries=("零售", "餐饮", "批发"),
        ),
        L(
            "食品生产许可决定书",
            "食品生产许可证",
            "糕点、饮料生产",
            "普通",
            5,
            "SC1{region}{n:07d}",
            industries=("茶", "水果", "农业", "养殖"),
        ),
        L(
            "工业产品生产许可决定书",
            "全国工业产品生产许可证",
            "电线电缆、危险化学品包装物生产",
            "普通",
            5,
            "(浙)XK{n:08d}",
            industries=("制造", "制品"),
        ),
        L(
            "特种设备使用登记决定书",
            "特种设备使用登记证",
            "压力容器使用登记",
            "登记",
            0,
            "容{n:05d}浙J{year}",
        ),
        L("特种设备作业人员资格认定", "特种设备作业人员证", "叉车司机", "认可", 4, "TS{region}{n:06d}", True),
    ),
    "tax": (
        L(
            "准予税务行政许可决定书",
            "",
            "增值税防伪税控系统最高开票限额审批（十万元）",
            "普通",
            0,
            "{region}税许{n:05d}",
        ),
    ),
    "environment": (
        L("排污许可决定书", "排污许可证", "化学需氧量、氨氮排放许可", "普通", 5, "91{region}{n:08d}001P"),
    ),
    "construction": (
        L(
            "建筑工程施工许可决定书",
            "建筑工程施工许可证",
            "厂房新建工程施工许可",
            "普通",
            1,
            "{region}{year}{n:06d}0101",
        ),
        L(
            "建筑业企业资质核准决定书",
            "建筑业企业资质证书",
            "建筑工程施工总承包三级",
            "核准",
            5,
            "D3{region}{n:05d}",
        ),
    ),
    "transport": (
        L(
            "道路运输经营许可决定书",
            "道路运输经营许可证",
            "道路普通货物运输",
            "普通",
            4,
            "浙交运管许可台字{region}{n:06d}号",
        ),
        L(
            "道路运输从业人员从业资格",
            "道路运输从业人员从业资格证",
            "道路货物运输驾驶员",
            "认可",
            6,
            "{region}{n:08d}",
            True,
        ),
    ),
    "health": (
        L(
            "公共场所卫生许可决定书",
            "公共场所卫生许可证",
            "住宿、美容美发场所卫生许可",
            "普通",
            4,
            "浙卫公证字〔{year}〕第{region}-{n:06d}号",
        ),
        L("医师执业注册", "医师执业证书", "临床类别内科专业执业注册", "核准", 0, "1103{region}{n:07d}", True),
    ),
    "work_safety": (
        L(
            "危险化学品经营许可决定书",
            "危险化学品经营许可证",
            "危险化学品经营（不带储存设施）",
            "普通",
            3,
            "浙台危化经字〔{year}〕{n:06d}",
        ),
    ),
    "fire": (
        L(
            "公众聚集场所投入使用、营业前消防安全检查意见书",
            "",
            "公众聚集场所投入使用、营业前消防安全检查合格",
            "普通",
            0,
            "台消检字〔{year}〕第{n:04d}号",
        ),
    ),
    "agriculture": (
        L(
            "农药经营许可决定书",
            "农药经营许可证",
            "农药（限制使用农药除外）经营",
            "普通",
            5,
            "农药经许（浙）{region}{n:05d}",
        ),
    ),
    "culture_tourism": (
        L(
            "旅行社业务经营许可决定书",
            "旅行社业务经营许可证",
            "国内旅游业务、入境旅游业务",
            "特许",
            0,
            "L-ZJ-{n:06d}",
        ),
    ),
    "land": (
        L(
            "建设工程规划许可决定书",
            "建设工程规划许可证",
            "厂房扩建工程规划许可",
            "普通",
            1,
            "建字第{region}{year}{n:05d}号",
        ),
    ),
}
LICENCE_DOMAINS_ORG = (
    ("market_regulation", 40.0),
    ("tax", 10.0),
    ("environment", 8.0),
    ("construction", 10.0),
    ("transport", 10.0),
    ("health", 8.0),
    ("work_safety", 4.0),
    ("fire", 4.0),
    ("agriculture", 2.0),
    ("culture_tourism", 1.0),
    ("land", 3.0),
)
LICENCE_DOMAINS_PERSON = (("transport", 50.0), ("health", 20.0), ("market_regulation", 30.0))


def xzxk(ctx: Ctx, domain: str) -> Row:
    """Return the content of a 行政许可 row."""
    rng, s = ctx.rng, ctx.subject
    pool = [x for x in LICENCES[domain] if x.for_person == s.is_person] or list(LICENCES[domain])
    industry = s.industry or ""
    pool = [x for x in pool if not x.industries or any(k in industry for k in x.industries)] or pool
    lic = rng.choice(pool)
    n = ctx.seq(f"{ctx.dept.code}:licence:{lic.certificate or lic.document}")
    number = lic.number.format(region=s.county.code, year=ctx.on.year, n=n)
    until = add_years(ctx.on, lic.years) - dt.timedelta(days=1) if lic.years else dt.date(2099, 12, 31)
    return {
        "XK_XKWS": lic.document,
        "XK_WSH": doc_no(ctx, "许准"),
        "XK_XKLB": lic.category,
        "XK_XKZS": lic.certificate or None,
        "XK_XKBH": number,
        "XK_NR": lic.content,
        "XK_JDRQ": ctx.on,
        "XK_YXQZ": ctx.on,
        "XK_YXQZI": until,
        "XK_XKJG": ctx.dept.name,
        "XK_XKJGDM": ctx.dept.uscc,
        "XK_ZT": "有效" if until >= ctx.end else "无效",
        "XK_LYDW": ctx.dept.name,
        "XK_LYDWDM": ctx.dept.uscc,
    }


COERCIONS = {
    "market_regulation": ("查封场所、设施或者财物", "查封涉嫌违法生产的场所及设备"),
    "tax": ("冻结存款、汇款", "冻结银行存款用于缴纳欠缴税款"),
    "environment": ("查封场所、设施或者财物", "查封违法排放污染物的设施、设备"),
    "urban_management": ("扣押财物", "扣押占道经营物品"),
}
COERCION_DOMAINS = (
    ("market_regulation", 40.0),
    ("tax", 25.0),
    ("environment", 20.0),
    ("urban_management", 15.0),
)


def xzqz(ctx: Ctx, domain: str) -> Row:
    """Return the content of a 行政强制 row."""
    kind, content = COERCIONS[domain]
    return {
        "QZ_WSH": doc_no(ctx, "强"),
        "QZ_LB": kind,
        "QZ_NR": content,
        "QZ_JDRQ": ctx.on,
        "QZ_JG": ctx.dept.name,
        "QZ_JGDM": ctx.dept.uscc,
    }
