"""The document list search ignores diacritics and case, whatever the title (property test)."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nghiquyet.core.text import fold
from nghiquyet.resolutions.selectors import documents_list
from nghiquyet.resolutions.services import document_create

VIETNAMESE_WORDS = ["Đảng", "bộ", "xã", "Đông", "Sơn", "nghị", "quyết", "phát", "triển", "kinh", "tế", "nông",
                    "thôn", "mới", "chuyển", "đổi", "số", "quốc", "phòng", "an", "ninh", "Hòa", "Lạc", "thủy",
                    "lợi", "giảm", "nghèo", "bền", "vững", "học", "tập", "quán", "triệt"]
_numbers = itertools.count(300)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(VIETNAMESE_WORDS), min_size=1, max_size=6),
       pick=st.integers(min_value=0, max_value=5), upper=st.booleans())
def test_any_title_is_found_by_its_words_typed_without_diacritics(demo, words, pick, upper):
    title = " ".join(words)
    document = document_create(actor=None, unit=demo.commune, symbol=f"{next(_numbers)}-KL/ĐU",
                               issued_on=dt.date(2026, 1, 2), title=title)
    query = fold(words[pick % len(words)])
    query = query.upper() if upper else query
    found = documents_list(demo.xa, query=query)
    assert document in found
    # Typed with its diacritics, too.
    assert document in documents_list(demo.xa, query=words[pick % len(words)])
    # Never across: a sibling commune's user does not find it.
    assert document not in documents_list(demo.xa2, query=query)
