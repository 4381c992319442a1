"""The briefing page and its PDF: scope (404 outside), the window chooser, links to the detail pages, the query
count pinned, and the one-page A4 PDF with its Vietnamese text."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from nghiquyet.programs.models import ActionProgram, Task, TaskStatus
from tests.briefings.conftest import TODAY

pytestmark = pytest.mark.django_db


def _url(unit, **query) -> str:
    url = reverse("briefing", args=[unit.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_page_shows_the_counts_and_every_section(client, world):
    client.force_login(world.demo.tinh)
    response = client.get(_url(world.commune))
    assert response.status_code == 200
    html = response.content.decode()
    b = response.context["b"]
    assert (b.start, b.end, b.on) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29), TODAY)
    assert "Tuần 48/2026 (23/11 – 29/11/2026)" in html
    for text in ("Nhiệm vụ quá hạn", "Chỉ tiêu chậm tiến độ", "Báo cáo chưa nộp (quá hạn)", "Phạm Đức Mạnh",
                 "Nâng cấp đường trục xã", "Chưa giao người phụ trách", "Tỷ lệ hộ dùng nước sạch",
                 "Chi bộ thôn Đông Hạ", "Quá hạn 20 ngày", "Còn 6 ngày"):
        assert text in html, text
    # each section links to the detail pages
    assert reverse("task_detail", args=[world.tasks["late_road"].pk]) in html
    assert reverse("report_target", args=[world.commune.pk, world.targets["off"].pk]) + "?ky=quarter-2026-3" in html
    assert reverse("report_completeness", args=[world.commune.pk]) + "?ky=quarter-2026-3" in html
    assert reverse("briefing_pdf", args=[world.commune.pk]) + "?ky=tuan&amp;ngay=2026-11-23" in html
    # this week: a previous week, no next one
    assert 'href="?ky=tuan&amp;ngay=2026-11-16"' in html and 'rel="next"' not in html


def test_month_and_quarter_and_navigation(client, world):
    client.force_login(world.demo.tinh)
    response = client.get(_url(world.commune, ky="thang", ngay="2026-10-15"))
    b = response.context["b"]
    assert (b.start, b.end, b.on) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 10, 31))
    html = response.content.decode()
    assert "Tháng 10/2026" in html
    assert 'href="?ky=thang&amp;ngay=2026-09-01"' in html and 'href="?ky=thang&amp;ngay=2026-11-01"' in html
    quarter = client.get(_url(world.commune, ky="quy", ngay="2026-11-25"))
    assert quarter.context["b"].start == dt.date(2026, 10, 1) and "Quý IV/2026" in quarter.content.decode()


def test_bad_window_falls_back_to_this_week_with_a_message(client, world):
    client.force_login(world.demo.tinh)
    response = client.get(_url(world.commune, ky="nam", ngay="25/11/2026"))
    assert response.status_code == 200
    assert response.context["window"].start == dt.date(2026, 11, 23)
    assert len(list(response.context["messages"])) == 2


def test_outside_scope_is_not_found(client, world):
    demo = world.demo
    client.force_login(demo.xa2)
    assert client.get(_url(demo.commune)).status_code == 404
    assert client.get(reverse("briefing_pdf", args=[demo.commune.pk])).status_code == 404
    assert client.get(reverse("briefing_home") + f"?don-vi={demo.commune.pk}").status_code == 404
    assert client.get(reverse("briefing", args=[999999])).status_code == 404
    assert client.get(_url(demo.commune2)).status_code == 200
    client.force_login(demo.chibo)          # a branch secretary does not see the commune above
    assert client.get(_url(demo.commune)).status_code == 404


def test_home_goes_to_the_users_own_committee_or_the_chosen_one(client, world):
    demo = world.demo
    client.force_login(demo.xa)
    assert client.get(reverse("briefing_home")).url == reverse("briefing", args=[demo.commune.pk])
    client.force_login(demo.tinh)
    response = client.get(reverse("briefing_home") + f"?don-vi={world.commune.pk}&ky=thang&ngay=2026-10-01")
    assert response.url == reverse("briefing", args=[world.commune.pk]) + "?ky=thang&ngay=2026-10-01"
    client.logout()
    assert client.get(reverse("briefing_home")).status_code == 302   # to the login page


def test_page_query_count_is_pinned(client, world, django_assert_num_queries):
    client.force_login(world.demo.tinh)
    url = _url(world.commune)
    client.get(url)   # periods created on first use
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(url)
    # more of everything: tasks, people, another branch's program; the same number of queries
    program = ActionProgram.objects.filter(unit=world.branch_a).first()
    for i in range(15):
        person = world.member if i % 2 else world.member2
        Task.objects.create(program=program, unit=program.unit, title=f"Việc thêm {i}", responsible=person,
                            directing=world.deputy, due_date=TODAY - dt.timedelta(days=i + 1),
                            status=TaskStatus.IN_PROGRESS)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(url)
    assert response.context["b"].tasks.overdue == 5 + 15


#: session, user, scope (3: roles, merge history twice), unit, schedules (+ one per reporting level present: branches),
#: tasks, targets, latest period with figures, evaluation (5), periods of the schedules, completeness (its schedules,
#: then units and submissions per schedule), recommendations (1), study gaps (plans, then 5 when there are plans),
#: committees for the chooser, person (menu)
PAGE_QUERIES = 29


# ---------------------------------------------------------------- the PDF


def _pdf_facts(content: bytes) -> tuple[int, str]:
    assert shutil.which("pdftotext") and shutil.which("pdfinfo"), "poppler-utils: scripts/ensure-debian.sh fonts"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.pdf"
        path.write_bytes(content)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    assert "595" in size and "841" in size or "842" in size      # A4 in points
    return pages, text


def test_pdf_is_one_a4_page_with_the_vietnamese_text(client, world):
    client.force_login(world.demo.tinh)
    response = client.get(reverse("briefing_pdf", args=[world.commune.pk]) + "?ky=tuan&ngay=2026-11-25")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pages, text = _pdf_facts(response.content)
    assert pages == 1
    for words in ("ĐẢNG CỘNG SẢN VIỆT NAM", "BÁO CÁO GIAO BAN", "Tuần 48/2026", "Nâng cấp đường trục xã",
                  "Phạm Đức Mạnh", "Tỷ lệ hộ dùng nước sạch", "Chi bộ thôn Đông Hạ", "Chậm tiến độ",
                  "Ngày 25 tháng 11 năm 2026"):
        assert words in text, words
    fonts = subprocess.run(["pdffonts", "-"], input=response.content, capture_output=True).stdout.decode()
    names = fonts.replace("-", "").replace(" ", "")
    assert "LiberationSerif" in names or "TimesNewRoman" in names     # Times, or its metric twin, embedded
    assert "Sans" not in names


def test_pdf_stays_on_one_page_however_much_there_is(client, world):
    program = ActionProgram.objects.filter(unit=world.commune).first()
    long = "Triển khai đồng bộ các giải pháp nâng cao chất lượng, hiệu quả hoạt động của hệ thống chính trị ở cơ sở"
    for i in range(60):
        Task.objects.create(program=program, unit=program.unit, title=f"{long} ({i})", responsible=world.member,
                            directing=world.secretary, due_date=TODAY - dt.timedelta(days=i + 1))
    client.force_login(world.demo.tinh)
    response = client.get(reverse("briefing_pdf", args=[world.commune.pk]))
    pages, text = _pdf_facts(response.content)
    assert pages == 1
    assert "và " in text and "mục khác" in text


@pytest.mark.parametrize("ngay", ["9999-12-20", "1999-12-31"])
def test_a_day_out_of_range_shows_the_current_window_with_a_message(client, world, ngay):
    client.force_login(world.demo.tinh)
    for ky in ("tuan", "quy"):
        response = client.get(_url(world.commune, ky=ky, ngay=ngay))
        assert response.status_code == 200
        assert response.context["window"].start <= timezone.localdate() <= response.context["window"].end
        assert [str(m) for m in response.context["messages"]] == [
            "Ngày phải từ 01/01/2000 đến 01/12/2999. Đang hiển thị kỳ hiện tại."]
    assert client.get(reverse("briefing_pdf", args=[world.commune.pk]) + f"?ky=thang&ngay={ngay}").status_code == 200
