"""Importera Word-fil in Chromium, as the redaktör uses it: the upload form and the preview pass
axe-core with no violation, and the file chosen in a real file input comes out as a preview
with its metadata, what was not carried over and the "ska" suggestions to tick."""

import pytest
from playwright.sync_api import expect

from tests.factories import get_register, make_user
from tests.importing.docx_builders import sample_docx

from . import a11y, ui


def assert_no_violations(page):
    results = a11y.axe_violations(page)
    assert results.response["violations"] == [], a11y.describe_violations(results)


@pytest.mark.browser
def test_upload_and_preview_pass_axe(styrdok, page, tmp_path):
    make_user("redaktoren", groups=["Redaktörer"], first_name="Rut", last_name="Redaktör")
    register = get_register()
    word_file = tmp_path / "riktlinje-informationssakerhet.docx"
    word_file.write_bytes(sample_docx())
    ui.log_in(page, styrdok, "redaktoren")

    page.goto(f"{styrdok.admin}/import/word/?parent={register.pk}")
    expect(page.get_by_role("button", name="Förhandsgranska")).to_be_visible()
    assert_no_violations(page)

    page.locator("input[type=file]").set_input_files(str(word_file))
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("button", name="Skapa utkast")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Kommunstyrelsen")
    expect(page.locator("input[type=checkbox][name=krav]").first).to_be_visible()
    assert_no_violations(page)
