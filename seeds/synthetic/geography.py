"""Hunan's 14 prefecture-level divisions: division codes, real county names, short names."""

from __future__ import annotations

from schemas.vocabulary import CITY_NAMES_ZH, City

CITY_CODES: dict[City, str] = {
    City.CHANGSHA: "430100",
    City.ZHUZHOU: "430200",
    City.XIANGTAN: "430300",
    City.HENGYANG: "430400",
    City.SHAOYANG: "430500",
    City.YUEYANG: "430600",
    City.CHANGDE: "430700",
    City.ZHANGJIAJIE: "430800",
    City.YIYANG: "430900",
    City.CHENZHOU: "431000",
    City.YONGZHOU: "431100",
    City.HUAIHUA: "431200",
    City.LOUDI: "431300",
    City.XIANGXI: "433100",
}
_COUNTY_NAMES: dict[City, str] = {
    City.CHANGSHA: "芙蓉区 天心区 岳麓区 开福区 雨花区 望城区 长沙县 浏阳市 宁乡市",
    City.ZHUZHOU: "荷塘区 芦淞区 石峰区 天元区 渌口区 攸县 茶陵县 炎陵县 醴陵市",
    City.XIANGTAN: "雨湖区 岳塘区 湘潭县 湘乡市 韶山市",
    City.HENGYANG: "珠晖区 雁峰区 石鼓区 蒸湘区 南岳区 衡阳县 衡南县 衡山县 衡东县 祁东县 "
    "耒阳市 常宁市",
    City.SHAOYANG: "双清区 大祥区 北塔区 新邵县 邵阳县 隆回县 洞口县 绥宁县 新宁县 城步苗族自治县 "
    "武冈市 邵东市",
    City.YUEYANG: "岳阳楼区 云溪区 君山区 岳阳县 华容县 湘阴县 平江县 汨罗市 临湘市",
    City.CHANGDE: "武陵区 鼎城区 安乡县 汉寿县 澧县 临澧县 桃源县 石门县 津市市",
    City.ZHANGJIAJIE: "永定区 武陵源区 慈利县 桑植县",
    City.YIYANG: "资阳区 赫山区 南县 桃江县 安化县 沅江市",
    City.CHENZHOU: "北湖区 苏仙区 桂阳县 宜章县 永兴县 嘉禾县 临武县 汝城县 桂东县 安仁县 资兴市",
    City.YONGZHOU: "零陵区 冷水滩区 东安县 双牌县 道县 江永县 宁远县 蓝山县 新田县 "
    "江华瑶族自治县 祁阳市",
    City.HUAIHUA: "鹤城区 中方县 沅陵县 辰溪县 溆浦县 会同县 麻阳苗族自治县 新晃侗族自治县 "
    "芷江侗族自治县 靖州苗族侗族自治县 通道侗族自治县 洪江市",
    City.LOUDI: "娄星区 双峰县 新化县 冷水江市 涟源市",
    City.XIANGXI: "吉首市 泸溪县 凤凰县 花垣县 保靖县 古丈县 永顺县 龙山县",
}
COUNTIES: dict[City, tuple[str, ...]] = {c: tuple(n.split()) for c, n in _COUNTY_NAMES.items()}
CITIES = tuple(City)


def city_short(city: City) -> str:
    """The short Chinese city name companies put in front of their names."""
    return "湘西" if city is City.XIANGXI else CITY_NAMES_ZH[city].removesuffix("市")


def city_en(city: City) -> str:
    return city.value.capitalize()
