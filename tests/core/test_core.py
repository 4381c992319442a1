"""Core helpers: Vietnamese folding for search, the ``path__under`` lookup, pagination, language middleware."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from nghiquyet.core.fields import path_ids
from nghiquyet.core.pagination import paginate
from nghiquyet.core.text import fold, search_terms
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.org.services import unit_create

VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
VIETNAMESE_TEXT = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " \t\n0123456789-.,", max_size=60)


# ------------------------------------------------------------------ fold and search terms


@pytest.mark.parametrize("text,expected", [
    ("Đảng bộ xã Đông Sơn", "dang bo xa dong son"),
    ("  ĐÔNG   SƠN ", "dong son"),
    ("Nguyễn Thị Hường", "nguyen thi huong"),
    ("Ủy ban Mặt trận Tổ quốc", "uy ban mat tran to quoc"),
    ("Quyết định 321-QĐ/TW", "quyet dinh 321-qd/tw"),
    ("", ""),
])
def test_fold_examples(text, expected):
    assert fold(text) == expected


def test_fold_handles_decomposed_input():
    assert fold(unicodedata.normalize("NFD", "Đông Sơn")) == "dong son"


@given(VIETNAMESE_TEXT)
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(VIETNAMESE_TEXT)
def test_fold_strips_every_vietnamese_diacritic(text):
    folded = fold(text)
    assert folded.isascii()
    assert "đ" not in folded and "Đ" not in folded
    assert folded == folded.lower() and folded == folded.strip() and "  " not in folded


@given(VIETNAMESE_TEXT)
def test_fold_keeps_word_count_and_length_of_letters(text):
    assert len(fold(text).split()) == len(text.split())
    assert len(fold(text).replace(" ", "")) == len("".join(text.split()))


@given(st.text(alphabet="dđĐD", max_size=20))
def test_d_and_dd_fold_to_d(text):
    assert fold(text) == "d" * len(text)


@given(VIETNAMESE_TEXT)
def test_search_terms_are_folded_words(text):
    terms = search_terms(text)
    assert len(terms) <= 8
    assert all(term and " " not in term and fold(term) == term for term in terms)
    assert terms == fold(text).split()[:8]


def test_search_terms_caps_at_eight():
    assert len(search_terms("a b c d e f g h i j")) == 8


# ------------------------------------------------------------------ path__under


def test_path_ids():
    assert path_ids("/1/17/342/") == [1, 17, 342]
    assert path_ids("/") == []


@pytest.mark.django_db
def test_path_under_lookup_is_prefix_by_segment():
    start = dt.date(2020, 1, 1)
    root = unit_create(actor=None, parent=None, kind=UnitKind.PROVINCE, code="P-ROOT", name="Gốc", valid_from=start)
    child = unit_create(actor=None, parent=root, kind=UnitKind.COMMUNE, code="P-C", name="Con", valid_from=start)
    grand = unit_create(actor=None, parent=child, kind=UnitKind.BRANCH, code="P-G", name="Cháu", valid_from=start)
    sibling = unit_create(actor=None, parent=root, kind=UnitKind.COMMUNE, code="P-S", name="Anh", valid_from=start)
    # Force two sibling paths where one is a string prefix of the other without the trailing slash.
    Unit.objects.filter(pk=child.pk).update(path=f"{root.path}1/")
    Unit.objects.filter(pk=grand.pk).update(path=f"{root.path}1/5/")
    Unit.objects.filter(pk=sibling.pk).update(path=f"{root.path}10/")
    under_child = set(Unit.objects.filter(path__under=f"{root.path}1/").values_list("pk", flat=True))
    assert under_child == {child.pk, grand.pk}
    under_root = set(Unit.objects.filter(path__under=root.path).values_list("pk", flat=True))
    assert under_root == {root.pk, child.pk, grand.pk, sibling.pk}
    assert not Unit.objects.filter(path__under="/999999999/").exists()
    with pytest.raises(ValueError):
        list(Unit.objects.filter(path__under="1/"))


@pytest.mark.django_db
def test_path_under_escapes_like_wildcards():
    start = dt.date(2020, 1, 1)
    root = unit_create(actor=None, parent=None, kind=UnitKind.PROVINCE, code="P-W", name="W", valid_from=start)
    Unit.objects.filter(pk=root.pk).update(path="/_%/")
    assert not Unit.objects.filter(path__under="/__/").exists()
    assert not Unit.objects.filter(path__under="/%/").exists()
    assert Unit.objects.filter(path__under="/_%/").count() == 1


@pytest.mark.django_db
def test_path_under_matches_parent_pointers(demo):
    """On the demo province, the subtree by path equals the subtree by walking parents."""
    parents = dict(Unit.objects.values_list("pk", "parent_id"))

    def under(pk, top):
        while pk is not None:
            if pk == top:
                return True
            pk = parents[pk]
        return False

    for top in (demo.province, demo.commune, demo.branch):
        expected = {pk for pk in parents if under(pk, top.pk)}
        assert set(Unit.objects.filter(path__under=top.path).values_list("pk", flat=True)) == expected


# ------------------------------------------------------------------ pagination


@pytest.mark.parametrize("raw,number", [("1", 1), ("2", 2), ("abc", 1), ("", 1), ("0", 4), ("-3", 4), ("999", 4)])
def test_paginate(raw, number):
    request = RequestFactory().get("/", {"page": raw})
    page = paginate(request, list(range(100)), per_page=25)
    assert page.number == number
    assert len(page.object_list) == 25


def test_paginate_default_page_size(settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "PAGE_SIZE": 7}
    page = paginate(RequestFactory().get("/"), list(range(20)))
    assert page.paginator.per_page == 7 and page.paginator.num_pages == 3


def test_paginate_empty():
    page = paginate(RequestFactory().get("/", {"page": "5"}), [])
    assert page.number == 1 and list(page.object_list) == []


# ------------------------------------------------------------------ language


@pytest.mark.django_db
def test_vietnamese_by_default_even_with_english_browser(client):
    response = client.get("/dang-nhap/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()
    assert '<html lang="vi"' in response.content.decode()


@pytest.mark.django_db
def test_switch_to_english_with_cookie(client):
    response = client.post("/ngon-ngu/", {"language": "en", "next": "/dang-nhap/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
    page = client.get("/dang-nhap/")
    assert page["Content-Language"] == "en"
    client.post("/ngon-ngu/", {"language": "vi", "next": "/dang-nhap/"})
    assert client.get("/dang-nhap/")["Content-Language"] == "vi"


@pytest.mark.django_db
def test_unknown_language_cookie_falls_back_to_vietnamese(client):
    client.cookies["django_language"] = "fr"
    assert client.get("/dang-nhap/")["Content-Language"] == "vi"


@pytest.mark.django_db
def test_404_page_is_vietnamese_html(client, demo):
    client.force_login(demo.xa)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
