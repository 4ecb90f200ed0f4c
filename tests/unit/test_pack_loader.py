"""The policy pack loader: the shipped pack loads; malformed packs say where and what."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from readmit.domain.errors import PackError
from readmit.packs import PACKS_DIR, load_pack, load_pack_file, pack_version
from readmit.packs.models import RegimeFile

PACK = PACKS_DIR / "us_ina_243d"


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(PACK, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def test_the_us_pack_loads_every_invocation_of_the_public_record() -> None:
    pack = load_pack()
    ids = {h.id for h in pack.sanctions}
    assert ids == {
        "GY-2001",
        "GM-2016",
        "KH-2017",
        "ER-2017",
        "GN-2017",
        "SL-2017",
        "MM-2018",
        "LA-2018",
        "GH-2019",
        "PK-2019",
        "BI-2020",
    }
    assert pack.policy.regime.determining_role == "determining_authority"
    assert pack.policy.regime.ordering_role == "visa_authority"


def test_the_class_table_knows_every_class_the_issue_names() -> None:
    table = load_pack().policy.visa_classes
    names = [
        "A1",
        "A2",
        "A3",
        "B1",
        "B2",
        "B1/B2",
        "C1",
        "D",
        "E1",
        "E2",
        "E3",
        "F1",
        "F2",
        "G1",
        "G2",
        "G3",
        "G4",
        "G5",
        "H1B",
        "H2A",
        "H2B",
        "I",
        "J1",
        "J2",
        "K1",
        "L1",
        "L2",
        "M1",
        "M2",
        "O1",
        "P1",
        "R1",
        "TN",
        "IR1",
        "IR2",
        "CR1",
        "IR5",
        "F11",
        "F21",
        "F41",
        "E11",
        "E21",
        "DV1",
    ]
    assert all(code in table for code in names)
    assert table.classes["DV1"].category == "immigrant"
    assert table.classes["B1/B2"].category == "nonimmigrant"


def test_the_organisation_codes_form_a_tree_per_country() -> None:
    orgs = load_pack().policy.organisations
    for code in (
        "KH-MFA",
        "KH-MOI",
        "SL-MFA",
        "SL-IMM",
        "MM-MOHA",
        "MM-MOLIP",
        "LA-MPS",
        "GH-EXEC",
        "GH-MFA",
        "GH-LEG",
    ):
        assert orgs.known(code)
    assert "GH-MFA" in orgs.subtree("GH-EXEC")
    assert "GH-MFA" in orgs.subtree("GH-GOV")
    assert orgs.known("FR-GOV"), "every government has its XX-GOV code"


def test_pakistan_is_recorded_with_an_unknown_scope_never_guessed() -> None:
    sanction = {h.id: h for h in load_pack().sanctions}["PK-2019"].sanction
    (measure,) = sanction.measures.values()
    assert measure.classes is None and measure.who is None and measure.valid_from is None
    assert sanction.status_on(date(2026, 1, 1)) == "uncertain"


def test_guyana_is_lifted_effective_14_december_2001() -> None:
    sanction = {h.id: h for h in load_pack().sanctions}["GY-2001"].sanction
    (measure,) = sanction.measures.values()
    assert not measure.end_unknown and measure.valid_to == date(2001, 12, 14)
    assert sanction.status_on(date(2001, 12, 13)) == "in_force"
    assert sanction.status_on(date(2001, 12, 14)) == "lifted"
    assert sanction.status_on(date.today()) == "lifted"


def test_the_gambia_ended_on_an_unknown_day_by_its_one_report_and_is_never_in_force_today() -> None:
    sanction = {h.id: h for h in load_pack().sanctions}["GM-2016"].sanction
    (measure,) = sanction.measures.values()
    assert measure.end_unknown and measure.valid_to is None
    assert measure.ended_by == date(2017, 12, 12)
    assert sanction.status_on(date.today()) == "ended_date_unknown"
    assert sanction.status_on(date(2017, 9, 12)) == "in_force", "verified in force that day"
    assert sanction.status_on(date(2017, 10, 1)) == "uncertain"


def test_the_pack_version_is_a_hash_of_its_files(pack_copy: Path) -> None:
    before = pack_version(pack_copy)
    edit(
        pack_copy / "sanctions" / "KH-2017.yaml",
        "last_verified_on: 2017-09-14",
        "last_verified_on: 2017-09-15",
    )
    assert pack_version(pack_copy) != before


def test_a_yaml_syntax_error_names_the_file_and_line(pack_copy: Path) -> None:
    edit(pack_copy / "ranks.yaml", "default: standard", "default: [standard")
    with pytest.raises(PackError, match=r"ranks\.yaml: line \d+, column \d+"):
        load_pack(pack_copy)


def test_a_wrong_value_names_the_file_and_the_path_inside_it(pack_copy: Path) -> None:
    edit(pack_copy / "sanctions" / "GH-2019.yaml", "effect: restrict", "effect: forbid")
    with pytest.raises(
        PackError,
        match=r"sanctions/GH-2019\.yaml: steps\[2\]\.adds\[1\]\.effect: "
        r"Input should be 'discontinue' or 'restrict'",
    ):
        load_pack(pack_copy)


def test_an_unknown_visa_class_in_a_measure_is_refused(pack_copy: Path) -> None:
    edit(pack_copy / "sanctions" / "KH-2017.yaml", "classes: [B1, B2, B1/B2]", "classes: [B1, B9]")
    with pytest.raises(
        PackError, match=r"KH-2017\.yaml: steps\[2\]\.adds\[0\]\.classes\[1\]: B9 is neither"
    ):
        load_pack(pack_copy)


def test_an_unknown_organisation_is_refused(pack_copy: Path) -> None:
    edit(pack_copy / "sanctions" / "KH-2017.yaml", "employers: [KH-MFA]", "employers: [KH-MOFA]")
    with pytest.raises(
        PackError, match=r"who\.employers\[0\]: KH-MOFA is not in organisations\.yaml"
    ):
        load_pack(pack_copy)


def test_a_lift_without_a_compliance_notification_is_refused(pack_copy: Path) -> None:
    path = pack_copy / "sanctions" / "GN-2017.yaml"
    text = path.read_text()
    start = text.index("  - step: compliance_notification")
    end = text.index("  - step: lift")
    path.write_text(text[:start] + text[end:])
    with pytest.raises(
        PackError,
        match=r"GN-2017\.yaml: steps\[3\]: lift refused .* needs a prior compliance notification",
    ):
        load_pack(pack_copy)


def test_a_ladder_must_understand_the_standard_ranks(pack_copy: Path) -> None:
    edit(
        pack_copy / "ranks.yaml",
        "            deputy_director, staff]\n  - id: kh",
        "            staff, deputy_director]\n  - id: kh",
    )
    with pytest.raises(
        PackError, match=r"ranks\.yaml: ladders\[0\]\.ranks: every ladder holds the standard ranks"
    ):
        load_pack(pack_copy)


def test_a_not_public_step_may_not_cite_a_source(pack_copy: Path) -> None:
    edit(
        pack_copy / "sanctions" / "GM-2016.yaml",
        '    not_public: true\n    summary: "The notification',
        '    not_public: true\n    sources: [x]\n    summary: "The notification',
    )
    with pytest.raises(
        PackError, match=r"GM-2016\.yaml: steps\[1\]: Value error, a not_public step has no source"
    ):
        load_pack(pack_copy)


def test_other_parts_of_readmit_load_their_own_files_with_the_same_errors(pack_copy: Path) -> None:
    assert load_pack_file(pack_copy, "regime.yaml", RegimeFile).citation.startswith("INA 243(d)")
    with pytest.raises(PackError, match=r"missing\.yaml: missing from pack"):
        load_pack_file(pack_copy, "missing.yaml", RegimeFile)
