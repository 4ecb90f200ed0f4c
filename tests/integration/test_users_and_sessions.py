"""Users, API tokens and web sessions on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from readmit.domain.errors import AuthenticationFailed, Conflict, InvalidInput
from readmit.domain.events import utc_now, utc_text
from readmit.services.access import sessions, users
from readmit.services.context import Actor, App, bootstrap
from readmit.store.auth_schema import api_tokens
from readmit.store.schema import events

ADMIN = Actor("root", "admin")
PASSWORD = "a long enough passphrase"


def test_a_token_is_high_entropy_stored_only_as_its_sha256_and_names_its_user(db_app: App) -> None:
    issued = users.add_user(db_app, ADMIN, name="kh", role="partner_liaison", country="kh")
    assert issued.secret.startswith("rdm_") and len(issued.secret) >= 40
    with db_app.engine.connect() as conn:
        stored = conn.execute(select(api_tokens.c.digest)).scalars().all()
        logged = " ".join(conn.execute(select(events.c.payload)).scalars())
    assert stored == [hashlib.sha256(issued.secret.encode()).hexdigest()]
    assert issued.secret not in logged and issued.info.token_id in logged
    actor = users.authenticate_token(db_app, issued.secret)
    assert (actor.name, actor.role, actor.country) == ("kh", "partner_liaison", "KH")


def test_every_change_to_a_user_is_an_event_naming_the_administrator(db_app: App) -> None:
    users.add_user(db_app, ADMIN, name="ana", role="analyst")
    users.reset_password(db_app, ADMIN, name="ana", password=PASSWORD)
    users.revoke_user(db_app, "ana", ADMIN)
    with db_app.uow(write=False) as uow:
        history = uow.ledger.for_subject("user", "ana")
    assert [e.type for e in history] == [
        "user_added",
        "token_issued",
        "password_reset",
        "user_revoked",
    ]
    assert {e.actor for e in history} == {"root"}
    assert all(PASSWORD not in str(e.payload) for e in history)


def test_expired_revoked_and_unknown_tokens_are_refused(db_app: App) -> None:
    first = users.add_user(db_app, ADMIN, name="con", role="consular_officer")
    second = users.issue_token(db_app, ADMIN, name="con", days=1)
    with db_app.engine.begin() as conn:
        past = utc_text(utc_now() - timedelta(seconds=1))
        conn.execute(
            update(api_tokens)
            .where(api_tokens.c.token_id == second.info.token_id)
            .values(expires_at=past)
        )
    with pytest.raises(AuthenticationFailed, match="expired"):
        users.authenticate_token(db_app, second.secret)
    users.revoke_token(db_app, first.info.token_id, ADMIN)
    with pytest.raises(AuthenticationFailed, match="revoked"):
        users.authenticate_token(db_app, first.secret)
    with pytest.raises(AuthenticationFailed):
        users.authenticate_token(db_app, "rdm_" + "x" * 43)
    assert [t.revoked_at is not None for t in users.list_tokens(db_app, "con")] in (
        [False, True],
        [True, False],
    )


def test_roles_bound_to_a_country_need_one_and_others_refuse_one(db_app: App) -> None:
    with pytest.raises(InvalidInput, match="bound to one country"):
        users.add_user(db_app, ADMIN, name="p", role="partner_liaison")
    with pytest.raises(InvalidInput, match="not bound"):
        users.add_user(db_app, ADMIN, name="a", role="analyst", country="KH")
    with pytest.raises(InvalidInput, match="unknown role"):
        users.add_user(db_app, ADMIN, name="a", role="superuser")
    with pytest.raises(InvalidInput, match="public"):
        users.add_user(db_app, ADMIN, name="a", role="public")
    users.add_user(db_app, ADMIN, name="a", role="analyst")
    with pytest.raises(Conflict):
        users.add_user(db_app, ADMIN, name="a", role="analyst")


def test_a_session_lives_until_logout_and_a_password_reset_ends_it(db_app: App) -> None:
    users.add_user(db_app, ADMIN, name="off", role="case_officer", password=PASSWORD)
    session = sessions.login(db_app, "off", password=PASSWORD, client="10.0.0.1")
    found = sessions.session_user(db_app, session.session_id)
    assert found is not None and found.user.name == "off"
    assert found.csrf_token == session.csrf_token
    sessions.logout(db_app, session.session_id)
    assert sessions.session_user(db_app, session.session_id) is None
    again = sessions.login(db_app, "off", password=PASSWORD, client="10.0.0.1")
    users.reset_password(db_app, ADMIN, name="off", password=PASSWORD + "!")
    assert sessions.session_user(db_app, again.session_id) is None
    with pytest.raises(InvalidInput, match="at least"):
        users.reset_password(db_app, ADMIN, name="off", password="short")


def test_a_revoked_user_can_neither_log_in_nor_use_a_token(db_app: App) -> None:
    issued = users.add_user(db_app, ADMIN, name="vis", role="visa_authority", password=PASSWORD)
    session = sessions.login(db_app, "vis", password=PASSWORD)
    users.revoke_user(db_app, "vis", ADMIN)
    assert sessions.session_user(db_app, session.session_id) is None
    with pytest.raises(AuthenticationFailed):
        users.authenticate_token(db_app, issued.secret)
    with pytest.raises(AuthenticationFailed):
        sessions.login(db_app, "vis", password=PASSWORD)


def test_a_server_forgets_a_checked_token_at_once_when_revoked_here_and_soon_elsewhere(
    db_app: App,
) -> None:
    db_app.settings.token_cache_seconds = 0.5
    first = users.add_user(db_app, ADMIN, name="con", role="consular_officer")
    second = users.issue_token(db_app, ADMIN, name="con")
    for issued in (first, second):
        assert users.authenticate_token(db_app, issued.secret).name == "con"
    users.revoke_token(db_app, first.info.token_id, ADMIN)
    with pytest.raises(AuthenticationFailed, match="revoked"):
        users.authenticate_token(db_app, first.secret)
    elsewhere = bootstrap(db_app.settings.model_copy())  # the command line, another worker
    users.revoke_token(elsewhere, second.info.token_id, ADMIN)
    elsewhere.engine.dispose()
    time.sleep(0.6)
    with pytest.raises(AuthenticationFailed, match="revoked"):
        users.authenticate_token(db_app, second.secret)


def test_a_token_in_use_revoked_elsewhere_is_refused_once_checked_again_in_the_background(
    db_app: App,
) -> None:
    import warnings

    from readmit.api import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    db_app.settings.token_cache_seconds = 4.0
    issued = users.add_user(db_app, ADMIN, name="con", role="consular_officer")
    headers = {"Authorization": f"Bearer {issued.secret}"}
    with TestClient(create_app(db_app), base_url="http://testserver") as client:
        checked = time.monotonic()
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        elsewhere = bootstrap(db_app.settings.model_copy())  # the command line, another worker
        users.revoke_token(elsewhere, issued.info.token_id, ADMIN)
        elsewhere.engine.dispose()
        time.sleep(2.1)  # past half the time: answered from memory, and checked again meanwhile
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        # Forgotten by that check, well before the 4 s it would otherwise be trusted for.
        while users.recently_checked(db_app, issued.secret) is not None:
            assert time.monotonic() < checked + 3.5, "the background check did not forget it"
            time.sleep(0.02)
        refused = client.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401 and "revoked" in refused.json()["message"]
