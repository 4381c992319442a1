"""Short descriptions of the sources a document is made from (``registry.DESCRIBERS``), read through the owning
app's selectors so the user's scope applies. Cheap: a row or two, never the document itself."""

from __future__ import annotations

from django.utils.translation import gettext as _


def review_report_describe(source_id: int, *, user) -> str:
    """"Báo cáo sơ kết giữa nhiệm kỳ … – Đảng bộ xã Đông Sơn – Số 01-BC/ĐU" (the number once issued)."""
    from nghiquyet.reviews.selectors import default_subject, report_get

    report = report_get(user, source_id)
    subject = (report.subject or default_subject(report.campaign) or "").strip()
    subject = subject[:1].lower() + subject[1:]
    parts = [_("Báo cáo %(subject)s") % {"subject": subject} if subject else _("Báo cáo"), report.unit.name]
    issued = getattr(report, "issued", None)
    if issued is not None:
        parts.append(_("Số %(symbol)s") % {"symbol": issued.symbol})
    return " – ".join(parts)
