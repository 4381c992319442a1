"""Reporting periods as plain values: bounds, labels, sequences, the previous and the same period last year.

Six and nine months run from 1 January ("6 tháng đầu năm", "9 tháng"); a second half ("6 tháng cuối năm")
runs from 1 July. ``period_get`` creates the ``Period`` row on first use.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

from django.utils.translation import gettext as _

from nghiquyet.reporting.models import Period, PeriodKind

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
NUMBERS = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.HALF: 2, PeriodKind.NINE_MONTHS: 1,
           PeriodKind.YEAR: 1}


class PeriodError(ValueError):
    pass


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_bounds(kind: str, year: int, number: int = 1) -> tuple[dt.date, dt.date]:
    if kind not in NUMBERS:
        raise PeriodError(_("Loại kỳ báo cáo không hợp lệ."))
    if not 1 <= number <= NUMBERS[kind] or not 1900 <= year <= 2999:
        raise PeriodError(_("Kỳ báo cáo không tồn tại."))
    if kind == PeriodKind.MONTH:
        return dt.date(year, number, 1), _month_end(year, number)
    if kind == PeriodKind.QUARTER:
        return dt.date(year, 3 * number - 2, 1), _month_end(year, 3 * number)
    if kind == PeriodKind.HALF:
        return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if number == 1 else (dt.date(year, 7, 1),
                                                                                 dt.date(year, 12, 31))
    if kind == PeriodKind.NINE_MONTHS:
        return dt.date(year, 1, 1), dt.date(year, 9, 30)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def period_label(kind: str, year: int, number: int = 1) -> str:
    if kind == PeriodKind.MONTH:
        return _("Tháng %(n)s/%(y)s") % {"n": number, "y": year}
    if kind == PeriodKind.QUARTER:
        return _("Quý %(n)s/%(y)s") % {"n": ROMAN[number], "y": year}
    if kind == PeriodKind.HALF:
        return (_("6 tháng đầu năm %(y)s") if number == 1 else _("6 tháng cuối năm %(y)s")) % {"y": year}
    if kind == PeriodKind.NINE_MONTHS:
        return _("9 tháng năm %(y)s") % {"y": year}
    return _("Năm %(y)s") % {"y": year}


def period_keys(kind: str, start: dt.date, end: dt.date) -> Iterator[tuple[int, int]]:
    """(year, number) of the periods of ``kind`` that end within [start, end], in order."""
    for year in range(start.year, end.year + 1):
        for number in range(1, NUMBERS[kind] + 1):
            _first, last = period_bounds(kind, year, number)
            if start <= last <= end:
                yield year, number


def period_get(kind: str, year: int, number: int = 1) -> Period:
    start, end = period_bounds(kind, year, number)
    period, _created = Period.objects.get_or_create(kind=kind, year=year, number=number,
                                                    defaults={"start": start, "end": end})
    return period


def periods_between(kind: str, start: dt.date, end: dt.date) -> list[Period]:
    return [period_get(kind, year, number) for year, number in period_keys(kind, start, end)]


def previous_key(kind: str, year: int, number: int) -> tuple[int, int]:
    if number > 1:
        return year, number - 1
    return year - 1, NUMBERS[kind]


def period_previous(period: Period) -> Period:
    year, number = previous_key(period.kind, period.year, period.number)
    return period_get(period.kind, year, number)


def period_same_last_year(period: Period) -> Period:
    return period_get(period.kind, period.year - 1, period.number)


def year_fraction(period: Period) -> float:
    """Share of the calendar year elapsed at the period's end (cumulative figures are compared pro rata)."""
    return period.end.month / 12
