"""A review report as a Party document (``documents.layout.PartyDocument``) and its tables (XLSX).

The body follows the usual outline of a sơ kết / tổng kết report:

    (opening paragraph)
    I. Kết quả đạt được: 1. the targets table, 2. the action program's tasks, 3. study, 4. inspection and
       supervision, 5. data quality, 6. results by domain (narrative); a consolidating unit adds the situation of
       its subordinates' reports (counts, details in annex 1)
    II. Hạn chế, yếu kém và nguyên nhân: 1. limitations, 2. causes (a. subjective, b. objective)
    III. Bài học kinh nghiệm
    IV. Nhiệm vụ, giải pháp thời gian tới
    V. Đề xuất, kiến nghị
    (signature, recipients)
    (a consolidating unit, as ``annexes`` after the signature) Phụ lục 1: the subordinates' reports by state;
    Phụ lục 2: their proposals, each under its unit's name, in tree order.

``blocks`` and ``annexes`` are generators: the annexes are read in chunks while the renderer writes, so a
consolidation of 1,000 reports never holds all their texts at once. The letterhead carries the report's number
once issued (a draft shows the blank number "Số     -BC/ĐU" and an undated place line).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from django.utils.translation import gettext as _

from nghiquyet.core.numbers import format_vn_decimal
from nghiquyet.core.text import fold
from nghiquyet.documents.layout import Block, Heading, Paragraph, PartyDocument, Table
from nghiquyet.notifications.reminders import date_vn
from nghiquyet.org.models import Unit
from nghiquyet.reporting.evaluation import TargetStatus
from nghiquyet.reviews import selectors
from nghiquyet.reviews.figures import Consolidation, ReportFigures, consolidation, has_subordinates
from nghiquyet.reviews.models import ReviewReport, SectionKey
from nghiquyet.reviews.narrative import paragraphs

TYPE_LABEL = "BÁO CÁO"
TYPE_CODE = "BC"


def _lower_first(text: str) -> str:
    """"Quý III/2026" → "quý III/2026" (only the first letter: Roman numerals and names keep their capitals)."""
    return text[:1].lower() + text[1:] if text else text


def _n(value: int | Decimal | None) -> str:
    """A count or amount in the Vietnamese format ("10.485")."""
    return format_vn_decimal(value or 0)


def _percent(value: Decimal | int) -> str:
    """"86,4 %" (one decimal, trailing zero dropped: "100 %"; a no-break space, so "%" never starts a line)."""
    return f"{format_vn_decimal(Decimal(value).quantize(Decimal('0.1')).normalize())}\u00a0%"


def _pct(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"))


def _issuer(unit: Unit) -> str:
    from nghiquyet.documents.letterhead import issuer_name_of

    return issuer_name_of(unit) or unit.name


# ---------------------------------------------------------------- tables

A4_WIDTH_MM = 210
#: Column widths in millimetres at the table size (12 pt), measured on Times New Roman / Liberation Serif with the
#: cell padding: wide enough that a date (dd/mm/yyyy), a symbol ("100-BC/ĐU"), a number up to "14.500" or
#: "1.234,5" and the longest header word ("nhiệm") never break inside; None: the rest of the line (the text column).
TT_MM = 11           # "TT" and row numbers up to 1000
DATE_MM = 23
SYMBOL_MM = 25
NUMBER_MM = 14.5
MIN_TEXT_MM = 25


def _widths(columns: list[float | None]) -> list[float]:
    """Widths (mm) for the text width of the page (A4 less ``MARGINS_MM``), the ``None`` columns sharing the rest."""
    from django.conf import settings

    margins = settings.NGHIQUYET["DOCUMENTS"]["MARGINS_MM"]
    line = A4_WIDTH_MM - margins["left"] - margins["right"]
    fixed = sum(w for w in columns if w is not None)
    free = [w for w in columns if w is None]
    share = max(MIN_TEXT_MM, (line - fixed) / len(free)) if free else 0
    return [round(share if w is None else w, 1) for w in columns]


def targets_table(figures: ReportFigures, *, consolidated: bool = False) -> Table:
    year = figures.on.year
    columns = [_("TT"), _("Chỉ tiêu"), _("Đơn vị tính"), _("Năm gốc"), _("Kế hoạch năm %(y)s") % {"y": year},
               _("Thực hiện"), _("% kế hoạch năm"), _("Mục tiêu nhiệm kỳ"), _("% mục tiêu nhiệm kỳ"),
               _("Đánh giá")]
    widths: list[float | None] = [8, None, 12.5, NUMBER_MM, NUMBER_MM, NUMBER_MM, 14, NUMBER_MM, NUMBER_MM, 13.5]
    if consolidated:
        columns.append(_("Số đơn vị báo cáo"))
        widths.append(10)
    rows = []
    for t in figures.targets:
        name = f"{t.name} (*)" if t.adjusted else t.name
        row = [t.number, name, t.measure, t.baseline, t.milestone, t.actual, _pct(t.pct_of_plan), t.term_target,
               _pct(t.pct_of_term), t.status_label or (_("Chưa có số liệu") if t.actual is None
                                                          else _("Chưa có kế hoạch năm"))]
        if consolidated:
            row.append(t.contributors)
        rows.append(row)
    notes = [f"{t.number}: {t.adjustment}" for t in figures.targets if t.adjusted and t.adjustment]
    note = _("(*) Chỉ tiêu đã điều chỉnh: %(list)s.") % {"list": "; ".join(notes)} if notes else ""
    title = _("Bảng 1. Kết quả thực hiện các chỉ tiêu")
    if figures.period_label:
        title += _(" (số liệu %(period)s)") % {"period": figures.period_label}
    numeric = [False, False, False] + [True] * 6 + [False] + ([True] if consolidated else [])
    return Table(title=title, columns=columns, rows=rows, numeric=numeric, widths=_widths(widths), note=note)


def tasks_table(figures: ReportFigures) -> Table:
    t = figures.tasks
    return Table(title=_("Bảng 2. Thực hiện nhiệm vụ của chương trình hành động (đến %(d)s)") % {
        "d": date_vn(t.on)},
        columns=[_("Tổng số nhiệm vụ"), _("Đã hoàn thành"), _("Trong đó đúng hạn"), _("Đang thực hiện"),
                 _("Chưa thực hiện"), _("Quá hạn")],
        rows=[[t.total, t.done, t.done_on_time, t.in_progress, t.not_started, t.overdue]], numeric=[True] * 6,
        widths=_widths([None] * 6))


def inspections_table(figures: ReportFigures) -> Table:
    i = figures.inspections
    rows = [[str(y.year), y.planned, y.planned_done, y.inspections, y.supervisions, y.concluded, y.unplanned]
            for y in i.years]
    return Table(title=_("Bảng 3. Công tác kiểm tra, giám sát"),
                 columns=[_("Năm"), _("Cuộc theo chương trình"), _("Đã kết luận theo chương trình"),
                          _("Cuộc kiểm tra, giám sát đã tiến hành"), _("Trong đó giám sát"), _("Đã kết luận"),
                          _("Đột xuất (ngoài chương trình)")],
                 rows=rows, numeric=[False] + [True] * 6, widths=_widths([15] + [None] * 6),
                 note=_("Kiến nghị sau kiểm tra, giám sát: %(n)s, đã hoàn thành %(closed)s (đúng hạn %(on_time)s), "
                        "chưa hoàn thành %(open)s, quá hạn %(overdue)s.") % {
                     "n": _n(i.recommendations), "closed": _n(i.closed), "on_time": _n(i.closed_on_time),
                     "open": _n(i.open), "overdue": _n(i.overdue)})


def flags_table(figures: ReportFigures) -> Table:
    f = figures.flags
    note = ""
    if f.total > len(f.rows):
        note = _("Liệt kê %(shown)s trong %(total)s cảnh báo.") % {"shown": _n(len(f.rows)), "total": _n(f.total)}
    return Table(title=_("Bảng 4. Cảnh báo chất lượng số liệu chưa được giải trình"),
                 columns=[_("TT"), _("Đơn vị"), _("Chỉ tiêu"), _("Kỳ"), _("Cảnh báo")],
                 rows=[[n, r.unit, r.target, r.period, f"{r.kind}: {r.message}"]
                       for n, r in enumerate(f.rows, start=1)],
                 widths=_widths([TT_MM, 30, 45, 22, None]), note=note)


def status_table(cons: Consolidation) -> Table:
    rows = []
    for n, row in enumerate(cons.status_rows(), start=1):
        rows.append([n, row.unit_name, date_vn(row.due), row.state_label,
                     date_vn(row.submitted_on), row.symbol])
    return Table(title=_("Tình hình gửi báo cáo của các đơn vị"),
                 columns=[_("TT"), _("Đơn vị"), _("Hạn gửi"), _("Tình trạng"), _("Ngày gửi"), _("Số báo cáo")],
                 rows=rows, widths=_widths([TT_MM, None, DATE_MM, 37, DATE_MM, SYMBOL_MM]))


def report_tables(report: ReviewReport, *, user, figures: ReportFigures | None = None) -> list[Table]:
    """The report's tables for XLSX: targets, tasks, inspections, data-quality flags and, for a consolidating
    unit, the subordinates' reports by state (``figures``: when the caller has them already)."""
    figures = figures or selectors.report_figures(report, user=user)
    consolidating = has_subordinates(report)
    tables = [targets_table(figures, consolidated=consolidating), tasks_table(figures), inspections_table(figures),
              flags_table(figures)]
    if consolidating:
        tables.append(status_table(consolidation(report, user=user, figures=figures)))
    return tables


# ---------------------------------------------------------------- the body


def _section(text: str) -> Iterator[Block]:
    parts = paragraphs(text)
    if not parts:
        yield Paragraph(_("(Chưa soạn nội dung phần này.)"), italic=True)
        return
    for part in parts:
        yield Paragraph(part)


def _targets_summary(figures: ReportFigures) -> str:
    counts: dict[str, int] = {}
    for t in figures.targets:
        counts[t.status or ""] = counts.get(t.status or "", 0) + 1
    if not figures.targets:
        return _("Chưa có chỉ tiêu nào của nghị quyết được giao cho đơn vị.")
    labels = {t.status: t.status_label for t in figures.targets if t.status}
    parts = [f"{_lower_first(labels[s])} {_n(counts[s])}" for s in TargetStatus.values if counts.get(s)]
    if counts.get(""):
        parts.append(_("chưa có số liệu %(n)s") % {"n": _n(counts[""])})
    text = _("Theo dõi %(n)s chỉ tiêu") % {"n": _n(len(figures.targets))}
    if figures.period_label:
        text += _(", số liệu đến hết %(period)s") % {"period": figures.period_label}
    return f"{text}: {', '.join(parts)}."


def _study_text(figures: ReportFigures) -> str:
    s = figures.study
    if not s.available or not s.members:
        return _("Chưa có số liệu học tập, quán triệt nghị quyết.")
    return _("Đã có %(studied)s/%(members)s đảng viên học tập, quán triệt Nghị quyết số %(resolution)s "
             "(%(pct)s); %(held)s/%(expected)s đơn vị tổ chức hội nghị học tập (đúng hạn %(on_time)s, muộn "
             "%(late)s, chưa tổ chức %(missing)s); bài thu hoạch: đã nhận %(received)s/%(wexpected)s, quá hạn "
             "%(overdue)s.") % {
        "studied": _n(s.studied), "members": _n(s.members), "resolution": s.resolution,
        "pct": _percent(s.percent or 0), "held": _n(s.sessions_on_time + s.sessions_late),
        "expected": _n(s.sessions_expected), "on_time": _n(s.sessions_on_time), "late": _n(s.sessions_late),
        "missing": _n(s.sessions_missing), "received": _n(s.writeups_received), "wexpected": _n(s.writeups_expected),
        "overdue": _n(s.writeups_overdue)}


def _tasks_text(figures: ReportFigures) -> str:
    t = figures.tasks
    if not t.programs:
        return _("Đơn vị chưa có chương trình hành động thực hiện nghị quyết trong hệ thống.")
    return _("Chương trình, kế hoạch: %(programs)s. Tổng số %(total)s nhiệm vụ: hoàn thành %(done)s (đúng hạn "
             "%(on_time)s), đang thực hiện %(in_progress)s, chưa thực hiện %(not_started)s, quá hạn %(overdue)s.") % {
        "programs": "; ".join(t.programs), "total": _n(t.total), "done": _n(t.done), "on_time": _n(t.done_on_time),
        "in_progress": _n(t.in_progress), "not_started": _n(t.not_started), "overdue": _n(t.overdue)}


def _opening(report: ReviewReport) -> str:
    campaign = report.campaign
    if report.unit_id == campaign.unit_id:
        return _("Về %(title)s, trên cơ sở số liệu theo dõi và báo cáo của các đơn vị trực thuộc, %(issuer)s báo "
                 "cáo kết quả như sau:") % {"title": _lower_first(campaign.title), "issuer": _issuer(report.unit)}
    return _("Thực hiện chỉ đạo của %(opener)s về %(title)s, %(issuer)s báo cáo kết quả như sau:") % {
        "title": _lower_first(campaign.title), "opener": _issuer(campaign.unit), "issuer": _issuer(report.unit)}


def _blocks(report: ReviewReport, figures: ReportFigures, cons: Consolidation | None,
            sections: dict[str, str]) -> Iterator[Block]:
    yield Paragraph(_opening(report))
    yield Heading(_("I. Kết quả đạt được"), level=1)
    yield Heading(_("1. Kết quả thực hiện các chỉ tiêu"), level=2)
    yield Paragraph(_targets_summary(figures))
    if figures.targets:
        yield targets_table(figures, consolidated=cons is not None)
    yield Heading(_("2. Thực hiện chương trình hành động"), level=2)
    yield Paragraph(_tasks_text(figures))
    if figures.tasks.programs:
        yield tasks_table(figures)
    yield Heading(_("3. Học tập, quán triệt nghị quyết"), level=2)
    yield Paragraph(_study_text(figures))
    yield Heading(_("4. Công tác kiểm tra, giám sát"), level=2)
    yield inspections_table(figures)
    yield Heading(_("5. Chất lượng số liệu"), level=2)
    if figures.flags.total:
        yield Paragraph(_("Còn %(n)s cảnh báo chất lượng số liệu chưa được giải trình.") % {
            "n": _n(figures.flags.total)})
        yield flags_table(figures)
    else:
        yield Paragraph(_("Không còn cảnh báo chất lượng số liệu nào chưa được giải trình."))
    number = 6
    if cons is not None:
        yield Heading(_("%(n)s. Tình hình báo cáo của các đơn vị") % {"n": number}, level=2)
        parts = ", ".join(f"{_lower_first(label)} {_n(count)}" for _state, label, count in cons.count_rows())
        yield Paragraph(_("Có %(n)s đơn vị phải gửi báo cáo: %(parts)s (chi tiết tại Phụ lục 1).") % {
            "n": _n(cons.expected), "parts": parts or _("chưa có báo cáo")})
        number += 1
    yield Heading(_("%(n)s. Kết quả trên các lĩnh vực") % {"n": number}, level=2)
    yield from _section(sections[SectionKey.RESULTS])
    yield Heading(_("II. Hạn chế, yếu kém và nguyên nhân"), level=1)
    yield Heading(_("1. Hạn chế, yếu kém"), level=2)
    yield from _section(sections[SectionKey.LIMITATIONS])
    yield Heading(_("2. Nguyên nhân"), level=2)
    yield Heading(_("a) Nguyên nhân chủ quan"), level=3)
    yield from _section(sections[SectionKey.CAUSES_SUBJECTIVE])
    yield Heading(_("b) Nguyên nhân khách quan"), level=3)
    yield from _section(sections[SectionKey.CAUSES_OBJECTIVE])
    yield Heading(_("III. Bài học kinh nghiệm"), level=1)
    yield from _section(sections[SectionKey.LESSONS])
    yield Heading(_("IV. Nhiệm vụ, giải pháp thời gian tới"), level=1)
    yield from _section(sections[SectionKey.SOLUTIONS])
    yield Heading(_("V. Đề xuất, kiến nghị"), level=1)
    yield from _section(sections[SectionKey.PROPOSALS])


def _annexes(cons: Consolidation | None) -> Iterator[Block]:
    """After the signature block: the subordinates' reports by state and their proposals (read in chunks)."""
    if cons is not None:
        yield Heading(_("Phụ lục 1: Tình hình gửi báo cáo của các đơn vị"), level=1)
        yield status_table(cons)
        yield Heading(_("Phụ lục 2: Đề xuất, kiến nghị của các đơn vị"), level=1)
        any_proposal = False
        for n, proposal in enumerate(cons.proposals(), start=1):
            any_proposal = True
            yield Heading(f"{n}. {proposal.unit_name}", level=2)
            for part in paragraphs(proposal.text):
                yield Paragraph(part)
        if not any_proposal:
            yield Paragraph(_("Chưa có đề xuất, kiến nghị trong các báo cáo đã gửi."), italic=True)


def _file_stem(report: ReviewReport) -> str:
    """ASCII file name that tells reports apart in a downloads folder: kind, place, number or "du-thao", e.g.
    "bao-cao-so-ket-giua-nhiem-ky-dong-son-01-bc-du" (every commune's first report is 01-BC/ĐU)."""
    from nghiquyet.documents.letterhead import place_of

    number = report.issued.symbol if report.issued_id else "du-thao"
    parts = [report.campaign.get_kind_display(), place_of(report.unit) or report.unit.name, number]
    text = re.sub(r"[^a-z0-9]+", "-", fold(" ".join(parts)))
    return f"bao-cao-{text.strip('-')}"[:120].strip("-")


def report_recipients(report: ReviewReport) -> list[str]:
    from nghiquyet.documents.letterhead import default_recipients

    lines = [line.strip() for line in (report.recipients or "").split("\n") if line.strip()]
    return lines or default_recipients(report.unit)


def report_document(report: ReviewReport, *, user, figures: ReportFigures | None = None) -> PartyDocument:
    """The report as a Party document (see the module's docstring; ``figures``: when the caller has them)."""
    from nghiquyet.documents.letterhead import issuer_code_of, letterhead_for, signature_for, symbol_text

    unit = report.unit
    issued = report.issued if report.issued_id else None
    symbol = symbol_text(issued.number if issued else None, TYPE_CODE, issued.issuer_code if issued
                         else issuer_code_of(unit))
    figures = figures or selectors.report_figures(report, user=user)
    cons = consolidation(report, user=user, figures=figures) if has_subordinates(report) else None
    sections = selectors.report_sections(report)
    block_count = 40
    if cons is not None:
        block_count += 2 + 2 * (cons.counts.get(selectors.State.ACCEPTED, 0) + cons.counts.get(
            selectors.State.ON_TIME, 0) + cons.counts.get(selectors.State.LATE, 0))
    return PartyDocument(
        letterhead=letterhead_for(unit, symbol=symbol, date=issued.issued_on if issued else None),
        type_label=TYPE_LABEL, subject=report.subject or selectors.default_subject(report.campaign),
        blocks=_blocks(report, figures, cons, sections), annexes=_annexes(cons), signature=signature_for(unit),
        recipients=report_recipients(report), block_count=block_count, file_stem=_file_stem(report))


def build(source_id: int, *, user):
    """The registry's builder (``documents.registry.BUILDERS["review_report"]``)."""
    from nghiquyet.documents.registry import Built

    report = selectors.reports_visible(user).filter(pk=source_id).first()
    if report is None:
        return Built(document=None, tables=[], permitted=False)
    figures = selectors.report_figures(report, user=user)
    return Built(document=report_document(report, user=user, figures=figures),
                 tables=report_tables(report, user=user, figures=figures), permitted=True)
