"""Reminders for recommendations (kiến nghị) due: the reminder source of the oversight app.

Per ``nghiquyet/notifications/reminders.py``: for each recommendation still open (not reported done, not closed),
on the latest occasion reached (``occasion_for``: before and after the due date), one reminder to the owner
person's account when there is one, else to every user holding ``Perm.TASK_PROGRESS`` or
``Perm.INSPECTION_CHANGE`` by a role at the owner unit itself. Key: ``recommendation:<id>:<due date>:<occasion>``
(a due date moved by ``recommendation_extend`` starts the occasions again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.selectors import permission_holders
from nghiquyet.notifications.reminders import Reminder, ReminderKind, occasion_for, reminder_settings
from nghiquyet.oversight.models import Recommendation, RecommendationStatus


def reminders_due(today: dt.date) -> Iterator[Reminder]:
    before = max(reminder_settings()["BEFORE_DAYS"] or [0])
    recommendations = list(
        Recommendation.objects.filter(status=RecommendationStatus.OPEN, due_on__lte=today + dt.timedelta(days=before),
                                      owner_unit__valid_to__isnull=True)
        .select_related("inspection__unit", "owner_unit", "owner_person").order_by("due_on", "id"))
    due = [(r, occasion) for r in recommendations if (occasion := occasion_for(r.due_on, today)) is not None]
    if not due:
        return
    need_units = {r.owner_unit_id for r, _occasion in due if r.owner_person is None or r.owner_person.user_id is None}
    holders = permission_holders([Perm.TASK_PROGRESS, Perm.INSPECTION_CHANGE], need_units) if need_units else {}
    for recommendation, occasion in due:
        person = recommendation.owner_person
        has_account = person is not None and person.user_id is not None
        recipients = [person.user_id] if has_account else holders.get(recommendation.owner_unit_id, [])
        inspection = recommendation.inspection
        days = (recommendation.due_on - today).days
        if days > 0:
            when = _("còn %(n)d ngày đến hạn") % {"n": days}
        elif days == 0:
            when = _("đến hạn hôm nay")
        else:
            when = _("quá hạn %(n)d ngày") % {"n": -days}
        subject = _("Kiến nghị %(when)s: %(text)s") % {"when": when, "text": Truncator(recommendation.text).chars(80)}
        body = _(
            "Kiến nghị của %(unit)s sau cuộc “%(title)s”:\n%(text)s\n\nĐơn vị thực hiện: %(owner)s\n"
            "Thời hạn: %(due)s (%(when)s).\nVui lòng cập nhật kết quả thực hiện."
        ) % {"unit": inspection.unit.name, "title": inspection.title, "text": recommendation.text,
             "owner": recommendation.owner_name, "due": recommendation.due_on.strftime("%d/%m/%Y"), "when": when}
        url = reverse("oversight_inspection", args=[inspection.pk]) + f"#kien-nghi-{recommendation.pk}"
        key = f"recommendation:{recommendation.pk}:{recommendation.due_on.isoformat()}:{occasion}"
        for user_id in recipients:
            yield Reminder(kind=ReminderKind.RECOMMENDATION_DUE, key=key,
                           user_id=user_id, subject=subject, body=body, url=url, due_on=recommendation.due_on,
                           unit_id=recommendation.owner_unit_id)
