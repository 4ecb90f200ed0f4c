"""The cooperation files of the US pack: the record's claims, the agreement and the partner's
positions load with their dates and sources; a malformed entry names its file and path."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from readmit.domain.agreements import Agreement
from readmit.domain.claims import Claim
from readmit.domain.errors import PackError
from readmit.packs import PACKS_DIR
from readmit.services.assessment.cooperation_pack import load_cooperation_pack

PACK = load_cooperation_pack()
KH = PACK.agreement_with("KH")
CLAIMS = {c.id: c for c in PACK.claims}
RFA, PPP_000, PPP_001, PPP_002, STAR = (
    "003_849d0e8fb6c96762",
    "000_b0dc0e6639263ace",
    "001_530ff04bafca74bc",
    "002_dba74ac355bf5428",
    "004_99d17eeb185ff220",
)


def _agreement() -> Agreement:
    assert KH is not None
    return KH


def _articles(sources: list[object]) -> set[str | None]:
    return {getattr(s, "article", None) for s in sources}


def test_cambodias_humanitarian_amendment_requests_are_on_the_agreement_dated_and_sourced() -> None:
    requests = {r.id: r for r in _agreement().partner_requests}
    voluntary = requests["kh-request-voluntary-returns"]
    training = requests["kh-request-job-training"]
    families = requests["kh-request-families-together"]
    assert {voluntary.kind, training.kind, families.kind} == {"amendment"}
    assert "voluntary basis" in voluntary.what and "job training" in training.what
    assert "spouse and children" in families.what
    for early in (voluntary, training):
        assert early.by == "Foreign Minister Prak Sokhonn"
        assert early.when() == "on or before 2017-09-14"
        assert _articles(early.sources) == {RFA}
        assert early.outcome is not None and "could not be met" in early.outcome
    assert families.when() == "on or before 2022-05-12" and families.by == "Prime Minister Hun Sen"
    assert _articles(families.sources) == {PPP_002, PPP_001}


def test_the_requests_to_lift_and_of_november_2022_are_recorded_as_the_sources_word_them() -> None:
    positions = {p.id: p for p in _agreement().positions()}
    blinken = positions["kh-request-2022-05-13-blinken"]
    assert (blinken.kind, blinken.occurred_on, blinken.sanction) == (
        "lift",
        date(2022, 5, 13),
        "KH-2017",
    )
    assert blinken.to == "Secretary of State Antony Blinken"
    assert positions["kh-request-2022-05-12-resume-visas"].kind == "lift"
    biden = positions["kh-request-2022-11-biden-amendment"]
    assert biden.kind == "amendment" and biden.to is not None and "Biden" in biden.to
    assert biden.when() == "on or before 2022-11" and _articles(biden.sources) == {STAR}
    kritenbrink = positions["kh-2022-11-kritenbrink"]
    assert kritenbrink.kind == "objection" and "Kritenbrink" in str(kritenbrink.to)
    talks = positions["kh-2017-07-talks"]
    assert talks.kind == "talks" and talks.when() == "on or before 2017-07"
    assert _articles(talks.sources) == {PPP_001}


def test_september_2017_statement_and_offer_and_october_2020_assurance() -> None:
    statements = {s.id: s for s in _agreement().partner_statements}
    prepared = statements["kh-2017-09-14-still-prepared"]
    assert (prepared.kind, prepared.when()) == ("statement", "2017-09-14")
    assert "still prepared to accept its nationals" in str(prepared.quote)
    assert '"unreasonable"' in prepared.what
    offer = statements["kh-2017-09-14-interview-offer"]
    assert offer.kind == "offer" and "26" in offer.what
    assert offer.note is not None and "not interviews the US requested" in offer.note
    willing = statements["kh-2020-10-willing-to-continue"]
    assert (willing.kind, willing.by, willing.to) == (
        "assurance",
        "Minister of Interior Sar Kheng",
        "US Ambassador Patrick Murphy",
    )
    assert willing.when() == "on or before 2020-10" and _articles(willing.sources) == {PPP_000}


def test_the_memorandums_scope_is_kept_and_its_rule_covers_nationals_only() -> None:
    agreement = _agreement()
    assert agreement.scope is not None
    assert "should they fail to obtain citizenship in the other country" in agreement.scope.text
    assert agreement.scope.source.article == PPP_000
    assert agreement.covers == "nationals_only"
    assert agreement.covers_person("KH") and not agreement.covers_person("LA")
    assert agreement.summary()["scope"] == agreement.scope.text


def test_cambodias_hundreds_is_a_claim_of_its_own_beside_the_ledgers_removals() -> None:
    hundreds = CLAIMS["kh-gov-2022-hundreds-accepted"]
    assert (hundreds.metric, hundreds.figure, hundreds.figure_text) == (
        "removals",
        None,
        "hundreds",
    )
    assert hundreds.asserted_by.startswith("Prime Minister Hun Sen")
    assert hundreds.uncertain == ["refers_from"]
    assert hundreds.period_text() == "2002-01-01 [U] – 2022-05-12"
    assert CLAIMS["kh-2022-deportees-born-in-us"].source.article == STAR


def test_ices_and_dhss_figures_are_labelled_as_fiscal_years() -> None:
    dhs = CLAIMS["kh-dhs-2019-removals"]
    assert dhs.fiscal_years is not None and dhs.fiscal_years.label() == "FY2019"
    assert (dhs.refers_from, dhs.refers_to) == (date(2018, 10, 1), date(2019, 9, 30))
    assert dhs.uncertain == ["fiscal_years"]
    assert dhs.period_text() == "FY2019 (2018-10-01 – 2019-09-30) [U]"
    assert "uncertain" in str(dhs.qualified_note())
    assert CLAIMS["kh-dhs-2019-removals-criminal"].period_text() == dhs.period_text()
    for fy, figure in ((2016, 74), (2017, 29), (2018, 110)):
        ice = CLAIMS[f"kh-ice-fy{fy}-removals"]
        assert (ice.figure, ice.uncertain, ice.period_text().split()[0]) == (figure, [], f"FY{fy}")
    rise = CLAIMS["kh-aajc-2018-removals-rise"]
    assert rise.period_text().startswith("FY2017–FY2018")
    # No ICE or DHS count is left on calendar years.
    for claim in PACK.claims:
        federal = claim.asserted_by.startswith(("US Department of Homeland", "US Immigration"))
        if federal and claim.refers_from is not None:
            assert claim.fiscal_years is not None, claim.id


def test_the_offer_to_interview_26_is_not_counted_as_interviews_requested() -> None:
    offer = CLAIMS["kh-mfa-2017-ready-to-interview"]
    assert offer.metric is None and offer.refers_to == date(2017, 9, 14)


def test_a_claim_whose_fiscal_year_and_dates_disagree_is_refused() -> None:
    with pytest.raises(ValueError, match="FY2019 runs from 2018-10-01 to 2019-09-30"):
        Claim.model_validate(
            {
                **CLAIMS["kh-dhs-2019-removals"].model_dump(),
                "refers_from": date(2019, 1, 1),
                "refers_to": date(2019, 12, 31),
            }
        )


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(PACKS_DIR / "us_ina_243d", target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def _load(pack: Path) -> None:
    load_cooperation_pack.cache_clear()
    try:
        load_cooperation_pack(str(pack))
    finally:
        load_cooperation_pack.cache_clear()


def test_a_statement_kind_among_the_requests_names_the_file_and_path(pack_copy: Path) -> None:
    _edit(pack_copy / "agreements.yaml", "        kind: amendment\n", "        kind: offer\n")
    with pytest.raises(
        PackError,
        match=r"agreements\.yaml: agreements\[0\]\.partner_requests\[0\]\.kind: Input should be "
        r"'amendment' or 'lift'",
    ):
        _load(pack_copy)


def test_a_position_naming_an_unknown_sanction_names_the_file_and_path(pack_copy: Path) -> None:
    _edit(pack_copy / "agreements.yaml", "sanction: KH-2017", "sanction: KH-2016")
    with pytest.raises(
        PackError,
        match=r"agreements\.yaml: agreements\[0\]\.partner_requests\[2\]\.sanction: .*KH-2016",
    ):
        _load(pack_copy)


def test_a_position_without_a_source_names_the_file_and_path(pack_copy: Path) -> None:
    text = (pack_copy / "agreements.yaml").read_text()
    start = text.index("    partner_statements:\n")
    sources = text.index("        sources:\n", start)
    end = text.index("        note:", sources)
    (pack_copy / "agreements.yaml").write_text(text[:sources] + text[end:])
    with pytest.raises(
        PackError, match=r"agreements\.yaml: agreements\[0\]\.partner_statements\[0\]\.sources"
    ):
        _load(pack_copy)


def test_a_position_id_that_repeats_a_claim_id_is_refused(pack_copy: Path) -> None:
    _edit(
        pack_copy / "agreements.yaml",
        "id: kh-2017-09-14-still-prepared",
        "id: kh-mfa-2017-ready-to-interview",
    )
    with pytest.raises(PackError, match=r"duplicate ids .*kh-mfa-2017-ready-to-interview"):
        _load(pack_copy)


def test_a_claims_fiscal_year_that_disagrees_with_its_dates_names_the_file(pack_copy: Path) -> None:
    _edit(pack_copy / "claims.yaml", "fiscal_years: {first: 2019}", "fiscal_years: {first: 2020}")
    with pytest.raises(PackError, match=r"claims\.yaml: claims\[\d+\]: .*FY2020 runs from"):
        _load(pack_copy)
