"""The register's numbers: from 01 per unit, per type, per term; no gaps after a rollback; no duplicates when
issued at the same instant."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from nghiquyet.audit.models import AuditEvent
from nghiquyet.documents.models import IssuedDocument, NumberCounter, SourceKind
from nghiquyet.documents.services import document_issue

DAY = dt.date(2026, 4, 20)


def issue(actor, unit, type_code="BC", *, on=DAY, title="Báo cáo sơ kết", **extra):
    return document_issue(actor=actor, unit=unit, type_code=type_code, title=title, issued_on=on,
                          source_kind=SourceKind.UPLOAD, **extra)


def test_numbers_run_from_01(demo):
    first, second, third = (issue(demo.xa, demo.commune) for _ in range(3))
    assert [d.number for d in (first, second, third)] == [1, 2, 3]
    assert first.symbol == "01-BC/ĐU" and third.symbol == "03-BC/ĐU"
    assert (first.term_start, first.term_end) == (2025, 2030)
    assert first.issuer_code == "ĐU"
    assert first.issued_by == demo.xa


def test_numbers_are_per_type_per_unit_per_term(demo):
    assert issue(demo.xa, demo.commune, "BC").number == 1
    assert issue(demo.xa, demo.commune, "QĐ").number == 1
    assert issue(demo.xa, demo.commune, "BC").number == 2
    assert issue(demo.chibo, demo.branch, "BC").symbol == "01-BC/CB"
    assert issue(demo.xa2, demo.commune2, "BC").number == 1
    # the previous term counts on its own
    old = issue(demo.xa, demo.commune, "BC", on=dt.date(2025, 8, 1) - dt.timedelta(days=0))
    assert old.term_start == 2025 and old.number == 3
    earlier = issue(demo.tinh, demo.province, "BC", on=dt.date(2024, 5, 1))
    assert (earlier.term_start, earlier.number) == (2020, 1)
    assert issue(demo.tinh, demo.province, "BC").number == 1


def test_a_rollback_gives_the_number_back(demo):
    assert issue(demo.xa, demo.commune).number == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert issue(demo.xa, demo.commune).number == 2
        raise RuntimeError("the caller failed after taking the number")
    assert issue(demo.xa, demo.commune).number == 2
    assert list(IssuedDocument.objects.filter(unit=demo.commune).values_list("number", flat=True)
                .order_by("number")) == [1, 2]


def test_a_refused_issue_takes_no_number(demo):
    with pytest.raises(ValidationError) as exc:
        issue(demo.xa, demo.commune, "XX")
    assert "Loại văn bản không hợp lệ" in exc.value.message_dict["type_code"][0]
    with pytest.raises(ValidationError) as exc:
        issue(demo.xa, demo.commune, title="  ")
    assert exc.value.message_dict["title"] == ["Chưa nhập trích yếu."]
    assert not NumberCounter.objects.filter(unit=demo.commune, last_number__gt=0).exists()
    assert issue(demo.xa, demo.commune).number == 1


def test_outside_scope_is_refused(demo):
    with pytest.raises(PermissionDenied):
        issue(demo.xa2, demo.commune)
    with pytest.raises(PermissionDenied):
        issue(demo.chibo, demo.commune)  # a branch secretary does not issue for the commune
    assert not IssuedDocument.objects.filter(unit=demo.commune).exists()


def test_issue_is_audited_and_searchable(demo):
    document = issue(demo.xa, demo.commune, title="Báo cáo sơ kết giữa nhiệm kỳ", signer_name="Trần Văn Bình",
                     content=b"%PDF-1.4 test", file_name="bao-cao.pdf")
    assert "dong son" in document.search_text and "01-bc/du" in document.search_text
    assert "tran van binh" in document.search_text
    assert document.file.name.endswith(".pdf") and document.size == len(b"%PDF-1.4 test")
    assert document.file_name == "bao-cao.pdf"
    event = AuditEvent.objects.get(object_id=str(document.pk), action="create",
                                   content_type__model="issueddocument")
    assert event.changes["symbol"] == [None, "01-BC/ĐU"]


def _in_own_connection(work) -> None:
    """Run ``work`` in a thread, i.e. on a connection of its own, committed at once (not in the test's
    transaction)."""
    from django.db import connections

    failures: list[BaseException] = []

    def run():
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test
            failures.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if failures:
        raise failures[0]


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers: no concurrent transactions")
def test_concurrent_issues_never_share_a_number(demo):
    """8 threads x 5 issues, each in its own transaction on its own connection, started together. The threads
    commit (they are not inside the test's transaction), so what they wrote is removed at the end."""
    from django.db import connections

    unit = demo.commune
    threads, per_thread = 8, 5
    barrier = threading.Barrier(threads)
    numbers: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait(timeout=30)
            for _ in range(per_thread):
                with transaction.atomic():
                    document = issue(None, unit, "TB", title="Thông báo đồng thời")
                with lock:
                    numbers.append(document.number)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def cleanup():
        issued = IssuedDocument.objects.filter(unit=unit, type_code="TB", title="Thông báo đồng thời")
        AuditEvent.objects.filter(content_type__model="issueddocument",
                                  object_id__in=[str(pk) for pk in issued.values_list("pk", flat=True)]).delete()
        issued.delete()
        NumberCounter.objects.filter(unit=unit, type_code="TB").delete()

    try:
        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join(timeout=120)
        assert not errors, errors
        assert sorted(numbers) == list(range(1, threads * per_thread + 1))
        stored = IssuedDocument.objects.filter(unit=unit, type_code="TB").values_list("number", flat=True)
        assert sorted(stored) == list(range(1, threads * per_thread + 1))
        counter = NumberCounter.objects.get(unit=unit, type_code="TB", term_start=2025)
        assert counter.last_number == threads * per_thread
    finally:
        _in_own_connection(cleanup)
    left: list[int] = []
    _in_own_connection(lambda: left.append(IssuedDocument.objects.filter(unit=unit, type_code="TB").count()
                                           + NumberCounter.objects.filter(unit=unit, type_code="TB").count()))
    assert left == [0]


def test_attaching_the_rendered_file_replaces_the_old_one(demo, django_capture_on_commit_callbacks):
    from nghiquyet.documents.services import issued_file_attach

    document = issue(demo.xa, demo.commune, content=b"%PDF-1.4 old", file_name="cu.pdf")
    old_name = document.file.name
    storage = document.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        attached = issued_file_attach(document=document, content=b"PK\x03\x04 new", file_name="bao-cao-01-BC-DU.docx",
                                      actor=demo.xa)
    assert attached.file_name == "bao-cao-01-BC-DU.docx" and attached.size == len(b"PK\x03\x04 new")
    assert attached.file.name.endswith(".docx") and attached.file.name != old_name
    with attached.file.open("rb") as handle:
        assert handle.read() == b"PK\x03\x04 new"
    assert not storage.exists(old_name)
    event = AuditEvent.objects.filter(object_id=str(document.pk), action="update").latest("pk")
    assert event.changes["file_name"] == ["cu.pdf", "bao-cao-01-BC-DU.docx"]


# ------------------------------------------------------------------ numbers already used by hand


def _recorded(unit, symbol: str, on: dt.date, *, term=None):
    """A document recorded in the app with its hand-typed symbol (resolutions.Document)."""
    from nghiquyet.resolutions.models import Document
    from nghiquyet.resolutions.symbols import parse_symbol

    parsed = parse_symbol(symbol)
    return Document.objects.create(unit=unit, term=term, number=parsed.number, type_code=parsed.type_code,
                                   issuer_code=parsed.issuer_code, symbol=str(parsed), issued_on=on,
                                   title=f"Văn bản {symbol}")


def test_numbers_go_on_after_a_recorded_document_of_the_term(demo):
    _recorded(demo.commune, "05-QĐ/ĐU", dt.date(2025, 11, 2))
    taken = issue(demo.xa, demo.commune, "QĐ")
    assert taken.symbol == "06-QĐ/ĐU"
    assert issue(demo.xa, demo.commune, "QĐ").number == 7
    assert NumberCounter.objects.get(unit=demo.commune, type_code="QĐ", term_start=2025).last_number == 7
    # other types, other units and other terms are not affected
    assert issue(demo.xa, demo.commune, "TB").number == 1
    assert issue(demo.xa2, demo.commune2, "QĐ").number == 1


def test_another_issuers_series_does_not_count(demo):
    _recorded(demo.commune, "07-QĐ/BTV", dt.date(2025, 11, 2))  # hand-typed under another issuer code
    assert issue(demo.xa, demo.commune, "QĐ").symbol == "01-QĐ/ĐU"
    assert issue(demo.xa, demo.commune, "NQ").symbol == "01-NQ/ĐU"  # the congress's own 01-NQ/ĐH is its series


def test_a_recorded_document_of_another_term_does_not_count(demo):
    _recorded(demo.province, "40-QĐ/TU", dt.date(2023, 3, 1))
    assert issue(demo.tinh, demo.province, "QĐ").number == 1  # 2025-2030
    older = issue(demo.tinh, demo.province, "QĐ", on=dt.date(2024, 6, 1))
    assert (older.term_start, older.symbol) == (2020, "41-QĐ/TU")  # 2020-2025 goes on from 40


def test_a_recorded_document_filed_under_the_term_counts(demo):
    from nghiquyet.resolutions.models import Term

    term, _ = Term.objects.get_or_create(unit=demo.commune, start_year=2025, defaults={"end_year": 2030})
    _recorded(demo.commune, "09-TB/ĐU", dt.date(2031, 1, 5), term=term)  # dated oddly, filed under 2025-2030
    assert issue(demo.xa, demo.commune, "TB").number == 10


def test_the_demo_plan_typed_with_its_program_is_not_issued_again(demo):
    """Đông Sơn's program 01-CTr/ĐU and plan 05-KH/ĐU (programs.ActionProgram, typed in by hand)."""
    from nghiquyet.programs.models import ActionProgram

    assert ActionProgram.objects.filter(unit=demo.commune, symbol="05-KH/ĐU").exists()
    assert issue(demo.xa, demo.commune, "KH").symbol == "06-KH/ĐU"
    assert issue(demo.xa, demo.commune, "CTr").symbol == "02-CTr/ĐU"
    assert issue(demo.xa2, demo.commune2, "KH").symbol == "01-KH/ĐU"


def test_issued_on_may_be_today_not_tomorrow(demo):
    from django.utils import timezone

    today = timezone.localdate()
    assert issue(demo.xa, demo.commune, on=today).issued_on == today
    with pytest.raises(ValidationError) as exc:
        issue(demo.xa, demo.commune, on=today + dt.timedelta(days=1))
    assert exc.value.message_dict["issued_on"] == ["Ngày ban hành không được sau hôm nay."]
