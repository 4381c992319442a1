"""The register form in Chromium: the number to be given updates with htmx when the type changes, and issuing asks
for confirmation first (a dialog from app.js, no inline script); dismissing it issues nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from nghiquyet.documents.models import IssuedDocument

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_preview_updates_and_issuing_is_confirmed(demo, live_server, page, log_in):
    log_in("demo-xa")
    page.goto(f"{live_server.url}/van-ban/dang-ky/")
    page.get_by_label("Loại văn bản").select_option("KH")
    expect(page.locator("#number-preview")).to_contain_text("Số sẽ cấp: 06-KH/ĐU")
    page.get_by_label("Loại văn bản").select_option("BC")
    expect(page.locator("#number-preview")).to_contain_text("Số sẽ cấp: 01-BC/ĐU")
    page.get_by_label("Trích yếu").fill("Báo cáo kết quả kiểm thử trình duyệt")
    page.get_by_label("Tệp văn bản").set_input_files(
        files=[{"name": "bao-cao.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% test\n"}])
    messages: list[str] = []

    def dismiss(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Vào sổ và lấy số").click()
    assert messages and "Vào sổ và lấy số" in messages[0]
    assert not IssuedDocument.objects.filter(unit=demo.commune, type_code="BC").exists()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Vào sổ và lấy số").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("01-BC/ĐU")
    assert IssuedDocument.objects.get(unit=demo.commune, type_code="BC").symbol == "01-BC/ĐU"
