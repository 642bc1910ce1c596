"""Content of 双公示 rows (行政处罚 CF_, 行政许可 XK_) and 行政强制, by department domain."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from xinyong.synth.context import Ctx, Row, add_years


@dataclass(frozen=True)
class Violation:
    """A kind of violation a domain penalises, with its legal basis and usual penalties."""

    kind: str
    fact: str  # {name} is the subject
    basis: str
    types: tuple[str, ...]  # 处罚类别 combinations, ";"-separated
    fine: tuple[float, float]  # 万元, log-uniform
    for_person: bool = False


V = Violation
VIOLATIONS: dict[str, tuple[Violation, ...]] = {
    "market_regulation": (
        V("未按规定公示年度报告", "{name}未按照规定的期限公示年度报告", "《企业信息公示暂行条例》第十八条", ("警告", "罚款"), (0.05, 1)),
        V("销售不符合食品安全标准的食品", "{name}销售的食品经抽样检验不合格", "《中华人民共和国食品安全法》第一百二十四条第一款", ("罚款;没收违法所得", "罚款;没收违法所得;没收非法财物"), (0.5, 20)),
        V("虚假宣传", "{name}在其网店页面对商品作虚假的商业宣传", "《中华人民共和国反不正当竞争法》第二十条", ("罚款",), (2, 50)),
        V("生产不合格产品", "{name}生产的产品经监督抽查不合格", "《中华人民共和国产品质量法》第四十九条", ("罚款;没收违法所得", "罚款;没收非法财物"), (0.5, 30)),
        V("未按规定使用计量器具", "{name}使用未经检定的计量器具", "《中华人民共和国计量法实施细则》第四十三条", ("罚款",), (0.1, 1)),
        V("特种设备未经定期检验", "{name}使用未经定期检验的特种设备", "《中华人民共和国特种设备安全法》第八十四条", ("罚款", "罚款;责令停产停业"), (3, 30)),
        V("无照经营", "{name}未依法取得营业执照从事经营活动", "《无证无照经营查处办法》第十三条", ("罚款;没收违法所得",), (0.1, 2), True),
    ),
    "tax": (
        V("未按期申报", "{name}未按照规定的期限办理纳税申报和报送纳税资料", "《中华人民共和国税收征收管理法》第六十二条", ("罚款",), (0.01, 0.2)),
        V("未按规定开具发票", "{name}未按照规定开具发票", "《中华人民共和国发票管理办法》第三十五条", ("罚款",), (0.05, 1)),
        V("偷税", "{name}采取虚假申报手段少缴税款", "《中华人民共和国税收征收管理法》第六十三条", ("罚款",), (5, 300)),
    ),
    "environment": (
        V("超标排放水污染物", "{name}排放的废水中化学需氧量超过排放标准", "《中华人民共和国水污染防治法》第八十三条第二项", ("罚款", "罚款;责令停产停业"), (10, 100)),
        V("未批先建", "{name}建设项目环境影响评价文件未经批准擅自开工建设", "《中华人民共和国环境影响评价法》第三十一条", ("罚款",), (5, 50)),
        V("危险废物贮存不规范", "{name}未按规定贮存危险废物", "《中华人民共和国固体废物污染环境防治法》第一百一十二条", ("罚款",), (10, 100)),
    ),
    "work_safety": (
        V("未开展安全生产教育培训", "{name}未如实记录安全生产教育和培训情况", "《中华人民共和国安全生产法》第九十七条", ("罚款",), (1, 10)),
        V("未及时消除事故隐患", "{name}未采取措施消除事故隐患", "《中华人民共和国安全生产法》第一百零二条", ("罚款", "罚款;责令停产停业"), (2, 10)),
    ),
    "fire": (
        V("消防设施未保持完好有效", "{name}消防设施、器材未保持完好有效", "《中华人民共和国消防法》第六十条第一款第一项", ("罚款",), (0.5, 5)),
        V("占用疏散通道", "{name}占用、堵塞疏散通道和安全出口", "《中华人民共和国消防法》第六十条第一款第三项", ("罚款",), (0.5, 5)),
    ),
    "construction": (
        V("未取得施工许可证擅自施工", "{name}未取得施工许可证擅自施工", "《建筑工程施工许可管理办法》第十二条", ("罚款",), (1, 3)),
        V("违反工程建设强制性标准", "{name}违反工程建设强制性标准", "《建设工程质量管理条例》第六十四条", ("罚款", "罚款;降低资质等级"), (10, 80)),
    ),
    "transport": (
        V("超限运输", "{name}所属车辆超限运输", "《公路安全保护条例》第六十六条", ("罚款",), (0.05, 3), True),
        V("未取得道路运输经营许可从事经营", "{name}未取得道路运输经营许可擅自从事道路货物运输经营", "《中华人民共和国道路运输条例》第六十三条", ("罚款;没收违法所得",), (0.3, 10), True),
    ),
    "health": (
        V("使用非卫生技术人员", "{name}使用非卫生技术人员从事医疗卫生技术工作", "《医疗机构管理条例》第四十七条", ("罚款", "罚款;吊销许可证件"), (0.5, 5)),
        V("公共场所卫生不合格", "{name}未按照规定对公共场所进行卫生检测", "《公共场所卫生管理条例实施细则》第三十六条", ("警告", "警告;罚款"), (0.1, 2)),
    ),
    "urban_management": (
        V("擅自占用城市道路", "{name}擅自占用城市道路堆放物品", "《城市道路管理条例》第四十二条", ("罚款",), (0.02, 2), True),
        V("违法建设", "{name}未取得建设工程规划许可证进行建设", "《中华人民共和国城乡规划法》第六十四条", ("罚款",), (1, 50), True),
    ),
    "agriculture": (
        V("经营假劣农药", "{name}经营劣质农药", "《农药管理条例》第五十六条", ("罚款;没收违法所得;没收非法财物",), (0.5, 5)),
    ),
    "public_security": (
        V("殴打他人", "{name}殴打他人，情节较轻", "《中华人民共和国治安管理处罚法》第四十三条", ("罚款", "行政拘留"), (0.02, 0.05), True),
        V("参与赌博", "{name}参与赌博赌资较大", "《中华人民共和国治安管理处罚法》第七十条", ("罚款", "行政拘留;罚款"), (0.05, 0.3), True),
    ),
    "land": (
        V("非法占用土地", "{name}未经批准非法占用集体土地", "《中华人民共和国土地管理法》第七十七条", ("罚款;没收非法财物", "罚款"), (1, 30)),
    ),
    "culture_tourism": (
        V("未与旅游者签订旅游合同", "{name}未与旅游者签订旅游合同", "《中华人民共和国旅游法》第一百条", ("罚款",), (0.5, 5)),
    ),
    "medical_insurance": (
        V("骗取医疗保障基金", "{name}通过虚记费用骗取医疗保障基金", "《医疗保障基金使用监督管理条例》第四十条", ("罚款;没收违法所得",), (1, 50)),
    ),
}

PENALTY_DOMAINS_ORG = (
    ("market_regulation", 40.0), ("tax", 18.0), ("environment", 8.0), ("work_safety", 6.0), ("fire", 6.0),
    ("construction", 4.0), ("transport", 5.0), ("health", 3.0), ("urban_management", 4.0),
    ("agriculture", 1.5), ("land", 1.5), ("culture_tourism", 1.0), ("medical_insurance", 1.0),
)
PENALTY_DOMAINS_PERSON = (("public_security", 60.0), ("transport", 20.0), ("urban_management", 15.0), ("market_regulation", 5.0))
DOC_WORD = {
    "market_regulation": "市监处", "tax": "税罚", "environment": "环罚", "work_safety": "应急罚",
    "fire": "消行罚决字", "construction": "建罚", "transport": "交罚", "health": "卫医罚",
    "urban_management": "综执罚", "agriculture": "农罚", "public_security": "公行罚决字",
    "land": "自然资罚", "culture_tourism": "文旅罚", "medical_insurance": "医保罚",
}


def log_uniform(ctx: Ctx, low: float, high: float) -> float:
    """Return an amount in 万元 with at most four decimals (whole yuan)."""
    value = math.exp(ctx.rng.uniform(math.log(low), math.log(high)))
    return round(value, 4 if value < 1 else 2)


def doc_no(ctx: Ctx, word: str) -> str:
    """Return a decision number such as 温市监处〔2024〕123号, unique per department and year."""
    abbr = ctx.abbr
    n = ctx.seq(f"{ctx.dept.code}:{word}:{ctx.on.year}")
    return f"{abbr}{word}〔{ctx.on.year}〕{n}号"


def xzcf(ctx: Ctx, domain: str) -> Row:
    """Return the content of a 行政处罚 row."""
    rng, s = ctx.rng, ctx.subject
    pool = [v for v in VIOLATIONS[domain] if v.for_person or not s.is_person] or list(VIOLATIONS[domain])
    v = rng.choice(pool)
    types = rng.choice(v.types)
    fine = log_uniform(ctx, *v.fine) if "罚款" in types else None
    confiscated = log_uniform(ctx, 0.01, max(v.fine[1] / 5, 0.02)) if "没收违法所得" in types else None
    parts = []
    if "警告" in types:
        parts.append("警告")
    if confiscated is not None:
        parts.append(f"没收违法所得{confiscated * 10000:.0f}元")
    if fine is not None:
        parts.append(f"罚款{fine * 10000:.0f}元")
    if "行政拘留" in types:
        parts.append(f"行政拘留{rng.choice((3, 5, 7, 10))}日")
    if "责令停产停业" in types:
        parts.append("责令停产停业整顿")
    if "降低资质等级" in types:
        parts.append("降低资质等级")
    if "吊销许可证件" in types:
        parts.append("吊销许可证件")
    if "没收非法财物" in types:
        parts.append("没收非法财物")
    simple = fine is not None and fine <= (0.02 if s.is_person else 0.3) and types in ("罚款", "警告;罚款")
    yxq = ctx.on + dt.timedelta(days=7)
    serious = any(t in types for t in ("降低资质等级", "吊销许可证件", "责令停产停业", "行政拘留")) or (fine or 0) >= 100
    months = 36 if serious else (3 if types == "警告" or simple else 12)
    return {
        "CF_WSH": doc_no(ctx, DOC_WORD[domain]),
        "CF_WFXW": v.kind,
        "CF_SY": v.fact.format(name=s.name),
        "CF_YJ": v.basis,
        "CF_CFLB": types,
        "CF_NR": "，".join(parts) or types,
        "CF_NR_FK": fine,
        "CF_NR_WFFF": confiscated,
        "CF_NR_ZKDX": "吊销许可证件" if "吊销许可证件" in types else None,
        "CF_JDRQ": ctx.on,
        "CF_YXQ": yxq,
        "CF_GSJZQ": add_years(yxq, months / 12) if rng.random() < 0.8 else None,
        "CF_CFJG": ctx.dept.name,
        "CF_CFJGDM": ctx.dept.uscc,
        "CF_SJLY": ctx.dept.name,
        "CF_SJLYDM": ctx.dept.uscc,
        "CF_CXFS": "简易程序" if simple else "普通程序",
    }


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


L = Licence
LICENCES: dict[str, tuple[Licence, ...]] = {
    "market_regulation": (
        L("食品经营许可决定书", "食品经营许可证", "预包装食品销售、散装食品销售", "普通", 5, "JY1{region}{n:07d}"),
        L("食品生产许可决定书", "食品生产许可证", "糕点、饮料生产", "普通", 5, "SC1{region}{n:07d}"),
        L("工业产品生产许可决定书", "全国工业产品生产许可证", "电线电缆、危险化学品包装物生产", "普通", 5, "(浙)XK{n:08d}"),
        L("特种设备使用登记决定书", "特种设备使用登记证", "压力容器使用登记", "登记", 0, "容{n:05d}浙J{year}"),
        L("特种设备作业人员资格认定", "特种设备作业人员证", "叉车司机", "认可", 4, "TS{region}{n:06d}", True),
    ),
    "tax": (L("准予税务行政许可决定书", "", "增值税防伪税控系统最高开票限额审批（十万元）", "普通", 0, "{region}税许{n:05d}"),),
    "environment": (L("排污许可决定书", "排污许可证", "化学需氧量、氨氮排放许可", "普通", 5, "91{region}{n:08d}001P"),),
    "construction": (
        L("建筑工程施工许可决定书", "建筑工程施工许可证", "厂房新建工程施工许可", "普通", 1, "{region}{year}{n:06d}0101"),
        L("建筑业企业资质核准决定书", "建筑业企业资质证书", "建筑工程施工总承包三级", "核准", 5, "D3{region}{n:05d}"),
    ),
    "transport": (
        L("道路运输经营许可决定书", "道路运输经营许可证", "道路普通货物运输", "普通", 4, "浙交运管许可台字{region}{n:06d}号"),
        L("道路运输从业人员从业资格", "道路运输从业人员从业资格证", "道路货物运输驾驶员", "认可", 6, "{region}{n:08d}", True),
    ),
    "health": (
        L("公共场所卫生许可决定书", "公共场所卫生许可证", "住宿、美容美发场所卫生许可", "普通", 4, "浙卫公证字〔{year}〕第{region}-{n:06d}号"),
        L("医师执业注册", "医师执业证书", "临床类别内科专业执业注册", "核准", 0, "1103{region}{n:07d}", True),
    ),
    "work_safety": (L("危险化学品经营许可决定书", "危险化学品经营许可证", "危险化学品经营（不带储存设施）", "普通", 3, "浙台危化经字〔{year}〕{n:06d}"),),
    "fire": (L("公众聚集场所投入使用、营业前消防安全检查意见书", "", "公众聚集场所投入使用、营业前消防安全检查合格", "普通", 0, "台消检字〔{year}〕第{n:04d}号"),),
    "agriculture": (L("农药经营许可决定书", "农药经营许可证", "农药（限制使用农药除外）经营", "普通", 5, "农药经许（浙）{region}{n:05d}"),),
    "culture_tourism": (L("旅行社业务经营许可决定书", "旅行社业务经营许可证", "国内旅游业务、入境旅游业务", "特许", 0, "L-ZJ-{n:06d}"),),
    "land": (L("建设工程规划许可决定书", "建设工程规划许可证", "厂房扩建工程规划许可", "普通", 1, "建字第{region}{year}{n:05d}号"),),
}
LICENCE_DOMAINS_ORG = (
    ("market_regulation", 40.0), ("tax", 10.0), ("environment", 8.0), ("construction", 10.0),
    ("transport", 10.0), ("health", 8.0), ("work_safety", 4.0), ("fire", 4.0), ("agriculture", 2.0),
    ("culture_tourism", 1.0), ("land", 3.0),
)
LICENCE_DOMAINS_PERSON = (("transport", 50.0), ("health", 20.0), ("market_regulation", 30.0))


def xzxk(ctx: Ctx, domain: str) -> Row:
    """Return the content of a 行政许可 row."""
    rng, s = ctx.rng, ctx.subject
    pool = [x for x in LICENCES[domain] if x.for_person == s.is_person] or list(LICENCES[domain])
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
COERCION_DOMAINS = (("market_regulation", 40.0), ("tax", 25.0), ("environment", 20.0), ("urban_management", 15.0))


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
