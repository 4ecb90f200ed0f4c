"""Country profiles of the demo scenario: the public record where it speaks, plausible elsewhere.

Cambodia follows the public record (docs/sources.md) to the person: the group returns on their
dates and sizes, ICE's removals by US fiscal year (74 in FY2016, 29 in FY2017, 110 in FY2018),
DHS's 81 removals "in 2019" of which 71 criminal (read as FY2019, which the record leaves
uncertain), 1,900 final orders pending on 16 May 2022 (the US embassy's "more than 1,800",
AAJC's "about 1,900"), between October 2020 and that day exactly one interview and two
removals, and the two Laotians once removed to Cambodia. Where the record gives no day or no
count, the scenario chooses one (docs/demo.md lists its choices). The other countries are
synthetic samples at a plausible scale (docs/sources.md); the cooperative ones are scaled down
(about 1:1000 of real volumes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

START = date(1998, 1, 1)
END = date(2022, 12, 31)
# The period of the US embassy's statement of 16 May 2022 ("since October 2020").
WINDOW = (date(2020, 10, 1), date(2022, 5, 16))


@dataclass(frozen=True)
class Group:
    """People removed together on one flight: the record's group returns, or the demo's."""

    on: date
    size: int
    kind: str = "charter"
    criminal: int | None = None
    interviewed_by: date | None = None
    source: str | None = None


@dataclass(frozen=True)
class Presentations:
    """Pending cases presented to the partner within a period; some interviews asked or held."""

    start: date
    end: date
    count: int
    scheduled: int = 0
    held: int = 0
    mode: str = "in_person"


@dataclass(frozen=True)
class Outside:
    """People of another nationality removed together to the profile's country: a removal its
    agreement (nationals only) does not cover. The record gives the count; the day is the
    scenario's choice when the record gives none."""

    nationality: str
    size: int
    on: date
    source: str


@dataclass(frozen=True)
class Profile:
    """How removals to one country went, year by year, and what was still pending at the end.

    ``removals`` and ``criminal_by_year`` count calendar years, or US fiscal years (1 October to
    30 September, as ICE and DHS count) from ``fiscal_from`` on; the calendar year before the
    first fiscal year then ends on 30 September, where that fiscal year begins.
    """

    code: str
    first_order_year: int
    pending: int
    removals: Mapping[int, int] = field(default_factory=dict)
    groups: tuple[Group, ...] = ()
    criminal_by_year: Mapping[int, int] = field(default_factory=dict)
    pending_by: date = END
    # (day, share): this share of the pending cases was ordered removed on or before that day.
    pending_ordered_by: tuple[date, float] | None = None
    later_orders: int = 0
    presentations: tuple[Presentations, ...] = ()
    presented_share: float = 0.4
    closed: int = 0
    stayed: int = 0
    disputed: int = 0
    criminal_share: float = 0.7
    order_to_removal_days: tuple[int, int] = (60, 900)
    interview: bool = False
    document_valid_days: int = 60
    document_lead_days: tuple[int, int] = (5, 30)
    charter_size: int = 12
    detained_share: float = 0.6
    release_after_days: tuple[int, int] = (120, 240)
    reintegration: str | None = None
    cooperative: bool = False
    fiscal_from: int | None = None
    outside_agreement: tuple[Outside, ...] = ()

    def span(self, year: int) -> tuple[date, date]:
        """Return the first and last day of a year of ``removals`` (fiscal or calendar)."""
        fiscal = self.fiscal_from
        if fiscal is not None and year >= fiscal:
            return date(year - 1, 10, 1), date(year, 9, 30)
        if fiscal is not None and year == fiscal - 1:
            return date(year, 1, 3), date(year, 9, 30)
        return date(year, 1, 3), date(year, 12, 31)

    def year_of(self, day: date) -> int:
        """Return the year of ``removals`` a day falls in (FY2019 for 2018-10-01)."""
        fiscal = self.fiscal_from
        if fiscal is not None and day >= date(fiscal - 1, 10, 1):
            return day.year + 1 if day.month >= 10 else day.year
        return day.year


def _years(first: int, last: int, count: int) -> dict[int, int]:
    return {year: count for year in range(first, last + 1)}


FACTS_001 = "Phnom Penh Post, 'Lift unjust travel ban on officials, US urged' (May 2022)"
FACTS_000 = "Phnom Penh Post, 'Officials deplore US embassy's visa denial' (spring 2022)"
FACTS_003 = "Radio Free Asia, 15 Sep 2017"
FACTS_004 = (
    "The Star / ANN, 'Hun Sen asks US for humanitarian shift in deportation policy' (Nov 2022)"
)
ICE_2019_07 = "ICE, 'ICE removes 37 Cambodian nationals' (July 2019)"

KVAO = "Khmer Vulnerability Aid Organisation"

# Removals to Cambodia outside the named groups. 2002-2015 are calendar years (the scenario's
# own, 2015 ending on 30 September) summing to 449; from FY2016 on they are ICE's fiscal years:
# FY2016 74, FY2017 29, FY2018 110 (with the April and August 2018 groups), FY2019 81 (with the
# November 2018, 17 December 2018 and July 2019 groups; DHS's "2019", read as FY2019 [U]).
# With January 2020 (25) the total is 768, the KVAO count for 2020; FY2017 to FY2018 is the
# +279% that AAJC reported.
_KH_EARLY = [10, 35, 30, 32, 35, 32, 30, 34, 35, 36, 33, 35, 38, 34]

CAMBODIA = Profile(
    code="KH",
    first_order_year=1998,
    pending=1900,
    pending_by=WINDOW[1],
    # DHS counted more than 1,900 with final orders in September 2017 and ICE about 1,900 in
    # July 2019 (docs/sources.md, "The demo scenario"): the backlog was old, few new orders were
    # added.
    pending_ordered_by=(date(2017, 9, 13), 0.88),
    later_orders=35,
    fiscal_from=2016,
    removals={
        **dict(zip(range(2002, 2016), _KH_EARLY, strict=True)),
        2016: 74,
        2017: 29,
        2018: 110 - 43 - 30,
        2019: 81 - 1 - 36 - 37,
    },
    groups=(
        Group(date(2018, 4, 2), 43, source=FACTS_001),
        Group(date(2018, 8, 21), 30),
        Group(date(2018, 11, 6), 1, kind="commercial"),
        Group(date(2018, 12, 17), 36, source=FACTS_001),
        Group(date(2019, 7, 2), 37, criminal=35, source=f"{FACTS_001}; {ICE_2019_07}"),
        Group(date(2020, 1, 22), 25, source=FACTS_001),
        Group(
            date(2021, 3, 18), 1, "commercial", interviewed_by=date(2020, 2, 27), source=FACTS_001
        ),
        Group(date(2022, 2, 9), 1, "commercial", interviewed_by=date(2020, 3, 5), source=FACTS_001),
    ),
    criminal_by_year={2019: 71},  # FY2019
    # "Once, they deported two Laotians to Cambodia" (Hun Sen, Nov 2022): the day is not given;
    # 16 October 2018 is the scenario's choice.
    outside_agreement=(Outside("LA", 2, date(2018, 10, 16), FACTS_004),),
    presentations=(
        Presentations(date(2004, 1, 1), date(2016, 12, 31), 560),
        Presentations(date(2017, 1, 1), date(2020, 9, 30), 240, scheduled=60),
        Presentations(WINDOW[0], WINDOW[1], 420, scheduled=160, held=1, mode="virtual"),
        Presentations(date(2022, 5, 17), END, 30),
    ),
    closed=60,
    stayed=40,
    disputed=3,
    criminal_share=0.88,
    order_to_removal_days=(200, 3000),
    interview=True,
    document_valid_days=60,
    document_lead_days=(5, 40),
    charter_size=99,
    detained_share=0.5,
    reintegration=KVAO,
)

SANCTIONED = (
    Profile(
        "GY",
        1996,
        pending=300,
        removals={**_years(1998, 2000, 6), 2001: 14, **_years(2002, 2022, 15)},
        order_to_removal_days=(60, 500),
        closed=20,
    ),
    Profile(
        "GM",
        2008,
        pending=1100,
        removals={
            **_years(2010, 2016, 9),
            2017: 22,
            2018: 80,
            2019: 95,
            2020: 35,
            2021: 45,
            2022: 50,
        },
        closed=30,
        interview=True,
        order_to_removal_days=(120, 2400),
    ),
    Profile(
        "ER",
        2008,
        pending=700,
        removals=_years(2010, 2022, 6),
        interview=True,
        closed=15,
        order_to_removal_days=(200, 2400),
    ),
    Profile(
        "GN",
        2008,
        pending=1000,
        removals={**_years(2010, 2017, 18), 2018: 70, 2019: 160, 2020: 70, 2021: 75, 2022: 90},
        interview=True,
        closed=25,
        order_to_removal_days=(90, 2000),
    ),
    Profile(
        "SL",
        2008,
        pending=500,
        removals={
            **_years(2010, 2016, 15),
            2017: 35,
            2018: 45,
            2019: 40,
            2020: 10,
            2021: 60,
            2022: 55,
        },
        interview=True,
        closed=15,
        order_to_removal_days=(90, 1800),
    ),
    Profile(
        "MM",
        2008,
        pending=600,
        removals={**_years(2010, 2017, 9), 2018: 12, 2019: 15, 2020: 4, 2022: 2},
        interview=True,
        closed=10,
        order_to_removal_days=(200, 2400),
    ),
    Profile(
        "LA",
        2008,
        pending=700,
        removals={**_years(2010, 2017, 7), 2018: 8, 2019: 12, 2020: 3, 2021: 4, 2022: 35},
        interview=True,
        closed=15,
        order_to_removal_days=(200, 3000),
    ),
    Profile(
        "GH",
        2010,
        pending=900,
        removals={
            **_years(2012, 2016, 25),
            2017: 30,
            2018: 35,
            2019: 40,
            2020: 110,
            2021: 90,
            2022: 90,
        },
        closed=20,
        order_to_removal_days=(60, 1500),
    ),
    Profile(
        "BI",
        2010,
        pending=450,
        removals={**_years(2012, 2019, 3), 2020: 1, 2021: 10, 2022: 14},
        closed=8,
        order_to_removal_days=(120, 2000),
    ),
    Profile(
        "PK",
        2010,
        pending=600,
        removals=_years(2012, 2022, 35),
        closed=20,
        interview=True,
        order_to_removal_days=(60, 1200),
    ),
)

_COOPERATIVE_YEARS = {2018: 70, 2019: 75, 2020: 40, 2021: 55, 2022: 65}

COOPERATIVE = tuple(
    Profile(
        code,
        2018,
        pending=pending,
        removals=_COOPERATIVE_YEARS,
        presented_share=0.9,
        order_to_removal_days=(12, 34),
        document_lead_days=(3, 8),
        document_valid_days=90,
        charter_size=6,
        detained_share=0.95,
        release_after_days=(150, 240),
        criminal_share=share,
        closed=5,
        cooperative=True,
    )
    for code, pending, share in (
        ("MX", 25, 0.45),
        ("GT", 20, 0.3),
        ("HN", 20, 0.35),
        ("SV", 15, 0.4),
        ("CO", 12, 0.5),
    )
)

PROFILES: tuple[Profile, ...] = (CAMBODIA, *SANCTIONED, *COOPERATIVE)
