"""The demo province's inspection and supervision (kiểm tra, giám sát), as of ``plans.DEMO_TODAY`` (25/11/2026).

``seed_oversight()`` adds, through the services (audited, as demo-tinh, demo-xa and demo-chibo):

* the province's "Chương trình kiểm tra, giám sát năm 2026" (01-CTr/TU) with four planned items;
* item 1, done: the inspection of Đông Sơn (demo-xa's commune) on leading the implementation of 01-NQ/ĐH
  (May–June 2026, concluded 02/07/2026 by 12-KL/TU) with four findings and three recommendations: one due
  30/09/2026 and still open (overdue on DEMO_TODAY), one done by Đông Sơn and closed by the province, one to
  demo-chibo's branch due 15/12/2026 with a first follow-up;
* item 2, done: the supervision of An Lạc (demo-xa2's commune) on admitting new members (target 18), with three
  findings, a result notice (25-TB/TU) and one recommendation due 31/03/2027;
* items 3 and 4 not yet carried out, so the province shows 2 of 4 planned done.

Deterministic (fixed dates and texts) and idempotent (nothing is written when the province's 2026 program
exists).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from nghiquyet.accounts.models import Person
from nghiquyet.demo.plans import CONGRESS_SYMBOL, DEMO_TODAY
from nghiquyet.org.models import Unit
from nghiquyet.oversight import services
from nghiquyet.oversight.models import (
    FindingKind,
    Inspection,
    InspectionKind,
    InspectionMode,
    InspectionProgram,
    Recommendation,
    RecommendationStatus,
)
from nghiquyet.programs.models import Task
from nghiquyet.resolutions.models import Document, Target

YEAR = 2026
PROGRAM_TITLE = "Chương trình kiểm tra, giám sát năm 2026 của Ban Chấp hành Đảng bộ tỉnh"
DONG_SON_CODE = "HT.X.DONGSON"
AN_LAC_CODE = "HT.X.ANLAC"
BRANCH_CODE = "HT.X.DONGHOA.CB01"

ITEMS = [
    (InspectionKind.INSPECTION, InspectionMode.THEMATIC, "Ban Thường vụ Đảng ủy xã Đông Sơn",
     "Việc lãnh đạo, chỉ đạo thực hiện Nghị quyết Đại hội Đảng bộ tỉnh nhiệm kỳ 2025-2030 và Nghị quyết Đại hội "
     "Đảng bộ xã; việc cụ thể hóa thành chương trình, kế hoạch", 2),
    (InspectionKind.SUPERVISION, InspectionMode.THEMATIC, "Ban Thường vụ Đảng ủy xã An Lạc",
     "Việc thực hiện chỉ tiêu kết nạp đảng viên mới và chế độ sinh hoạt chi bộ theo Chỉ thị 50-CT/TW", 3),
    (InspectionKind.INSPECTION, InspectionMode.THEMATIC, "Ủy ban Kiểm tra Đảng ủy Khối các cơ quan và doanh nghiệp",
     "Việc thực hiện nhiệm vụ kiểm tra, giám sát và thi hành kỷ luật đảng", 4),
    (InspectionKind.SUPERVISION, InspectionMode.REGULAR, "Ban Thường vụ các Đảng ủy xã, phường",
     "Việc tổ chức học tập, quán triệt và xây dựng chương trình hành động thực hiện nghị quyết của Đảng", 4),
]


@dataclass
class OversightSummary:
    created: bool
    seconds: float
    programs: int
    planned: int
    inspections: int
    findings: int
    recommendations: int
    overdue: int
    closed: int

    def line(self) -> str:
        return (f"Kiểm tra, giám sát: {self.programs} chương trình ({self.planned} nội dung), {self.inspections} "
                f"cuộc, {self.findings} kết quả, {self.recommendations} kiến nghị ({self.overdue} quá hạn tính "
                f"đến {DEMO_TODAY.strftime('%d/%m/%Y')}, {self.closed} đã kết thúc theo dõi)"
                + (f"; tạo trong {self.seconds:.1f} giây".replace(".", ",") if self.created else ""))


def summary(province: Unit, *, created: bool, seconds: float = 0.0) -> OversightSummary:
    subtree = province.path
    recommendations = Recommendation.objects.filter(inspection__unit__path__under=subtree)
    return OversightSummary(
        created=created, seconds=seconds,
        programs=InspectionProgram.objects.filter(unit__path__under=subtree).count(),
        planned=InspectionProgram.objects.filter(unit__path__under=subtree).values("items").exclude(
            items=None).count(),
        inspections=Inspection.objects.filter(unit__path__under=subtree).count(),
        findings=Inspection.objects.filter(unit__path__under=subtree).values("findings").exclude(
            findings=None).count(),
        recommendations=recommendations.count(),
        overdue=recommendations.filter(status=RecommendationStatus.OPEN, due_on__lt=DEMO_TODAY).count(),
        closed=recommendations.filter(status=RecommendationStatus.CLOSED).count(),
    )


def _person(unit: Unit, position_part: str) -> Person | None:
    return Person.objects.filter(unit=unit, position__contains=position_part).order_by("id").first()


def seed_oversight(province: Unit, say=lambda message: None) -> OversightSummary:
    """Build the inspection data unless the province's 2026 program exists. Call inside a transaction."""
    started = time.perf_counter()
    if InspectionProgram.objects.filter(unit=province, year=YEAR).exists():
        return summary(province, created=False)
    units = Unit.objects.in_bulk([DONG_SON_CODE, AN_LAC_CODE, BRANCH_CODE], field_name="code")
    resolution = Document.objects.filter(unit=province, symbol=CONGRESS_SYMBOL, is_congress_resolution=True).first()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["demo-tinh", "demo-xa",
                                                                                    "demo-chibo"])}
    if len(units) < 3 or resolution is None or len(users) < 3:
        return summary(province, created=False)
    say("  Kiểm tra, giám sát năm 2026: chương trình, 2 cuộc, kết luận, kiến nghị")
    dong_son, an_lac, branch = units[DONG_SON_CODE], units[AN_LAC_CODE], units[BRANCH_CODE]
    tinh, xa, chibo = users["demo-tinh"], users["demo-xa"], users["demo-chibo"]

    program = services.inspection_program_create(actor=tinh, unit=province, year=YEAR, title=PROGRAM_TITLE,
                                                 issued_on=dt.date(2025, 12, 22), symbol="01-CTr/TU")
    items = [services.planned_add(actor=tinh, program=program, kind=kind, mode=mode, subject=subject,
                                  content=content, quarter=quarter)
             for kind, mode, subject, content, quarter in ITEMS]

    chief = _person(province, "Chủ nhiệm Ủy ban Kiểm tra")
    team = [p for p in (_person(province, "Phó Chánh Văn phòng"), _person(province, "Chánh Văn phòng Tỉnh ủy"),
                        getattr(tinh, "person", None)) if p is not None]
    targets = list(Target.objects.filter(document=resolution, number__in=["5", "7", "18", "21"]).order_by("id"))
    tasks = list(Task.objects.filter(unit=dong_son).order_by("program_id", "id")[:3])

    # 1. The inspection of Đông Sơn on implementing 01-NQ/ĐH.
    inspection = services.inspection_create(
        actor=tinh, unit=province, planned=items[0], kind=InspectionKind.INSPECTION, mode=InspectionMode.THEMATIC,
        title="Kiểm tra việc lãnh đạo, chỉ đạo thực hiện Nghị quyết Đại hội Đảng bộ tỉnh tại Đảng bộ xã Đông Sơn",
        decision_ref="Quyết định 215-QĐ/TU", subject_unit=dong_son,
        content="Việc quán triệt, cụ thể hóa và tổ chức thực hiện Nghị quyết 01-NQ/ĐH; tiến độ các chỉ tiêu về nông "
                "thôn mới, giảm nghèo, phát triển đảng viên và chuyển đổi số; việc phân công nhiệm vụ trong chương "
                "trình hành động.",
        resolution=resolution, targets=targets, tasks=tasks, leader=chief, team=team,
        starts_on=dt.date(2026, 5, 11), ends_on=dt.date(2026, 6, 12))
    for kind, text in [
        (FindingKind.STRENGTH, "Ban Thường vụ đã ban hành chương trình hành động thực hiện Nghị quyết trong quý "
                               "I/2026, đúng thời hạn; tổ chức học tập, quán triệt đến 100% chi bộ."),
        (FindingKind.STRENGTH, "Chỉ tiêu giảm tỷ lệ hộ nghèo đạt và vượt kế hoạch năm 2026."),
        (FindingKind.SHORTCOMING, "Một số nhiệm vụ trong chương trình hành động chưa rõ sản phẩm và thời hạn hoàn "
                                  "thành; việc phân công cán bộ tham mưu còn chung chung."),
        (FindingKind.SHORTCOMING, "Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng và số tiêu chí nông thôn mới "
                                  "nâng cao đạt thấp so với lộ trình; báo cáo định kỳ có quý nộp chậm."),
    ]:
        services.finding_add(actor=tinh, inspection=inspection, kind=kind, text=text)
    services.inspection_conclude(
        actor=tinh, inspection=inspection, concluded_on=dt.date(2026, 7, 2), conclusion_ref="12-KL/TU",
        conclusion="Đảng ủy xã Đông Sơn đã lãnh đạo, chỉ đạo thực hiện Nghị quyết Đại hội Đảng bộ tỉnh cơ bản "
                   "nghiêm túc, kịp thời. Ban Thường vụ Đảng ủy xã cần khắc phục các hạn chế đã nêu, bổ sung chương "
                   "trình hành động theo tinh thần “sáu rõ” và đẩy nhanh tiến độ các chỉ tiêu chậm so với lộ trình.")
    secretary = _person(dong_son, "Bí thư Đảng ủy")
    services.recommendation_add(
        actor=tinh, inspection=inspection, owner_unit=dong_son, due_on=dt.date(2026, 9, 30),
        text="Rà soát, bổ sung chương trình hành động: mỗi nhiệm vụ có rõ sản phẩm, thời hạn và cán bộ tham mưu; "
             "báo cáo kết quả về Ủy ban Kiểm tra Tỉnh ủy.")
    done = services.recommendation_add(
        actor=tinh, inspection=inspection, owner_unit=dong_son, owner_person=secretary, due_on=dt.date(2026, 8, 31),
        text="Xây dựng kế hoạch nâng tỷ lệ hồ sơ công việc của cấp ủy xử lý trên môi trường mạng đạt lộ trình năm "
             "2026.")
    services.recommendation_follow_up(actor=xa, recommendation=done, on=dt.date(2026, 8, 20), done=True,
                                      note="Ban Thường vụ đã ban hành Kế hoạch 45-KH/ĐU ngày 18/8/2026; tỷ lệ hồ sơ "
                                           "xử lý trên môi trường mạng tháng 8 đạt 92%.")
    services.recommendation_close(actor=tinh, recommendation=done, on=dt.date(2026, 9, 10),
                                  note="Đã thực hiện đúng thời hạn; tiếp tục theo dõi qua báo cáo quý.")
    branch_rec = services.recommendation_add(
        actor=tinh, inspection=inspection, owner_unit=branch, due_on=dt.date(2026, 12, 15),
        text="Chi bộ rà soát, hoàn thiện hồ sơ quần chúng ưu tú, tạo nguồn kết nạp đảng viên năm 2026.")
    services.recommendation_follow_up(actor=chibo, recommendation=branch_rec, on=dt.date(2026, 10, 28),
                                      note="Đã rà soát 6 quần chúng ưu tú; 3 hồ sơ đã hoàn thiện, đang thẩm tra lý "
                                           "lịch 3 hồ sơ còn lại.")

    # 2. The supervision of An Lạc on admitting new members.
    supervision = services.inspection_create(
        actor=tinh, unit=province, planned=items[1], kind=InspectionKind.SUPERVISION, mode=InspectionMode.THEMATIC,
        title="Giám sát việc thực hiện chỉ tiêu kết nạp đảng viên mới tại Đảng bộ xã An Lạc",
        decision_ref="Quyết định 298-QĐ/TU", subject_unit=an_lac,
        content="Việc thực hiện chỉ tiêu 18 (số đảng viên mới được kết nạp) và chế độ sinh hoạt chi bộ.",
        resolution=resolution, targets=[t for t in targets if t.number == "18"], leader=chief, team=team[:2],
        starts_on=dt.date(2026, 9, 14), ends_on=dt.date(2026, 9, 25))
    for kind, text in [
        (FindingKind.STRENGTH, "Các chi bộ duy trì sinh hoạt định kỳ hằng tháng; nội dung sinh hoạt chuyên đề có "
                               "chất lượng."),
        (FindingKind.SHORTCOMING, "Đến hết quý III/2026 mới kết nạp được 5 đảng viên, đạt 42% kế hoạch năm."),
        (FindingKind.SHORTCOMING, "Hai chi bộ thôn chưa có quần chúng ưu tú trong diện bồi dưỡng."),
    ]:
        services.finding_add(actor=tinh, inspection=supervision, kind=kind, text=text)
    services.inspection_conclude(
        actor=tinh, inspection=supervision, concluded_on=dt.date(2026, 10, 15), conclusion_ref="25-TB/TU",
        conclusion="Đảng ủy xã An Lạc cần có giải pháp cụ thể tạo nguồn phát triển đảng viên, phấn đấu hoàn thành "
                   "chỉ tiêu năm 2026.")
    services.recommendation_add(
        actor=tinh, inspection=supervision, owner_unit=an_lac, due_on=dt.date(2027, 3, 31),
        text="Giao chỉ tiêu tạo nguồn đến từng chi bộ; báo cáo kết quả kết nạp đảng viên năm 2026 và quý I/2027.")
    return summary(province, created=True, seconds=time.perf_counter() - started)
