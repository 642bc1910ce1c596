"""Chinese names for synthetic people and organisations (all characters are GBK-safe)."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence

from xinyong.synth.places import CITY_NAME, County, Industry

# Common surnames in Taizhou, most frequent first (the weights fall off along the list).
SURNAMES = "王陈林李张郑黄徐吴杨周叶金朱赵蒋应许卢潘梁何罗毛项颜江胡郭梅丁蔡邱阮孙方章柯胡洪戴彭谢冯夏鲍牟泮"
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红海燕"
    "斌宇浩凯鹏辉晨晓雪琳婷慧俊峰鑫磊佳怡欣宁子涵梓轩宇航思远浩然一鸣"
)
ZIHAO_A = "宏鑫华永天金利恒新博瑞嘉盛顺丰泰兴佳卓越海东中万协立信德诚益联汇"
ZIHAO_B = "达源龙盛和汇民方通亚远祥发昌安力宇特邦辉星阳峰创腾锋伟成耀凯格美"
FORMS = (
    ("有限公司", 70.0),
    ("有限责任公司", 10.0),
    ("股份有限公司", 4.0),
    ("厂", 5.0),
    ("合伙企业（有限合伙）", 2.0),
    ("集团有限公司", 1.0),
)
SHOPS = (
    ("五金店", "零售业"),
    ("日用品店", "零售业"),
    ("小吃店", "餐饮业"),
    ("水果店", "零售业"),
    ("服装店", "零售业"),
    ("理发店", "居民服务业"),
    ("便利店", "零售业"),
    ("汽车修理部", "机动车、电子产品和日用产品修理业"),
    ("建材商行", "批发业"),
    ("餐馆", "餐饮业"),
    ("家电维修部", "机动车、电子产品和日用产品修理业"),
    ("农资店", "零售业"),
    ("海鲜排档", "餐饮业"),
    ("鞋料加工厂", "制鞋业"),
    ("机械加工厂", "通用设备制造业"),
)
VILLAGE_A = "东西南北上下前后大小新老"
VILLAGE_B = "岙塘洋岙山桥浦湾岭坑溪门头垟"
ASSOCIATIONS = ("行业协会", "商会", "企业家协会", "慈善总会", "老年人协会", "志愿者协会")
PRIVATE_NONPROFIT = ("幼儿园", "培训学校", "养老服务中心", "社会工作服务中心")
INSTITUTIONS = ("中心小学", "初级中学", "卫生院", "社区卫生服务中心", "农业技术推广站", "文化站", "幼儿园")
BUREAUS = ("教育局", "财政局", "水利局", "审计局", "统计局", "司法局", "退役军人事务局", "机关事务管理局")


class Picker:
    """Pick keys by weight quickly (cumulative weights computed once)."""

    __slots__ = ("cum", "keys", "total")

    def __init__(self, pairs: Sequence[tuple[str, float]]) -> None:
        self.keys = [k for k, _ in pairs]
        self.cum = list(itertools.accumulate(w for _, w in pairs))
        self.total = self.cum[-1] if self.cum else 0.0

    def __call__(self, rng: random.Random) -> str:
        """Return a key drawn with probability proportional to its weight."""
        return self.keys[min(bisect.bisect_right(self.cum, rng.random() * self.total), len(self.keys) - 1)]


PICK_FORM = Picker(FORMS)


def person_name(rng: random.Random) -> str:
    """Return a person's name: a surname (skewed to the common ones) and one or two characters."""
    surname = SURNAMES[min(int(rng.expovariate(1 / 9)), len(SURNAMES) - 1)]
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return surname + given


def zihao(rng: random.Random) -> str:
    """Return a two-character trade name (字号)."""
    return rng.choice(ZIHAO_A) + rng.choice(ZIHAO_B)


def town_short(town: str) -> str:
    """Return a town's name without 镇/乡/街道."""
    for suffix in ("街道", "镇", "乡"):
        if town.endswith(suffix):
            return town[: -len(suffix)]
    return town


def county_short(county_name: str) -> str:
    """Return 温岭 for 温岭市."""
    return county_name[:-1]


def enterprise_name(rng: random.Random, county: County, industry: Industry, *, old_name: str) -> str:
    """Return an enterprise name such as 台州市黄岩宏达模塑有限公司 or 浙江鑫源阀门股份有限公司.

    ``old_name`` is the county name at registration time (玉环县 before 2017).
    """
    word = rng.choice(industry.words)
    form = PICK_FORM(rng)
    if form == "厂" and not any(k in industry.label for k in ("制造", "制品", "加工")):
        form = "有限公司"
    roll = rng.random()
    short = county_short(old_name)
    if old_name.endswith("区"):
        old_name = CITY_NAME + old_name
    if roll < 0.08:
        # A regional marker in brackets: 宏达阀门（玉环）有限公司
        return f"{zihao(rng)}{word}（{short}）{form}"
    if roll < 0.12 and form.endswith("公司"):
        return f"浙江{zihao(rng)}{word}{form}"
    if roll < 0.40:
        return f"{CITY_NAME}{short}{zihao(rng)}{word}{form}"
    if roll < 0.75:
        return f"{old_name}{zihao(rng)}{word}{form}"
    town = town_short(rng.choice(county.towns))
    return f"{old_name}{town}{zihao(rng)}{word}{form}"


def individual_name(rng: random.Random, county: County, operator: str) -> tuple[str, str]:
    """Return a 个体工商户 name and its industry: 温岭市泽国王建国五金店."""
    shop, industry = rng.choice(SHOPS)
    town = town_short(rng.choice(county.towns))
    middle = operator if rng.random() < 0.5 else zihao(rng)
    # Since 2022 a 个体工商户 may carry its form in brackets (促进个体工商户发展条例).
    marker = "（个体工商户）" if rng.random() < 0.15 else ""
    return f"{county.name}{town}{middle}{shop}{marker}", industry


def village_name(rng: random.Random, county: County) -> tuple[str, str]:
    """Return a 村股份经济合作社 name and its town."""
    town = rng.choice(county.towns)
    village = rng.choice(VILLAGE_A) + rng.choice(SURNAMES[:20]) + rng.choice(VILLAGE_B) + "村"
    return f"{county.name}{town}{village}股份经济合作社", town


def social_name(rng: random.Random, county: County, industry: Industry) -> tuple[str, str]:
    """Return a 社会组织 name and its USCC category (51 社会团体, 52 民办非企业单位, 53 基金会)."""
    roll = rng.random()
    if roll < 0.45:
        word = rng.choice(industry.words)
        return f"{county.name}{word}{rng.choice(ASSOCIATIONS[:3])}", "1"
    if roll < 0.6:
        town = rng.choice(county.towns)
        return f"{county.name}{town}{rng.choice(ASSOCIATIONS[3:])}", "1"
    if roll < 0.95:
        return f"{county.name}{zihao(rng)}{rng.choice(PRIVATE_NONPROFIT)}", "2"
    return f"{county.name}{zihao(rng)}公益基金会", "3"


def institution_name(rng: random.Random, county: County) -> str:
    """Return a 事业单位 name: 温岭市泽国镇中心小学."""
    return f"{county.name}{rng.choice(county.towns)}{rng.choice(INSTITUTIONS)}"


def government_name(rng: random.Random, county: County) -> str:
    """Return a 政府机构 name: a town government or a county bureau."""
    if rng.random() < 0.6:
        town = rng.choice(county.towns)
        return f"{county.name}{town}{'办事处' if town.endswith('街道') else '人民政府'}"
    return f"{county.name}{rng.choice(BUREAUS)}"
