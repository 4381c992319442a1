"""Small helpers of the briefing templates."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def first(items, n) -> list:
    """The first ``n`` items (``n`` from the settings, so not a literal slice)."""
    return list(items)[: int(n)]


@register.filter
def more(items, n) -> int:
    """How many items are left out after the first ``n``."""
    return max(0, len(items) - int(n))


@register.filter
def task_when(line) -> str:
    """"quá hạn 12 ngày" / "còn 3 ngày" / "đến hạn hôm nay" for a TaskLine."""
    if line.overdue:
        return ngettext("quá hạn %(n)s ngày", "quá hạn %(n)s ngày", line.days) % {"n": line.days}
    if line.days == 0:
        return _("đến hạn hôm nay")
    return ngettext("còn %(n)s ngày", "còn %(n)s ngày", line.days) % {"n": line.days}


@register.filter
def vn_date_long(day: dt.date) -> str:
    """"ngày 25 tháng 11 năm 2026", "ngày 05 tháng 02 năm 2026", "ngày 15 tháng 7 năm 2026" (the place-and-date
    line of a Party document, padded by ``documents.letterhead.day_month``)."""
    from nghiquyet.documents.letterhead import day_month

    d, m = day_month(day)
    return _("ngày %(d)s tháng %(m)s năm %(y)s") % {"d": d, "m": m, "y": day.year}
