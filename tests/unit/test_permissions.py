"""The role table: separation of duties, scoping and masking, as data."""

from __future__ import annotations

import pytest

from readmit.domain.errors import InvalidInput, SeparationOfDuties
from readmit.domain.permissions import (
    MASK,
    SANCTION_STEPS,
    Permission,
    Role,
    check_sanction_step,
    mask_personal,
    may_record_case_event,
    may_see_case,
    permissions_of,
    roles_with,
)


@pytest.mark.parametrize("step", sorted(SANCTION_STEPS))
def test_each_sanction_step_belongs_to_exactly_one_authority(step: str) -> None:
    owner, permission = SANCTION_STEPS[step]
    assert roles_with(permission) == {owner}
    check_sanction_step(owner.value, step)
    for role in Role:
        if role != owner:
            with pytest.raises(SeparationOfDuties, match="separation of duties"):
                check_sanction_step(role.value, step)


def test_the_determining_authority_cannot_order_and_the_visa_authority_cannot_determine() -> None:
    det, visa = permissions_of("determining_authority"), permissions_of("visa_authority")
    assert Permission.SANCTION_DETERMINE in det and Permission.SANCTION_ORDER not in det
    assert Permission.SANCTION_ORDER in visa and Permission.SANCTION_DETERMINE not in visa
    with pytest.raises(InvalidInput):
        check_sanction_step("visa_authority", "veto")


def test_only_consular_officers_analysts_and_administrators_screen() -> None:
    assert roles_with(Permission.SCREEN) == {Role.CONSULAR_OFFICER, Role.ANALYST, Role.ADMIN}


def test_the_public_reads_the_registry_and_figures_and_nothing_per_person() -> None:
    public = permissions_of("public")
    assert public == {Permission.SANCTION_READ, Permission.STATS_READ, Permission.CLAIM_READ}
    assert all(p in permissions_of(r.value) for r in Role for p in public)
    assert permissions_of("no-such-role") == frozenset()


def test_a_partner_sees_cases_of_its_nationals_or_presented_to_it_and_nothing_else() -> None:
    assert may_see_case("partner_liaison", "KH", "KH", "KH", "ordered")
    assert may_see_case("partner_liaison", "VN", "KH", "VN", "presented")
    assert not may_see_case("partner_liaison", "LA", "KH", "KH", "ordered")
    assert not may_see_case("consular_officer", None, "KH", "KH", "ordered")


def test_a_reintegration_caseworker_sees_only_arrivals_in_its_country() -> None:
    assert may_see_case("reintegration_caseworker", "KH", "KH", "KH", "removed")
    assert may_see_case("reintegration_caseworker", "KH", "KH", "KH", "received")
    assert not may_see_case("reintegration_caseworker", "KH", "KH", "KH", "manifested")
    assert not may_see_case("reintegration_caseworker", "KH", "LA", "LA", "removed")


def test_partners_record_their_answers_and_caseworkers_only_intake() -> None:
    assert may_record_case_event("partner_liaison", "nationality_disputed")
    assert not may_record_case_event("partner_liaison", "removed")
    assert may_record_case_event("reintegration_caseworker", "service_provided")
    assert not may_record_case_event("reintegration_caseworker", "closed")
    assert may_record_case_event("case_officer", "document_issued")


def test_masking_shows_each_role_only_its_fields() -> None:
    data = {"given_name": "A", "family_name": "B", "spouse_in_country": True}
    shown, revealed = mask_personal("analyst", data)
    assert shown == dict.fromkeys(data, MASK) and not revealed
    shown, revealed = mask_personal("partner_liaison", data)
    assert shown == {"given_name": "A", "family_name": "B", "spouse_in_country": MASK}
    assert revealed
    assert mask_personal("case_officer", data) == (data, True)
    assert mask_personal("case_officer", None) == (None, False)
