"""A consular officer screens applications at the desk and in a batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_a_cambodian_mfa_director_generals_b1_b2_application_is_discontinued_with_a_letter(
    page: Any, login: Any, shot: Any
) -> None:
    login(page, "consul")
    assert page.url.endswith("/screening")
    page.get_by_label("Nationality").fill("KH")
    page.get_by_label("Country of the post").fill("KH")
    page.get_by_label("Date of the issuance decision").fill("2022-03-01")
    page.get_by_label("Visa class").fill("B1/B2")
    page.get_by_role("button", name="Next").click()
    # Only what matters for Cambodia's measure is asked: no date of birth (no age limit).
    assert page.get_by_label("Employer", exact=False).first.is_visible()
    assert page.locator("input[name=date_of_birth]").count() == 0
    page.locator("select[name=employer]").select_option("KH-MFA")
    page.locator("select[name=rank]").select_option("director_general")
    page.get_by_role("button", name="Screen the application").click()
    assert "Decision: discontinued" in page.inner_text("h1")
    text = page.inner_text("main")
    assert "KH-2017-1" in text and "no appeal" in text and "not refunded" in text
    shot(page, "consular-decision")
    page.get_by_role("link", name="The letter to the applicant").click()
    letter = page.inner_text("article.letter")
    assert "243(d)" in letter
    shot(page, "consular-letter")


def test_a_private_applicant_is_not_affected(page: Any, login: Any) -> None:
    login(page, "consul")
    page.goto("/screening?nationality=KH&post_country=KH&decision_date=2022-03-01&visa_class=B1/B2")
    page.get_by_role("button", name="Screen the application").click()
    assert "not affected" in page.inner_text("h1")
    assert page.get_by_role("link", name="The letter to the applicant").count() == 0


def test_a_batch_is_screened_with_progress_and_a_download(
    page: Any, login: Any, tmp_path: Path, shot: Any
) -> None:
    header = (
        "application_id,nationality,visa_class,decision_date,post_country,employer,rank,"
        "relationship,principal_employer,principal_rank,date_of_birth,approved_exception,note"
    )
    rows = [
        "A1,KH,B1/B2,2022-03-01,KH,KH-MFA,director_general,,,,,,official",
        "A2,KH,B1/B2,2022-03-01,KH,,,,,,,,private",
        "A3,KH,B1/B2,2022-03-01,KH,KH-MFA,,,,,,,rank missing",
        "A4,XX,B1/B2,2022-03-01,KH,,,,,,,,bad country",
    ]
    source = tmp_path / "applications.csv"
    source.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    login(page, "consul")
    page.goto("/screening/batch")
    page.get_by_label("File").set_input_files(str(source))
    page.get_by_role("button", name="Screen the file").click()
    page.get_by_role("link", name="Download the screened file").wait_for(timeout=60_000)
    summary = page.inner_text("#batch-progress")
    assert "4 rows screened" in summary
    for decision in ("discontinued", "not affected", "needs review", "invalid"):
        assert decision in summary
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the screened file").click()
    saved = tmp_path / "out.csv"
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5 and "note" in lines[0] and "decision" in lines[0]
    shot(page, "consular-batch")


def test_the_screening_desk_is_usable_from_the_keyboard_alone(page: Any, login: Any) -> None:
    login(page, "consul")
    page.goto("/screening")
    page.get_by_label("Nationality").focus()
    page.keyboard.type("KH")
    page.keyboard.press("Tab")
    page.keyboard.type("SN")  # applying in Dakar: a 243(d) measure on Cambodia does not reach it
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.name")
    assert focused == "decision_date"
    page.get_by_label("Date of the issuance decision").fill("2022-03-01")
    page.get_by_label("Visa class").focus()
    page.keyboard.type("B1/B2")
    page.keyboard.press("Enter")
    page.wait_for_url("**/screening?**")
    page.get_by_label("Application number").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/screening/decisions/*")
    assert "not affected" in page.inner_text("h1")
