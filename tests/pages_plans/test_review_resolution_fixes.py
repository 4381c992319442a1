"""Review fixes on the resolution pages: huge or odd ids never reach the database, copy-down and
"create a program" follow ``is_from_above`` (Central Committee and adopted thematic resolutions)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.org.services import unit_create
from nghiquyet.resolutions.models import Alignment, Document, Target
from nghiquyet.resolutions.selectors import (
    copy_down_destinations,
    plan_units_changeable,
    plan_units_for_document,
)
from nghiquyet.resolutions.services import document_create, is_from_above, target_create

from .conftest import target_values

HUGE = str(2**63)
ODD_IDS = [HUGE, str(2**64), "9" * 400, "²", "١٢", "-1", "0", "1.5", " 1"]


def _html(response) -> str:
    return response.content.decode()


def _central() -> Unit:
    return Unit.objects.filter(kind=UnitKind.CENTRAL, valid_to__isnull=True).first() or unit_create(
        actor=None, parent=None, kind=UnitKind.CENTRAL, code="TW", name="Ban Chấp hành Trung ương Đảng",
        valid_from=dt.date(1930, 2, 3))


@pytest.fixture
def central_doc(db):
    doc = document_create(actor=None, unit=_central(), symbol="99-NQ/TW", issued_on=dt.date(2025, 12, 1),
                          title="Nghị quyết về đột phá phát triển khoa học, công nghệ và chuyển đổi số")
    target_create(actor=None, document=doc, **target_values("TW1", "Tỷ lệ dân số trưởng thành có chữ ký số"))
    return doc


@pytest.mark.parametrize("value", ODD_IDS)
def test_create_document_with_an_odd_implements_id_is_a_field_error(client, demo, plans, value):
    client.force_login(demo.xa)
    before = Document.objects.count()
    response = client.post("/nghi-quyet/them/", {
        "unit": demo.commune.pk, "symbol": "12-NQ/ĐU", "issued_on": "2025-12-01", "title": "Nghị quyết chuyên đề",
        "implements": [value],
    })
    assert response.status_code == 200
    assert "Lựa chọn không hợp lệ." in response.context["form"].errors["implements"]
    assert Document.objects.count() == before


@pytest.mark.parametrize("value", [HUGE, "²", "-5"])
def test_create_document_with_odd_unit_or_term_is_not_a_500(client, demo, plans, value):
    client.force_login(demo.xa)
    before = Document.objects.count()
    response = client.post("/nghi-quyet/them/", {
        "unit": value, "term": value, "symbol": "12-NQ/ĐU", "issued_on": "2025-12-01", "title": "Nghị quyết",
    })
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Lựa chọn không hợp lệ." in errors["unit"] and "Lựa chọn không hợp lệ." in errors["term"]
    assert Document.objects.count() == before
    assert client.get("/nghi-quyet/them/", {"don-vi": value}).status_code == 200
    assert client.get("/nghi-quyet/", {"nhiem-ky": value, "co-quan": value}).status_code == 200


def test_edit_document_with_a_huge_implements_id(client, demo, plans):
    client.force_login(demo.xa)
    response = client.post(f"/nghi-quyet/{plans.commune_doc.pk}/sua/", {
        "symbol": "95-NQ/ĐU", "issued_on": "2025-11-02", "title": "Sửa", "implements": [HUGE]})
    assert response.status_code == 200 and "implements" in response.context["form"].errors
    assert Document.objects.get(pk=plans.commune_doc.pk).title != "Sửa"


@pytest.mark.parametrize("value", [HUGE, "²", "0"])
def test_copy_down_with_odd_ids_is_a_field_error(client, demo, plans, value):
    client.force_login(demo.xa)
    url = f"/nghi-quyet/{plans.province_doc.pk}/sao-chep-chi-tieu/"
    before = Target.objects.count()
    response = client.post(url, {"destination": value, "sources": [value]})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Lựa chọn không hợp lệ." in errors["destination"] and "Lựa chọn không hợp lệ." in errors["sources"]
    assert Target.objects.count() == before


@pytest.mark.parametrize("destination", ["t²", "t" + "9" * 5000, "t" + HUGE, "i١٢", "t0", "x1", "t", "t-1",
                                         "t 1"])
def test_link_up_destination_must_be_t_or_i_with_ascii_digits(client, demo, plans, destination):
    client.force_login(demo.xa)
    before = Alignment.objects.count()
    response = client.post(f"/nghi-quyet/chi-tieu/{plans.commune_target.pk}/lien-ket/", {"destination": destination})
    assert response.status_code == 200
    assert "Chọn chỉ tiêu hoặc nội dung cần liên kết." in response.context["link_form"].errors["destination"]
    response = client.post(f"/nghi-quyet/{plans.commune_doc.pk}/lien-ket-noi-dung/",
                           {"item": HUGE, "destination": destination})
    assert response.status_code == 200
    errors = response.context["link_form"].errors
    assert "Chọn chỉ tiêu hoặc nội dung cần liên kết." in errors["destination"]
    assert "Lựa chọn không hợp lệ." in errors["item"]
    assert Alignment.objects.count() == before


def test_link_up_with_a_well_formed_destination_still_works(client, demo, plans):
    client.force_login(demo.xa)
    response = client.post(f"/nghi-quyet/chi-tieu/{plans.commune_target.pk}/lien-ket/",
                           {"destination": f"t{plans.province_target.pk}"})
    assert response.status_code == 302
    assert Alignment.objects.filter(from_target=plans.commune_target, to_target=plans.province_target).exists()


@pytest.mark.parametrize("path", ["/nghi-quyet/{}/", "/nghi-quyet/chi-tieu/{}/", "/nghi-quyet/{}/sao-chep-chi-tieu/"])
def test_huge_ids_in_urls_are_404(client, demo, plans, path):
    client.force_login(demo.xa)
    assert client.get(path.format(HUGE)).status_code == 404
    assert client.get(f"/nghi-quyet/bao-phu/{demo.commune.pk}/", {"van-ban": HUGE}).status_code == 404


def test_commune_copies_central_committee_targets_down(client, demo, plans, central_doc):
    """Regression: the web refused copy-down for the Central Committee although the API allowed it."""
    client.force_login(demo.xa)
    page = client.get(f"/nghi-quyet/{central_doc.pk}/")
    assert page.context["can_copy_down"] and page.context["can_add_program"]
    url = f"/nghi-quyet/{central_doc.pk}/sao-chep-chi-tieu/"
    assert client.get(url).status_code == 200
    source = central_doc.targets.get()
    response = client.post(url, {"destination": plans.commune_doc.pk, "sources": [source.pk]})
    assert response.status_code == 302
    copy = Target.objects.get(document=plans.commune_doc, copied_from=source)
    assert Alignment.objects.filter(from_target=copy, to_target=source).exists()


def test_plan_units_for_document_never_offers_the_issuer_or_its_ancestors(demo, plans, central_doc):
    assert set(plan_units_for_document(demo.xa, plans.province_doc)) == set(
        plan_units_changeable(demo.xa))  # the commune's subtree, all below the province
    assert not plan_units_for_document(demo.xa2, plans.commune_doc).exists()  # across: nothing
    assert not plan_units_for_document(demo.chibo, plans.commune_doc, include_own=False) \
        .filter(pk=demo.commune.pk).exists()
    assert not copy_down_destinations(demo.tinh, plans.commune_doc).filter(unit=demo.province).exists()


def test_plan_units_for_document_matches_is_from_above(demo, plans, central_doc):
    """For a superuser, the selector is exactly ``is_from_above`` (plus the issuer), for a document of
    an ancestor, of the Central Committee and of a thematic resolution adopted across the tree."""
    admin = get_user_model().objects.create_superuser("quan-tri-thu", password="x" * 12)
    thematic = document_create(actor=None, unit=demo.commune2, symbol="03-NQ/ĐU", issued_on=dt.date(2025, 6, 1),
                               title="Nghị quyết chuyên đề của xã bạn")
    plans.commune_doc.implements.add(thematic)  # adopted across the tree (as an import could record it)
    units = list(plan_units_changeable(admin))
    for document in (plans.province_doc, plans.commune_doc, central_doc, thematic):
        document = Document.objects.select_related("unit").get(pk=document.pk)
        expected = {u.pk for u in units if u.pk == document.unit_id or is_from_above(u, document.unit, document)}
        assert set(plan_units_for_document(admin, document).values_list("pk", flat=True)) == expected
        assert not plan_units_for_document(admin, document, include_own=False).filter(pk=document.unit_id).exists()
    adopters = set(plan_units_for_document(admin, thematic).values_list("pk", flat=True))
    assert demo.commune.pk in adopters and demo.branch.pk in adopters and demo.province.pk not in adopters
