"""The users and persons tables against the chain: a row changed behind the ledger is named."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, insert, select, update

from readmit.domain.events import utc_now, utc_text
from readmit.services.access import accounts, users
from readmit.services.access.accounts_check import check_accounts, check_persons
from readmit.services.cases.commands import NewCase, erase_personal_data, open_case
from readmit.services.context import Actor, App
from readmit.store.auth_schema import api_tokens
from readmit.store.auth_schema import users as users_table
from readmit.store.schema import persons

ROOT = Actor("root", "admin")
PERSONAL = {"given_name": "Sok", "family_name": "Chan", "date_of_birth": "1980-05-01"}


def _accounts(app: App) -> list[tuple[str, str]]:
    with app.engine.connect() as conn:
        return [(p.subject, p.message) for p in check_accounts(conn)]


def _persons(app: App) -> list[tuple[str, str]]:
    with app.engine.connect() as conn:
        return [(p.subject, p.message) for p in check_persons(conn)]


def _people(app: App) -> None:
    users.add_user(app, ROOT, name="det", role="determining_authority")
    users.add_user(app, ROOT, name="an", role="analyst")
    users.add_user(app, ROOT, name="gone", role="case_officer")
    users.revoke_user(app, "gone", ROOT)
    grant = accounts.AccountChange("grant_role", "an", "partner_liaison", "LA")
    accounts.change_account(app, ROOT, grant)


def test_users_made_through_the_services_match_their_events(db_app: App) -> None:
    _people(db_app)
    assert _accounts(db_app) == []


def test_a_role_changed_straight_in_the_database_names_the_user(db_app: App) -> None:
    _people(db_app)
    with db_app.engine.begin() as conn:
        conn.execute(
            update(users_table).where(users_table.c.name == "an").values(role="visa_authority")
        )
        conn.execute(update(users_table).where(users_table.c.name == "gone").values(active=True))
    assert _accounts(db_app) == [
        ("user an", "users.role is 'visa_authority' but the chain says 'partner_liaison'"),
        ("user gone", "users.active is True but the chain says False"),
    ]


def test_a_user_inserted_or_deleted_behind_the_ledger_is_named(db_app: App) -> None:
    _people(db_app)
    with db_app.engine.begin() as conn:
        conn.execute(
            insert(users_table).values(
                name="ghost", role="admin", active=True, created_at=utc_text(utc_now())
            )
        )
        gone = users_table.c.name == "gone"
        held = select(users_table.c.id).where(gone).scalar_subquery()
        conn.execute(delete(api_tokens).where(api_tokens.c.user_id == held))
        conn.execute(delete(users_table).where(gone))
    found = _accounts(db_app)
    assert ("user ghost", "in users but no event records the user") in found
    assert ("user gone", "in the chain but not in users") in found


def test_a_personal_record_edited_or_deleted_behind_the_ledger_is_named(db_app: App) -> None:
    for case_id in ("KH-1", "KH-2", "KH-3"):
        new = NewCase(case_id, "KH", date(2020, 1, 1), True, "detained", None, None, PERSONAL)
        open_case(db_app, ROOT, new=new)
    erase_personal_data(db_app, ROOT, case_id="KH-3", reason="court order", on=date(2024, 1, 1))
    assert _persons(db_app) == []
    with db_app.engine.begin() as conn:
        edited = {**PERSONAL, "family_name": "Other"}
        conn.execute(update(persons).where(persons.c.case_id == "KH-1").values(data=edited))
        conn.execute(delete(persons).where(persons.c.case_id == "KH-2"))
    assert _persons(db_app) == [
        ("case KH-1", "the personal record no longer matches the digest in the chain"),
        ("case KH-2", "the personal record is gone but no erasure is recorded"),
    ]
