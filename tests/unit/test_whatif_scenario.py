"""Scenario files are validated like a pack; each lever does what it says, in words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from readmit.domain.errors import InvalidInput
from readmit.domain.sanctions import Measure, Who
from readmit.services.assessment.cooperation_pack import load_cooperation_pack
from readmit.services.whatif import levers
from readmit.services.whatif.coverage import changed_measures
from readmit.services.whatif.model import Projection, Rate
from readmit.services.whatif.observed import BacklogCase
from readmit.services.whatif.scenario import (
    AgreementChange,
    MeasureChange,
    ProcessChange,
    load_scenario,
    parse_scenario,
)

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples" / "whatif"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kh.yaml"
    path.write_text(text)
    return path


def test_a_wrong_value_names_the_file_and_the_path_inside_it(tmp_path: Path) -> None:
    path = write(tmp_path, "id: kh\nagreement:\n  training_days: -3\n")
    with pytest.raises(InvalidInput, match=r"kh\.yaml: agreement\.training_days: .*greater"):
        load_scenario(path)


def test_an_unknown_lever_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"kh\.yaml: process\.charters_per_month: Extra"):
        load_scenario(write(tmp_path, "id: kh\nprocess:\n  charters_per_month: 3\n"))


def test_a_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"kh\.yaml: line 3, column 1"):
        load_scenario(write(tmp_path, "id: kh\nagreement: [\n"))


def test_an_unknown_country_and_a_missing_file_are_plain_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"kh\.yaml: country: .*unknown country code 'ZZ'"):
        load_scenario(write(tmp_path, "id: kh\ncountry: ZZ\n"))
    with pytest.raises(InvalidInput, match="no such scenario file"):
        load_scenario(tmp_path / "missing.yaml")


def test_an_empty_scenario_changes_nothing_and_its_version_ignores_comments() -> None:
    empty = parse_scenario({"id": "nothing", "agreement": {}, "process": {}})
    assert empty.is_empty() and empty.country is None
    again = parse_scenario({"id": "nothing", "agreement": {}, "process": {}})
    assert empty.digest() == again.digest()
    assert not parse_scenario({"id": "x", "agreement": {"voluntary_only": True}}).is_empty()


def test_every_shipped_example_is_valid() -> None:
    found = {path.stem: load_scenario(path) for path in sorted(EXAMPLES.glob("*.yaml"))}
    assert {"kh-voluntary-returns", "kh-training-before-return", "kh-family-unity"} <= set(found)
    assert all(not s.is_empty() for s in found.values())


def case(**terms: bool) -> BacklogCase:
    values = {"national": True, "agreed": False, "family_here": False, **terms}
    return BacklogCase("C1", **values)


@pytest.mark.parametrize(
    ("terms", "person", "removable"),
    [
        (AgreementChange(voluntary_only=True), case(agreed=True), True),
        (AgreementChange(voluntary_only=True), case(), False),
        (AgreementChange(no_family_separation=True), case(family_here=True), False),
        (AgreementChange(nationals_only=True), case(national=False), False),
        (AgreementChange(training_days=90), case(family_here=True, national=False), True),
    ],
)
def test_the_amended_agreement_decides_which_pending_cases_are_removable(
    terms: AgreementChange, person: BacklogCase, removable: bool
) -> None:
    assert levers.eligible(person, terms) is removable


def observed() -> levers.Observed:
    counts = {"removals": 2, "new_orders": 120, "presentations": 400, "flights": 2}
    counts |= {"interviews_held": 1, "travel_documents_issued": 2}
    return levers.Observed(1_900, 20.0, counts, seats_per_flight=1.0)


def base() -> Projection:
    o = observed()
    return Projection(o.backlog, o.rate("new_orders"), o.rate("removals"))


def test_family_unity_leaves_out_the_cases_with_family_here_and_says_how_many() -> None:
    scenario = parse_scenario({"id": "f", "agreement": {"no_family_separation": True}})
    pending = [case(family_here=True)] * 3 + [case()]
    applied = levers.apply(base(), observed(), scenario, lambda: pending)
    assert (applied.projection.backlog, applied.not_removable) == (1, 3)
    assert applied.projection.orders.per_month == pytest.approx(6.0 * 0.25)
    assert "3 of the 4 pending cases have a spouse or children" in applied.effects[0]


def test_a_faster_stage_speeds_removals_only_up_to_the_slowest_other_stage() -> None:
    scenario = parse_scenario({"id": "p", "process": {"interviews_per_month": 40}})
    applied = levers.apply(base(), observed(), scenario, list)
    assert applied.projection.removals == Rate.fixed(0.1)  # travel documents: 2 in 20 months
    assert "slowest stage, travel documents per month" in applied.effects[0]
    every = ProcessChange(
        interviews_per_month=40,
        travel_documents_per_month=30,
        presentations_per_month=50,
        flights_per_month=1,
        seats_per_flight=100,
    )
    faster = levers.apply(base(), observed(), scenario.model_copy(update={"process": every}), list)
    assert faster.projection.removals == Rate.fixed(30.0)


def test_a_changed_threshold_is_validated_and_an_unknown_criterion_named() -> None:
    version = load_cooperation_pack().standard.version_for(date(2022, 1, 1))
    stricter = parse_scenario(
        {"id": "s", "standard": {"criteria": {"removal_share": {"at_risk": 0.3}}}}
    )
    changed = levers.standard_for(version, stricter)
    assert next(c for c in changed.criteria if c.id == "removal_share").at_risk == 0.3
    wrong = parse_scenario({"id": "s", "standard": {"criteria": {"speed": {"at_risk": 1}}}})
    with pytest.raises(InvalidInput, match=r"standard\.criteria\.speed: no such criterion"):
        levers.standard_for(version, wrong)


def measure() -> Measure:
    who = Who(employers=("KH-MFA",), min_rank="director_general")
    return Measure(
        "KH-2017-1",
        "KH-2017",
        "KH",
        "discontinue",
        "B visas",
        ("B1", "B2"),
        who,
        valid_from=date(2017, 9, 13),
    )


def test_a_widened_measure_applies_from_its_date_and_the_original_until_then() -> None:
    change = MeasureChange(
        measure="KH-2017-1",
        starting=date(2022, 1, 1),
        add_classes=["F1"],
        who={"min_rank": "any"},  # type: ignore[arg-type]
    )
    before, after = changed_measures([measure()], [change])
    assert before.valid_to == date(2022, 1, 1) and before.classes == ("B1", "B2")
    assert after.valid_from == date(2022, 1, 1) and after.classes == ("B1", "B2", "F1")
    assert after.who is not None and after.who.min_rank is None
    with pytest.raises(InvalidInput, match=r"sanctions\[0\]\.measure: no measure 'XX-1'"):
        changed_measures([measure()], [MeasureChange(measure="XX-1", starting=date(2022, 1, 1))])
