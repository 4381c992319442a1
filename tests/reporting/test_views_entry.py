"""Pages of data entry, submission and approval (issue 4, items 1-3) and the issue's "Bad input" list: text in a
number field, a period outside the schedule, a save after the lock date, approval from outside the superior's
scope, two people saving the same form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nghiquyet.audit.models import AuditEvent
from nghiquyet.org.models import UnitKind
from nghiquyet.reporting.models import (
    FlagKind,
    PeriodKind,
    QualityFlag,
    Schedule,
    Submission,
    SubmissionStatus,
    Value,
    ValueEvidence,
)
from nghiquyet.reporting.periods import period_get
from nghiquyet.reporting.services import Entry, schedule_create, submission_open, submission_save
from nghiquyet.resolutions.models import Aggregation, Document
from nghiquyet.resolutions.services import target_create

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- the world of these tests

TODAY = dt.date(2026, 10, 5)       # Q3/2026 ended 30/9: due 10/10, locks 14/11
Q3 = "quarter-2026-3"
PDF = b"%PDF-1.4\n% bien ban\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


class World:
    def __init__(self, demo, schedule, targets):
        self.demo, self.schedule, self.targets = demo, schedule, targets
        self.sum, self.ratio, self.wmean = targets

    def url(self, unit=None, key: str = Q3, schedule=None) -> str:
        unit = unit or self.demo.commune
        return reverse("report_entry", args=[unit.pk, (schedule or self.schedule).pk, key])

    def typed(self, *, total="104,33", num="45", den="50", mean="36,9", weight="15.500", **extra) -> dict:
        s, r, w = self.sum.pk, self.ratio.pk, self.wmean.pk
        data = {f"t{s}_value": total, f"t{s}_note": "Theo số liệu Chi cục Thống kê",
                f"t{r}_numerator": num, f"t{r}_denominator": den,
                f"t{w}_value": mean, f"t{w}_weight": weight, "action": "save", "version": ""}
        data.update(extra)
        return data

    def entries(self, total="100") -> dict[int, Entry]:
        return {self.sum.pk: Entry(value=Decimal(total)), self.ratio.pk: Entry(numerator=Decimal(40),
                                                                               denominator=Decimal(50)),
                self.wmean.pk: Entry(value=Decimal("35"), weight=Decimal(15000))}

    def submission(self, unit=None, key: str = Q3) -> Submission | None:
        kind, year, number = key.split("-")
        return Submission.objects.filter(schedule=self.schedule, unit=unit or self.demo.commune,
                                         period=period_get(kind, int(year), int(number))).first()


@pytest.fixture
def world(demo, frozen) -> World:
    resolution = Document.objects.get(unit=demo.province, is_congress_resolution=True)
    common = {"domain": "economy", "baseline_year": 2025, "direction": "higher"}
    targets = [
        target_create(actor=demo.tinh, document=resolution, number="KT1", name="Thu ngân sách trên địa bàn (kiểm thử)",
                      measure="tỷ đồng", baseline_value=Decimal(90), target_value=Decimal(150),
                      aggregation=Aggregation.SUM, milestones={2026: Decimal("110,5".replace(",", "."))}, **common),
        target_create(actor=demo.tinh, document=resolution, number="KT2", name="Tỷ lệ lao động qua đào tạo (kiểm thử)",
                      measure="%", baseline_value=Decimal(70), target_value=Decimal(80), aggregation=Aggregation.RATIO,
                      numerator_name="Lao động đã qua đào tạo", denominator_name="Lực lượng lao động",
                      milestones={2026: Decimal(72)}, **common),
        target_create(actor=demo.tinh, document=resolution, number="KT3", name="Thu nhập bình quân (kiểm thử)",
                      measure="triệu đồng", baseline_value=Decimal(30), target_value=Decimal(50),
                      aggregation=Aggregation.WEIGHTED_MEAN, weight_name="Dân số trung bình",
                      milestones={2026: Decimal(38)}, **common),
    ]
    schedule = schedule_create(
        actor=demo.tinh, unit=demo.province, document=resolution, name="Báo cáo quý chỉ tiêu kinh tế (kiểm thử)",
        targets=targets, period_kind=PeriodKind.QUARTER, reporting_kinds=[UnitKind.COMMUNE],
        starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2030, 12, 31), due_days=10, grace_days=0, lock_days=45)
    Schedule.objects.exclude(pk=schedule.pk).update(is_active=False)  # the demo's own schedules, if any
    return World(demo, schedule, targets)


def _previous_quarter(world: World, frozen) -> None:
    """Q2/2026 values for the commune, entered while Q2 was open."""
    frozen(dt.date(2026, 7, 3))
    submission = submission_open(actor=world.demo.xa, schedule=world.schedule, unit=world.demo.commune,
                                 period=period_get(PeriodKind.QUARTER, 2026, 2))
    submission_save(actor=world.demo.xa, submission=submission, version=submission.version,
                    entries=world.entries("98,75".replace(",", ".")))
    frozen()


def _submitted(world: World) -> Submission:
    submission = submission_open(actor=world.demo.xa, schedule=world.schedule, unit=world.demo.commune,
                                 period=period_get(PeriodKind.QUARTER, 2026, 3))
    return submission_save(actor=world.demo.xa, submission=submission, version=submission.version,
                           entries=world.entries(), submit=True)


def _html(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- home and a unit's reports


def test_home_goes_to_the_users_unit(client, world):
    client.force_login(world.demo.xa)
    response = client.get(reverse("reporting_home"))
    assert response.status_code == 302
    assert response.url == reverse("unit_reports", args=[world.demo.commune.pk])


def test_home_lists_the_units_of_someone_with_roles_in_several(client, world):
    from nghiquyet.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=world.demo.chibo, unit=world.demo.commune2, role="viewer")
    client.force_login(world.demo.chibo)
    response = client.get(reverse("reporting_home"))
    assert response.status_code == 200
    html = _html(response)
    for unit in (world.demo.branch, world.demo.commune2):
        assert reverse("unit_reports", args=[unit.pk]) in html and unit.name in html


def test_unit_reports_lists_the_periods_to_report_with_links(client, world):
    client.force_login(world.demo.xa)
    response = client.get(reverse("unit_reports", args=[world.demo.commune.pk]))
    assert response.status_code == 200
    html = _html(response)
    assert "Quý III/2026" in html and "10/10/2026" in html and "14/11/2026" in html
    assert f'href="{world.url()}"' in html
    assert "Chưa đến hạn" in html            # Q3: due 10/10, today 5/10
    assert "Chưa nộp (quá hạn)" in html       # Q2 and earlier: nothing sent
    for name in ("schedule_list", "report_dashboard", "report_completeness"):
        assert reverse(name, args=[world.demo.commune.pk]) in html


def test_unit_reports_outside_scope_is_not_found(client, world):
    client.force_login(world.demo.xa2)
    assert client.get(reverse("unit_reports", args=[world.demo.commune.pk])).status_code == 404
    client.force_login(world.demo.chibo)
    assert client.get(reverse("unit_reports", args=[world.demo.commune.pk])).status_code == 404


def test_superior_sees_the_submission_waiting_for_decision(client, world):
    submission = _submitted(world)
    client.force_login(world.demo.tinh)
    html = _html(client.get(reverse("unit_reports", args=[world.demo.province.pk])))
    assert "Báo cáo của cấp dưới chờ duyệt" in html and world.demo.commune.name in html
    assert reverse("submission_detail", args=[submission.pk]) in html


def test_unit_reports_query_count_is_pinned(client, world, django_assert_num_queries):
    # The demo's own reports (if any) are out of the way: only this test's submission waits for a decision.
    Submission.objects.exclude(schedule=world.schedule).update(status=SubmissionStatus.ACCEPTED)
    _submitted(world)
    client.force_login(world.demo.xa)
    url = reverse("unit_reports", args=[world.demo.commune.pk])
    client.get(url)  # periods created on first use
    with django_assert_num_queries(11):   # nothing to review below the commune
        assert client.get(url).status_code == 200
    client.force_login(world.demo.tinh)
    url = reverse("unit_reports", args=[world.demo.province.pk])
    client.get(url)
    with django_assert_num_queries(10):   # no to-do at the province; the commune's report waits: count, one page
        response = client.get(url)
    assert response.context["review"].paginator.count == 1


# ---------------------------------------------------------------- the form


def test_form_shows_previous_value_and_milestone_and_creates_nothing_on_get(client, world, frozen):
    _previous_quarter(world, frozen)
    client.force_login(world.demo.xa)
    response = client.get(world.url())
    assert response.status_code == 200
    html = _html(response)
    assert world.submission() is None
    assert "Lưu nháp" in html and "Gửi báo cáo" in html and 'name="version" value=""' in html
    assert "98,75" in html                         # last quarter, beside the field
    # a rate compares at any level; the province's sum has no meaning for one commune (no copy of its own)
    assert "72" in html and "Mục tiêu năm 2026" in html and "110,5" not in html
    assert "Lao động đã qua đào tạo" in html and "Lực lượng lao động" in html   # ratio parts by their names
    assert "Dân số trung bình" in html              # weight of the weighted mean
    assert f'name="t{world.sum.pk}_files"' in html and "multiple" in html


def test_form_query_count_is_pinned(client, world, frozen, django_assert_num_queries):
    _previous_quarter(world, frozen)
    _submitted(world)
    client.force_login(world.demo.xa)
    client.get(world.url())
    with django_assert_num_queries(18):
        assert client.get(world.url()).status_code == 200


@pytest.mark.parametrize("key", ["quarter-2031-1", "quarter-2024-4", "month-2026-9", "quarter-2026-5", "quy-ba",
                                 "year-2026-1"])
def test_a_period_outside_the_schedule_is_not_found(client, world, key):
    client.force_login(world.demo.xa)
    response = client.get(world.url(key=key))
    assert response.status_code == 404
    assert not Submission.objects.filter(schedule=world.schedule).exists()


def test_another_communes_form_and_a_unit_not_expected_are_not_found(client, world):
    client.force_login(world.demo.xa2)
    assert client.get(world.url()).status_code == 404                       # demo-xa's commune
    assert client.get(world.url(unit=world.demo.commune2)).status_code == 200  # its own
    client.force_login(world.demo.chibo)
    assert client.get(world.url()).status_code == 404
    assert client.get(world.url(unit=world.demo.branch)).status_code == 404   # branches do not report this
    assert client.post(world.url(), world.typed()).status_code == 404
    assert world.submission() is None


def test_text_in_a_number_field_is_refused_on_that_field_and_everything_typed_is_kept(client, world):
    client.force_login(world.demo.xa)
    response = client.post(world.url(), world.typed(mean="ba mươi sáu"))
    assert response.status_code == 200
    html = _html(response)
    assert world.submission() is None and not Value.objects.filter(target__in=world.targets).exists()
    assert 'value="ba mươi sáu"' in html and 'value="104,33"' in html and 'value="15.500"' in html
    assert "Theo số liệu Chi cục Thống kê" in html
    form = response.context["form"]
    assert list(form.errors) == [f"t{world.wmean.pk}_value"]
    assert "số" in form.errors[f"t{world.wmean.pk}_value"][0].lower()


def test_a_missing_part_is_refused_by_the_service_and_nothing_is_created(client, world):
    client.force_login(world.demo.xa)
    response = client.post(world.url(), world.typed(den=""))
    assert response.status_code == 200
    assert response.context["form"].errors[f"t{world.ratio.pk}_denominator"] == ["Nhập Lực lượng lao động."]
    assert world.submission() is None   # the draft opened for the save went back with it
    assert 'value="104,33"' in _html(response)


def test_save_draft_with_vietnamese_numbers_then_submit(client, world):
    client.force_login(world.demo.xa)
    response = client.post(world.url(), world.typed())
    assert response.status_code == 302 and response.url == world.url()
    submission = world.submission()
    assert submission.status == SubmissionStatus.DRAFT
    values = {v.target_id: v for v in submission.values.all()}
    assert values[world.sum.pk].value == Decimal("104.33")
    assert values[world.sum.pk].note == "Theo số liệu Chi cục Thống kê"
    assert values[world.ratio.pk].value == Decimal("90") and values[world.ratio.pk].denominator == 50
    assert values[world.wmean.pk].weight == Decimal(15500)
    html = _html(client.get(world.url()))
    assert 'value="104,33"' in html and 'value="15.500"' in html
    assert f'name="version" value="{submission.version}"' in html

    data = world.typed(total="105", action="submit", version=str(submission.version))
    response = client.post(world.url(), data)
    assert response.status_code == 302
    assert response.url == reverse("submission_detail", args=[submission.pk])
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED and not submission.is_late
    assert submission.values.get(target=world.sum).value == Decimal(105)
    html = _html(client.get(world.url()))
    assert "Báo cáo đã gửi, đang chờ cấp trên duyệt." in html and "Gửi báo cáo</button>" not in html


def test_submit_with_a_target_left_empty_keeps_the_form(client, world):
    client.force_login(world.demo.xa)
    response = client.post(world.url(), world.typed(total="", action="submit"))
    assert response.status_code == 200
    assert "Còn 1 chỉ tiêu chưa có số liệu." in _html(response)
    assert world.submission() is None


def test_after_the_lock_date_the_form_is_read_only_and_says_why(client, world):
    client.force_login(world.demo.xa)
    url = world.url(key="quarter-2026-1")   # locked on 15/5/2026
    response = client.get(url)
    assert response.status_code == 200
    html = _html(response)
    assert "Đã quá ngày khóa số liệu (15/05/2026)." in html
    assert "Lưu nháp" not in html and f'name="t{world.sum.pk}_value"' not in html
    response = client.post(url, world.typed())
    assert response.status_code == 200
    assert "Đã quá ngày khóa số liệu" in _html(response) and 'value="104,33"' in _html(response)
    assert world.submission(key="quarter-2026-1") is None


def test_two_people_saving_the_same_form_see_the_conflict_and_the_first_save_is_kept(client, world):
    # Both opened the empty form (version ""); demo-tinh saves first, demo-xa second.
    first = client.__class__()
    first.force_login(world.demo.tinh)
    assert first.post(world.url(), world.typed(total="200")).status_code == 302
    client.force_login(world.demo.xa)
    response = client.post(world.url(), world.typed(total="104,33"))
    assert response.status_code == 200
    html = _html(response)
    assert "Biểu mẫu vừa được người khác lưu" in html and "Xung đột khi lưu" in html
    assert 'value="104,33"' in html                         # what demo-xa typed
    assert "Số liệu vừa được người khác lưu" in html and ">200<" in html   # what is saved now
    submission = world.submission()
    assert submission.values.get(target=world.sum).value == 200
    # Saving again from the conflict page (it carries the new version) is a deliberate overwrite.
    version = response.context["version"]
    assert version == submission.version
    response = client.post(world.url(), world.typed(total="104,33", version=str(version)))
    assert response.status_code == 302
    assert world.submission().values.get(target=world.sum).value == Decimal("104.33")
    # A stale version again: refused.
    response = client.post(world.url(), world.typed(total="1", version=str(version)))
    assert response.status_code == 200 and "Xung đột khi lưu" in _html(response)


# ---------------------------------------------------------------- evidence


def test_evidence_upload_download_delete(client, world, media):
    client.force_login(world.demo.xa)
    upload = [SimpleUploadedFile("Biên bản.pdf", PDF, content_type="application/pdf"),
              SimpleUploadedFile("Bảng số liệu.txt", "Thu ngân sách quý III".encode(), content_type="text/plain")]
    response = client.post(world.url(), {**world.typed(), f"t{world.sum.pk}_files": upload})
    assert response.status_code == 302
    evidence = list(ValueEvidence.objects.filter(value__target=world.sum).order_by("id"))
    assert [e.name for e in evidence] == ["Biên bản.pdf", "Bảng số liệu.txt"]
    html = _html(client.get(world.url()))
    download = reverse("value_evidence_download", args=[evidence[0].pk])
    delete = reverse("value_evidence_delete", args=[evidence[0].pk])
    assert f'href="{download}"' in html and f'action="{delete}"' in html and "data-confirm" in html
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"

    other = client.__class__()
    other.force_login(world.demo.xa2)
    assert other.get(download).status_code == 404
    assert other.post(delete).status_code == 404
    assert client.get(delete).status_code == 405
    response = client.post(delete)
    assert response.status_code == 302 and response.url == world.url()
    assert not ValueEvidence.objects.filter(pk=evidence[0].pk).exists()
    assert ValueEvidence.objects.filter(pk=evidence[1].pk).exists()


def test_a_refused_file_is_shown_on_its_field_and_nothing_is_saved(client, world, media):
    client.force_login(world.demo.xa)
    bad = SimpleUploadedFile("trang.html", b"<script>alert(1)</script>", content_type="text/html")
    response = client.post(world.url(), {**world.typed(), f"t{world.sum.pk}_files": bad})
    assert response.status_code == 200
    assert "Không nhận tệp" in response.context["form"].errors[f"t{world.sum.pk}_files"][0]
    assert world.submission() is None and not ValueEvidence.objects.exists()
    assert "chọn lại tệp" in _html(response)


# ---------------------------------------------------------------- flags


def _flagged(world) -> QualityFlag:
    submission = _submitted(world)
    value = submission.values.get(target=world.sum)
    flag, _created = QualityFlag.objects.get_or_create(
        value=value, kind=FlagKind.JUMP, defaults={"message": "Tăng 80% so với Quý II/2026."})
    return flag


def test_the_submitter_explains_a_flag(client, world):
    flag = _flagged(world)
    client.force_login(world.demo.xa)
    html = _html(client.get(world.url()))
    action = reverse("flag_explain", args=[flag.pk])
    assert flag.message in html and f'action="{action}"' in html and f'form="giai-trinh-{flag.pk}"' in html
    response = client.post(action, {"explanation": "  ", "next": world.url()})
    assert response.status_code == 200 and "Nhập nội dung giải trình." in _html(response)
    response = client.post(action, {"explanation": "Đã thu thêm tiền sử dụng đất dự án khu dân cư.",
                                    "next": world.url()})
    assert response.status_code == 302 and response.url == world.url()
    flag.refresh_from_db()
    assert flag.explanation == "Đã thu thêm tiền sử dụng đất dự án khu dân cư."
    client.force_login(world.demo.tinh)
    html = _html(client.get(reverse("submission_detail", args=[flag.value.submission_id])))
    assert flag.message in html and "Đã thu thêm tiền sử dụng đất" in html
    client.force_login(world.demo.xa)
    response = client.post(action, {"explanation": "Số thu ngân sách tăng", "next": "https://evil.example/"})
    assert response.url == world.url()


def test_a_flag_outside_scope_is_not_found(client, world):
    flag = _flagged(world)
    client.force_login(world.demo.xa2)
    assert client.post(reverse("flag_explain", args=[flag.pk]), {"explanation": "x"}).status_code == 404
    assert client.get(reverse("flag_explain", args=[flag.pk])).status_code in (404, 405)


# ---------------------------------------------------------------- decisions


def _decide(client, submission, action, comment="", version=None):
    return client.post(reverse("submission_decide", args=[submission.pk]), {
        "action": action, "comment": comment,
        "version": str(version if version is not None else Submission.objects.get(pk=submission.pk).version)})


def test_detail_and_accept_by_the_superior(client, world):
    submission = _submitted(world)
    client.force_login(world.demo.tinh)
    url = reverse("submission_detail", args=[submission.pk])
    html = _html(client.get(url))
    assert "104,33" not in html and ">100<" in html
    assert 'value="accept"' in html and 'value="return"' in html and "data-confirm" in html
    assert "Gửi báo cáo" in html                   # history: who sent it
    response = _decide(client, submission, "accept")
    assert response.status_code == 302 and response.url == url
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED and submission.decided_by == world.demo.tinh
    assert "Duyệt báo cáo" in _html(client.get(url))

    client.force_login(world.demo.xa)
    html = _html(client.get(world.url()))
    assert "Báo cáo đã được cấp trên duyệt nên đã khóa." in html and "Lưu nháp" not in html


def test_return_needs_a_comment_and_the_unit_sees_it(client, world):
    submission = _submitted(world)
    client.force_login(world.demo.tinh)
    response = _decide(client, submission, "return", comment="  ")
    assert response.status_code == 200
    assert "Ghi rõ lý do trả lại để đơn vị biết cần sửa gì." in _html(response)
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.SUBMITTED
    response = _decide(client, submission, "return", comment="Kiểm tra lại số thu quý III.")
    assert response.status_code == 302
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.RETURNED
    client.force_login(world.demo.xa)
    html = _html(client.get(world.url()))
    assert "Kiểm tra lại số thu quý III." in html and "Gửi báo cáo" in html and 'value="100"' in html


def test_reopen_an_accepted_submission_needs_a_comment(client, world):
    submission = _submitted(world)
    client.force_login(world.demo.tinh)
    _decide(client, submission, "accept")
    html = _html(client.get(reverse("submission_detail", args=[submission.pk])))
    assert 'value="reopen"' in html and 'value="accept"' not in html
    response = _decide(client, submission, "reopen")
    assert response.status_code == 200 and "Ghi rõ lý do mở lại báo cáo đã duyệt." in _html(response)
    response = _decide(client, submission, "reopen", comment="Cục Thống kê điều chỉnh số liệu.")
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED
    assert AuditEvent.objects.filter(object_id=str(submission.pk), note="Mở lại báo cáo đã duyệt").exists()


def test_approval_from_outside_the_superiors_scope_is_refused(client, world):
    submission = _submitted(world)
    detail = reverse("submission_detail", args=[submission.pk])
    for user in (world.demo.chibo, world.demo.xa2):          # cannot even see it
        client.force_login(user)
        assert client.get(detail).status_code == 404
        assert _decide(client, submission, "accept").status_code == 404
    client.force_login(world.demo.xa)                         # sees it, but is not the superior
    html = _html(client.get(detail))
    assert 'value="accept"' not in html
    response = _decide(client, submission, "accept")
    assert response.status_code == 403
    assert "Chỉ cấp trên của" in _html(response)
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.SUBMITTED
    assert client.get(reverse("submission_decide", args=[submission.pk])).status_code == 405


def test_a_stale_decision_is_refused(client, world):
    submission = _submitted(world)
    client.force_login(world.demo.tinh)
    response = _decide(client, submission, "accept", version=submission.version - 1)
    assert response.status_code == 200 and "Biểu mẫu vừa được người khác lưu" in _html(response)
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.SUBMITTED
    assert _decide(client, submission, "approve-all").status_code == 400


# ---------------------------------------------------------------- schedules


def test_schedule_list_shows_own_and_from_above(client, world):
    client.force_login(world.demo.xa)
    response = client.get(reverse("schedule_list", args=[world.demo.commune.pk]))
    assert response.status_code == 200
    html = _html(response)
    assert world.schedule.name in html and reverse("schedule_edit", args=[world.schedule.pk]) not in html
    client.force_login(world.demo.tinh)
    html = _html(client.get(reverse("schedule_list", args=[world.demo.province.pk])))
    assert reverse("schedule_edit", args=[world.schedule.pk]) in html
    client.force_login(world.demo.xa2)
    assert client.get(reverse("schedule_list", args=[world.demo.commune.pk])).status_code == 404


def test_schedule_create_and_edit(client, world):
    client.force_login(world.demo.tinh)
    url = reverse("schedule_create", args=[world.demo.province.pk])
    resolution = world.schedule.document
    response = client.get(url, {"nghi-quyet": resolution.pk})
    assert response.status_code == 200
    html = _html(response)
    assert world.sum.name in html and 'value="commune"' in html and 'name="due_branch"' in html
    data = {"document": resolution.pk, "name": "Báo cáo 6 tháng", "targets": [world.sum.pk, world.ratio.pk],
            "period_kind": PeriodKind.HALF, "reporting_kinds": [UnitKind.COMMUNE, UnitKind.BRANCH],
            "starts_on": "2026-01-01", "ends_on": "2030-12-31", "due_days": "15", "grace_days": "2",
            "lock_days": "10", "due_branch": "5"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Ngày khóa số liệu phải sau mọi hạn nộp." in _html(response)
    response = client.post(url, {**data, "lock_days": "60"})
    assert response.status_code == 302
    schedule = Schedule.objects.get(name="Báo cáo 6 tháng")
    assert schedule.due_days_by_kind == {UnitKind.BRANCH: 5}
    assert set(schedule.targets.all()) == {world.sum, world.ratio}

    edit = reverse("schedule_edit", args=[schedule.pk])
    html = _html(client.get(edit))
    assert 'value="Báo cáo 6 tháng"' in html and 'name="document"' not in html
    response = client.post(edit, {**data, "lock_days": "60", "name": "Báo cáo 6 tháng (sửa)", "due_branch": ""})
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.name == "Báo cáo 6 tháng (sửa)" and schedule.due_days_by_kind == {}


def test_schedule_pages_need_the_permission(client, world):
    client.force_login(world.demo.xa)
    assert client.get(reverse("schedule_create", args=[world.demo.province.pk])).status_code == 404
    assert client.get(reverse("schedule_edit", args=[world.schedule.pk])).status_code == 403  # read only above
    client.force_login(world.demo.xa2)
    assert client.get(reverse("schedule_create", args=[world.demo.commune.pk])).status_code == 404


def test_a_target_already_reported_in_another_schedule_is_refused_with_a_message(client, world):
    _submitted(world)
    other = schedule_create(
        actor=world.demo.tinh, unit=world.demo.province, document=world.schedule.document, name="Lịch trùng chỉ tiêu",
        targets=[world.sum], period_kind=PeriodKind.QUARTER, reporting_kinds=[UnitKind.COMMUNE],
        starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31))
    client.force_login(world.demo.xa)
    s = world.sum.pk
    response = client.post(world.url(schedule=other), {f"t{s}_value": "7", "action": "save", "version": ""})
    assert response.status_code == 200
    assert "đã được báo cáo cho kỳ này trong" in _html(response) and 'value="7"' in _html(response)
    assert not Submission.objects.filter(schedule=other).exists()
