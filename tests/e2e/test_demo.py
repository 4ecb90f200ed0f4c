"""``readmit demo`` reproduces the public record's figures (facts.md) in its synthetic ledger."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from demo_support import SEED, demo_app, demo_database
from typer.testing import CliRunner

from readmit.cli import app
from readmit.services import figures
from readmit.services.audit import verify_ledger
from readmit.services.context import App

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    db = demo_database(tmp_path_factory)
    application = demo_app(db, tmp_path_factory.mktemp("keys"))
    yield application
    application.engine.dispose()


def test_cambodias_group_returns_have_the_dates_and_sizes_of_the_record(demo: App) -> None:
    groups = {
        (g.departure_on.year, g.departure_on.month): g.removed
        for g in figures.group_returns(demo, "KH", 20)
    }
    assert groups[(2018, 4)] == 43
    assert groups[(2019, 7)] == 37
    assert groups[(2020, 1)] == 25
    exact = {g.departure_on: g.removed for g in figures.group_returns(demo, "KH")}
    assert exact[date(2018, 12, 17)] == 36


def test_april_2018_was_the_largest_group_to_that_date(demo: App) -> None:
    earlier = [
        g.removed for g in figures.group_returns(demo, "KH", 1) if g.departure_on < date(2018, 4, 1)
    ]
    assert earlier and max(earlier) < 43


def test_2019_has_81_removals_to_cambodia_of_which_71_criminal(demo: App) -> None:
    year = (date(2019, 1, 1), date(2019, 12, 31))
    assert figures.count_removals(demo, "KH", *year) == 81
    assert figures.count_removals(demo, "KH", *year, criminal=True) == 71


def test_about_1900_final_orders_are_pending_on_16_may_2022(demo: App) -> None:
    assert figures.backlog(demo, "KH", date(2022, 5, 16)) == 1900


def test_one_interview_and_two_removals_from_october_2020_to_16_may_2022(demo: App) -> None:
    window = (date(2020, 10, 1), date(2022, 5, 16))
    assert figures.count_events(demo, "KH", "interview_held", *window) == 1
    assert figures.count_removals(demo, "KH", *window) == 2


def test_768_removed_by_2020_as_kvao_counted(demo: App) -> None:
    assert figures.count_removals(demo, "KH", date(2002, 1, 1), date(2020, 12, 31)) == 768


def test_the_demo_ledger_verifies(demo: App) -> None:
    assert verify_ledger(demo).ok


def test_running_the_demo_again_on_the_same_database_adds_nothing(
    demo: App, tmp_path_factory: pytest.TempPathFactory
) -> None:
    db = demo_database(tmp_path_factory)
    with demo.uow(write=False) as uow:
        before = uow.ledger.count()
    result = CliRunner().invoke(app, ["demo", "--db", str(db), "--seed", str(SEED), "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "reused" in result.output
    with demo.uow(write=False) as uow:
        assert uow.ledger.count() == before


def test_another_seed_on_a_demo_database_is_refused_with_a_message(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    db: Path = demo_database(tmp_path_factory)
    result = CliRunner().invoke(app, ["demo", "--db", str(db), "--seed", "7", "--no-serve"])
    assert result.exit_code == 1
    assert "seed 2022" in result.output
