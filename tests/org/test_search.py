"""unit_search ignores diacritics and case, maps đ/Đ to d, and stays inside the user's scope."""

from __future__ import annotations

import unicodedata

import pytest
from django.contrib.auth import get_user_model

from nghiquyet.org.models import UnitKind
from nghiquyet.org.selectors import unit_search
from nghiquyet.org.services import unit_rename
from tests.org.helpers import DAY, DECISION, make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", [
    "dong son", "Dong Son", "DONG SON", "Đông Sơn", "đông sơn", "ĐÔNG SƠN", "  dong   son ", "son dong", "đong sơn",
    unicodedata.normalize("NFD", "Đông Sơn"),
])
def test_dong_son_finds_dong_son(demo, query):
    found = set(unit_search(demo.tinh, query=query).values_list("pk", flat=True))
    assert demo.commune.pk in found
    assert demo.commune.name == "Đảng bộ xã Đông Sơn"


def test_search_stays_in_scope_and_filters(demo):
    assert not unit_search(demo.xa2, query="dong son").filter(pk=demo.commune.pk).exists()
    mine = list(unit_search(demo.xa, query="chi bo", parent=demo.commune, include_closed=False))
    assert mine and all(u.parent_id == demo.commune.pk and u.valid_to is None for u in mine)
    assert not unit_search(demo.tinh, query="khong co don vi nao nhu the").exists()
    # Closed history (the old communes) is found unless excluded.
    closed = unit_search(demo.tinh, query="dong hoa").filter(valid_to__isnull=False)
    assert closed.exists()
    assert not unit_search(demo.tinh, query="dong hoa", include_closed=False).filter(valid_to__isnull=False).exists()


def test_d_with_stroke_inside_words_and_after_rename(tree):
    admin = tree.user  # office staff of the test tree: searches only there
    unit = make(tree.C1, UnitKind.BRANCH, "T.DD", "Chi bộ thôn Đồng Đội")
    for query in ("dong doi", "ĐỒNG ĐỘI", "đồng đội", "thon dong doi"):
        assert list(unit_search(admin, query=query)) == [unit], query
    assert "dong doi" in unit.search_text and "đ" not in unit.search_text.lower()
    unit_rename(actor=None, unit=unit, name="Chi bộ thôn Tân Lập", effective_date=DAY, decision_ref=DECISION)
    assert not unit_search(admin, query="dong doi").exists()
    assert list(unit_search(admin, query="tan lap")) == [unit]
    assert list(unit_search(admin, query="T.DD")) == [unit]  # the code is searchable too
    # A superuser searches everywhere.
    root = get_user_model().objects.create_superuser("quan-tri-thu", password="x" * 12)
    assert unit in unit_search(root, query="tan lap")
