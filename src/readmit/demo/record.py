"""Cambodia's figures read back from the ledger, beside what the public record says.

Each row of ``record_rows`` says only what the record says (with its source, and ``[U]`` where
the record is uncertain) and what the ledger holds for it. Counts the record does not give,
which the scenario had to choose, are in ``choices``, labelled so. A removal outside the
US–Cambodia memorandum (a person of another nationality removed to Cambodia) is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from readmit.demo.profiles import END, WINDOW
from readmit.domain.claims import fiscal_year_span
from readmit.services.assessment import assess as assessment
from readmit.services.assessment import figures
from readmit.services.assessment.agreement_scope import OutsideAgreement, removals_outside_agreement
from readmit.services.context import App

KVAO_END = date(2020, 12, 31)
HUNDREDS_ON = date(2022, 5, 12)  # Hun Sen's "hundreds of deportees", Washington, 12 May 2022
FISCAL_YEARS = (2016, 2017, 2018, 2019)


@dataclass(frozen=True)
class Row:
    """One figure of the public record and what the ledger holds for it."""

    record: str
    ledger: str
    holds: bool  # the ledger holds the record's figure


@dataclass(frozen=True)
class Choice:
    """A count or a day the record does not give, as the scenario chose it."""

    what: str
    chosen: str


@dataclass
class CambodiaCheck:
    """Cambodia's figures as the ledger holds them (docs/sources.md gives the record's)."""

    group_returns: list[figures.GroupReturn]
    largest_before_april_2018: int
    criminal_2019_07_02: int
    removals_by_fiscal_year: dict[int, int]
    criminal_fy2019: int
    kvao_total: int
    since_2002_to_hundreds: int
    pending_2022_05_16: int
    window_interviews: int
    window_interviews_virtual: int
    window_removals: int
    window_presentations: int
    partner_asserted_interviews: int
    asserted_contested_by_us: int
    contested_presentations: int
    acknowledged_in_process: int
    outside_agreement: list[OutsideAgreement] = field(default_factory=list)

    def groups(self) -> dict[tuple[int, int], figures.GroupReturn]:
        """The group returns of at least 20 people, by (year, month)."""
        return {(g.departure_on.year, g.departure_on.month): g for g in self.group_returns}


def cambodia_check(app: App) -> CambodiaCheck:
    """Read Cambodia's figures back from the ledger."""
    start, end = WINDOW
    both = assessment.assess(app, "KH", assessment.Window(start, end, view="both"))

    def removals(first: date, last: date, criminal: bool | None = None) -> int:
        return figures.count_removals(app, "KH", start=first, end=last, criminal=criminal)

    def events(kind: str) -> int:
        return figures.count_events(app, "KH", event_type=kind, start=start, end=end)

    fy2019 = fiscal_year_span(2019)
    flights = figures.group_returns(app, "KH", 1)
    earlier = [g.removed for g in flights if g.departure_on < date(2018, 4, 1)]
    asserted = both["partner_asserted"].get("interviews_held", {})
    contested = int(both["contested"].get("presentations", 0))
    return CambodiaCheck(
        group_returns=figures.group_returns(app, "KH", 20),
        largest_before_april_2018=max(earlier, default=0),
        criminal_2019_07_02=removals(date(2019, 7, 2), date(2019, 7, 2), criminal=True),
        removals_by_fiscal_year={y: removals(*fiscal_year_span(y)) for y in FISCAL_YEARS},
        criminal_fy2019=removals(*fy2019, criminal=True),
        kvao_total=removals(date(2002, 1, 1), KVAO_END),
        since_2002_to_hundreds=removals(date(2002, 1, 1), HUNDREDS_ON),
        pending_2022_05_16=figures.backlog(app, "KH", end),
        window_interviews=both["metrics"]["interviews_held"],
        window_interviews_virtual=both["metrics"]["interviews_held_virtual"],
        window_removals=both["metrics"]["removals"],
        window_presentations=both["metrics"]["presentations"],
        partner_asserted_interviews=int(asserted.get("asserted", 0)),
        # Contests from the window on: Cambodia's of presentations (all in the window), the rest
        # the US's of Cambodia's assertions (some answered after the window).
        asserted_contested_by_us=figures.count_events(
            app, "KH", event_type="event_contested", start=start, end=END
        )
        - contested,
        contested_presentations=contested,
        acknowledged_in_process=events("event_acknowledged"),
        outside_agreement=removals_outside_agreement(app, "KH"),
    )


def _group(kh: CambodiaCheck, year: int, month: int) -> tuple[str, int]:
    found = kh.groups().get((year, month))
    return (found.departure_on.isoformat(), found.removed) if found else ("none", 0)


def record_rows(kh: CambodiaCheck) -> list[Row]:
    """The record's figures for Cambodia, each beside what the ledger holds."""
    return [*_group_rows(kh), *_count_rows(kh), *_partner_rows(kh)]


def _group_rows(kh: CambodiaCheck) -> list[Row]:
    april, april_n = _group(kh, 2018, 4)
    july, july_n = _group(kh, 2019, 7)
    january, january_n = _group(kh, 2020, 1)
    december = {g.departure_on: g.removed for g in kh.group_returns}.get(date(2018, 12, 17), 0)
    return [
        Row(
            "43 deported in one day, April 2018, the largest group to that date (Phnom Penh Post)",
            f"{april_n} on {april}; the largest earlier flight {kh.largest_before_april_2018}",
            april_n == 43 and kh.largest_before_april_2018 < 43,
        ),
        Row(
            "36 on a single flight, 17 December 2018 (AAJC, via the Phnom Penh Post)",
            f"{december} on 2018-12-17",
            december == 36,
        ),
        Row(
            "37 in July 2019 (Phnom Penh Post); on 2 July 2019, 35 with convictions (ICE)",
            f"{july_n} on {july}, {kh.criminal_2019_07_02} on criminal grounds",
            (july, july_n, kh.criminal_2019_07_02) == ("2019-07-02", 37, 35),
        ),
        Row(
            "25 in January 2020, the last group before Covid-19 (Phnom Penh Post)",
            f"{january_n} on {january}",
            january_n == 25,
        ),
    ]


def _count_rows(kh: CambodiaCheck) -> list[Row]:
    fy = kh.removals_by_fiscal_year
    rise = round(100 * (fy[2018] - fy[2017]) / fy[2017]) if fy[2017] else 0
    return [
        Row(
            "ICE removals by fiscal year: FY2016 74, FY2017 29, FY2018 110 (a record)",
            f"FY2016 {fy[2016]}, FY2017 {fy[2017]}, FY2018 {fy[2018]}",
            (fy[2016], fy[2017], fy[2018]) == (74, 29, 110),
        ),
        Row(
            "removals up 279% from 2017 to 2018 (AAJC; ICE's FY2017 to FY2018)",
            f"FY2017 {fy[2017]} to FY2018 {fy[2018]}: +{rise}%",
            rise == 279,
        ),
        Row(
            '81 removed "in 2019", 71 on criminal grounds (DHS; FY2019 likely [U])',
            f"FY2019 (2018-10-01 - 2019-09-30): {fy[2019]} removed, {kh.criminal_fy2019} criminal",
            (fy[2019], kh.criminal_fy2019) == (81, 71),
        ),
        Row(
            "768 deportees by 2020 (KVAO)",
            f"{kh.kvao_total} removals 2002-01-01 - {KVAO_END}",
            kh.kvao_total == 768,
        ),
        Row(
            '"more than 1,800" ordered removed (US embassy, 16 May 2022); "about 1,900" with '
            "final orders (AAJC, reported May 2022; its date [U])",
            f"{kh.pending_2022_05_16:,} final orders pending on 2022-05-16",
            kh.pending_2022_05_16 == 1900,
        ),
        Row(
            "since October 2020 one citizenship interview and two removals (US embassy, "
            "16 May 2022)",
            f"{kh.window_interviews} interview, {kh.window_removals} removals, "
            f"{WINDOW[0]} - {WINDOW[1]}",
            (kh.window_interviews, kh.window_removals) == (1, 2),
        ),
    ]


def _partner_rows(kh: CambodiaCheck) -> list[Row]:
    laotians = [o for o in kh.outside_agreement if o.nationality == "LA"]
    return [
        Row(
            'Cambodia accepted "hundreds of deportees" (Hun Sen, 12 May 2022; period not '
            "stated [U])",
            f"{kh.since_2002_to_hundreds} removals 2002-01-01 - {HUNDREDS_ON}",
            kh.since_2002_to_hundreds >= 200,
        ),
        Row(
            '"Once, they deported two Laotians to Cambodia" (Hun Sen, November 2022): the '
            "memorandum covers Cambodian nationals only",
            f"{len(laotians)} Lao nationals removed to Cambodia, flagged outside the agreement",
            len(laotians) == 2,
        ),
    ]


def choices(kh: CambodiaCheck) -> list[Choice]:
    """What the record does not give and the scenario chose, as the ledger holds it."""
    mode = "virtual" if kh.window_interviews_virtual == kh.window_interviews else "in person"
    outside = ", ".join(sorted({o.removed_on.isoformat() for o in kh.outside_agreement}))
    return [
        Choice(
            "the days of the April 2018 and January 2020 groups",
            f"{_group(kh, 2018, 4)[0]}, {_group(kh, 2020, 1)[0]}",
        ),
        Choice('DHS\'s "2019" read as FY2019 (the record leaves it open)', "FY2019"),
        Choice("the mode of the one interview of October 2020 - May 2022", mode),
        Choice(
            'how many virtual interviews Cambodia\'s "some" means',
            f"{kh.partner_asserted_interviews} asserted by Cambodia's liaison, "
            f"{kh.asserted_contested_by_us} of them contested by the US",
        ),
        Choice(
            'how many "a few hundred" being processed means',
            f"{kh.acknowledged_in_process} presentations acknowledged by Cambodia as in process",
        ),
        Choice(
            "how many cases the US presented in the window, and how many Cambodia contests",
            f"{kh.window_presentations} presented, {kh.contested_presentations} contested for "
            "lack of evidence of Cambodian citizenship",
        ),
        Choice('the period of "hundreds": since the memorandum\'s first returns', "2002"),
        Choice("the day the two Laotians were removed", outside or "none"),
        Choice(
            "the August 2018 group (a round the record mentions, without size or day) and the "
            "days of every other removal",
            f"{_group(kh, 2018, 8)[1]} on {_group(kh, 2018, 8)[0]}; the others spread over "
            "each year",
        ),
    ]
