"""The published formula of the lenders' quarterly green-finance evaluation. Pure.

Modelled on the People's Bank of China's 银行业金融机构绿色金融评价方案 (Green Finance
Evaluation Scheme for Banking Financial Institutions, 银发〔2021〕142号, in force 1 July 2021):
quarterly, quantitative indicators weighted 80% and a qualitative part weighted 20%. The scheme's
indicators need the lender's whole balance sheet and the regulator's judgement; the ledger holds
only what lenders do on this platform, so each indicator says which of the scheme's it stands in
for and whether its weight follows the scheme or is the platform's own choice (docs/evaluation.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

SCHEME = "中国人民银行《银行业金融机构绿色金融评价方案》(银发〔2021〕142号), in force 2021-07-01"
HUNDRED = Decimal(100)


class Part(StrEnum):
    QUANTITATIVE = "quantitative"
    CONDUCT = "conduct"


class WeightBasis(StrEnum):
    """Where an indicator's weight comes from."""

    SCHEME = "scheme"
    PLATFORM = "platform"


@dataclass(frozen=True)
class Indicator:
    """One scored indicator: a value mapped linearly from `worst` (0) to `best` (100), clamped,
    then weighted; `best` below `worst` means lower is better."""

    key: str
    part: Part
    weight: Decimal
    worst: Decimal
    best: Decimal
    unit: str
    scheme_counterpart: str
    weight_basis: WeightBasis

    def score(self, value: Decimal | None) -> Decimal:
        """0 to 100; an indicator that cannot be computed scores 0."""
        if value is None:
            return Decimal("0.00")
        position = (value - self.worst) / (self.best - self.worst)
        return (min(max(position, Decimal(0)), Decimal(1)) * HUNDRED).quantize(Decimal("0.01"))

    def points(self, score: Decimal) -> Decimal:
        return (score * self.weight / HUNDRED).quantize(Decimal("0.01"))


def _d(text: str) -> Decimal:
    return Decimal(text)


# fmt: off
INDICATORS: tuple[Indicator, ...] = (
    Indicator("balance_share", Part.QUANTITATIVE, _d("20"), _d("0"), _d("0.10"), "ratio",
              "绿色金融业务总额份额占比 (share of all institutions' green business)",
              WeightBasis.PLATFORM),
    Indicator("balance_share_yoy_change_pp", Part.QUANTITATIVE, _d("10"), _d("0"), _d("5"),
              "percentage points", "绿色金融业务总额份额占比, its year-on-year change",
              WeightBasis.PLATFORM),
    Indicator("balance_growth_qoq", Part.QUANTITATIVE, _d("10"), _d("0"), _d("0.25"), "ratio",
              "none: 环比 (quarter-on-quarter) growth, the platform's addition",
              WeightBasis.PLATFORM),
    Indicator("balance_growth_yoy", Part.QUANTITATIVE, _d("20"), _d("0"), _d("1"), "ratio",
              "绿色金融业务总额同比增速 (year-on-year growth of green business)",
              WeightBasis.PLATFORM),
    Indicator("financed_tco2e_per_million_cny", Part.QUANTITATIVE, _d("20"), _d("0"), _d("300"),
              "tCO2e a year per million CNY", "none: stands in for 绿色金融业务总额占比 "
              "(green share of the whole loan book), which the ledger cannot see",
              WeightBasis.PLATFORM),
    Indicator("answer_rate", Part.CONDUCT, _d("10"), _d("0"), _d("1"), "ratio",
              "定性指标 (qualitative part, judged by the central bank)", WeightBasis.PLATFORM),
    Indicator("median_response_hours", Part.CONDUCT, _d("10"), _d("240"), _d("24"), "hours",
              "定性指标 (qualitative part, judged by the central bank)", WeightBasis.PLATFORM),
)
# fmt: on

# The scheme's own split of the total: quantitative 80%, qualitative 20%.
PART_WEIGHTS = {Part.QUANTITATIVE: _d("80"), Part.CONDUCT: _d("20")}


@dataclass(frozen=True)
class Band:
    label: str
    floor: Decimal


# The platform's own grades of the total (the scheme publishes no bands of its score).
BANDS: tuple[Band, ...] = (
    Band("A", _d("80")),
    Band("B", _d("60")),
    Band("C", _d("40")),
    Band("D", _d("0")),
)

NOT_DERIVABLE = {
    "绿色金融业务总额占比": "needs the lender's whole loan book, which the ledger never sees",
    "绿色金融业务风险总额占比": "needs non-performing green loans; no event reports a default",
}


def band_of(total: Decimal) -> str:
    return next(b.label for b in BANDS if total >= b.floor)


INDICATOR_OF = {i.key: i for i in INDICATORS}
