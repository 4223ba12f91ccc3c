"""Hunan by prefecture as inline SVG: a simplified provincial outline with one circle per city
seat, its area proportional to the money financed there.

Positions are the seats' longitude and latitude; the outline is a coarse trace of the border,
enough to recognise the province, not a survey map.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal

from markupsafe import Markup, escape

from schemas.vocabulary import City

SEATS: dict[City, tuple[float, float]] = {
    City.CHANGSHA: (112.94, 28.23),
    City.ZHUZHOU: (113.13, 27.83),
    City.XIANGTAN: (112.80, 27.85),
    City.HENGYANG: (112.57, 26.89),
    City.SHAOYANG: (111.47, 27.24),
    City.YUEYANG: (113.13, 29.36),
    City.CHANGDE: (111.70, 29.03),
    City.ZHANGJIAJIE: (110.48, 29.12),
    City.YIYANG: (112.36, 28.55),
    City.CHENZHOU: (113.01, 25.77),
    City.YONGZHOU: (111.61, 26.42),
    City.HUAIHUA: (110.00, 27.57),
    City.LOUDI: (112.00, 27.73),
    City.XIANGXI: (109.74, 28.31),
}
OUTLINE = (
    (109.5, 29.6), (110.2, 29.8), (110.6, 30.1), (111.4, 29.9), (112.2, 29.7), (112.9, 29.5),
    (113.6, 29.8), (114.2, 29.4), (113.9, 28.9), (114.1, 28.3), (113.8, 27.4), (114.0, 26.7),
    (114.2, 26.0), (113.9, 25.3), (113.3, 25.2), (112.8, 24.8), (112.1, 24.9), (111.5, 24.7),
    (111.3, 25.2), (110.9, 25.7), (110.4, 25.9), (109.8, 26.0), (109.5, 26.5), (109.2, 26.9),
    (108.8, 27.4), (109.1, 27.8), (108.9, 28.3), (109.3, 28.6), (109.2, 29.1),
)  # fmt: skip
# Seats close together get their names beside or above the circle instead of below it.
LABEL_SIDE: dict[City, str] = {City.CHANGSHA: "above", City.XIANGTAN: "left", City.ZHUZHOU: "right"}
WEST, EAST, SOUTH, NORTH = 108.6, 114.4, 24.5, 30.3
WIDTH, HEIGHT, MAX_RADIUS = 560, 540, 34.0


def _xy(lon: float, lat: float) -> tuple[float, float]:
    x = (lon - WEST) / (EAST - WEST) * WIDTH
    y = (NORTH - lat) / (NORTH - SOUTH) * HEIGHT
    return x, y


def _label_at(side: str, x: float, y: float, radius: float) -> tuple[float, float, str]:
    if side == "above":
        return x, y - radius - 4, "middle"
    if side == "left":
        return x - radius - 3, y + radius + 11, "end"
    if side == "right":
        return x + radius + 3, y + radius + 11, "start"
    return x, y + radius + 13, "middle"


def hunan_map(
    title: str,
    values: Mapping[City, Decimal],
    names: Mapping[City, str],
    shown: Callable[[Decimal], str],
) -> Markup:
    """One labelled circle per city; a city with nothing financed keeps a small hollow ring."""
    top = max(values.values(), default=Decimal(0)) or Decimal(1)
    outline = " ".join("{:.1f},{:.1f}".format(*_xy(lon, lat)) for lon, lat in OUTLINE)
    parts = [f'<polygon points="{outline}" fill="#eef5ef" stroke="#52606d" stroke-width="1.5"/>']
    for city, (lon, lat) in SEATS.items():
        x, y = _xy(lon, lat)
        value = values.get(city, Decimal(0))
        radius = max(math.sqrt(float(value / top)) * MAX_RADIUS, 4.0)
        fill = "#1b6e45" if value > 0 else "none"
        label = f"{names[city]}: {shown(value)}"
        lx, ly, anchor = _label_at(LABEL_SIDE.get(city, "below"), x, y, radius)
        parts.append(
            f'<g class="city" data-city="{city.value}"><title>{escape(label)}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{fill}" '
            f'fill-opacity="0.55" stroke="#1b6e45" stroke-width="1.5"/>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" font-size="12" '
            f'fill="#1f2933">{escape(names[city])}</text></g>'
        )
    desc = "; ".join(f"{names[c]} {shown(values.get(c, Decimal(0)))}" for c in SEATS)
    return Markup(
        f'<svg class="map" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="hunan-map-t hunan-map-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="hunan-map-t">{escape(title)}</title><desc id="hunan-map-d">{escape(desc)}'
        f"</desc>{''.join(parts)}</svg>"
    )
