"""The demo province's plans: terms, congress resolutions, targets, alignment, action programs, tasks.

Built by ``seed_plans()`` through the services of ``resolutions`` and ``programs`` (as the system,
``actor=None``), so validation, links and audit rows are real. Like the rest of the demo it is

* deterministic: every value is written here or drawn from ``random.Random`` seeded per unit code;
  every date is fixed (the data is set in late November 2026, ``DEMO_TODAY``), none comes from the
  clock. Whether a task shows as overdue is derived from its due date, so tasks due before
  ``DEMO_TODAY`` and not done are overdue on any later day;
* idempotent: if the province's 2025-2030 congress resolution is already there nothing is written
  (a demo database seeded before the plans existed gets them on the next run; terms and congresses
  entered by hand are reused, communes whose resolution was entered by hand are left alone).

What it holds: the province's 2025-2030 term, its XXIst congress and congress resolution
(objectives, 3 key programs, 3 breakthroughs, 21 targets in the five domains with yearly
milestones); the Politburo's Resolution 57-NQ/TW, registered by the province (issuer code TW:
the Central Committee is not a unit of the demo tree); commune congress resolutions whose targets
are copied down from the province, adjusted and linked upward, with a few gaps left on purpose;
action programs with tasks at the province, at demo-xa's and demo-xa2's communes and at
demo-chibo's branch.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from nghiquyet.accounts.models import Person
from nghiquyet.demo import data
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.org.selectors import unit_members_total
from nghiquyet.org.services import unit_create
from nghiquyet.programs.models import ActionProgram, Task, TaskStatus
from nghiquyet.programs.services import program_create, task_create, task_progress_add
from nghiquyet.resolutions.models import (
    Aggregation,
    Direction,
    Document,
    Domain,
    ItemKind,
    ResolutionItem,
    Target,
    Term,
)
from nghiquyet.resolutions.services import (
    alignment_create,
    congress_create,
    document_create,
    item_create,
    target_create,
    target_update,
    targets_copy_down,
    term_create,
)

DEMO_TODAY = dt.date(2026, 11, 25)   # the day the demo data describes; no date below is later
TERM = (2025, 2030)
YEARS = range(2026, 2031)            # milestones: the end of each year of the term after the congress
CONGRESS_SYMBOL = "01-NQ/ĐH"
THEMATIC_SYMBOL = "57-NQ/TW"
CENTRAL_CODE = "TW"  # the Central Committee: a root of its own; what it issues is read by every level

# Communes by place name; codes come from ``seed.commune_code``.
DEMO_XA_PLACE = "Đông Sơn"           # demo-xa
DEMO_XA2_PLACE = "An Lạc"            # demo-xa2
DEMO_BRANCH_CODE = "HT.X.DONGHOA.CB01"
NO_RESOLUTION_YET = ["Vạn Xuân", "Trường Thi"]            # held their congress, resolution not entered yet
PARTIAL = {                                                  # resolutions that leave provincial targets out
    "Bình Minh": ["16", "21"],
    "Kim Tân": ["8", "14", "19"],
    "Ngọc Sơn": ["12", "17"],
}
ALWAYS_ADJUSTED = {"1", "2", "3", "6", "7", "17", "18"}           # a commune's own numbers, not the province's
MOVED_ORDINALS = {"Đông Thanh": "XXIV", "Đông Minh": "XXV", "Đông Khê": "XXIII"}


def D(text: str) -> Decimal:
    return Decimal(text)


# --------------------------------------------------------------------------- the province's targets


@dataclass(frozen=True)
class TargetSpec:
    number: str
    domain: str
    name: str
    measure: str
    baseline: str
    target: str
    milestones: tuple[str, ...]          # 2026 ... 2030
    direction: str = Direction.HIGHER
    aggregation: str = Aggregation.NONE
    weight_name: str = ""
    numerator_name: str = ""
    denominator_name: str = ""
    threshold: str | None = None
    criteria_total: int | None = None
    communes: str = "all"                # all | rural (xã) | mountain | none (province only)
    local: tuple | None = None           # (low, high, decimals, rule) for a commune's own baseline and target
    commune_values: tuple[tuple[str, str], ...] = ()   # field renames at commune level

    def values(self) -> dict:
        return {
            "number": self.number, "name": self.name, "domain": self.domain, "measure": self.measure,
            "baseline_year": TERM[0], "baseline_value": D(self.baseline), "target_value": D(self.target),
            "direction": self.direction, "aggregation": self.aggregation, "weight_name": self.weight_name,
            "numerator_name": self.numerator_name, "denominator_name": self.denominator_name,
            "threshold": D(self.threshold) if self.threshold is not None else None,
            "criteria_total": self.criteria_total,
        }


E, S, M, Q_, P = Domain.ECONOMY, Domain.SOCIETY, Domain.ENVIRONMENT, Domain.DEFENCE, Domain.PARTY
LOWER, EXACT = Direction.LOWER, Direction.EXACT
SUM, WMEAN, RATIO, COUNT = Aggregation.SUM, Aggregation.WEIGHTED_MEAN, Aggregation.RATIO, Aggregation.COUNT_MEETING

PROVINCE_TARGETS: tuple[TargetSpec, ...] = (
    # Kinh tế
    TargetSpec("1", E, "Tốc độ tăng trưởng kinh tế (GRDP) bình quân hằng năm", "%", "8.2", "10.0",
               ("9.0", "9.5", "10.0", "10.0", "10.0"), local=(65, 95, 1, "plus:10:25"),
               commune_values=(("name", "Tốc độ tăng giá trị sản xuất bình quân hằng năm"),)),
    TargetSpec("2", E, "GRDP bình quân đầu người", "triệu đồng", "78", "135", ("88", "99", "110", "122", "135"),
               aggregation=WMEAN, weight_name="Dân số trung bình", local=(45, 80, 0, "times:165"),
               commune_values=(("name", "Thu nhập bình quân đầu người"), ("measure", "triệu đồng/người/năm"))),
    TargetSpec("3", E, "Tổng thu ngân sách nhà nước trên địa bàn", "tỷ đồng", "14500", "25000",
               ("16200", "18000", "20000", "22400", "25000"), aggregation=SUM, local=(60, 450, 1, "times:160")),
    TargetSpec("4", E, "Tỷ trọng kinh tế số trong GRDP", "%", "9.5", "20.0", ("11.5", "13.5", "15.5", "17.5", "20.0"),
               aggregation=RATIO, numerator_name="Giá trị tăng thêm của kinh tế số", denominator_name="GRDP",
               communes="none"),
    TargetSpec("5", E, "Số xã đạt chuẩn nông thôn mới nâng cao", "xã", "6", "16", ("8", "10", "12", "14", "16"),
               aggregation=COUNT, threshold="19", communes="none"),
    TargetSpec("6", E, "Bình quân số tiêu chí nông thôn mới nâng cao đạt được trên mỗi xã", "tiêu chí", "15.4",
               "18.5", ("16.0", "16.6", "17.2", "17.9", "18.5"), aggregation=WMEAN,
               weight_name="Số xã (mỗi xã trọng số 1)", communes="rural", local=(12, 18, 0, "criteria"),
               # at a commune it is a criteria set: met count out of 19
               commune_values=(("name", "Số tiêu chí xã nông thôn mới nâng cao đạt được"), ("criteria_total", 19),
                               ("aggregation", Aggregation.NONE), ("weight_name", ""))),
    # Văn hóa - xã hội
    TargetSpec("7", S, "Tỷ lệ hộ nghèo theo chuẩn nghèo đa chiều", "%", "3.85", "1.00",
               ("3.30", "2.70", "2.10", "1.50", "1.00"), direction=LOWER, aggregation=RATIO,
               numerator_name="Số hộ nghèo", denominator_name="Tổng số hộ dân cư", local=(120, 520, 2, "poverty")),
    TargetSpec("8", S, "Tỷ lệ lao động qua đào tạo", "%", "70.0", "78.0", ("71.5", "73.0", "74.5", "76.0", "78.0"),
               aggregation=RATIO, numerator_name="Lao động đã qua đào tạo", denominator_name="Lực lượng lao động",
               local=(600, 780, 1, "plus:60:100")),
    TargetSpec("9", S, "Tỷ lệ dân số tham gia bảo hiểm y tế", "%", "93.5", "97.0",
               ("94.5", "95.2", "95.9", "96.5", "97.0"), aggregation=RATIO,
               numerator_name="Số người có thẻ bảo hiểm y tế", denominator_name="Dân số",
               local=(900, 960, 1, "plus:15:35")),
    TargetSpec("10", S, "Tỷ lệ trường học đạt chuẩn quốc gia", "%", "76.0", "88.0",
               ("78.0", "80.5", "83.0", "85.5", "88.0"), aggregation=RATIO,
               numerator_name="Số trường đạt chuẩn quốc gia", denominator_name="Tổng số trường",
               local=(55, 95, 0, "plus:5:20")),
    TargetSpec("11", S, "Tỷ lệ thôn, tổ dân phố đạt danh hiệu văn hóa", "%", "85.0", "92.0",
               ("86.5", "88.0", "89.5", "91.0", "92.0"), aggregation=RATIO,
               numerator_name="Thôn, tổ dân phố văn hóa", denominator_name="Tổng số thôn, tổ dân phố"),
    # Môi trường
    TargetSpec("12", M, "Tỷ lệ che phủ rừng", "%", "52.5", "54.0", ("52.8", "53.1", "53.4", "53.7", "54.0"),
               aggregation=RATIO, numerator_name="Diện tích đất có rừng", denominator_name="Diện tích tự nhiên",
               communes="mountain", local=(600, 720, 1, "plus:10:25")),
    TargetSpec("13", M, "Tỷ lệ hộ dân nông thôn sử dụng nước sạch đạt quy chuẩn", "%", "58.0", "75.0",
               ("61.0", "64.5", "68.0", "71.5", "75.0"), aggregation=RATIO,
               numerator_name="Số hộ nông thôn dùng nước sạch đạt quy chuẩn",
               denominator_name="Tổng số hộ nông thôn", communes="rural", local=(350, 800, 1, "plus:150:250")),
    TargetSpec("14", M, "Tỷ lệ chất thải rắn sinh hoạt được thu gom, xử lý theo quy định", "%", "90.0", "98.0",
               ("92.0", "94.0", "95.5", "97.0", "98.0"), aggregation=RATIO,
               numerator_name="Khối lượng được thu gom, xử lý", denominator_name="Khối lượng phát sinh",
               local=(800, 970, 1, "plus:20:60")),
    # Quốc phòng - an ninh
    TargetSpec("15", Q_, "Hoàn thành chỉ tiêu tuyển chọn, gọi công dân nhập ngũ hằng năm", "%", "100", "100",
               ("100", "100", "100", "100", "100"), direction=EXACT),
    TargetSpec("16", Q_, "Tỷ lệ thôn, tổ dân phố đạt tiêu chuẩn “An toàn về an ninh, trật tự”", "%", "88.0", "95.0",
               ("89.5", "91.0", "92.5", "94.0", "95.0"), aggregation=RATIO,
               numerator_name="Thôn, tổ dân phố đạt tiêu chuẩn", denominator_name="Tổng số thôn, tổ dân phố",
               local=(800, 950, 1, "plus:30:80")),
    TargetSpec("17", Q_, "Số vụ tai nạn giao thông trong năm", "vụ", "212", "160", ("200", "190", "180", "170", "160"),
               direction=LOWER, aggregation=SUM, local=(2, 12, 0, "accidents")),
    # Xây dựng Đảng và hệ thống chính trị
    TargetSpec("18", P, "Số đảng viên mới được kết nạp hằng năm", "đảng viên", "360", "420",
               ("372", "384", "396", "408", "420"), aggregation=SUM, local=(0, 0, 0, "members")),
    TargetSpec("19", P, "Tỷ lệ tổ chức cơ sở đảng được xếp loại “Hoàn thành tốt nhiệm vụ” trở lên hằng năm", "%",
               "85.0", "90.0", ("86.0", "87.0", "88.0", "89.0", "90.0"), aggregation=RATIO,
               numerator_name="Tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên",
               denominator_name="Tổng số tổ chức cơ sở đảng", local=(750, 920, 1, "plus:20:60"),
               commune_values=(
                   ("name", "Tỷ lệ chi bộ được xếp loại “Hoàn thành tốt nhiệm vụ” trở lên hằng năm"),
                   ("numerator_name", "Chi bộ hoàn thành tốt nhiệm vụ trở lên"),
                   ("denominator_name", "Tổng số chi bộ"))),
    TargetSpec("20", P, "Tỷ lệ đảng viên được xếp loại “Hoàn thành tốt nhiệm vụ” trở lên hằng năm", "%", "88.0",
               "90.0", ("88.5", "89.0", "89.5", "90.0", "90.0"), aggregation=RATIO,
               numerator_name="Đảng viên hoàn thành tốt nhiệm vụ trở lên", denominator_name="Tổng số đảng viên"),
    TargetSpec("21", P, "Tỷ lệ hồ sơ công việc của cấp ủy được xử lý trên môi trường mạng", "%", "80", "100",
               ("85", "90", "95", "100", "100"), aggregation=RATIO,
               numerator_name="Hồ sơ xử lý trên môi trường mạng", denominator_name="Tổng số hồ sơ công việc",
               local=(50, 90, 0, "to:100")),
)

PROVINCE_ITEMS = [
    (ItemKind.OBJECTIVE, "1", "Mục tiêu tổng quát",
     "Xây dựng Đảng bộ và hệ thống chính trị trong sạch, vững mạnh toàn diện; phát huy sức mạnh đại đoàn kết "
     "toàn dân tộc; lấy khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số làm động lực; phấn đấu đến năm "
     "2030 Hà Thanh là tỉnh phát triển khá của vùng."),
    (ItemKind.KEY_PROGRAM, "1", "Chương trình phát triển kết cấu hạ tầng giao thông, đô thị và các khu, cụm công "
     "nghiệp", ""),
    (ItemKind.KEY_PROGRAM, "2", "Chương trình chuyển đổi số, phát triển khoa học, công nghệ và đổi mới sáng tạo", ""),
    (ItemKind.KEY_PROGRAM, "3", "Chương trình xây dựng nông thôn mới nâng cao, nông thôn mới kiểu mẫu gắn với giảm "
     "nghèo bền vững", ""),
    (ItemKind.BREAKTHROUGH, "1", "Hoàn thiện thể chế, đẩy mạnh cải cách hành chính, cải thiện môi trường đầu tư "
     "kinh doanh", ""),
    (ItemKind.BREAKTHROUGH, "2", "Phát triển nguồn nhân lực chất lượng cao, trọng dụng nhân tài", ""),
    (ItemKind.BREAKTHROUGH, "3", "Đầu tư kết cấu hạ tầng đồng bộ, hiện đại, trọng tâm là giao thông kết nối vùng và "
     "hạ tầng số", ""),
]

THEMATIC_ITEMS = [
    (ItemKind.OBJECTIVE, "1", "Đến năm 2030, quy mô kinh tế số đạt tối thiểu 30% GDP; tỷ lệ sử dụng dịch vụ công "
     "trực tuyến của người dân và doanh nghiệp đạt trên 80%", ""),
    (ItemKind.OBJECTIVE, "2", "Đến năm 2030, hoàn thành chuyển đổi số trong các cơ quan của hệ thống chính trị ở tất "
     "cả các cấp", ""),
    (ItemKind.BREAKTHROUGH, "1", "Khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là đột phá quan trọng hàng "
     "đầu, động lực chính để phát triển nhanh lực lượng sản xuất hiện đại", ""),
]

# --------------------------------------------------------------------------- people and tasks

PROVINCE_PEOPLE = {
    "bt": "Bí thư Tỉnh ủy",
    "pbtt": "Phó Bí thư Thường trực Tỉnh ủy",
    "ctub": "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh",
    "cthd": "Phó Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh",
    "tctu": "Ủy viên Ban Thường vụ, Trưởng Ban Tổ chức Tỉnh ủy",
    "ubkt": "Ủy viên Ban Thường vụ, Chủ nhiệm Ủy ban Kiểm tra Tỉnh ủy",
    "tgdv": "Ủy viên Ban Thường vụ, Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "mttq": "Ủy viên Ban Thường vụ, Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
    "stc": "Tỉnh ủy viên, Giám đốc Sở Tài chính",
    "snn": "Tỉnh ủy viên, Giám đốc Sở Nông nghiệp và Môi trường",
    "sgd": "Tỉnh ủy viên, Giám đốc Sở Giáo dục và Đào tạo",
    "cvp": "Tỉnh ủy viên, Chánh Văn phòng Tỉnh ủy",
    "pcvp": "Phó Chánh Văn phòng Tỉnh ủy",
    "cv2": "Chuyên viên Văn phòng Tỉnh ủy",   # the second one; the first is demo-tinh
    "cvtc": "Chuyên viên Ban Tổ chức Tỉnh ủy",
    "cvtg": "Chuyên viên Ban Tuyên giáo và Dân vận Tỉnh ủy",
}
COMMUNE_PEOPLE = {
    "bt": "Bí thư Đảng ủy {level}",
    "pbtt": "Phó Bí thư Thường trực Đảng ủy {level}",
    "ct": "Phó Bí thư Đảng ủy, Chủ tịch UBND {level}",
    "ubkt": "Ủy viên Ban Thường vụ, Chủ nhiệm Ủy ban Kiểm tra Đảng ủy",
    "mttq": "Ủy viên Ban Thường vụ, Chủ tịch Ủy ban MTTQ Việt Nam {level}",
    "xdd": "Ủy viên Ban Thường vụ, Trưởng Ban Xây dựng Đảng",
    "pct": "Đảng ủy viên, Phó Chủ tịch UBND {level}",
    "qs": "Đảng ủy viên, Chỉ huy trưởng Ban Chỉ huy Quân sự {level}",
    "ca": "Đảng ủy viên, Trưởng Công an {level}",
    "hnd": "Đảng ủy viên, Chủ tịch Hội Nông dân {level}",
    "cvp": "Chánh Văn phòng Đảng ủy",
    "cvxdd": "Chuyên viên Ban Xây dựng Đảng",
}
# The demo accounts' people, by username.
DEMO_PEOPLE = {"demo-tinh", "demo-xa", "demo-xa2", "demo-chibo"}


@dataclass(frozen=True)
class TaskSpec:
    title: str
    directing: str
    responsible: str
    advisor: str
    start: dt.date
    due: dt.date
    deliverable: str
    authority: str
    progress: tuple[tuple[dt.date, int, str], ...] = ()
    coordinating: tuple[str, ...] = ()   # code suffixes under the program's unit: UBND, MTTQ, HND ... or a branch
    # Links up (never to the unit's own plans): "T7" province target 7, "KP2"/"BT3" province items,
    # "TW:OBJ1" items of 57-NQ/TW, "DS:T18" the target 18 of demo-xa's commune.
    links: tuple[str, ...] = ()


def d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


BTV_TU, BCH_TU, UBND_T = "Ban Thường vụ Tỉnh ủy", "Ban Chấp hành Đảng bộ tỉnh", "Ủy ban nhân dân tỉnh"
BTV_DU, DU_BCH = "Ban Thường vụ Đảng ủy", "Ban Chấp hành Đảng bộ"

PROVINCE_TASKS = [
    TaskSpec("Tổ chức học tập, quán triệt Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XXI đến cán bộ, "
             "đảng viên", "pbtt", "tgdv", "cvtg", d(2025, 11, 1), d(2026, 1, 31),
             "Báo cáo kết quả học tập, quán triệt", BTV_TU,
             ((d(2025, 12, 20), 60, "Đã tổ chức hội nghị trực tuyến đến 100% đảng bộ trực thuộc."),
              (d(2026, 1, 28), 100, "Hoàn thành; 98,6% cán bộ, đảng viên tham gia học tập."))),
    TaskSpec("Ban hành kế hoạch kiểm tra, giám sát việc thực hiện Nghị quyết Đại hội nhiệm kỳ 2025 - 2030",
             "pbtt", "ubkt", "demo-tinh", d(2025, 11, 15), d(2026, 2, 28),
             "Kế hoạch kiểm tra, giám sát toàn khóa", BTV_TU,
             ((d(2026, 2, 20), 100, "Ban Thường vụ đã ban hành Kế hoạch số 12-KH/TU."),)),
    TaskSpec("Xây dựng Đề án phát triển hạ tầng giao thông kết nối vùng giai đoạn 2026 - 2030", "ctub", "stc",
             "pcvp", d(2026, 1, 15), d(2026, 9, 30), "Đề án trình Ban Chấp hành Đảng bộ tỉnh", BCH_TU,
             ((d(2026, 4, 15), 30, "Hoàn thành khảo sát, lấy ý kiến các sở, ngành."),
              (d(2026, 7, 20), 65, "Dự thảo Đề án đang lấy ý kiến các xã, phường; chậm so với kế hoạch."))),
    TaskSpec("Ban hành Nghị quyết chuyên đề về xây dựng nông thôn mới nâng cao, nông thôn mới kiểu mẫu giai đoạn "
             "2026 - 2030", "cthd", "snn", "demo-tinh", d(2026, 2, 1), d(2026, 6, 30),
             "Nghị quyết chuyên đề của Ban Thường vụ Tỉnh ủy", BTV_TU,
             ((d(2026, 3, 31), 50, "Dự thảo đã xin ý kiến các đảng bộ trực thuộc."),
              (d(2026, 5, 12), 100, "Ban Thường vụ Tỉnh ủy đã ban hành nghị quyết."))),
    TaskSpec("Triển khai Chương trình giảm nghèo đa chiều, bền vững giai đoạn 2026 - 2030", "ctub", "mttq", "cv2",
             d(2026, 3, 1), d(2030, 12, 31), "Báo cáo kết quả giảm nghèo hằng năm", BTV_TU,
             ((d(2026, 6, 30), 20, "Rà soát hộ nghèo, hộ cận nghèo đầu kỳ."),
              (d(2026, 10, 31), 35, "Hỗ trợ sinh kế cho 1.240 hộ; xây mới 85 nhà Đại đoàn kết."))),
    TaskSpec("Xây dựng quy hoạch cán bộ lãnh đạo, quản lý các cấp nhiệm kỳ 2030 - 2035", "pbtt", "tctu", "cvtc",
             d(2026, 3, 1), d(2026, 10, 31), "Quyết định phê duyệt quy hoạch", BTV_TU,
             ((d(2026, 6, 15), 50, "Hoàn thành giới thiệu nguồn quy hoạch ở cấp xã."),
              (d(2026, 9, 30), 80, "Đang thẩm định hồ sơ nhân sự cấp tỉnh."))),
    TaskSpec("Nâng cao chất lượng sinh hoạt chi bộ và công tác phát triển đảng viên", "pbtt", "tctu", "cvtc",
             d(2026, 1, 1), d(2027, 12, 31), "Báo cáo chuyên đề hằng năm", BTV_TU,
             ((d(2026, 7, 15), 40, "Sơ kết 6 tháng; kết nạp 205 đảng viên mới."),)),
    TaskSpec("Chỉ đạo nâng tỷ lệ che phủ rừng và xử lý chất thải rắn sinh hoạt", "ctub", "snn", "pcvp",
             d(2026, 4, 1), d(2026, 8, 31), "Kế hoạch của Ủy ban nhân dân tỉnh", UBND_T),
    TaskSpec("Nâng tỷ lệ trường học đạt chuẩn quốc gia", "ctub", "sgd", "cv2", d(2026, 1, 15), d(2027, 6, 30),
             "Báo cáo kết quả công nhận trường chuẩn", UBND_T,
             ((d(2026, 8, 31), 45, "Công nhận mới 14 trường đạt chuẩn quốc gia."),)),
    TaskSpec("Sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XXI", "bt", "pbtt",
             "cvp", d(2028, 3, 1), d(2028, 6, 30), "Báo cáo sơ kết giữa nhiệm kỳ", BCH_TU),
]

PROVINCE_TW_TASKS = [
    TaskSpec("Xây dựng và vận hành Trung tâm giám sát, điều hành thông minh của tỉnh", "bt", "ctub", "demo-tinh",
             d(2025, 4, 1), d(2026, 6, 30), "Trung tâm đưa vào vận hành", BTV_TU,
             ((d(2025, 9, 30), 40, "Hoàn thành hạ tầng máy chủ, đường truyền."),
              (d(2026, 3, 31), 75, "Tích hợp 12/18 hệ thống chuyên ngành; chậm tích hợp dữ liệu đất đai."))),
    TaskSpec("Số hóa hồ sơ, tài liệu lưu trữ của các cơ quan đảng", "pbtt", "cvp", "demo-tinh", d(2025, 4, 1),
             d(2025, 12, 31), "Cơ sở dữ liệu tài liệu lưu trữ số", BTV_TU,
             ((d(2025, 8, 15), 50, "Số hóa xong tài liệu nhiệm kỳ 2015 - 2020."),
              (d(2025, 12, 26), 100, "Hoàn thành số hóa 1,2 triệu trang tài liệu."))),
    TaskSpec("Triển khai văn bản điện tử, chữ ký số trong các cơ quan đảng đến cấp xã", "pbtt", "cvp", "pcvp",
             d(2025, 5, 1), d(2026, 12, 31), "100% văn bản trao đổi dưới dạng điện tử", BTV_TU,
             ((d(2026, 10, 15), 85, "27/30 đảng ủy xã, phường đã dùng chữ ký số."),)),
    TaskSpec("Bồi dưỡng kỹ năng số cho cán bộ, đảng viên", "tctu", "tgdv", "cvtg", d(2025, 6, 1), d(2027, 12, 31),
             "Báo cáo kết quả bồi dưỡng hằng năm", BTV_TU,
             ((d(2026, 5, 20), 30, "Bồi dưỡng 3.100 lượt cán bộ, đảng viên."),)),
    TaskSpec("Hỗ trợ doanh nghiệp nhỏ và vừa đổi mới sáng tạo, chuyển đổi số", "ctub", "stc", "cv2", d(2026, 1, 1),
             d(2026, 3, 31), "Đề án hỗ trợ doanh nghiệp", UBND_T),
]

DONG_SON_TASKS = [
    TaskSpec("Tổ chức học tập, quán triệt Nghị quyết Đại hội Đảng bộ xã và Nghị quyết Đại hội đại biểu Đảng bộ "
             "tỉnh lần thứ XXI", "pbtt", "xdd", "demo-xa", d(2025, 11, 1), d(2025, 12, 31),
             "Báo cáo kết quả học tập, quán triệt", BTV_DU,
             ((d(2025, 12, 20), 100, "100% chi bộ tổ chức quán triệt; 97,8% đảng viên tham gia."),),
             coordinating=("MTTQ", "DTN")),
    TaskSpec("Xây dựng kế hoạch nâng số tiêu chí nông thôn mới nâng cao lên 19/19", "ct", "pct", "demo-xa",
             d(2026, 1, 5), d(2026, 4, 30), "Kế hoạch của Ủy ban nhân dân xã", BTV_DU,
             ((d(2026, 4, 22), 100, "Ủy ban nhân dân xã đã ban hành kế hoạch."),),
             coordinating=("UBND", "HND"), links=("KP3", "T5")),
    TaskSpec("Nâng cấp tuyến đường liên thôn Hòa Lạc - Tân Tiến đạt chuẩn nông thôn mới nâng cao", "ct", "pct",
             "cvp", d(2026, 3, 1), d(2026, 10, 31), "Công trình được nghiệm thu", "Ủy ban nhân dân xã",
             ((d(2026, 6, 30), 40, "Hoàn thành giải phóng mặt bằng."),
              (d(2026, 9, 30), 70, "Thi công mặt đường; chậm do mưa lũ tháng 9.")),
             coordinating=("UBND", "MTTQ"), links=("BT3",)),
    TaskSpec("Giảm tỷ lệ hộ nghèo, hỗ trợ sinh kế cho hộ cận nghèo", "ct", "mttq", "demo-xa", d(2026, 1, 15),
             d(2026, 12, 31), "Báo cáo kết quả giảm nghèo năm 2026", BTV_DU,
             ((d(2026, 9, 15), 60, "Hỗ trợ bò giống cho 24 hộ; 11 hộ thoát nghèo."),),
             coordinating=("HLHPN", "HND"), links=("T7",)),
    TaskSpec("Kết nạp đảng viên mới năm 2026", "pbtt", "xdd", "cvxdd", d(2026, 1, 1), d(2026, 12, 31),
             "Quyết định kết nạp đảng viên", BTV_DU,
             ((d(2026, 10, 30), 75, "Đã kết nạp 14/18 đảng viên theo kế hoạch."),),
             coordinating=("DTN",), links=("T18",)),
    TaskSpec("Kiểm tra, giám sát việc thực hiện nghị quyết tại các chi bộ", "bt", "ubkt", "demo-xa",
             d(2026, 3, 1), d(2026, 9, 30), "Thông báo kết luận kiểm tra", BTV_DU,
             ((d(2026, 6, 30), 50, "Đã kiểm tra 6/12 chi bộ."),)),
    TaskSpec("Xây dựng thôn đạt tiêu chuẩn “An toàn về an ninh, trật tự”", "ct", "ca", "cvp", d(2026, 2, 1),
             d(2027, 12, 31), "Quyết định công nhận thôn an toàn", "Ủy ban nhân dân xã",
             ((d(2026, 8, 31), 30, "Ra mắt 4 mô hình tự quản về an ninh, trật tự."),),
             coordinating=("MTTQ",), links=("T16",)),
    TaskSpec("Hoàn thành công tác tuyển chọn, gọi công dân nhập ngũ năm 2026", "ct", "qs", "cvp", d(2025, 11, 1),
             d(2026, 2, 28), "Báo cáo kết quả giao quân", BTV_DU,
             ((d(2026, 2, 12), 100, "Giao đủ 100% chỉ tiêu: 21 tân binh."),),
             coordinating=("DTN",), links=("T15",)),
    TaskSpec("Thí điểm mô hình sinh hoạt chi bộ kiểu mẫu tại Chi bộ thôn Hòa Lạc", "xdd", "demo-chibo", "demo-xa",
             d(2026, 2, 1), d(2026, 8, 31), "Báo cáo đánh giá mô hình", BTV_DU,
             ((d(2026, 5, 20), 50, "Đã tổ chức 3 buổi sinh hoạt chuyên đề theo hướng dẫn mới."),
              (d(2026, 8, 20), 100, "Hoàn thành thí điểm; đề xuất nhân rộng ra 4 chi bộ.")),
             coordinating=(DEMO_BRANCH_CODE,), links=("T19",)),
    TaskSpec("Phân loại rác thải sinh hoạt tại nguồn ở tất cả các thôn", "ct", "pct", "cvp", d(2026, 5, 1),
             d(2027, 6, 30), "Báo cáo kết quả phân loại rác", "Ủy ban nhân dân xã", coordinating=("HLHPN",),
             links=("T14",)),
    TaskSpec("Đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm 2026", "bt", "xdd", "demo-xa",
             d(2026, 11, 15), d(2026, 12, 31), "Quyết định xếp loại", BTV_DU, links=("T19", "T20")),
]

DONG_SON_TW_TASKS = [
    TaskSpec("Triển khai sổ tay đảng viên điện tử đến 100% chi bộ", "pbtt", "demo-xa", "cvp", d(2025, 10, 1),
             d(2026, 3, 31), "100% chi bộ sử dụng sổ tay điện tử", BTV_DU,
             ((d(2026, 1, 15), 70, "9/12 chi bộ đã sử dụng."), (d(2026, 3, 25), 100, "Hoàn thành.")),
             links=("TW:BT1", "T21")),
    TaskSpec("Xây dựng thôn thông minh, phổ cập thanh toán không dùng tiền mặt", "ct", "pct", "cvp", d(2026, 1, 1),
             d(2026, 6, 30), "Báo cáo kết quả thí điểm", "Ủy ban nhân dân xã",
             ((d(2026, 5, 15), 45, "Thí điểm tại thôn Hòa Lạc và Tân Tiến."),),
             coordinating=("DTN",), links=("TW:OBJ1", "T4")),
    TaskSpec("Bồi dưỡng kỹ năng số cho cán bộ, đảng viên và tổ công nghệ số cộng đồng", "pbtt", "demo-xa", "cvxdd",
             d(2026, 3, 1), d(2027, 12, 31), "Báo cáo kết quả bồi dưỡng", BTV_DU,
             ((d(2026, 10, 20), 35, "Bồi dưỡng 180 lượt; thành lập 12 tổ công nghệ số cộng đồng."),),
             coordinating=("DTN", "HCCB"), links=("TW:OBJ2", "BT2")),
]

AN_LAC_TASKS = [
    TaskSpec("Tổ chức học tập, quán triệt Nghị quyết Đại hội Đảng bộ xã và Nghị quyết Đại hội đại biểu Đảng bộ "
             "tỉnh lần thứ XXI", "pbtt", "xdd", "demo-xa2", d(2025, 11, 1), d(2025, 12, 31),
             "Báo cáo kết quả học tập, quán triệt", BTV_DU,
             ((d(2025, 12, 18), 100, "Hoàn thành ở 100% chi bộ."),), coordinating=("MTTQ",)),
    TaskSpec("Hoàn thiện các tiêu chí nông thôn mới nâng cao còn thiếu", "ct", "pct", "demo-xa2", d(2026, 1, 10),
             d(2027, 12, 31), "Hồ sơ đề nghị công nhận xã nông thôn mới nâng cao", BTV_DU,
             ((d(2026, 9, 30), 55, "Đạt thêm tiêu chí giao thông và môi trường."),),
             coordinating=("UBND", "HND"), links=("KP3", "T5")),
    TaskSpec("Đầu tư hệ thống cấp nước sạch tập trung cho các thôn phía Tây", "ct", "pct", "cvp", d(2026, 2, 1),
             d(2026, 9, 30), "Công trình cấp nước được nghiệm thu", "Ủy ban nhân dân xã",
             ((d(2026, 7, 31), 40, "Chậm do vướng mặt bằng trạm bơm."),), coordinating=("UBND",), links=("T13",)),
    TaskSpec("Kết nạp đảng viên mới năm 2026", "pbtt", "xdd", "cvxdd", d(2026, 1, 1), d(2026, 12, 31),
             "Quyết định kết nạp đảng viên", BTV_DU,
             ((d(2026, 10, 15), 60, "Đã kết nạp 9/15 đảng viên."),), coordinating=("DTN",), links=("T18",)),
    TaskSpec("Ứng dụng nền tảng số trong quản lý đảng viên và văn bản của Đảng ủy", "pbtt", "demo-xa2", "cvp",
             d(2025, 12, 1), d(2026, 6, 30), "100% văn bản của Đảng ủy xử lý trên môi trường mạng", BTV_DU,
             ((d(2026, 6, 25), 100, "Hoàn thành."),), links=("T21", "T4")),
    TaskSpec("Tổ chức hội nghị sơ kết một năm thực hiện Nghị quyết Đại hội Đảng bộ xã", "bt", "pbtt", "demo-xa2",
             d(2026, 12, 1), d(2027, 1, 31), "Báo cáo sơ kết", DU_BCH),
]

BRANCH_TASKS = [
    TaskSpec("Tuyên truyền, vận động nhân dân hiến đất mở rộng đường thôn", "xdd", "demo-chibo", "demo-xa",
             d(2026, 1, 10), d(2026, 6, 30), "Biên bản hiến đất của các hộ", "Chi bộ",
             ((d(2026, 6, 15), 100, "32 hộ hiến 1.450 m² đất."),)),
    TaskSpec("Giới thiệu quần chúng ưu tú để kết nạp vào Đảng năm 2026", "xdd", "demo-chibo", "demo-xa",
             d(2026, 2, 1), d(2026, 10, 31), "Hồ sơ giới thiệu kết nạp đảng", "Chi bộ",
             ((d(2026, 7, 31), 50, "Đã giới thiệu 1/2 quần chúng đi học lớp nhận thức về Đảng."),),
             links=("DS:T18",)),
    TaskSpec("Tổ chức sinh hoạt chi bộ chuyên đề hằng quý", "xdd", "demo-chibo", "demo-xa", d(2026, 1, 1),
             d(2026, 12, 31), "Biên bản sinh hoạt chuyên đề", "Chi bộ",
             ((d(2026, 10, 5), 75, "Đã sinh hoạt chuyên đề quý I, II, III."),), links=("DS:T19",)),
]

# --------------------------------------------------------------------------- building


@dataclass
class PlansSummary:
    created: bool
    seconds: float
    resolutions: int
    province_targets: int
    targets: int
    links: int
    programs: int
    tasks: int
    done: int
    overdue: int

    def line(self) -> str:
        return (f"Nghị quyết: {self.resolutions}, chỉ tiêu: {self.targets} (của tỉnh: {self.province_targets}), "
                f"liên kết: {self.links}, chương trình hành động: {self.programs}, nhiệm vụ: {self.tasks} "
                f"(hoàn thành {self.done}, quá hạn tính đến {DEMO_TODAY.strftime('%d/%m/%Y')}: {self.overdue})"
                + (f"; tạo trong {self.seconds:.1f} giây".replace(".", ",") if self.created else ""))


def _rng(code: str) -> random.Random:
    return random.Random(f"{data.SEED}/plans/{code}")


def _level(unit: Unit) -> str:
    return "phường" if unit.name.startswith("Đảng bộ phường") else "xã"


def _place(unit: Unit) -> str:
    return unit.name.removeprefix("Đảng bộ ").removeprefix(_level(unit)).strip()


class People:
    """Who holds which position, by key, at one unit (and the demo accounts' people)."""

    def __init__(self, unit: Unit, keys: dict[str, str], demo: dict[str, Person]):
        level = _level(unit)
        by_position: dict[str, list[Person]] = {}
        for person in Person.objects.filter(unit=unit).order_by("pk"):
            by_position.setdefault(person.position, []).append(person)
        self.people: dict[str, Person] = dict(demo)
        for key, position in keys.items():
            holders = [p for p in by_position.get(position.format(level=level), []) if p.user_id is None]
            if key == "cv2":
                holders = holders[-1:]
            if holders:
                self.people[key] = holders[0]

    def __getitem__(self, key: str) -> Person:
        return self.people[key]


def _interpolate(baseline: Decimal, target: Decimal, places: int) -> dict[int, Decimal]:
    step = Decimal(1).scaleb(-places)
    count = len(YEARS)
    return {year: (baseline + (target - baseline) * (i + 1) / count).quantize(step)
            for i, year in enumerate(YEARS)}


def _local_values(spec: TargetSpec, rng: random.Random, unit: Unit, mountainous: bool) -> tuple | None:
    """A commune's own baseline, term target and milestones for a copied target (None: keep the province's)."""
    if spec.local is None:
        return None
    low, high, places, rule = spec.local
    ward = _level(unit) == "phường"
    scale = Decimal(1).scaleb(-places)

    def draw(lo: int, hi: int) -> Decimal:
        return Decimal(rng.randint(lo, hi)).scaleb(-places).quantize(scale) if places else Decimal(rng.randint(lo, hi))

    kind, *args = rule.split(":")
    if kind == "members":
        baseline = Decimal(max(3, round(unit_members_total(unit) * 0.03)))  # members sit in branches
        target = baseline + rng.randint(1, 4)
    elif kind == "accidents":
        baseline = Decimal(rng.randint(low, high) + (4 if ward else 0))
        target = baseline - max(1, int(baseline) // 4)
    elif kind == "criteria":
        baseline = Decimal(rng.randint(low, high) - (3 if mountainous else 0))
        target = Decimal(18 if mountainous else 19)
    elif kind == "poverty":
        lo, hi = (600, 1200) if mountainous else (15, 150) if ward else (low, high)
        baseline = draw(lo, hi)
        target = (baseline * Decimal("0.3")).quantize(scale)
    elif kind == "times":
        # wards: higher incomes (+25 million), budget revenue about twice a rural commune's
        lo, hi = ((low + 25, high + 25) if places == 0 else (low * 2, high * 2)) if ward else (low, high)
        baseline = draw(lo, hi)
        target = (baseline * int(args[0]) / 100).quantize(scale)
    elif kind == "plus":
        baseline = draw(low, high)
        target = min(Decimal(100), baseline + draw(int(args[0]), int(args[1])))
    elif kind == "to":
        baseline = draw(low, high)
        target = Decimal(args[0])
    else:  # pragma: no cover
        raise ValueError(rule)
    return baseline, target, _interpolate(baseline, target, places)


def _make_items(document: Document, items) -> dict[str, ResolutionItem]:
    prefix = {ItemKind.OBJECTIVE: "OBJ", ItemKind.KEY_PROGRAM: "KP", ItemKind.BREAKTHROUGH: "BT"}
    made = {}
    for kind, number, title, description in items:
        made[f"{prefix[kind]}{number}"] = item_create(actor=None, document=document, kind=kind, number=number,
                                                      title=title, description=description)
    return made


def _term_and_congress(unit: Unit, ordinal: str, held_from: dt.date, held_to: dt.date) -> Term:
    term = Term.objects.filter(unit=unit, start_year=TERM[0]).first()
    if term is None:
        term = term_create(actor=None, unit=unit, start_year=TERM[0], end_year=TERM[1])
    if not hasattr(term, "congress"):
        congress_create(actor=None, term=term, ordinal=ordinal, held_from=held_from, held_to=held_to)
    return term


class Builder:
    def __init__(self, province: Unit):
        self.province = province
        self.demo = {p.user.username: p for p in Person.objects.filter(user__username__in=DEMO_PEOPLE)
                     .select_related("user", "unit")}
        self.refs: dict[str, object] = {}   # "T7", "KP1", "TW:OBJ1", "DS:T18" -> target or item

    # ------------------------------------------------------------------ province
    def province_plans(self) -> tuple[Document, Document]:
        province = self.province
        central = Unit.objects.filter(code=CENTRAL_CODE).first() or unit_create(
            actor=None, parent=None, kind=UnitKind.CENTRAL, code=CENTRAL_CODE, name="Ban Chấp hành Trung ương Đảng",
            short_name="Trung ương", valid_from=d(1930, 2, 3))
        thematic = document_create(
            actor=None, unit=central, symbol=THEMATIC_SYMBOL, issued_on=d(2024, 12, 22),
            title="Nghị quyết của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và "
                  "chuyển đổi số quốc gia",
            full_text="Văn bản của Bộ Chính trị; Tỉnh ủy triển khai trong toàn Đảng bộ tỉnh.",
        )
        for key, item in _make_items(thematic, THEMATIC_ITEMS).items():
            self.refs[f"TW:{key}"] = item

        term = _term_and_congress(province, "XXI", d(2025, 10, 14), d(2025, 10, 16))
        resolution = document_create(
            actor=None, unit=province, symbol=CONGRESS_SYMBOL, issued_on=d(2025, 10, 16), term=term,
            is_congress_resolution=True, implements=[thematic],
            title="Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Hà Thanh lần thứ XXI, nhiệm kỳ 2025 - 2030",
            full_text="Đại hội đại biểu Đảng bộ tỉnh Hà Thanh lần thứ XXI họp từ ngày 14 đến ngày 16 tháng 10 năm "
                      "2025 tại Trung tâm Hội nghị tỉnh, quyết nghị thông qua mục tiêu, 21 chỉ tiêu chủ yếu, "
                      "3 chương trình trọng tâm và 3 khâu đột phá của nhiệm kỳ 2025 - 2030.",
        )
        self.refs.update(_make_items(resolution, PROVINCE_ITEMS))
        for spec in PROVINCE_TARGETS:
            milestones = {year: D(v) for year, v in zip(YEARS, spec.milestones, strict=True)}
            self.refs[f"T{spec.number}"] = target_create(actor=None, document=resolution, milestones=milestones,
                                                         **spec.values())

        people = People(province, PROVINCE_PEOPLE, self.demo)
        program = program_create(
            actor=None, unit=province, resolution=resolution, symbol="01-CTr/TU", issued_on=d(2025, 12, 5),
            title="Chương trình hành động thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XXI, "
                  "nhiệm kỳ 2025 - 2030")
        self.tasks(program, PROVINCE_TASKS, people)
        program = program_create(
            actor=None, unit=province, resolution=thematic, symbol="05-CTr/TU", issued_on=d(2025, 3, 18),
            title="Chương trình hành động thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về "
                  "đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia")
        self.tasks(program, PROVINCE_TW_TASKS, people)
        return resolution, thematic

    # ------------------------------------------------------------------ communes
    def communes(self, resolution: Document, thematic: Document) -> None:
        mountainous = {place for _level_, place, flag in data.NEW_COMMUNES if flag}
        sources = list(Target.objects.filter(document=resolution).prefetch_related("milestones").order_by("id"))
        by_number = {t.number: t for t in sources}
        communes = Unit.objects.active().filter(parent=self.province, kind=UnitKind.COMMUNE).order_by("code")
        for unit in communes:
            place, level = _place(unit), _level(unit)
            rng = _rng(unit.code)
            day = d(2025, 8, rng.randint(4, 26))
            ordinal = MOVED_ORDINALS.get(place, "I")
            term = _term_and_congress(unit, ordinal, day, day + dt.timedelta(days=1))
            if place in NO_RESOLUTION_YET or Document.objects.filter(term=term, is_congress_resolution=True).exists():
                continue   # not entered yet, or entered by hand before the demo plans existed
            document = document_create(
                actor=None, unit=unit, symbol=CONGRESS_SYMBOL, issued_on=day + dt.timedelta(days=1), term=term,
                is_congress_resolution=True, implements=[thematic],
                title=f"Nghị quyết Đại hội đại biểu {unit.name} lần thứ {ordinal}, nhiệm kỳ 2025 - 2030")
            is_mountain = place in mountainous
            items = _make_items(document, [
                (ItemKind.OBJECTIVE, "1", "Mục tiêu tổng quát",
                 f"Xây dựng Đảng bộ {level} trong sạch, vững mạnh; phát triển kinh tế nhanh, bền vững; "
                 + ("xây dựng phường văn minh, hiện đại." if level == "phường"
                    else "xây dựng xã đạt chuẩn nông thôn mới nâng cao.")),
                (ItemKind.BREAKTHROUGH, "1", "Đẩy mạnh cải cách hành chính, chuyển đổi số trong hoạt động của hệ "
                 "thống chính trị", ""),
                (ItemKind.BREAKTHROUGH, "2", "Huy động nguồn lực đầu tư kết cấu hạ tầng giao thông, hạ tầng "
                 + ("đô thị" if level == "phường" else "nông thôn"), ""),
            ])
            alignment_create(actor=None, source=items["BT1"], destination=self.refs["BT1"])
            alignment_create(actor=None, source=items["BT2"], destination=self.refs["BT3"])
            if place in (DEMO_XA_PLACE, DEMO_XA2_PLACE):
                extra = _make_items(document, [
                    (ItemKind.KEY_PROGRAM, "1", "Chương trình xây dựng nông thôn mới nâng cao giai đoạn 2026 - 2030",
                     ""),
                    (ItemKind.KEY_PROGRAM, "2", "Chương trình chuyển đổi số trong hệ thống chính trị xã", ""),
                ])
                alignment_create(actor=None, source=extra["KP1"], destination=self.refs["KP3"])
                alignment_create(actor=None, source=extra["KP2"], destination=self.refs["KP2"])
                alignment_create(actor=None, source=extra["KP2"], destination=self.refs["TW:OBJ2"])

            # Each commune sets its own numbers for the targets that differ most from place to place, and
            # for one more drawn at random; the others keep the province's values.
            optional = sorted((s.number for s in PROVINCE_TARGETS if s.local and s.number not in ALWAYS_ADJUSTED),
                              key=int)
            adjusted = ALWAYS_ADJUSTED | {rng.choice(optional)}
            skipped = set(PARTIAL.get(place, ()))
            chosen = []
            for spec in PROVINCE_TARGETS:
                wanted = {"all": True, "rural": level == "xã", "mountain": is_mountain, "none": False}[spec.communes]
                if wanted and spec.number not in skipped:
                    chosen.append(spec)
            copies = targets_copy_down(actor=None, document=document, sources=[by_number[s.number] for s in chosen])
            for spec, copy in zip(chosen, copies, strict=True):
                values = dict(spec.commune_values)
                local = _local_values(spec, rng, unit, is_mountain) if spec.number in adjusted else None
                milestones = None
                if local is not None:
                    values["baseline_value"], values["target_value"], milestones = local
                if values:
                    copy = target_update(actor=None, target=copy, milestones=milestones, **values)
                if spec.number == "6":   # a commune meeting 19/19 counts towards "communes meeting the standard"
                    alignment_create(actor=None, source=copy, destination=self.refs["T5"])
                if place == DEMO_XA_PLACE:
                    self.refs[f"DS:T{spec.number}"] = copy

            if place == DEMO_XA_PLACE:
                self.dong_son(unit, document, thematic)
            elif place == DEMO_XA2_PLACE:
                people = People(unit, COMMUNE_PEOPLE, self.demo)
                program = program_create(
                    actor=None, unit=unit, resolution=document, symbol="01-CTr/ĐU", issued_on=d(2025, 11, 20),
                    title=f"Chương trình hành động thực hiện Nghị quyết Đại hội đại biểu {unit.name} lần thứ "
                          f"{ordinal} và Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XXI")
                self.tasks(program, AN_LAC_TASKS, people)

    def dong_son(self, unit: Unit, document: Document, thematic: Document) -> None:
        people = People(unit, COMMUNE_PEOPLE, self.demo)
        program = program_create(
            actor=None, unit=unit, resolution=document, symbol="01-CTr/ĐU", issued_on=d(2025, 11, 18),
            title=f"Chương trình hành động thực hiện Nghị quyết Đại hội đại biểu {unit.name} lần thứ I và "
                  "Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XXI, nhiệm kỳ 2025 - 2030")
        self.tasks(program, DONG_SON_TASKS, people)
        program = program_create(
            actor=None, unit=unit, resolution=thematic, symbol="05-KH/ĐU", issued_on=d(2025, 9, 15),
            title="Kế hoạch thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá phát triển khoa học, "
                  "công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia")
        self.tasks(program, DONG_SON_TW_TASKS, people)

        branch = Unit.objects.get(code=DEMO_BRANCH_CODE)
        program = program_create(
            actor=None, unit=branch, resolution=document, symbol="01-KH/CB", issued_on=d(2025, 12, 10),
            title=f"Kế hoạch của {branch.name} thực hiện Nghị quyết Đại hội đại biểu {unit.name} lần thứ I")
        self.tasks(program, BRANCH_TASKS, people)

    # ------------------------------------------------------------------ tasks
    def tasks(self, program: ActionProgram, specs: list[TaskSpec], people: People) -> None:
        unit = program.unit
        for spec in specs:
            coordinating = []
            if spec.coordinating:
                codes = [s if "." in s else f"{unit.code}.{s}" for s in spec.coordinating]
                found = Unit.objects.in_bulk(codes, field_name="code")
                coordinating = [found[c] for c in codes]
            task = task_create(
                actor=None, program=program, title=spec.title, directing=people[spec.directing],
                responsible=people[spec.responsible], advisor=people[spec.advisor], coordinating=coordinating,
                start_date=spec.start, due_date=spec.due, deliverable=spec.deliverable, authority=spec.authority,
            )
            for on, percent, note in spec.progress:
                task_progress_add(actor=None, task=task, on=on, note=note, percent=percent)
            for ref in spec.links:
                alignment_create(actor=None, source=task, destination=self.refs[ref])


def plans_summary(province: Unit, created: bool, seconds: float = 0.0) -> PlansSummary:
    from nghiquyet.resolutions.models import Alignment

    in_province = Q(unit__path__under=province.path)
    tasks = Task.objects.filter(in_province)
    return PlansSummary(
        created=created,
        seconds=seconds,
        resolutions=Document.objects.filter(in_province, type_code="NQ").count(),
        province_targets=Target.objects.filter(unit=province).count(),
        targets=Target.objects.filter(in_province).count(),
        links=Alignment.objects.filter(from_unit__path__under=province.path).count(),
        programs=ActionProgram.objects.filter(in_province).count(),
        tasks=tasks.count(),
        done=tasks.filter(status=TaskStatus.DONE).count(),
        overdue=tasks.exclude(status__in=[TaskStatus.DONE, TaskStatus.CANCELLED])
        .filter(due_date__lt=DEMO_TODAY).count(),
    )


def seed_plans(province: Unit, say=lambda message: None) -> PlansSummary:
    """Build the plans unless the province's congress resolution is already there. Call inside a transaction."""
    started = time.perf_counter()
    exists = Document.objects.filter(unit=province, is_congress_resolution=True, term__start_year=TERM[0]).exists()
    if exists:
        return plans_summary(province, created=False, seconds=time.perf_counter() - started)
    say("  Nghị quyết, chỉ tiêu, chương trình hành động nhiệm kỳ 2025 - 2030")
    builder = Builder(province)
    resolution, thematic = builder.province_plans()
    builder.communes(resolution, thematic)
    return plans_summary(province, created=True, seconds=time.perf_counter() - started)
