"""Ids from outside (URL, query string, form, JSON): which can name a row, and fetching one or answering 404."""

from __future__ import annotations

import re

from django.db.models import QuerySet
from django.http import Http404

#: The largest id a database key can hold (signed 64-bit). Larger numbers cannot name anything.
MAX_ID = 2**63 - 1
_ID_RE = re.compile(r"[0-9]{1,19}")


def is_valid_id(value) -> bool:
    """An id a database can look up: ASCII digits only (no "²", no "١"), 1..2**63-1 (else SQLite overflows)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 1 <= value <= MAX_ID
    if not isinstance(value, str) or not _ID_RE.fullmatch(value):
        return False
    return 1 <= int(value) <= MAX_ID


def get_or_404(queryset: QuerySet, pk, message: str):
    """The row of ``queryset`` (already scoped by a selector) with this id, else ``Http404(message)``:
    malformed and out-of-range ids are unknown too, never a database error."""
    if not is_valid_id(pk):
        raise Http404(message)
    obj = queryset.filter(pk=int(pk)).first()
    if obj is None:
        raise Http404(message)
    return obj
