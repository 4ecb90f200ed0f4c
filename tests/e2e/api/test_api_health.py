"""Liveness and readiness, for a load balancer."""

from __future__ import annotations

from pathlib import Path

from api_support import Api, make_client

from readmit.services.context import bootstrap
from readmit.settings import Settings


def test_a_ready_server_says_so_and_names_what_it_checked(api: Api) -> None:
    assert api.get("public", "/health").json()["status"] == "alive"
    answer = api.get("public", "/health/ready")
    assert answer.status_code == 200 and answer.json()["status"] == "ready"
    checks = {c["name"]: c for c in answer.json()["checks"]}
    assert set(checks) == {"database", "schema", "policy_pack"}
    assert all(c["ok"] for c in checks.values())
    assert "us_ina_243d" in checks["policy_pack"]["detail"]


def test_a_store_never_migrated_is_alive_but_not_ready_and_says_why(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'never-upgraded.db'}"
    app = bootstrap(Settings(database_url=url, key_dir=tmp_path / "keys", access_log=False))
    with make_client(app) as client:
        assert client.get("/health").status_code == 200
        answer = client.get("/health/ready")
    app.engine.dispose()
    assert answer.status_code == 503 and answer.json()["status"] == "not_ready"
    database = next(c for c in answer.json()["checks"] if c["name"] == "database")
    assert not database["ok"] and "readmit db upgrade" in database["detail"]
    assert not (tmp_path / "never-upgraded.db").exists(), "asking creates no database"
    assert "never-upgraded" not in answer.text, "the database's address is not public"
