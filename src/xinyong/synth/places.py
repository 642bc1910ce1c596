"""Taizhou's counties for the generator: codes, weights, towns and characteristic industries.

Weights follow the 2020 census populations (spec §11.1); industries follow each county's well-known
clusters (温岭 pumps and shoes, 玉环 valves, 黄岩 moulds and plastics, 椒江 pharmaceuticals, 路桥 trade
and recycling, 临海 glasses and leisure goods, 三门/天台/仙居 agriculture, tourism and crafts).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Industry:
    """An industry: its 国民经济行业 label, the words firms put in their names, and a weight."""

    label: str
    words: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class County:
    """A county-level division of Taizhou (县、市、区)."""

    code: str
    name: str
    abbr: str  # one character used in document numbers (温市监处〔2024〕…)
    dept_prefix: str  # prefix of its departments' codes in policy/departments.yaml (WL-SCJG)
    court: str  # court code in case numbers (（2024）浙1081执123号)
    population: float  # 万人, 2020 census
    towns: tuple[str, ...]
    industries: tuple[Industry, ...]
    former_code: str | None = None  # a code the county used before (玉环县 331021 until 2017-04-08)
    former_name: str | None = None
    renamed_on: tuple[int, int, int] | None = None
    old_id_prefix: str | None = None  # 台州地区 code on ID cards issued before 1994 (3326xx)


def _ind(label: str, words: str, weight: float) -> Industry:
    return Industry(label, tuple(words.split()), weight)


# Industries every county has, with a lower weight than its own clusters.
COMMON_INDUSTRIES = (
    _ind("批发业", "贸易 商贸 进出口 实业", 9.0),
    _ind("零售业", "商贸 超市 百货", 4.0),
    _ind("建筑业", "建设 建筑工程 装饰工程 市政工程", 6.0),
    _ind("汽车零部件及配件制造", "汽车配件 汽配 机械", 4.0),
    _ind("通用设备制造业", "机械 机电 精密机械 智能装备", 5.0),
    _ind("软件和信息技术服务业", "网络科技 信息技术 科技", 3.0),
    _ind("道路货物运输", "物流 运输 货运代理", 3.0),
    _ind("餐饮业", "餐饮管理 酒店管理", 2.0),
    _ind("房地产业", "房地产开发 置业 物业管理", 1.5),
    _ind("商务服务业", "企业管理咨询 广告 人力资源", 2.0),
)

COUNTIES: tuple[County, ...] = (
    County(
        "331002",
        "椒江区",
        "椒",
        "JJ",
        "浙1002",
        82.61,
        ("海门街道", "白云街道", "葭沚街道", "洪家街道", "下陈街道", "前所街道", "章安街道", "三甲街道"),
        (
            _ind("化学药品原料药制造", "药业 制药 医药化工 生物医药", 8.0),
            _ind("缝制机械制造", "缝纫机 缝制设备", 5.0),
            _ind("医疗仪器设备及器械制造", "医疗器械 医用器材", 3.0),
            _ind("游艇及船舶制造", "船舶 游艇", 1.5),
        ),
        old_id_prefix="332601",
    ),
    County(
        "331003",
        "黄岩区",
        "黄",
        "HY",
        "浙1003",
        70.75,
        (
            "东城街道",
            "西城街道",
            "南城街道",
            "北城街道",
            "江口街道",
            "新前街道",
            "院桥镇",
            "沙埠镇",
            "头陀镇",
            "宁溪镇",
        ),
        (
            _ind("模具制造", "模具 模塑 模业", 10.0),
            _ind("塑料制品业", "塑料 塑胶 塑业 日用塑料制品", 8.0),
            _ind("水果种植", "柑桔 蜜桔 果蔬", 1.5),
        ),
        old_id_prefix="332602",
    ),
    County(
        "331004",
        "路桥区",
        "路",
        "LQ",
        "浙1004",
        62.89,
        (
            "路桥街道",
            "路南街道",
            "路北街道",
            "螺洋街道",
            "桐屿街道",
            "峰江街道",
            "新桥镇",
            "横街镇",
            "金清镇",
            "蓬街镇",
        ),
        (
            _ind("批发业", "商贸 小商品 日用品批发 贸易", 10.0),
            _ind("再生资源回收", "再生资源 金属回收 拆解", 5.0),
            _ind("汽车零部件及配件制造", "汽车零部件 汽摩配件", 3.0),
            _ind("家用电力器具制造", "电器 小家电", 2.0),
        ),
    ),
    County(
        "331081",
        "温岭市",
        "温",
        "WL",
        "浙1081",
        141.62,
        (
            "太平街道",
            "城东街道",
            "城西街道",
            "横峰街道",
            "泽国镇",
            "大溪镇",
            "松门镇",
            "箬横镇",
            "新河镇",
            "石塘镇",
            "滨海镇",
            "温峤镇",
        ),
        (
            _ind("泵及真空设备制造", "泵业 水泵 机电 电泵", 12.0),
            _ind("制鞋业", "鞋业 鞋材 制鞋", 9.0),
            _ind("电机制造", "电机 电器", 4.0),
            _ind("工具制造", "工具 刃具 量具", 3.0),
            _ind("海水养殖", "水产 海产品", 1.5),
        ),
        old_id_prefix="332623",
    ),
    County(
        "331082",
        "临海市",
        "临",
        "LH",
        "浙1082",
        111.41,
        (
            "古城街道",
            "大洋街道",
            "江南街道",
            "大田街道",
            "邵家渡街道",
            "杜桥镇",
            "东塍镇",
            "汇溪镇",
            "小芝镇",
            "白水洋镇",
            "涌泉镇",
        ),
        (
            _ind("眼镜制造", "眼镜 光学 眼镜配件", 7.0),
            _ind("休闲用品制造", "休闲用品 户外用品 家具", 6.0),
            _ind("化学原料和化学制品制造业", "化工 精细化工 医化", 4.0),
            _ind("水果种植", "蜜桔 杨梅 果业", 2.0),
        ),
        old_id_prefix="332603",
    ),
    County(
        "331083",
        "玉环市",
        "玉",
        "YH",
        "浙1083",
        64.4,
        ("玉城街道", "坎门街道", "大麦屿街道", "楚门镇", "清港镇", "芦浦镇", "沙门镇", "干江镇", "龙溪镇"),
        (
            _ind("阀门和旋塞制造", "阀门 阀业 水暖 管件 铜业", 14.0),
            _ind("汽车零部件及配件制造", "汽车零部件 汽车配件 机械", 6.0),
            _ind("家具制造", "家具 家居", 2.0),
            _ind("海水养殖", "水产 海产品", 1.0),
        ),
        former_code="331021",
        former_name="玉环县",
        renamed_on=(2017, 4, 9),
        old_id_prefix="332627",
    ),
    County(
        "331022",
        "三门县",
        "三",
        "SM",
        "浙1022",
        43.2,
        ("海游街道", "沙柳街道", "珠岙镇", "亭旁镇", "健跳镇", "浦坝港镇", "横渡镇", "花桥镇"),
        (
            _ind("海水养殖", "青蟹 水产 海产品 养殖", 8.0),
            _ind("橡胶制品业", "橡胶 胶带", 4.0),
            _ind("农业", "农业开发 生态农业 家庭农场", 4.0),
            _ind("旅游业", "旅游开发 旅游", 2.0),
        ),
        old_id_prefix="332626",
    ),
    County(
        "331023",
        "天台县",
        "天",
        "TT",
        "浙1023",
        42.7,
        ("赤城街道", "始丰街道", "福溪街道", "平桥镇", "坦头镇", "白鹤镇", "街头镇", "石梁镇", "三合镇"),
        (
            _ind("旅游业", "旅游 旅游开发 文化旅游", 6.0),
            _ind("汽车用品制造", "汽车用品 汽车饰品 滤清器", 6.0),
            _ind("茶叶种植", "茶业 茶叶 云雾茶", 3.0),
            _ind("工艺美术品制造", "工艺品 文化用品", 2.0),
        ),
        old_id_prefix="332625",
    ),
    County(
        "331024",
        "仙居县",
        "仙",
        "XJ",
        "浙1024",
        42.7,
        ("福应街道", "南峰街道", "安洲街道", "白塔镇", "横溪镇", "田市镇", "官路镇", "下各镇", "皤滩乡"),
        (
            _ind("工艺美术品制造", "工艺品 木制工艺品 竹木", 8.0),
            _ind("水果种植", "杨梅 果业 农业开发", 5.0),
            _ind("旅游业", "旅游 旅游开发 民宿", 4.0),
            _ind("化学药品原料药制造", "药业 医药化工", 3.0),
        ),
        old_id_prefix="332624",
    ),
)

CITY_DEPT_PREFIX = "TZ"  # prefix of the city departments' codes in policy/departments.yaml (TZ-SCJG)
CITY_NAME = "台州市"

# Where Taizhou's migrant workers' ID cards come from (安徽、江西、贵州、四川、河南、湖北).
MIGRANT_ID_PREFIXES = (
    "342401",
    "342422",
    "341221",
    "362330",
    "362324",
    "522401",
    "522427",
    "513030",
    "511622",
    "411526",
    "421181",
    "430524",
)
