"""Review services: campaigns (permissions, validation, audit) and the report lifecycle (open, save with pasted
HTML and version conflicts, late marking, numbering through submit, accept and return)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Max
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from nghiquyet.audit.models import AuditEvent
from nghiquyet.documents.models import IssuedDocument
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.reporting.models import SubmissionStatus
from nghiquyet.resolutions.models import Document
from nghiquyet.reviews import selectors, services
from nghiquyet.reviews.models import Campaign, ReviewReport, ReviewSection
from nghiquyet.reviews.narrative import clean_text, tidy
from tests.reviews.conftest import COMMUNE_DEADLINE, OWN_DEADLINE, make_campaign, province_resolution, write

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- campaigns


def next_symbol(unit, code: str) -> str:
    """The number the register gives next to ``unit``'s reports (the demo may have issued some already)."""
    last = IssuedDocument.objects.filter(unit=unit, type_code="BC").aggregate(n=Max("number"))["n"] or 0
    return f"{last + 1:02d}-BC/{code}"


def test_campaign_create_needs_schedule_permission_at_the_unit(demo, frozen):
    before = Campaign.objects.count()
    with pytest.raises(PermissionDenied):
        make_campaign(demo, actor=demo.xa)
    assert Campaign.objects.count() == before


def test_campaign_create_is_audited_and_lists_the_units_owing_a_report(demo, campaign):
    event = AuditEvent.objects.get(object_id=str(campaign.pk), content_type__model="campaign")
    assert event.action == "create" and event.actor == demo.tinh
    assert campaign.deadlines == {"commune": COMMUNE_DEADLINE.isoformat()}
    units = selectors.campaign_units(campaign)
    assert units[0] == demo.province
    communes = Unit.objects.filter(path__under=demo.province.path, kind=UnitKind.COMMUNE, valid_to__isnull=True)
    assert {u.pk for u in units[1:]} == set(communes.values_list("pk", flat=True))
    assert demo.commune in units and demo.branch not in units
    assert selectors.deadline_for(campaign, demo.commune) == COMMUNE_DEADLINE
    assert selectors.deadline_for(campaign, demo.province) == OWN_DEADLINE
    assert selectors.reviewer_unit(campaign, demo.commune) == demo.province
    assert selectors.reviewer_unit(campaign, demo.province) is None


@pytest.mark.parametrize(("overrides", "field"), [
    ({"period_end": dt.date(2025, 1, 1)}, "period_end"),
    ({"deadlines": {"nonsense": dt.date(2026, 12, 1)}}, "deadlines"),
    ({"deadlines": {"district": dt.date(2026, 12, 1)}}, "deadlines"),      # no current district below
    ({"deadlines": {"commune": dt.date(2027, 1, 10)}}, "deadlines"),       # after the province's own deadline
    ({"deadlines": {"commune": dt.date(2026, 12, 1), "branch": dt.date(2026, 12, 5)}}, "deadlines"),  # cascade
    ({"deadlines": {"commune": "31/12/2026"}}, "deadlines"),
    ({"kind": "weekly"}, "kind"),
    ({"title": "  "}, "title"),
    ({"conference_date": dt.date(2026, 12, 1)}, "conference_date"),       # before the own deadline
])
def test_campaign_create_refuses_bad_input_in_vietnamese(demo, frozen, overrides, field):
    before = Campaign.objects.count()
    with pytest.raises(ValidationError) as caught:
        make_campaign(demo, **overrides)
    assert field in caught.value.message_dict
    assert Campaign.objects.count() == before


def test_cascading_deadlines_are_accepted_and_branches_report_to_their_commune(demo, frozen):
    campaign = make_campaign(demo, deadlines={"commune": dt.date(2026, 12, 10), "branch": dt.date(2026, 12, 1)})
    assert selectors.reviewer_unit(campaign, demo.branch) == demo.commune
    assert selectors.deadline_for(campaign, demo.branch) == dt.date(2026, 12, 1)


def test_a_commune_cannot_review_a_sibling_communes_resolution(demo, frozen):
    sibling = Document.objects.filter(unit=demo.commune2, is_congress_resolution=True).first()
    assert sibling is not None
    with pytest.raises(ValidationError) as caught:
        make_campaign(demo, actor=demo.xa, unit=demo.commune, resolution=sibling,
                      deadlines={"branch": dt.date(2026, 12, 1)})
    assert "resolution" in caught.value.message_dict


def test_a_commune_may_review_the_provinces_resolution_with_its_branches(demo, frozen):
    campaign = make_campaign(demo, actor=demo.xa, unit=demo.commune, deadlines={"branch": dt.date(2026, 12, 1)})
    units = selectors.campaign_units(campaign)
    assert units[0] == demo.commune and demo.branch in units
    assert all(u.kind == UnitKind.BRANCH for u in units[1:])


def test_campaign_update_and_close_are_audited(demo, campaign):
    services.campaign_update(actor=demo.tinh, campaign=campaign, title="Sơ kết giữa nhiệm kỳ (sửa)")
    campaign.refresh_from_db()
    assert campaign.title == "Sơ kết giữa nhiệm kỳ (sửa)"
    with pytest.raises(ValidationError):
        services.campaign_update(actor=demo.tinh, campaign=campaign, unit=demo.commune)
    with pytest.raises(PermissionDenied):
        services.campaign_close(actor=demo.xa, campaign=campaign)
    services.campaign_close(actor=demo.tinh, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.is_closed
    assert AuditEvent.objects.filter(object_id=str(campaign.pk), content_type__model="campaign").count() == 3


# ---------------------------------------------------------------- reports


def test_open_needs_submit_permission_and_a_unit_owing_a_report(demo, campaign):
    with pytest.raises(PermissionDenied):
        services.review_report_open(actor=demo.xa2, campaign=campaign, unit=demo.commune)
    with pytest.raises(ValidationError) as caught:
        services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.branch)
    assert "unit" in caught.value.message_dict
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    assert report.status == SubmissionStatus.DRAFT
    assert report.subject.startswith("Sơ kết giữa nhiệm kỳ thực hiện Nghị quyết số 01-NQ/ĐH ngày 16/10/2025 của "
                                     "Đại hội đại biểu Đảng bộ tỉnh")
    assert services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune) == report


def test_save_cleans_pasted_html_and_scripts(demo, campaign):
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    services.review_report_save(actor=demo.xa, report=report, version=report.version, texts={
        "results": "<script>alert(1)</script><p>Kết quả <b>tốt</b></p>",
        "limitations": "<style>p{color:red}</style><ul><li>Một</li><li>Hai &amp; ba</li></ul>",
    })
    sections = selectors.report_sections(report)
    assert sections["results"] == "Kết quả tốt"
    assert "alert" not in sections["results"]
    assert sections["limitations"] == "- Một\n- Hai & ba"
    assert sections["lessons"] == ""


def test_save_refuses_a_stale_version_and_writes_nothing(demo, campaign):
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    loaded = report.version
    services.review_report_save(actor=demo.xa, report=report, version=loaded, texts={"results": "Bản thứ nhất"})
    with pytest.raises(services.ReviewConflict) as caught:
        services.review_report_save(actor=demo.xa, report=report, version=loaded, texts={"results": "Bản thứ hai"})
    assert caught.value.current.version == loaded + 1
    assert "người khác lưu" in caught.value.messages[0]
    assert selectors.report_sections(report)["results"] == "Bản thứ nhất"


def test_save_refuses_too_long_text_and_unknown_sections(demo, campaign, settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "REVIEWS": {**settings.NGHIQUYET["REVIEWS"],
                                                            "NARRATIVE_MAX_CHARS": 20}}
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    with pytest.raises(ValidationError) as caught:
        services.review_report_save(actor=demo.xa, report=report, version=None, texts={"results": "x" * 21})
    assert "vượt quá giới hạn" in caught.value.message_dict["results"][0]
    with pytest.raises(ValidationError):
        services.review_report_save(actor=demo.xa, report=report, version=None, texts={"bogus": "x"})
    assert not ReviewSection.objects.filter(report=report).exists()


def test_submit_needs_the_results_section(demo, campaign):
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    with pytest.raises(ValidationError) as caught:
        services.review_report_submit(actor=demo.xa, report=report)
    assert "results" in caught.value.message_dict


def test_submit_on_time_issues_the_number_and_freezes_the_figures(demo, campaign):
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    write(report, demo.xa)
    expected = next_symbol(demo.commune, "ĐU")
    report = services.review_report_submit(actor=demo.xa, report=report)
    assert report.status == SubmissionStatus.SUBMITTED and not report.is_late
    assert report.issued.symbol == expected
    assert report.issued.source_kind == "review_report" and report.issued.source_id == report.pk
    assert report.figures["report"]["targets"]
    assert selectors.report_figures(report, user=demo.xa).frozen
    with pytest.raises(ValidationError):   # submitted: no more edits
        write(report, demo.xa)


def test_submit_after_the_deadline_is_marked_late_not_refused(demo, campaign, frozen):
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    write(report, demo.xa)
    frozen(COMMUNE_DEADLINE + dt.timedelta(days=1))
    report = services.review_report_submit(actor=demo.xa, report=report)
    assert report.status == SubmissionStatus.SUBMITTED and report.is_late
    progress = selectors.campaign_progress(demo.tinh, campaign, today=COMMUNE_DEADLINE + dt.timedelta(days=1))
    assert progress.late == 1 and progress.on_time == 0


def test_numbers_run_per_unit_and_resubmits_keep_theirs(demo, campaign):
    second = make_campaign(demo, title="Sơ kết năm 2026", kind="yearly")
    first_number = next_symbol(demo.commune, "ĐU")
    start = int(first_number.split("-")[0])
    numbers = []
    for c in (campaign, second):
        report = services.review_report_open(actor=demo.xa, campaign=c, unit=demo.commune)
        write(report, demo.xa)
        numbers.append(services.review_report_submit(actor=demo.xa, report=report).issued.symbol)
    assert numbers == [f"{start:02d}-BC/ĐU", f"{start + 1:02d}-BC/ĐU"]
    other = services.review_report_open(actor=demo.xa2, campaign=campaign, unit=demo.commune2)
    write(other, demo.xa2)
    expected = next_symbol(demo.commune2, "ĐU")
    assert services.review_report_submit(actor=demo.xa2, report=other).issued.symbol == expected
    before = IssuedDocument.objects.filter(unit=demo.commune, type_code="BC").count()

    report = ReviewReport.objects.get(campaign=campaign, unit=demo.commune)
    services.review_report_return(actor=demo.tinh, report=report, comment="Bổ sung số liệu quý III.")
    write(report, demo.xa, results="Đã bổ sung.")
    report = services.review_report_submit(actor=demo.xa, report=report)
    assert report.issued.symbol == first_number
    assert IssuedDocument.objects.filter(unit=demo.commune, type_code="BC").count() == before


def test_return_needs_a_comment_and_the_reviewer(demo, campaign):
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    write(report, demo.xa)
    services.review_report_submit(actor=demo.xa, report=report)
    with pytest.raises(ValidationError) as caught:
        services.review_report_return(actor=demo.tinh, report=report, comment="   ")
    assert "comment" in caught.value.message_dict
    with pytest.raises(PermissionDenied):   # a commune does not decide on its own report
        services.review_report_return(actor=demo.xa, report=report, comment="Tự trả lại")
    report = services.review_report_return(actor=demo.tinh, report=report, comment="Thiếu phần nguyên nhân.")
    assert report.status == SubmissionStatus.RETURNED and report.comment == "Thiếu phần nguyên nhân."
    write(report, demo.xa, causes_subjective="Công tác chỉ đạo chưa quyết liệt.")
    report = services.review_report_submit(actor=demo.xa, report=report)
    with pytest.raises(services.ReviewConflict):
        services.review_report_accept(actor=demo.tinh, report=report, version=report.version - 1)
    report = services.review_report_accept(actor=demo.tinh, report=report, version=report.version)
    assert report.status == SubmissionStatus.ACCEPTED and report.decided_by == demo.tinh
    with pytest.raises(ValidationError):
        services.review_report_return(actor=demo.tinh, report=report, comment="Muộn rồi")
    with pytest.raises(ValidationError):
        services.review_report_reopen(actor=demo.tinh, report=report, comment="")
    with pytest.raises(PermissionDenied):
        services.review_report_reopen(actor=demo.xa, report=report, comment="Tự mở lại")
    symbol = report.issued.symbol
    report = services.review_report_reopen(actor=demo.tinh, report=report, comment="Sửa số liệu quý III.")
    assert report.status == SubmissionStatus.RETURNED and report.issued.symbol == symbol
    write(report, demo.xa, results="Đã sửa.")
    notes = list(AuditEvent.objects.filter(object_id=str(report.pk), content_type__model="reviewreport")
                 .values_list("note", flat=True))
    assert "Trả lại báo cáo sơ kết, tổng kết" in notes and "Duyệt báo cáo sơ kết, tổng kết" in notes


def test_the_openers_report_has_no_reviewer(demo, campaign):
    report = services.review_report_open(actor=demo.tinh, campaign=campaign, unit=demo.province)
    write(report, demo.tinh)
    expected = next_symbol(demo.province, "TU")
    report = services.review_report_submit(actor=demo.tinh, report=report)
    assert report.issued.symbol == expected
    assert "consolidation" in report.figures
    with pytest.raises(ValidationError):
        services.review_report_accept(actor=demo.tinh, report=report)


def test_a_closed_campaign_refuses_reports(demo, campaign):
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    services.campaign_close(actor=demo.tinh, campaign=campaign)
    with pytest.raises(ValidationError):
        write(report, demo.xa)
    with pytest.raises(ValidationError):
        services.review_report_open(actor=demo.xa2, campaign=campaign, unit=demo.commune2)


def test_the_register_keeps_the_submitted_file(demo, campaign, settings, tmp_path,
                                               django_capture_on_commit_callbacks):
    import io

    from docx import Document as Docx

    from nghiquyet.reviews.tasks import issued_file_store

    settings.MEDIA_ROOT = tmp_path / "media"
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    write(report, demo.xa)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.review_report_submit(actor=demo.xa, report=report)
    assert len(callbacks) == 1          # the file is rendered on the worker once the submission has committed
    assert issued_file_store(report.pk, demo.xa.pk)
    issued = IssuedDocument.objects.get(pk=report.issued_id)
    assert issued.file_name.endswith(".docx") and issued.size > 0
    with issued.file.open("rb") as handle:
        word = Docx(io.BytesIO(handle.read()))
    header = "\n".join(c.text for t in word.tables for row in t.rows for c in row.cells)
    assert f"Số {issued.symbol}" in header
    assert not issued_file_store(report.pk, demo.xa2.pk)     # outside the scope: nothing rendered


# ---------------------------------------------------------------- the narrative cleaner (general rules)

VIETNAMESE = st.text(alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệốồổỗộớờởỡợứừửữự "
                                                   "ĐÂÊÔƠƯ0123456789.,;:()%-\n\t\u00a0\r\x00\x07")), max_size=200)


@hypothesis_settings(max_examples=200, deadline=None)
@given(before=VIETNAMESE, inside=VIETNAMESE, after=VIETNAMESE)
def test_clean_text_drops_scripts_and_leaves_tidy_plain_text(before, inside, after):
    import unicodedata

    raw = f"{before}<SCRIPT type='x'>BÍMẬT{inside}</script><style>.x{{}}</style><p>{after}</p>"
    text = clean_text(raw)
    assert "BÍMẬT" not in text and "<" not in text and ".x{" not in text
    assert text == text.strip() and "\n\n\n" not in text and "\r" not in text and "\t" not in text
    assert not any(ord(ch) < 32 and ch != "\n" for ch in text)
    assert unicodedata.is_normalized("NFC", text)
    assert clean_text(text) == text          # cleaning plain text again changes nothing


@hypothesis_settings(max_examples=200, deadline=None)
@given(plain=VIETNAMESE)
def test_plain_text_only_gets_tidied(plain):
    assert clean_text(plain) == tidy(plain)


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers: no concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_take_one_number(demo, frozen):
    import threading

    from django.db import connections

    campaign = make_campaign(demo)
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    write(report, demo.xa)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit():
        try:
            barrier.wait(timeout=30)
            services.review_report_submit(actor=demo.xa, report=report)
            outcomes.append("submitted")
        except ValidationError:
            outcomes.append("refused")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["refused", "submitted"]
    assert IssuedDocument.objects.filter(source_kind="review_report", source_id=report.pk).count() == 1


# ---------------------------------------------------------------- the campaign's rules, comments, resubmissions


def test_campaign_rules_live_in_the_service(demo, frozen):
    resolution = province_resolution(demo)
    plan = Document.objects.filter(unit=demo.province, type_code__in=["KH", "CTr"]).first()
    if plan is None:
        plan = Document.objects.create(unit=demo.province, type_code="KH", number=99, issuer_code="TU",
                                       symbol="99-KH/TU", issued_on=resolution.issued_on,
                                       title="Kế hoạch thực hiện nghị quyết")
    with pytest.raises(ValidationError) as caught:
        make_campaign(demo, resolution=plan)
    message = caught.value.message_dict["resolution"][0]
    assert plan.symbol in message and "chỉ sơ kết, tổng kết nghị quyết, chỉ thị, kết luận" in message
    assert services.reviewable_types() == ["NQ", "CT", "KL"]

    # a branch has nothing below it: it never opens a campaign, even for someone allowed to schedule there
    assert UnitKind.BRANCH not in services.opening_kinds()
    with pytest.raises(ValidationError) as caught:
        make_campaign(demo, unit=demo.branch, deadlines={}, resolution=resolution)
    assert "Chi bộ" in caught.value.message_dict["unit"][0]


def test_campaign_opening_kinds_are_a_setting(demo, frozen, settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "REVIEWS": {**settings.NGHIQUYET["REVIEWS"],
                                                             "OPENING_KINDS": ["commune"]}}
    with pytest.raises(ValidationError) as caught:
        make_campaign(demo)
    assert "không mở được đợt sơ kết" in caught.value.message_dict["unit"][0]


def test_long_comments_are_refused_never_cut(demo, campaign):
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    write(report, demo.xa)
    report = services.review_report_submit(actor=demo.xa, report=report)
    too_long = "Thiếu số liệu. " * 200
    assert len(too_long.strip()) > services.COMMENT_MAX_CHARS
    for decide in (services.review_report_return, services.review_report_accept):
        with pytest.raises(ValidationError) as caught:
            decide(actor=demo.tinh, report=report, comment=too_long)
        assert "vượt quá 2.000 ký tự" in caught.value.message_dict["comment"][0]
    report.refresh_from_db()
    assert report.status == SubmissionStatus.SUBMITTED and report.comment == ""
    exact = "x" * services.COMMENT_MAX_CHARS
    report = services.review_report_accept(actor=demo.tinh, report=report, comment=exact)
    assert report.comment == exact
    with pytest.raises(ValidationError):
        services.review_report_reopen(actor=demo.tinh, report=report, comment=too_long)


def test_a_later_submission_updates_the_register_and_renders_again(demo, campaign,
                                                                   django_capture_on_commit_callbacks):
    from nghiquyet.core.text import fold

    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    write(report, demo.xa)
    report = services.review_report_submit(actor=demo.xa, report=report)
    issued = IssuedDocument.objects.get(pk=report.issued_id)
    assert issued.title == report.subject
    services.review_report_return(actor=demo.tinh, report=report, comment="Sửa trích yếu.")
    report.refresh_from_db()
    services.review_report_save(actor=demo.xa, report=report, version=report.version, texts={},
                                subject="Sơ kết giữa nhiệm kỳ về chuyển đổi số ở Đông Sơn",
                                recipients="Ban Thường vụ Tỉnh ủy\nLưu Văn phòng")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.review_report_submit(actor=demo.xa, report=ReviewReport.objects.get(pk=report.pk))
    assert len(callbacks) == 1                       # the file is rendered again for the new submission
    issued.refresh_from_db()
    assert report.issued_id == issued.pk
    assert issued.title == "Sơ kết giữa nhiệm kỳ về chuyển đổi số ở Đông Sơn"
    assert issued.recipients == "Ban Thường vụ Tỉnh ủy\nLưu Văn phòng"
    assert fold("chuyển đổi số") in issued.search_text and fold(issued.symbol) in issued.search_text
    event = AuditEvent.objects.filter(object_id=str(issued.pk), content_type__model="issueddocument").latest("pk")
    assert event.changes["title"][1] == issued.title


def test_the_issued_file_task_renders_only_the_version_it_was_queued_for(demo, campaign, settings, tmp_path,
                                                                        django_capture_on_commit_callbacks):
    from nghiquyet.reviews.tasks import issued_file_store

    settings.MEDIA_ROOT = tmp_path / "media"
    report = services.review_report_open(actor=demo.xa, campaign=campaign, unit=demo.commune)
    write(report, demo.xa)
    report = services.review_report_submit(actor=demo.xa, report=report)
    queued = report.version
    services.review_report_return(actor=demo.tinh, report=report, comment="Bổ sung.")
    # the worker runs after the return: the returned report is not what was submitted, nothing is stored
    assert not issued_file_store(report.pk, demo.xa.pk, queued)
    assert not IssuedDocument.objects.get(pk=report.issued_id).file
    report.refresh_from_db()
    write(report, demo.xa, results="Đã bổ sung.")
    report = services.review_report_submit(actor=demo.xa, report=ReviewReport.objects.get(pk=report.pk))
    resubmitted = report.version
    assert not issued_file_store(report.pk, demo.xa.pk, queued)          # an older submission's task
    # accepted before the worker ran: the acceptance queues the file again at its own version
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.review_report_accept(actor=demo.tinh, report=report)
    assert len(callbacks) == 1
    assert not issued_file_store(report.pk, demo.xa.pk, resubmitted)
    assert issued_file_store(report.pk, demo.xa.pk, report.version)
    assert IssuedDocument.objects.get(pk=report.issued_id).file
    with django_capture_on_commit_callbacks(execute=False) as callbacks:   # a file is there: not queued again
        services.review_report_reopen(actor=demo.tinh, report=report, comment="Mở lại.")
    assert not callbacks
