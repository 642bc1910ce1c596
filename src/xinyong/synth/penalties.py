"""Content of 行政处罚 rows (双公示 CF_ fields) by department domain: violations, bases, penalties."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xinyong.synth.context import Ctx, Row, add_years, doc_no, log_uniform


@dataclass(frozen=True)
class Violation:
    """A kind of violation a domain penalises, with its legal basis and usual penalties."""

    kind: str
    fact: str  # {name} is the subject
    basis: str
    types: tuple[str, ...]  # 处罚类别 combinations, ";"-separated
    fine: tuple[float, float]  # 万元, log-uniform
    for_person: bool = False
    industries: tuple[str, ...] = ()  # words of the industries it happens in (all if empty)


V = Violation
VIOLATIONS: dict[str, tuple[Violation, ...]] = {
    "market_regulation": (
        V(
            "未按规定公示年度报告",
            "{name}未按照规定的期限公示年度报告",
            "《企业信息公示暂行条例》第十八条",
            ("警告", "罚款"),
            (0.05, 1),
        ),
        V(
            "销售不符合食品安全标准的食品",
            "{name}销售的食品经抽样检验不合格",
            "《中华人民共和国食品安全法》第一百二十四条第一款",
            ("罚款;没收违法所得", "罚款;没收违法所得;没收非法财物"),
            (0.5, 20),
            industries=("零售", "餐饮", "批发"),
        ),
        V(
            "虚假宣传",
            "{name}在其网店页面对商品作虚假的商业宣传",
            "《中华人民共和国反不正当竞争法》第二十条",
            ("罚款",),
            (2, 50),
        ),
        V(
            "生产不合格产品",
            "{name}生产的产品经监督抽查不合格",
            "《中华人民共和国产品质量法》第四十九条",
            ("罚款;没收违法所得", "罚款;没收非法财物"),
            (0.5, 30),
            industries=("制造", "制品"),
        ),
        V(
            "未按规定使用计量器具",
            "{name}使用未经检定的计量器具",
            "《中华人民共和国计量法实施细则》第四十三条",
            ("罚款",),
            (0.1, 1),
        ),
        V(
            "特种设备未经定期检验",
            "{name}使用未经定期检验的特种设备",
            "《中华人民共和国特种设备安全法》第八十四条",
            ("罚款", "罚款;责令停产停业"),
            (3, 30),
        ),
        V(
            "无照经营",
            "{name}未依法取得营业执照从事经营活动",
            "《无证无照经营查处办法》第十三条",
            ("罚款;没收违法所得",),
            (0.1, 2),
            True,
        ),
    ),
    "tax": (
        V(
            "未按期申报",
            "{name}未按照规定的期限办理纳税申报和报送纳税资料",
            "《中华人民共和国税收征收管理法》第六十二条",
            ("罚款",),
            (0.01, 0.2),
        ),
        V(
            "未按规定开具发票",
            "{name}未按照规定开具发票",
            "《中华人民共和国发票管理办法》第三十五条",
            ("罚款",),
            (0.05, 1),
        ),
        V(
            "偷税",
            "{name}采取虚假申报手段少缴税款",
            "《中华人民共和国税收征收管理法》第六十三条",
            ("罚款",),
            (5, 300),
        ),
    ),
    "environment": (
        V(
            "超标排放水污染物",
            "{name}排放的废水中化学需氧量超过排放标准",
            "《中华人民共和国水污染防治法》第八十三条第二项",
            ("罚款", "罚款;责令停产停业"),
            (10, 100),
            industries=("制造", "制品", "化学", "养殖"),
        ),
        V(
            "未批先建",
            "{name}建设项目环境影响评价文件未经批准擅自开工建设",
            "《中华人民共和国环境影响评价法》第三十一条",
            ("罚款",),
            (5, 50),
        ),
        V(
            "危险废物贮存不规范",
            "{name}未按规定贮存危险废物",
            "《中华人民共和国固体废物污染环境防治法》第一百一十二条",
            ("罚款",),
            (10, 100),
            industries=("制造", "制品", "化学", "再生"),
        ),
    ),
    "work_safety": (
        V(
            "未开展安全生产教育培训",
            "{name}未如实记录安全生产教育和培训情况",
            "《中华人民共和国安全生产法》第九十七条",
            ("罚款",),
            (1, 10),
        ),
        V(
            "未及时消除事故隐患",
            "{name}未采取措施消除事故隐患",
            "《中华人民共和国安全生产法》第一百零二条",
            ("罚款", "罚款;责令停产停业"),
            (2, 10),
        ),
    ),
    "fire": (
        V(
            "消防设施未保持完好有效",
            "{name}消防设施、器材未保持完好有效",
            "《中华人民共和国消防法》第六十条第一款第一项",
            ("罚款",),
            (0.5, 5),
        ),
        V(
            "占用疏散通道",
            "{name}占用、堵塞疏散通道和安全出口",
            "《中华人民共和国消防法》第六十条第一款第三项",
            ("罚款",),
            (0.5, 5),
        ),
    ),
    "construction": (
        V(
            "未取得施工许可证擅自施工",
            "{name}未取得施工许可证擅自施工",
            "《建筑工程施工许可管理办法》第十二条",
            ("罚款",),
            (1, 3),
        ),
        V(
            "违反工程建设强制性标准",
            "{name}违反工程建设强制性标准",
            "《建设工程质量管理条例》第六十四条",
            ("罚款", "罚款;降低资质等级"),
            (10, 80),
        ),
    ),
    "transport": (
        V("超限运输", "{name}所属车辆超限运输", "《公路安全保护条例》第六十六条", ("罚款",), (0.05, 3), True),
        V(
            "未取得道路运输经营许可从事经营",
            "{name}未取得道路运输经营许可擅自从事道路货物运输经营",
            "《中华人民共和国道路运输条例》第六十三条",
            ("罚款;没收违法所得",),
            (0.3, 10),
            True,
        ),
    ),
    "health": (
        V(
            "使用非卫生技术人员",
            "{name}使用非卫生技术人员从事医疗卫生技术工作",
            "《医疗机构管理条例》第四十七条",
            ("罚款", "罚款;吊销许可证件"),
            (0.5, 5),
        ),
        V(
            "公共场所卫生不合格",
            "{name}未按照规定对公共场所进行卫生检测",
            "《公共场所卫生管理条例实施细则》第三十六条",
            ("警告", "警告;罚款"),
            (0.1, 2),
        ),
    ),
    "urban_management": (
        V(
            "擅自占用城市道路",
            "{name}擅自占用城市道路堆放物品",
            "《城市道路管理条例》第四十二条",
            ("罚款",),
            (0.02, 2),
            True,
        ),
        V(
            "违法建设",
            "{name}未取得建设工程规划许可证进行建设",
            "《中华人民共和国城乡规划法》第六十四条",
            ("罚款",),
            (1, 50),
            True,
        ),
    ),
    "agriculture": (
        V(
            "经营假劣农药",
            "{name}经营劣质农药",
            "《农药管理条例》第五十六条",
            ("罚款;没收违法所得;没收非法财物",),
            (0.5, 5),
            industries=("零售", "批发", "农业", "种植"),
        ),
    ),
    "public_security": (
        V(
            "殴打他人",
            "{name}殴打他人，情节较轻",
            "《中华人民共和国治安管理处罚法》第四十三条",
            ("罚款", "行政拘留"),
            (0.02, 0.05),
            True,
        ),
        V(
            "参与赌博",
            "{name}参与赌博赌资较大",
            "《中华人民共和国治安管理处罚法》第七十条",
            ("罚款", "行政拘留;罚款"),
            (0.05, 0.3),
            True,
        ),
    ),
    "land": (
        V(
            "非法占用土地",
            "{name}未经批准非法占用集体土地",
            "《中华人民共和国土地管理法》第七十七条",
            ("罚款;没收非法财物", "罚款"),
            (1, 30),
        ),
    ),
    "culture_tourism": (
        V(
            "未与旅游者签订旅游合同",
            "{name}未与旅游者签订旅游合同",
            "《中华人民共和国旅游法》第一百条",
            ("罚款",),
            (0.5, 5),
        ),
    ),
    "medical_insurance": (
        V(
            "骗取医疗保障基金",
            "{name}通过虚记费用骗取医疗保障基金",
            "《医疗保障基金使用监督管理条例》第四十条",
            ("罚款;没收违法所得",),
            (1, 50),
        ),
    ),
}

PENALTY_DOMAINS_ORG = (
    ("market_regulation", 40.0),
    ("tax", 18.0),
    ("environment", 8.0),
    ("work_safety", 6.0),
    ("fire", 6.0),
    ("construction", 4.0),
    ("transport", 5.0),
    ("health", 3.0),
    ("urban_management", 4.0),
    ("agriculture", 1.5),
    ("land", 1.5),
    ("culture_tourism", 1.0),
    ("medical_insurance", 1.0),
)
PENALTY_DOMAINS_PERSON = (
    ("public_security", 60.0),
    ("transport", 20.0),
    ("urban_management", 15.0),
    ("market_regulation", 5.0),
)
DOC_WORD = {
    "market_regulation": "市监处",
    "tax": "税罚",
    "environment": "环罚",
    "work_safety": "应急罚",
    "fire": "消行罚决字",
    "construction": "建罚",
    "transport": "交罚",
    "health": "卫医罚",
    "urban_management": "综执罚",
    "agriculture": "农罚",
    "public_security": "公行罚决字",
    "land": "自然资罚",
    "culture_tourism": "文旅罚",
    "medical_insurance": "医保罚",
}


def xzcf(ctx: Ctx, domain: str) -> Row:
    """Return the content of a 行政处罚 row."""
    rng, s = ctx.rng, ctx.subject
    pool = [v for v in VIOLATIONS[domain] if v.for_person or not s.is_person] or list(VIOLATIONS[domain])
    industry = s.industry or ""
    pool = [v for v in pool if not v.industries or any(k in industry for k in v.industries)] or pool
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
    serious = (
        any(t in types for t in ("降低资质等级", "吊销许可证件", "责令停产停业", "行政拘留"))
        or (fine or 0) >= 100
    )
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
