"""Made-up Hunan enterprises: bilingual names, contacts on reserved domains, valid codes."""

from __future__ import annotations

import random
from collections.abc import Iterator

from schemas.vocabulary import City
from seeds.synthetic.credit_codes import BODY_SPACE, SCRAMBLE, credit_code
from seeds.synthetic.geography import CITIES, COUNTIES, city_en, city_short
from seeds.synthetic.sectors import SECTORS, Sector
from seeds.synthetic.shapes import Row

_BRAND_PAIRS = (
    "湘江:xiangjiang 潇湘:xiaoxiang 楚天:chutian 岳麓:yuelu 芙蓉:furong 洞庭:dongting "
    "衡岳:hengyue 沅水:yuanshui 资江:zijiang 雪峰:xuefeng 武陵:wuling 南岭:nanling "
    "湘中:xiangzhong 湘南:xiangnan 三湘:sanxiang 星城:xingcheng 韶峰:shaofeng 橘洲:juzhou "
    "莲城:liancheng 雁城:yancheng 梅山:meishan 澧水:lishui 东江:dongjiang 九嶷:jiuyi "
    "舜皇:shunhuang 桃源:taoyuan 天门:tianmen 崀山:langshan 金洲:jinzhou 华湘:huaxiang "
    "碧水:bishui 青山:qingshan 恒瑞:hengrui 晨曦:chenxi 中南:zhongnan 长湘:changxiang "
    "鼎盛:dingsheng 宏创:hongchuang 博远:boyuan 瑞丰:ruifeng 汇能:huineng 启明:qiming"
)
BRANDS: tuple[tuple[str, str], ...] = tuple(
    (zh, pinyin) for zh, pinyin in (pair.split(":") for pair in _BRAND_PAIRS.split())
)
_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司", "集团有限公司")
_SURNAMES = tuple("王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗谭彭曾邓肖唐蒋贺")
_GIVEN = (*"伟芳敏静强磊洋艳勇军杰娟涛明超", "秀英", "建华", "志强", "海燕", "晓东", "湘云", "立新")
_GIVEN_EN = ("Alice", "David", "Grace", "Kevin", "Linda", "Michael", "Sophia", "Tony")
_SURNAMES_EN = ("Chen", "Liu", "Wang", "Zhang", "Tan", "Peng", "Zeng", "Deng")
_DOMAINS = ("example.com", "example.cn")


def enterprise_row(
    r: random.Random, city: City, sector: Sector, serial: int, ns: str, no: int
) -> Row:
    """One EnterpriseSpec dict in `city` and `sector`; `serial` picks its credit-code body."""
    brand_zh, brand_py = r.choice(BRANDS)
    if r.random() < 0.1:
        place = r.choice(("Hunan", city_en(city)))
        name = f"{place} {brand_py.capitalize()} {sector.word_en} Co., Ltd."
        industry, contact = sector.industry_en, f"{r.choice(_GIVEN_EN)} {r.choice(_SURNAMES_EN)}"
    else:
        prefix = r.choice(("湖南", city_short(city)))
        name = f"{prefix}{brand_zh}{r.choice(sector.words_zh)}{r.choice(_FORMS)}"
        industry, contact = sector.industry_zh, r.choice(_SURNAMES) + r.choice(_GIVEN)
    return {
        "name": name,
        "credit_code": credit_code(city, serial, ns),
        "city": city.value,
        "county": r.choice(COUNTIES[city]),
        "industry": industry,
        "contact_name": contact,
        "contact_email": f"{brand_py}.{sector.slug}{no:04d}@{r.choice(_DOMAINS)}",
    }


def synthetic_enterprises(n: int, seed: int) -> Iterator[Row]:
    """Stream `n` EnterpriseSpec dicts with distinct, valid credit codes (n ≤ 31**5)."""
    if not 0 <= n <= BODY_SPACE:
        raise ValueError(f"n must be between 0 and {BODY_SPACE}")
    return _enterprises(n, seed)


def _enterprises(n: int, seed: int) -> Iterator[Row]:
    r = random.Random(seed)
    offset = r.randrange(BODY_SPACE)
    sectors = tuple(SECTORS.values())
    for i in range(n):
        serial = (i * SCRAMBLE + offset) % BODY_SPACE
        yield enterprise_row(r, r.choice(CITIES), r.choice(sectors), serial, "5", i)
