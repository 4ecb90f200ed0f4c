"""Roles and what each may do, as data: the HTTP API and the web dashboard enforce this table.

Each role's jobs (docs/guides/) turned into permissions. Three rules sit beside the table:
- separation of duties (INA 243(d)): only the determining authority determines, notifies and
  notifies compliance; only the visa authority orders, amends and lifts (``check_sanction_step``);
- scoping: a partner liaison sees only cases of its own country, a reintegration caseworker only
  arrivals in its country (``may_see_case``), and both only their country's figures
  (``may_see_country``); a screening job, its rows and the applications it held belong to the
  officer who screened them, and to roles with ``decision:read_all`` (``may_see_screening_of``);
  anything else is "not found", so existence does not leak; the API and the dashboard both
  ask these functions, and name the permissions of a shared route once (``RECORD_CASE_EVENT``);
- masking: personal fields (names, identifiers, dates of birth, family) are shown only to roles
  with ``personal:read``, and only the fields that role needs (``visible_personal_fields``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from readmit.domain.errors import InvalidInput, SeparationOfDuties


class Role(StrEnum):
    ADMIN = "admin"
    CASE_OFFICER = "case_officer"
    ANALYST = "analyst"
    DETERMINING_AUTHORITY = "determining_authority"
    VISA_AUTHORITY = "visa_authority"
    CONSULAR_OFFICER = "consular_officer"
    PARTNER_LIAISON = "partner_liaison"
    REINTEGRATION_CASEWORKER = "reintegration_caseworker"
    PUBLIC = "public"


class Permission(StrEnum):
    SANCTION_READ = "sanction:read"
    STATS_READ = "stats:read"
    CLAIM_READ = "claim:read"
    CLAIM_WRITE = "claim:write"
    CASE_READ = "case:read"
    CASE_CREATE = "case:create"
    CASE_RECORD = "case:record"
    CASE_RECORD_PARTNER = "case:record_partner"
    CASE_RECORD_INTAKE = "case:record_intake"
    CASE_VOID = "case:void"
    CASE_RESPOND = "case:respond"
    CASE_ASSERT = "case:assert"
    PERSONAL_READ = "personal:read"
    PERSONAL_ERASE = "personal:erase"
    FLIGHT_READ = "flight:read"
    FLIGHT_WRITE = "flight:write"
    FLIGHT_ANSWER = "flight:answer"
    SANCTION_DETERMINE = "sanction:determine"
    SANCTION_NOTIFY = "sanction:notify"
    SANCTION_ORDER = "sanction:order"
    SANCTION_AMEND = "sanction:amend"
    SANCTION_COMPLIANCE_NOTIFY = "sanction:compliance_notify"
    SANCTION_LIFT = "sanction:lift"
    SANCTION_VERIFY = "sanction:verify"
    SCREEN = "screen"
    DECISION_REPLAY = "decision:replay"
    DECISION_READ_ALL = "decision:read_all"
    ASSESSMENT_READ = "assessment:read"
    ASSESSMENT_RECORD = "assessment:record"
    AUDIT_VERIFY = "audit:verify"
    ACCESS_LOG_READ = "access_log:read"
    USER_MANAGE = "user:manage"
    SELF = "self"


P = Permission
R = Role

# What anyone may do, with or without credentials: de-identified figures and the registry.
PUBLIC_PERMISSIONS = frozenset({P.SANCTION_READ, P.STATS_READ, P.CLAIM_READ})
SANCTION_STEPS: dict[str, tuple[Role, Permission]] = {
    "determination": (R.DETERMINING_AUTHORITY, P.SANCTION_DETERMINE),
    "notification": (R.DETERMINING_AUTHORITY, P.SANCTION_NOTIFY),
    "compliance_notification": (R.DETERMINING_AUTHORITY, P.SANCTION_COMPLIANCE_NOTIFY),
    "order": (R.VISA_AUTHORITY, P.SANCTION_ORDER),
    "amendment": (R.VISA_AUTHORITY, P.SANCTION_AMEND),
    "lift": (R.VISA_AUTHORITY, P.SANCTION_LIFT),
}
_SANCTION_PERMISSIONS = frozenset(p for _, p in SANCTION_STEPS.values()) | {P.SANCTION_VERIFY}
_STAFF = PUBLIC_PERMISSIONS | {P.SELF}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    R.PUBLIC: PUBLIC_PERMISSIONS,
    # The administrator runs the installation but takes no sanction step: duties stay separate.
    # Nor does it speak for a partner country (assertions are the partner's own word).
    R.ADMIN: frozenset(Permission) - _SANCTION_PERMISSIONS - {P.CASE_ASSERT},
    R.CASE_OFFICER: _STAFF
    | {
        P.CASE_READ,
        P.CASE_CREATE,
        P.CASE_RECORD,
        P.CASE_RECORD_PARTNER,
        P.CASE_VOID,
        P.CASE_RESPOND,
        P.PERSONAL_READ,
        P.FLIGHT_READ,
        P.FLIGHT_WRITE,
        P.FLIGHT_ANSWER,
        P.ASSESSMENT_READ,
        P.AUDIT_VERIFY,
    },
    R.ANALYST: _STAFF
    | {
        P.CASE_READ,
        P.FLIGHT_READ,
        P.ASSESSMENT_READ,
        P.ASSESSMENT_RECORD,
        P.CLAIM_WRITE,
        P.SCREEN,
        P.DECISION_REPLAY,
        P.AUDIT_VERIFY,
    },
    R.DETERMINING_AUTHORITY: _STAFF
    | {
        P.SANCTION_DETERMINE,
        P.SANCTION_NOTIFY,
        P.SANCTION_COMPLIANCE_NOTIFY,
        P.SANCTION_VERIFY,
        P.CASE_READ,
        P.FLIGHT_READ,
        P.ASSESSMENT_READ,
        P.AUDIT_VERIFY,
    },
    # The visa authority oversees every post's decisions: it approves exceptions and, after a
    # lift, resumes the applications the sanction held, so it sees every officer's (read_all).
    R.VISA_AUTHORITY: _STAFF
    | {
        P.DECISION_READ_ALL,
        P.SANCTION_ORDER,
        P.SANCTION_AMEND,
        P.SANCTION_LIFT,
        P.SANCTION_VERIFY,
        P.ASSESSMENT_READ,
        P.DECISION_REPLAY,
        P.AUDIT_VERIFY,
    },
    R.CONSULAR_OFFICER: _STAFF | {P.SCREEN, P.DECISION_REPLAY},
    R.PARTNER_LIAISON: _STAFF
    | {
        P.CASE_READ,
        P.CASE_RECORD_PARTNER,
        P.CASE_RESPOND,
        P.CASE_ASSERT,
        P.PERSONAL_READ,
        P.FLIGHT_READ,
        P.FLIGHT_ANSWER,
        P.ASSESSMENT_READ,
    },
    R.REINTEGRATION_CASEWORKER: _STAFF
    | {P.CASE_READ, P.CASE_RECORD_INTAKE, P.PERSONAL_READ, P.FLIGHT_READ},
}

# Roles bound to one country: they see only that country's cases, flights and figures.
COUNTRY_BOUND = frozenset({R.PARTNER_LIAISON, R.REINTEGRATION_CASEWORKER})

# Routes both edges serve under one rule: any one of these lets a caller in.
RECORD_CASE_EVENT = (P.CASE_RECORD, P.CASE_RECORD_PARTNER, P.CASE_RECORD_INTAKE)
RECORD_FLIGHT_STEP = (P.FLIGHT_WRITE, P.FLIGHT_ANSWER)

# Which permission records which case event. The partner's own answers (interviews, nationality,
# travel documents, a refused arrival) are partner events; intake and services are the NGO's.
PARTNER_EVENTS = frozenset(
    {
        "interview_scheduled",
        "interview_held",
        "nationality_confirmed",
        "nationality_disputed",
        "document_issued",
        "arrival_refused",
    }
)
INTAKE_EVENTS = frozenset({"received", "service_provided"})
# A charter is proposed by the removing state and accepted or refused by the partner.
FLIGHT_STEP_PERMISSIONS: dict[str, Permission] = {
    "charter_proposed": P.FLIGHT_WRITE,
    "charter_accepted": P.FLIGHT_ANSWER,
    "charter_refused": P.FLIGHT_ANSWER,
}
# Arrivals: the states a reintegration caseworker may see a case in.
ARRIVAL_STATES = frozenset({"removed", "received"})

ALL_PERSONAL = "*"
PERSONAL_FIELDS_BY_ROLE: dict[Role, frozenset[str]] = {
    R.ADMIN: frozenset({ALL_PERSONAL}),
    R.CASE_OFFICER: frozenset({ALL_PERSONAL}),
    # Enough to verify nationality or to welcome someone; not their family in the removing state.
    R.PARTNER_LIAISON: frozenset({"given_name", "family_name", "date_of_birth"}),
    R.REINTEGRATION_CASEWORKER: frozenset({"given_name", "family_name", "date_of_birth"}),
}
# Case fields a reintegration caseworker sees: what intake needs, not the removal file.
INTAKE_CASE_FIELDS = frozenset({"case_id", "nationality", "destination", "state", "flight_id"})
INTAKE_HISTORY_EVENTS = frozenset({"removed", "received", "service_provided"})
MASK = "[masked]"


def role_of(value: str) -> Role:
    """Return the role named ``value`` or raise InvalidInput listing the roles."""
    try:
        return Role(value)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise InvalidInput(f"unknown role {value!r}; roles: {names}", role=value) from None


def permissions_of(role: str) -> frozenset[Permission]:
    """Return what a role may do (nothing for an unknown role)."""
    try:
        return ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return frozenset()


def has_permission(role: str, permission: Permission) -> bool:
    """Tell whether ``role`` holds ``permission``."""
    return permission in permissions_of(role)


def roles_with(permission: Permission) -> frozenset[Role]:
    """Return every role that holds ``permission``."""
    return frozenset(r for r, perms in ROLE_PERMISSIONS.items() if permission in perms)


def check_binding(role: Role, country: str | None) -> None:
    """A partner or reintegration role needs exactly one country; other roles take none."""
    if role in COUNTRY_BOUND and not country:
        raise InvalidInput(f"role {role.value} is bound to one country: give --country", role=role)
    if role not in COUNTRY_BOUND and country:
        raise InvalidInput(f"role {role.value} is not bound to a country; drop the country")


def case_event_permission(event: str) -> Permission:
    """Return the permission that records ``event`` on a case."""
    if event in PARTNER_EVENTS:
        return P.CASE_RECORD_PARTNER
    if event in INTAKE_EVENTS:
        return P.CASE_RECORD_INTAKE
    return P.CASE_RECORD


def may_record_case_event(role: str, event: str) -> bool:
    """Tell whether ``role`` may record ``event`` on a case it can see."""
    return has_permission(role, case_event_permission(event))


def recordable_events(role: str, events: Iterable[str]) -> list[str]:
    """Return the events, of those given, that ``role`` may record."""
    return [e for e in events if may_record_case_event(role, e)]


def may_see_case(
    role: str, country: str | None, nationality: str, destination: str, state: str
) -> bool:
    """Tell whether a role (bound to ``country``) may see a case at all."""
    if not has_permission(role, P.CASE_READ):
        return False
    if role == R.PARTNER_LIAISON:
        return country in {nationality, destination}
    if role == R.REINTEGRATION_CASEWORKER:
        return destination == country and state in ARRIVAL_STATES
    return True


def may_see_country(role: str, bound_country: str | None, country: str) -> bool:
    """Tell whether a role (bound to ``bound_country``) may see ``country``'s figures."""
    if role in COUNTRY_BOUND:
        return bound_country is not None and country.upper() == bound_country.upper()
    return True


def may_see_screening_of(role: str, name: str, owner: str) -> bool:
    """Tell whether user ``name`` may see a job, decision or held application of ``owner``."""
    return name == owner or has_permission(role, P.DECISION_READ_ALL)


def visible_personal_fields(role: str) -> frozenset[str]:
    """Return the personal fields ``role`` may read (``*`` for all; empty for none)."""
    if not has_permission(role, P.PERSONAL_READ):
        return frozenset()
    return PERSONAL_FIELDS_BY_ROLE.get(Role(role), frozenset())


def mask_personal(role: str, data: Mapping[str, Any] | None) -> tuple[dict[str, Any] | None, bool]:
    """Return the personal record as ``role`` may see it, and whether any real value shows."""
    if data is None:
        return None, False
    allowed = visible_personal_fields(role)
    shown = {
        key: value if ALL_PERSONAL in allowed or key in allowed else MASK
        for key, value in data.items()
    }
    return shown, any(value != MASK for value in shown.values()) and bool(allowed)


def check_sanction_step(role: str, step: str) -> None:
    """Refuse a sanction step taken by the wrong authority (separation of duties, 243(d))."""
    if step not in SANCTION_STEPS:
        raise InvalidInput(f"unknown sanction step {step!r}", step=step)
    owner, _ = SANCTION_STEPS[step]
    if role != owner:
        raise SeparationOfDuties(
            f"a {step.replace('_', ' ')} is recorded by the {owner.value.replace('_', ' ')} "
            f"alone, not by a {role.replace('_', ' ')} (separation of duties)",
            step=step,
            required_role=owner.value,
            role=role,
        )
