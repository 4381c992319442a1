"""Terms, congresses, documents and items: bad input refused on the field, nothing half saved, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nghiquyet.audit.models import AuditAction
from nghiquyet.resolutions.models import Congress, Document, ItemKind, ResolutionItem, Term
from nghiquyet.resolutions.services import (
    congress_create,
    document_create,
    document_update,
    item_create,
    item_update,
    term_create,
)
from tests.resolutions.helpers import ISSUED, events_for, next_symbol, term_for

pytestmark = pytest.mark.django_db


def field_errors(call) -> dict:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict


class TestTerms:
    def test_bad_years(self, demo):
        unit = demo.branch
        assert "end_year" in field_errors(lambda: term_create(actor=demo.chibo, unit=unit, start_year=2025,
                                                              end_year=2025))
        assert "end_year" in field_errors(lambda: term_create(actor=demo.chibo, unit=unit, start_year=2025,
                                                              end_year=2040))
        assert "start_year" in field_errors(lambda: term_create(actor=demo.chibo, unit=unit, start_year="hai",
                                                                end_year=2030))
        assert "start_year" in field_errors(lambda: term_create(actor=demo.chibo, unit=unit, start_year=None,
                                                                end_year=2030))

    def test_overlap_refused_and_audit(self, demo):
        term = term_for(demo.branch)
        assert "start_year" in field_errors(lambda: term_create(actor=demo.chibo, unit=demo.branch,
                                                                start_year=2027, end_year=2032))
        assert Term.objects.filter(unit=demo.branch).count() == 1
        later = term_create(actor=demo.chibo, unit=demo.branch, start_year=term.end_year,
                            end_year=term.end_year + 5)
        assert [e.action for e in events_for(later)] == [AuditAction.CREATE]

    def test_subordinate_cannot_create_above(self, demo):
        with pytest.raises(PermissionDenied):
            term_create(actor=demo.xa, unit=demo.province, start_year=2040, end_year=2045)
        with pytest.raises(PermissionDenied):
            term_create(actor=demo.xa2, unit=demo.commune, start_year=2040, end_year=2045)


class TestCongress:
    def test_ordinal_and_dates(self, demo):
        term = term_for(demo.branch)
        Congress.objects.filter(term=term).delete()
        errors = field_errors(lambda: congress_create(actor=demo.chibo, term=term, ordinal="hai mươi",
                                                      held_from=dt.date(2025, 5, 10), held_to=dt.date(2025, 5, 9)))
        assert set(errors) == {"ordinal", "held_to"}
        errors = field_errors(lambda: congress_create(actor=demo.chibo, term=term, ordinal="XXII",
                                                      held_from=dt.date(2027, 5, 10), held_to=dt.date(2027, 5, 11)))
        assert "held_from" in errors
        errors = field_errors(lambda: congress_create(actor=demo.chibo, term=term, ordinal="XXII",
                                                      held_from=None, held_to=dt.date(2027, 5, 11)))
        assert "held_from" in errors
        assert not Congress.objects.filter(term=term).exists()
        congress = congress_create(actor=demo.chibo, term=term, ordinal="lần thứ xxii",
                                   held_from=dt.date(2025, 5, 10), held_to=dt.date(2025, 5, 11))
        assert congress.ordinal == "XXII"
        assert events_for(congress)[0].action == AuditAction.CREATE
        assert "term" in field_errors(lambda: congress_create(actor=demo.chibo, term=term, ordinal="35",
                                                              held_from=dt.date(2025, 5, 10),
                                                              held_to=dt.date(2025, 5, 11)))


class TestDocuments:
    def test_symbol_parsed_and_stored_canonically(self, demo):
        document = document_create(actor=demo.xa, unit=demo.commune, symbol="Số 0907 - nq/đu", issued_on=ISSUED,
                                   title="  Về phát triển kinh tế  ")
        assert (document.symbol, document.number, document.type_code, document.issuer_code) == (
            "907-NQ/ĐU", 907, "NQ", "ĐU")
        assert document.title == "Về phát triển kinh tế"
        assert events_for(document)[0].changes["symbol"] == [None, "907-NQ/ĐU"]

    def test_every_bad_field_named_at_once(self, demo):
        before = Document.objects.count()
        other_term = term_for(demo.commune2)
        errors = field_errors(lambda: document_create(
            actor=demo.xa, unit=demo.commune, symbol="58:NQ", issued_on=None, title=" ", term=other_term))
        assert set(errors) >= {"symbol", "issued_on", "title", "term"}
        assert all(isinstance(m, str) and m for messages in errors.values() for m in messages)
        assert Document.objects.count() == before

    def test_future_date_outside_term_and_long_title(self, demo):
        term = term_for(demo.commune)
        assert "issued_on" in field_errors(lambda: document_create(
            actor=demo.xa, unit=demo.commune, symbol=next_symbol(demo.commune), title="X",
            issued_on=dt.date.today() + dt.timedelta(days=3)))
        assert "issued_on" in field_errors(lambda: document_create(
            actor=demo.xa, unit=demo.commune, symbol=next_symbol(demo.commune), title="X", term=term,
            issued_on=dt.date(2019, 1, 1)))
        assert "title" in field_errors(lambda: document_create(
            actor=demo.xa, unit=demo.commune, symbol=next_symbol(demo.commune), title="x" * 501, issued_on=ISSUED))

    def test_congress_resolution_needs_term_type_nq_and_is_one_per_term(self, demo):
        term = term_for(demo.branch)
        assert "term" in field_errors(lambda: document_create(
            actor=demo.chibo, unit=demo.branch, symbol="01-NQ/CB", issued_on=ISSUED, title="NQ",
            is_congress_resolution=True))
        assert "symbol" in field_errors(lambda: document_create(
            actor=demo.chibo, unit=demo.branch, symbol="01-KH/CB", issued_on=ISSUED, title="KH", term=term,
            is_congress_resolution=True))
        Document.objects.filter(term=term, is_congress_resolution=True).delete()
        document_create(actor=demo.chibo, unit=demo.branch, symbol="901-NQ/CB", issued_on=ISSUED, title="NQ",
                        term=term, is_congress_resolution=True)
        assert "is_congress_resolution" in field_errors(lambda: document_create(
            actor=demo.chibo, unit=demo.branch, symbol="902-NQ/CB", issued_on=ISSUED, title="NQ 2", term=term,
            is_congress_resolution=True))

    def test_duplicate_symbol_same_day(self, demo):
        document_create(actor=demo.xa, unit=demo.commune, symbol="911-KL/ĐU", issued_on=ISSUED, title="A")
        before = Document.objects.count()
        errors = field_errors(lambda: document_create(actor=demo.xa, unit=demo.commune, symbol="0911-KL/ĐU",
                                                      issued_on=ISSUED, title="B"))
        assert "đã có" in errors["symbol"][0]
        assert Document.objects.count() == before

    def test_implements_only_from_above(self, plans, demo):
        errors = field_errors(lambda: document_create(
            actor=demo.xa, unit=demo.commune, symbol=next_symbol(demo.commune), issued_on=ISSUED, title="X",
            implements=[plans.commune2_doc]))
        assert "implements" in errors  # across: a sibling commune's resolution
        errors = field_errors(lambda: document_create(
            actor=demo.tinh, unit=demo.province, symbol=next_symbol(demo.province, issuer="TU"), issued_on=ISSUED,
            title="X", implements=[plans.commune_doc]))
        assert "implements" in errors  # downward

    def test_subordinates_cannot_touch_ancestors_documents(self, plans, demo):
        with pytest.raises(PermissionDenied):
            document_create(actor=demo.xa, unit=demo.province, symbol="990-NQ/TU", issued_on=ISSUED, title="X")
        with pytest.raises(PermissionDenied):
            document_update(actor=demo.xa, document=plans.province_doc, title="Sửa của cấp trên")
        with pytest.raises(PermissionDenied):
            document_update(actor=demo.xa2, document=plans.commune_doc, title="Sửa của xã bạn")
        with pytest.raises(PermissionDenied):
            document_update(actor=demo.chibo, document=plans.commune_doc, title="Sửa của cấp trên")
        plans.province_doc.refresh_from_db()
        assert plans.province_doc.title == "Nghị quyết Đại hội thử nghiệm tỉnh"


class TestDocumentUpdate:
    def test_update_reparses_and_audits(self, plans, demo):
        document = document_update(actor=demo.xa, document=plans.commune_doc, symbol="0950-nq/đu",
                                   title="Tên mới", implements=[])
        assert document.symbol == "950-NQ/ĐU"
        assert list(document.implements.all()) == []
        event = events_for(document)[-1]
        assert event.action == AuditAction.UPDATE
        assert event.changes["symbol"][1] == "950-NQ/ĐU"
        assert event.changes["implements"] == [[plans.province_doc.symbol], []]

    def test_bad_update_saves_nothing(self, plans, demo):
        before = Document.objects.values().get(pk=plans.commune_doc.pk)
        for values in ({"symbol": "rác"}, {"title": ""}, {"issued_on": dt.date(2099, 1, 1)},
                       {"term": term_for(demo.commune2)}):
            with pytest.raises(ValidationError):
                document_update(actor=demo.xa, document=plans.commune_doc, **values)
        with pytest.raises(ValidationError):
            document_update(actor=demo.xa, document=plans.commune_doc, implements=[plans.commune_doc])
        assert Document.objects.values().get(pk=plans.commune_doc.pk) == before
        assert list(plans.commune_doc.implements.all()) == [plans.province_doc]

    def test_unknown_field_is_a_programming_error(self, plans, demo):
        with pytest.raises(TypeError):
            document_update(actor=demo.xa, document=plans.commune_doc, unit=demo.province)


class TestItems:
    def test_items(self, plans, demo):
        item = item_create(actor=demo.xa, document=plans.commune_doc, kind=ItemKind.BREAKTHROUGH, number="1",
                           title="Chuyển đổi số")
        assert events_for(item)[0].action == AuditAction.CREATE
        assert "number" in field_errors(lambda: item_create(actor=demo.xa, document=plans.commune_doc,
                                                            kind=ItemKind.BREAKTHROUGH, number="1", title="Khác"))
        assert "kind" in field_errors(lambda: item_create(actor=demo.xa, document=plans.commune_doc, kind="x",
                                                          number="2", title="Khác"))
        assert "number" in field_errors(lambda: item_create(actor=demo.xa, document=plans.commune_doc,
                                                            kind=ItemKind.OBJECTIVE, number="12345678901",
                                                            title="Khác"))
        with pytest.raises(PermissionDenied):
            item_create(actor=demo.xa, document=plans.province_doc, kind=ItemKind.OBJECTIVE, number="9", title="X")
        item = item_update(actor=demo.xa, item=item, title="Chuyển đổi số toàn diện")
        assert events_for(item)[-1].changes["title"] == ["Chuyển đổi số", "Chuyển đổi số toàn diện"]
        assert ResolutionItem.objects.filter(document=plans.commune_doc).count() == 1
