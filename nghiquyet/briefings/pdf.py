"""The briefing as a one-page A4 PDF (WeasyPrint), in the Party's document style: Times New Roman (Liberation
Serif, metric-compatible, from fonts-liberation2, where Times is missing), the header block of Hướng dẫn
36-HD/VPTW, then the figures and each section's first rows ("và N mục khác" for the rest).

One page whatever the data: each section shows at most ``PDF_ROWS`` rows (setting); should the page still
overflow (long names), the rows are cut one by one until it fits.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from nghiquyet.briefings.selectors import Briefing, conf


def render_html(briefing: Briefing, *, label: str, url: str, rows: int) -> str:
    return render_to_string("briefings/briefing_pdf.html", {
        "b": briefing, "unit": briefing.unit, "label": label, "url": url, "rows": rows,
        "printed_on": timezone.localdate(),
    })


def render_pdf(briefing: Briefing, *, label: str, url: str) -> bytes:
    from weasyprint import HTML

    rows = conf()["PDF_ROWS"]
    while True:
        document = HTML(string=render_html(briefing, label=label, url=url, rows=rows)).render()
        if len(document.pages) <= 1 or rows <= 1:
            return document.write_pdf()
        rows -= 1
