"""Services of inspection and supervision: the bad input of the issue, refused in Vietnamese, and the states."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nghiquyet.audit.models import AuditEvent
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.oversight import services
from nghiquyet.oversight.models import (
    FindingKind,
    InspectionKind,
    InspectionProgram,
    RecommendationStatus,
)
from tests.oversight.helpers import inspection_of, person_at, recommendation_of

pytestmark = pytest.mark.django_db


def messages(exc: ValidationError, field: str) -> str:
    return " ".join(exc.value.message_dict[field])


def test_subject_outside_the_conducting_units_subtree_is_refused(demo):
    with pytest.raises(ValidationError) as exc:
        inspection_of(demo.xa, demo.commune, demo.commune2)
    assert "không thuộc phạm vi" in messages(exc, "subject_unit")
    outsider = person_at(demo.commune2)
    with pytest.raises(ValidationError) as exc:
        inspection_of(demo.xa, demo.commune, None, subject_person=outsider)
    assert "không thuộc phạm vi" in messages(exc, "subject_person")


def test_exactly_one_subject(demo):
    with pytest.raises(ValidationError) as exc:
        inspection_of(demo.xa, demo.commune, demo.branch, subject_person=person_at(demo.commune))
    assert "Chỉ chọn một đối tượng" in messages(exc, "subject_unit")
    with pytest.raises(ValidationError) as exc:
        inspection_of(demo.xa, demo.commune, None)
    assert "Chọn đối tượng" in messages(exc, "subject_unit")


def test_a_person_in_the_subtree_may_be_the_subject(demo):
    secretary = person_at(demo.branch, "Bí thư")
    inspection = inspection_of(demo.xa, demo.commune, None, subject_person=secretary,
                               kind=InspectionKind.SUPERVISION)
    assert inspection.subject_person == secretary and inspection.subject_unit is None
    assert secretary.full_name in inspection.subject_name


def test_subject_must_be_a_party_organization(demo):
    government = Unit.objects.filter(parent=demo.commune, kind=UnitKind.PEOPLES_COMMITTEE).first()
    with pytest.raises(ValidationError) as exc:
        inspection_of(demo.xa, demo.commune, government)
    assert "không phải là tổ chức đảng" in messages(exc, "subject_unit")


def test_dates_end_before_start_and_conclusion_before_start(demo, frozen):
    with pytest.raises(ValidationError) as exc:
        inspection_of(demo.xa, demo.commune, demo.branch, starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 4, 30))
    assert "Ngày kết thúc không được trước ngày bắt đầu (01/05/2026)" in messages(exc, "ends_on")
    inspection = inspection_of(demo.xa, demo.commune, demo.branch, starts_on=dt.date(2026, 5, 1),
                               ends_on=dt.date(2026, 5, 20))
    with pytest.raises(ValidationError) as exc:
        services.inspection_conclude(actor=demo.xa, inspection=inspection, concluded_on=dt.date(2026, 4, 1),
                                     conclusion="Kết luận")
    assert "Ngày kết luận không được trước ngày bắt đầu" in messages(exc, "concluded_on")
    with pytest.raises(ValidationError) as exc:
        services.inspection_conclude(actor=demo.xa, inspection=inspection, concluded_on=dt.date(2026, 5, 10),
                                     conclusion="Kết luận")
    assert "trước ngày kết thúc (20/05/2026)" in messages(exc, "concluded_on")
    with pytest.raises(ValidationError) as exc:
        services.inspection_conclude(actor=demo.xa, inspection=inspection, concluded_on=dt.date(2026, 12, 1),
                                     conclusion="Kết luận")
    assert "tương lai" in messages(exc, "concluded_on")
    with pytest.raises(ValidationError) as exc:
        services.inspection_conclude(actor=demo.xa, inspection=inspection, concluded_on=dt.date(2026, 6, 1),
                                     conclusion="  ")
    assert "Nhập nội dung kết luận" in messages(exc, "conclusion")


def test_conclusion_once_with_a_checked_document_number(demo, frozen):
    inspection = inspection_of(demo.xa, demo.commune, demo.branch)
    with pytest.raises(ValidationError) as exc:
        services.inspection_conclude(actor=demo.xa, inspection=inspection, concluded_on=dt.date(2026, 4, 1),
                                     conclusion="Kết luận", conclusion_ref="07-NQ/ĐU")
    assert "NQ" in messages(exc, "conclusion_ref")
    services.inspection_conclude(actor=demo.xa, inspection=inspection, concluded_on=dt.date(2026, 4, 1),
                                 conclusion="Chi bộ thực hiện tốt", conclusion_ref="số 7 - kl/đu")
    inspection.refresh_from_db()
    assert inspection.conclusion_ref == "07-KL/ĐU" and inspection.is_concluded
    with pytest.raises(ValidationError) as exc:
        services.inspection_conclude(actor=demo.xa, inspection=inspection, concluded_on=dt.date(2026, 4, 2),
                                     conclusion="Lần hai")
    assert "đã có kết luận ngày 01/04/2026" in messages(exc, "concluded_on")


def test_only_the_conducting_unit_may_write(demo):
    with pytest.raises(PermissionDenied):
        inspection_of(demo.xa2, demo.commune, demo.branch)
    inspection = inspection_of(demo.xa, demo.commune, demo.branch)
    with pytest.raises(PermissionDenied):
        services.finding_add(actor=demo.chibo, inspection=inspection, kind=FindingKind.STRENGTH, text="Tốt")
    with pytest.raises(PermissionDenied):
        recommendation_of(demo.chibo, inspection, demo.branch)


def test_recommendation_due_before_the_inspection_and_owner_outside(demo, frozen):
    inspection = inspection_of(demo.xa, demo.commune, demo.branch, starts_on=dt.date(2026, 3, 2))
    with pytest.raises(ValidationError) as exc:
        recommendation_of(demo.xa, inspection, demo.branch, due_on=dt.date(2026, 3, 1))
    assert "Thời hạn không được trước ngày bắt đầu cuộc kiểm tra, giám sát (02/03/2026)" in messages(exc, "due_on")
    with pytest.raises(ValidationError) as exc:
        recommendation_of(demo.xa, inspection, demo.commune2)
    assert "không thuộc phạm vi" in messages(exc, "owner_unit")
    with pytest.raises(ValidationError) as exc:
        services.recommendation_add(actor=demo.xa, inspection=inspection, text="Làm", due_on=dt.date(2026, 6, 1))
    assert "Chọn đơn vị hoặc người" in messages(exc, "owner_unit")
    services.inspection_conclude(actor=demo.xa, inspection=inspection, concluded_on=dt.date(2026, 4, 10),
                                 conclusion="Kết luận")
    with pytest.raises(ValidationError) as exc:
        recommendation_of(demo.xa, inspection, demo.branch, due_on=dt.date(2026, 4, 1))
    assert "trước ngày kết luận (10/04/2026)" in messages(exc, "due_on")


def test_a_person_owner_brings_their_unit(demo):
    inspection = inspection_of(demo.xa, demo.commune, demo.branch)
    secretary = person_at(demo.branch, "Bí thư")
    recommendation = services.recommendation_add(actor=demo.xa, inspection=inspection, owner_person=secretary,
                                                 text="Rà soát hồ sơ", due_on=dt.date(2026, 6, 1))
    assert recommendation.owner_unit == demo.branch


def test_follow_up_to_closure(demo, frozen):
    inspection = inspection_of(demo.xa, demo.commune, demo.branch)
    recommendation = recommendation_of(demo.xa, inspection, demo.branch)
    # someone of another commune may not report; the branch (the owner) may
    with pytest.raises(PermissionDenied):
        services.recommendation_follow_up(actor=demo.xa2, recommendation=recommendation, on=dt.date(2026, 5, 1),
                                          note="Xong")
    # closing what is not reported done
    with pytest.raises(ValidationError) as exc:
        services.recommendation_close(actor=demo.xa, recommendation=recommendation, on=dt.date(2026, 5, 2),
                                      note="Đạt")
    assert "chưa được báo cáo hoàn thành" in messages(exc, "status")
    with pytest.raises(ValidationError) as exc:
        services.recommendation_follow_up(actor=demo.chibo, recommendation=recommendation, on=dt.date(2026, 12, 1),
                                          note="Xong")
    assert "tương lai" in messages(exc, "on")
    services.recommendation_follow_up(actor=demo.chibo, recommendation=recommendation, on=dt.date(2026, 5, 1),
                                      note="Đã rà soát 4 hồ sơ")
    services.recommendation_follow_up(actor=demo.chibo, recommendation=recommendation, on=dt.date(2026, 6, 20),
                                      note="Hoàn thành", done=True)
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.DONE and recommendation.done_on == dt.date(2026, 6, 20)
    with pytest.raises(ValidationError) as exc:
        services.recommendation_follow_up(actor=demo.chibo, recommendation=recommendation, on=dt.date(2026, 6, 21),
                                          note="Lại xong", done=True)
    assert "đã được báo cáo hoàn thành ngày 20/06/2026" in messages(exc, "done")
    # the owner may not close: only the conducting unit
    with pytest.raises(PermissionDenied):
        services.recommendation_close(actor=demo.chibo, recommendation=recommendation, on=dt.date(2026, 6, 25),
                                      note="Đạt")
    with pytest.raises(ValidationError) as exc:
        services.recommendation_close(actor=demo.xa, recommendation=recommendation, on=dt.date(2026, 6, 25),
                                      note="")
    assert "Nhập ý kiến" in messages(exc, "note")
    with pytest.raises(ValidationError) as exc:
        services.recommendation_close(actor=demo.xa, recommendation=recommendation, on=dt.date(2026, 6, 1),
                                      note="Đạt")
    assert "trước ngày hoàn thành (20/06/2026)" in messages(exc, "on")
    services.recommendation_close(actor=demo.xa, recommendation=recommendation, on=dt.date(2026, 6, 25),
                                  note="Đạt yêu cầu")
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.CLOSED and recommendation.closed_by == demo.xa
    with pytest.raises(ValidationError) as exc:
        services.recommendation_close(actor=demo.xa, recommendation=recommendation, on=dt.date(2026, 6, 26),
                                      note="Lần hai")
    assert "đã kết thúc theo dõi ngày 25/06/2026" in messages(exc, "status")
    with pytest.raises(ValidationError) as exc:
        services.recommendation_follow_up(actor=demo.chibo, recommendation=recommendation, on=dt.date(2026, 7, 1),
                                          note="Thêm")
    assert "đã kết thúc theo dõi" in messages(exc, "note")
    events = AuditEvent.objects.filter(object_id=str(recommendation.pk), content_type__model="recommendation")
    assert events.count() == 4  # created, two follow-ups, closed


def test_reopen_a_reported_completion(demo, frozen):
    inspection = inspection_of(demo.xa, demo.commune, demo.branch)
    recommendation = recommendation_of(demo.xa, inspection, demo.branch)
    with pytest.raises(ValidationError):
        services.recommendation_reopen(actor=demo.xa, recommendation=recommendation, note="Chưa đạt")
    services.recommendation_follow_up(actor=demo.chibo, recommendation=recommendation, on=dt.date(2026, 5, 1),
                                      note="Xong", done=True)
    with pytest.raises(ValidationError) as exc:
        services.recommendation_reopen(actor=demo.xa, recommendation=recommendation, note=" ")
    assert "lý do" in messages(exc, "note")
    services.recommendation_reopen(actor=demo.xa, recommendation=recommendation, note="Hồ sơ chưa đủ")
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.OPEN and recommendation.done_on is None
    assert recommendation.updates.first().note.endswith("Hồ sơ chưa đủ")


def test_program_once_a_year_and_items(demo, frozen):
    program = services.inspection_program_create(actor=demo.xa, unit=demo.commune, year=2027,
                                                 title="Chương trình kiểm tra, giám sát năm 2027",
                                                 issued_on=dt.date(2026, 11, 20), symbol="05-CTr/ĐU")
    with pytest.raises(ValidationError) as exc:
        services.inspection_program_create(actor=demo.xa, unit=demo.commune, year=2027, title="Lần hai",
                                           issued_on=dt.date(2026, 11, 20))
    assert "đã có chương trình kiểm tra, giám sát năm 2027" in messages(exc, "year")
    with pytest.raises(ValidationError) as exc:
        services.inspection_program_create(actor=demo.xa, unit=demo.commune, year=2025, title="Năm cũ",
                                           issued_on=dt.date(2026, 1, 5))
    assert "trước hoặc trong năm 2025" in messages(exc, "issued_on")
    with pytest.raises(PermissionDenied):
        services.inspection_program_create(actor=demo.xa2, unit=demo.commune, year=2028, title="Không",
                                           issued_on=dt.date(2026, 1, 5))
    item = services.planned_add(actor=demo.xa, program=program, kind=InspectionKind.SUPERVISION,
                                subject="Chi bộ thôn", content="Sinh hoạt chi bộ", quarter=2)
    assert item.number == "1"
    with pytest.raises(ValidationError) as exc:
        services.planned_add(actor=demo.xa, program=program, kind="audit", subject="", content="x", quarter=5)
    assert set(exc.value.message_dict) == {"kind", "subject", "quarter"}
    # an inspection may follow an item of its own unit's program only
    inspection = inspection_of(demo.xa, demo.commune, demo.branch, planned=item)
    assert inspection.planned == item
    province_item = InspectionProgram.objects.get(unit=demo.province, year=2026).items.first()
    with pytest.raises(ValidationError) as exc:
        inspection_of(demo.xa, demo.commune, demo.branch, planned=province_item)
    assert "planned" in exc.value.message_dict


def test_content_links_and_team(demo):
    from nghiquyet.programs.models import Task
    from nghiquyet.resolutions.models import Document, Target

    resolution = Document.objects.get(unit=demo.province, symbol="01-NQ/ĐH")
    target = Target.objects.filter(document=resolution).first()
    task = Task.objects.filter(unit=demo.commune).first()
    other_task = Task.objects.filter(unit__path__under=demo.commune2.path).first()
    inspection = inspection_of(demo.xa, demo.commune, demo.branch, resolution=resolution, targets=[target],
                               tasks=[task], leader=person_at(demo.commune, "Chủ nhiệm Ủy ban Kiểm tra"),
                               team=[person_at(demo.commune, "Chánh Văn phòng")])
    assert list(inspection.targets.all()) == [target] and list(inspection.tasks.all()) == [task]
    if other_task is not None:
        with pytest.raises(ValidationError) as exc:
            services.inspection_update(actor=demo.xa, inspection=inspection, tasks=[other_task])
        assert "không thuộc đơn vị hoặc cấp dưới" in messages(exc, "tasks")
    with pytest.raises(ValidationError) as exc:
        services.inspection_update(actor=demo.xa, inspection=inspection, team=[person_at(demo.commune2)])
    assert "team" in exc.value.message_dict
    services.inspection_update(actor=demo.xa, inspection=inspection, title="Kiểm tra chi bộ (sửa)", tasks=[])
    inspection.refresh_from_db()
    assert inspection.title == "Kiểm tra chi bộ (sửa)" and not inspection.tasks.exists()
    event = AuditEvent.objects.filter(content_type__model="inspection", object_id=str(inspection.pk)).first()
    assert event.changes["title"][1] == "Kiểm tra chi bộ (sửa)" and event.changes["tasks"][1] == []


def test_delete_only_before_conclusion_and_recommendations(demo, frozen):
    inspection = inspection_of(demo.xa, demo.commune, demo.branch)
    with pytest.raises(PermissionDenied):
        services.inspection_delete(actor=demo.xa2, inspection=inspection)
    recommendation_of(demo.xa, inspection, demo.branch)
    with pytest.raises(ValidationError) as exc:
        services.inspection_delete(actor=demo.xa, inspection=inspection)
    assert "không xóa được" in messages(exc, "inspection")
    spare = inspection_of(demo.xa, demo.commune, demo.branch)
    services.finding_add(actor=demo.xa, inspection=spare, kind=FindingKind.STRENGTH, text="Tốt")
    services.inspection_delete(actor=demo.xa, inspection=spare)
    assert not type(spare).objects.filter(pk=spare.pk).exists()
    assert AuditEvent.objects.filter(content_type__model="inspection", object_id=str(spare.pk),
                                     action="delete").exists()


def test_extend_a_recommendation_and_its_reminders_start_again(demo, frozen):
    from nghiquyet.oversight.reminders import reminders_due

    inspection = inspection_of(demo.xa, demo.commune, demo.branch)
    recommendation = recommendation_of(demo.xa, inspection, demo.branch, due_on=dt.date(2026, 11, 1))
    keys = {r.key for r in reminders_due(dt.date(2026, 11, 9)) if f":{recommendation.pk}:" in r.key}
    assert keys == {f"recommendation:{recommendation.pk}:2026-11-01:after-7"}
    # reached on 08/11, more than CATCH_UP_DAYS (3) before 25/11: not reminded again
    assert not [r for r in reminders_due(dt.date(2026, 11, 25)) if f":{recommendation.pk}:" in r.key]
    with pytest.raises(PermissionDenied):
        services.recommendation_extend(actor=demo.chibo, recommendation=recommendation, due_on=dt.date(2026, 12, 31),
                                       note="Xin gia hạn")
    with pytest.raises(ValidationError) as exc:
        services.recommendation_extend(actor=demo.xa, recommendation=recommendation, due_on=dt.date(2026, 1, 1),
                                       note="")
    assert "Nhập lý do" in messages(exc, "note") and "02/03/2026" in messages(exc, "due_on")
    services.recommendation_extend(actor=demo.xa, recommendation=recommendation, due_on=dt.date(2026, 11, 28),
                                   note="Chờ hướng dẫn của cấp trên")
    recommendation.refresh_from_db()
    assert recommendation.due_on == dt.date(2026, 11, 28)
    assert recommendation.updates.first().note.startswith("Gia hạn từ 01/11/2026 đến 28/11/2026")
    keys = {r.key for r in reminders_due(dt.date(2026, 11, 25)) if f":{recommendation.pk}:" in r.key}
    assert keys == {f"recommendation:{recommendation.pk}:2026-11-28:before-3"}
