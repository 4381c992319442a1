"""Reminder source for target adjustments waiting for a decision (``ReminderKind.ADJUSTMENT_PENDING``).

A proposal still pending ``ADJUSTMENTS["PENDING_REMIND_DAYS"]`` days after its date reminds those who may decide
it: the accounts holding ``Perm.ADJUSTMENT_DECIDE`` at the unit that owns the target (its committee), or, when
nobody there holds it, at the nearest ancestor where someone does. Again after each further such period (the
occasion ``wait-<n>`` is in the key, so each is delivered once). A target of a closed unit reminds nobody.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.selectors import permission_holders
from nghiquyet.core.fields import path_ids
from nghiquyet.core.numbers import format_vn_decimal
from nghiquyet.notifications.reminders import Reminder, ReminderKind
from nghiquyet.resolutions.models import AdjustmentStatus, TargetAdjustment


def remind_days() -> int:
    return int(settings.NGHIQUYET["ADJUSTMENTS"]["PENDING_REMIND_DAYS"])


def reminders_due(today: dt.date) -> Iterator[Reminder]:
    every = remind_days()
    waiting = list(TargetAdjustment.objects.filter(
        status=AdjustmentStatus.PENDING, proposed_on__lte=today - dt.timedelta(days=every),
        target__unit__valid_to__isnull=True,
    ).select_related("target__unit", "target__document", "unit").order_by("proposed_on", "id"))
    if not waiting:
        return
    chains = {a.pk: path_ids(a.target.unit.path) for a in waiting}
    deciders = permission_holders([Perm.ADJUSTMENT_DECIDE], {u for chain in chains.values() for u in chain})
    for adjustment in waiting:
        users: list[int] = []
        for unit_id in reversed(chains[adjustment.pk]):  # the owner first, then up
            users = deciders.get(unit_id, [])
            if users:
                break
        if not users:
            continue
        days = (today - adjustment.proposed_on).days
        occasion = days // every
        target = adjustment.target
        subject = _("Đề xuất điều chỉnh chỉ tiêu chờ quyết định %(days)s ngày: %(target)s") % {
            "days": days, "target": f"{target.number}. {target.name}"}
        body = "\n".join([
            _("Chỉ tiêu: %(target)s (%(symbol)s, %(unit)s)") % {
                "target": f"{target.number}. {target.name}", "symbol": target.document.symbol,
                "unit": target.unit.name},
            _("Đề xuất điều chỉnh %(what)s: từ %(old)s thành %(new)s %(measure)s") % {
                "what": adjustment.what, "old": format_vn_decimal(adjustment.old_value),
                "new": format_vn_decimal(adjustment.new_value), "measure": target.measure},
            _("Lý do: %(reason)s") % {"reason": adjustment.reason[:500]},
            _("Đề xuất ngày %(d)s, đã chờ %(days)s ngày.") % {"d": adjustment.proposed_on.strftime("%d/%m/%Y"),
                                                              "days": days},
            _("Đồng chí vui lòng cho ý kiến quyết định (phê duyệt hoặc không phê duyệt)."),
        ])
        url = reverse("adjustment_detail", args=[adjustment.pk])
        for user_id in sorted(users):
            yield Reminder(kind=ReminderKind.ADJUSTMENT_PENDING, key=f"adjustment:{adjustment.pk}:wait-{occasion}",
                           user_id=user_id, subject=subject[:300], body=body, url=url,
                           due_on=adjustment.proposed_on + dt.timedelta(days=every), unit_id=target.unit_id)
