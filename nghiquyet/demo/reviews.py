"""The demo province's mid-term review (sơ kết giữa nhiệm kỳ), as of ``plans.DEMO_TODAY`` (25/11/2026).

``seed_reviews()`` opens, through the services of ``reviews`` (rules, audit, numbering and frozen figures are the
real ones), the province's campaign "Sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XXI,
nhiệm kỳ 2025-2030" on its congress resolution 01-NQ/ĐH: figures from the congress to 30/09/2026, the communes
and wards report by 20/11/2026 (branches are not a reporting level), the province's own consolidated report is
due 10/12/2026 and the conference is held on 15/12/2026. On ``DEMO_TODAY``:

* 20 of the 30 communes and wards have submitted (each report numbered 01-BC/ĐU in its register, figures
  frozen): ``ACCEPTED`` were accepted by the province, ``WAITING`` wait for its decision, ``LATE`` of them came
  after the deadline (21-24/11) and are marked late; ``RETURNED`` was sent back with ``RETURN_COMMENT``;
* ``DRAFTS`` are being written: Đông Sơn (demo-xa) has its results, limitations and subjective causes written,
  so demo-xa can finish and submit it in the browser; An Lạc (demo-xa2) and the rest have not started;
* the province's consolidated report is a draft with its own narrative (demo-tinh).

Every submitted report has all seven narrative sections, written from a few templates with the commune's own
name and figures (its latest quarterly values up to Q3/2026 from ``reports.py`` and its 2026 milestones), so
results, causes and proposals differ from commune to commune. The narrative repeats no figure that the drafted
tables show otherwise (study, programs).

Who does what: the services need an account with the permission, and the communes' staff have none in the demo,
so demo-tinh's account (province office, whose role reaches every commune) opens, writes and submits their
reports; afterwards those steps are attributed to nobody (``submitted_by`` empty, audit actor the system), as in
the quarterly reports of ``reports.py``. demo-xa writes Đông Sơn's draft; demo-tinh accepts, returns and writes the
province's draft. The services stamp the present; afterwards the story's dates are written in bulk (created,
submitted, decided, late, the freeze time, the register's issue dates, the audit trail).

Deterministic (``random.Random`` seeded per unit code; every date fixed) and idempotent (nothing is written when
the province already has a mid-term campaign on its congress resolution).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from nghiquyet.audit.models import AuditEvent
from nghiquyet.core.numbers import format_vn_decimal
from nghiquyet.demo import data
from nghiquyet.demo.plans import CONGRESS_SYMBOL, DEMO_TODAY, DEMO_XA_PLACE, TERM
from nghiquyet.documents.models import IssuedDocument
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.reporting.models import SubmissionStatus, Value
from nghiquyet.resolutions.models import Document, Milestone
from nghiquyet.reviews.models import Campaign, ReviewKind, ReviewReport, ReviewSection, SectionKey

PERIOD_END = dt.date(2026, 9, 30)
OPENED_ON = dt.date(2026, 10, 12)
COMMUNE_DEADLINE = dt.date(2026, 11, 20)
OWN_DEADLINE = dt.date(2026, 12, 10)
CONFERENCE_DATE = dt.date(2026, 12, 15)
INSTRUCTIONS = (
    "Thực hiện Kế hoạch số 48-KH/TU ngày 08/10/2026 của Ban Thường vụ Tỉnh ủy, các đảng bộ xã, phường sơ kết giữa "
    "nhiệm kỳ thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XXI gắn với Nghị quyết Đại hội đảng bộ "
    "cấp mình. Số liệu tính từ sau Đại hội đến hết ngày 30/9/2026; biểu chỉ tiêu, nhiệm vụ, học tập và kiểm tra "
    "do hệ thống lập sẵn, các đơn vị rà soát số liệu trước khi gửi.\n\n"
    "Đánh giá thẳng thắn, thực chất; nêu rõ chỉ tiêu đạt, chưa đạt so với mốc năm 2026, nguyên nhân chủ quan và "
    "khách quan của hạn chế; đề xuất, kiến nghị cụ thể, có địa chỉ. Gửi báo cáo về Văn phòng Tỉnh ủy trước ngày "
    "20/11/2026 để tổng hợp, phục vụ Hội nghị sơ kết ngày 15/12/2026."
)

# The story, by place name (codes come from ``seed.commune_code``). 30 communes and wards:
# 9 accepted + 10 waiting + 1 returned (20 submitted), 3 drafts, 7 not started.
ACCEPTED = ("Hà Thanh", "Bắc Sơn", "Đông Thanh", "Đông Khê", "Cẩm Tú", "Định Hòa", "Hòa Bình", "Lộc Thịnh",
            "Kim Tân")
WAITING = ("Nam Giang", "Phú Sơn", "Tân Hưng", "Đông Minh", "Yên Thọ", "Minh Khai", "Ngọc Sơn", "Phú Lâm",
           "Thạch Quảng", "Quảng Phú")
RETURNED = "Nam Tiến"
LATE = {"Kim Tân": dt.date(2026, 11, 21), "Ngọc Sơn": dt.date(2026, 11, 22), "Quảng Phú": dt.date(2026, 11, 23),
        "Thạch Quảng": dt.date(2026, 11, 24)}
# drafts and the sections already written in them
DRAFTS = {
    DEMO_XA_PLACE: (SectionKey.RESULTS, SectionKey.LIMITATIONS, SectionKey.CAUSES_SUBJECTIVE),
    "Trường Thi": (SectionKey.RESULTS,),
    "Xuân Lâm": (SectionKey.RESULTS, SectionKey.LIMITATIONS),
}
RETURN_COMMENT = (
    "Báo cáo chưa đánh giá kết quả thực hiện từng chỉ tiêu so với mốc năm 2026 (phần kết quả mới nêu chung); "
    "hạn chế chưa gắn với nguyên nhân chủ quan, khách quan cụ thể; phần kiến nghị chưa rõ nội dung và cơ quan "
    "giải quyết. Đề nghị Đảng ủy xã bổ sung, hoàn chỉnh và gửi lại trước ngày 30/11/2026."
)
ACCEPT_COMMENT = "Báo cáo đầy đủ nội dung theo hướng dẫn; số liệu khớp với báo cáo quý III/2026."


@dataclass
class ReviewsSummary:
    created: bool
    seconds: float
    campaigns: int
    submitted: int
    accepted: int
    returned: int
    late: int
    drafts: int
    missing: int

    def line(self) -> str:
        return (f"Sơ kết giữa nhiệm kỳ: {self.campaigns} đợt, {self.submitted} báo cáo đã gửi ({self.accepted} đã "
                f"duyệt, {self.returned} bị trả lại, {self.late} nộp muộn), {self.drafts} đang soạn, {self.missing} "
                "chưa bắt đầu"
                + (f"; tạo trong {self.seconds:.1f} giây".replace(".", ",") if self.created else ""))


def _summary(province: Unit, created: bool, seconds: float = 0.0) -> ReviewsSummary:
    campaigns = Campaign.objects.filter(unit=province, kind=ReviewKind.MIDTERM)
    reports = ReviewReport.objects.filter(campaign__in=campaigns).exclude(unit=province)
    owing = Unit.objects.filter(path__under=province.path, kind=UnitKind.COMMUNE, valid_to__isnull=True).count()
    started = reports.count()
    return ReviewsSummary(
        created=created, seconds=seconds, campaigns=campaigns.count(),
        submitted=reports.exclude(status=SubmissionStatus.DRAFT).count(),
        accepted=reports.filter(status=SubmissionStatus.ACCEPTED).count(),
        returned=reports.filter(status=SubmissionStatus.RETURNED).count(),
        late=reports.filter(is_late=True).count(),
        drafts=reports.filter(status=SubmissionStatus.DRAFT).count(),
        missing=max(0, owing * campaigns.count() - started),
    )


def _rng(key: str) -> random.Random:
    return random.Random(f"{data.SEED}/reviews/{key}")


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _n(value: Decimal | float | int | None, places: int = 1) -> str:
    return format_vn_decimal(Decimal(str(value)), places) if value is not None else ""


# --------------------------------------------------------------------------- each commune's facts


@dataclass
class Facts:
    place: str
    level: str                  # "xã" / "phường"
    ward: bool
    mountain: bool
    figures: dict[str, Decimal]     # target number -> latest reported value up to Q3/2026
    milestones: dict[str, Decimal]  # target number -> the commune's 2026 milestone
    rng: random.Random

    def fig(self, number: str, low: float, high: float, places: int = 1) -> str:
        """The reported figure, or a plausible one when the commune has none."""
        value = self.figures.get(number)
        if value is None:
            value = Decimal(str(round(self.rng.uniform(low, high), places)))
        return _n(value, places)

    def pace(self, number: str, ahead: str, near: str, behind: str) -> str:
        """Words for how the figure stands against its 2026 milestone (higher is better)."""
        value, milestone = self.figures.get(number), self.milestones.get(number)
        if value is None or not milestone:
            return near
        ratio = value / milestone
        return ahead if ratio >= Decimal("0.98") else near if ratio >= Decimal("0.9") else behind

    def against(self, number: str, lower_is_better: bool = False) -> str:
        """", bằng 97,2% mốc năm 2026" (or ", đạt mốc năm 2026") when both the figure and the milestone are known."""
        value, milestone = self.figures.get(number), self.milestones.get(number)
        if value is None or not milestone:
            return ""
        if lower_is_better:
            return ", đạt mốc kế hoạch năm 2026" if value <= milestone else \
                f", chưa đạt mốc năm 2026 ({_n(milestone, 2)}%)"
        ratio = value / milestone * 100
        return f", bằng {_n(ratio, 1)}% mốc kế hoạch năm 2026"


def _facts(province: Unit, communes: list[Unit]) -> dict[int, Facts]:
    """Each commune's latest quarterly values (Q3/2026 or earlier) and its own 2026 milestones, in two queries."""
    ids = [u.pk for u in communes]
    latest: dict[tuple[int, str], Decimal] = {}
    rows = (Value.objects.filter(unit_id__in=ids, period__end__lte=PERIOD_END, value__isnull=False,
                                 target__document__unit=province)
            .order_by("period__end").values_list("unit_id", "target__number", "value"))
    for unit_id, number, value in rows:
        latest[(unit_id, number)] = value
    milestones: dict[tuple[int, str], Decimal] = {}
    for unit_id, number, value in Milestone.objects.filter(
            target__unit_id__in=ids, target__document__symbol=CONGRESS_SYMBOL, year=2026).values_list(
            "target__unit_id", "target__number", "value"):
        milestones[(unit_id, number)] = value
    mountainous = {place for _level, place, flag in data.NEW_COMMUNES if flag}
    out = {}
    for unit in communes:
        level = "phường" if unit.name.startswith("Đảng bộ phường") else "xã"
        place = unit.name.removeprefix(f"Đảng bộ {level} ")
        out[unit.pk] = Facts(
            place=place, level=level, ward=level == "phường", mountain=place in mountainous,
            figures={n: v for (u, n), v in latest.items() if u == unit.pk},
            milestones={n: v for (u, n), v in milestones.items() if u == unit.pk},
            rng=_rng(unit.code))
    return out


# --------------------------------------------------------------------------- the narrative of a commune


def _pick(rng: random.Random, pool: list[str], count: int) -> list[str]:
    return rng.sample(pool, min(count, len(pool)))


def _results(f: Facts, short: bool = False) -> str:
    rng, level, place = f.rng, f.level, f.place
    # no figure here that the drafted tables show (study, programs): the narrative must not contradict them
    lead = rng.choice([
        f"Ngay sau Đại hội, Ban Chấp hành Đảng bộ {level} đã ban hành Chương trình hành động thực hiện Nghị quyết "
        f"Đại hội đại biểu Đảng bộ tỉnh lần thứ XXI và Nghị quyết Đại hội Đảng bộ {level} nhiệm kỳ 2025 - 2030; tổ "
        "chức hội nghị học tập, quán triệt nghị quyết cho cán bộ, đảng viên, học bù cho đảng viên vắng mặt; phân "
        "công cấp ủy viên phụ trách từng chỉ tiêu, từng chi bộ. Các chi bộ xây dựng kế hoạch thực hiện sát với tình "
        "hình thực tế của địa bàn.",
        f"Đảng ủy {level} {place} đã cụ thể hóa Nghị quyết bằng các kế hoạch, đề án chuyên đề; mỗi nhiệm vụ giao rõ "
        "người chỉ đạo, người chủ trì, cán bộ tham mưu, rõ thời hạn và sản phẩm. Việc học tập, quán triệt được tổ "
        "chức nghiêm túc, gắn với viết bài thu hoạch và liên hệ trách nhiệm của từng đảng viên.",
        f"Bộ máy của hệ thống chính trị {level} sau sắp xếp từ ngày 01/7/2025 đã đi vào nền nếp, vận hành thông "
        "suốt. Ban Thường vụ Đảng ủy ban hành chương trình hành động, quy chế làm việc, phân công nhiệm vụ cho "
        "từng cấp ủy viên và duy trì giao ban hằng tháng để đánh giá tiến độ các chỉ tiêu.",
    ])
    if short:
        return lead + "\n\nCác chỉ tiêu kinh tế - xã hội, quốc phòng - an ninh và xây dựng Đảng cơ bản đạt kế hoạch."
    income = f.fig("2", 48, 90)
    labour = f.fig("8", 68, 76)
    if f.ward:
        economy = (
            f"Thương mại, dịch vụ {f.pace('2', 'phát triển khá', 'tiếp tục phát triển', 'phục hồi chậm')}; "
            f"thu nhập bình quân đầu người đạt {income} triệu đồng/người/năm"
            f"{f.against('2')}. Phường hoàn thành chỉnh trang {rng.randint(3, 9)} tuyến phố, "
            + rng.choice(["đưa chợ trung tâm vào hoạt động theo mô hình chợ văn minh",
                          f"thu hút {rng.randint(12, 40)} doanh nghiệp mới thành lập",
                          "mở rộng tuyến phố đi bộ và không gian văn hóa cộng đồng"])
            + f". Tỷ lệ lao động qua đào tạo đạt {labour}%.")
    else:
        criteria = f.figures.get("6")
        ha = rng.randint(25, 180)
        crop = rng.choice([
            f"hình thành {ha} ha cánh đồng lớn sản xuất lúa chất lượng cao",
            f"phát triển {ha} ha rau màu an toàn liên kết tiêu thụ với doanh nghiệp",
            f"mở rộng {ha} ha cây ăn quả có múi theo tiêu chuẩn VietGAP",
            f"nuôi trồng thủy sản theo hướng an toàn sinh học trên {ha} ha",
        ]) if not f.mountain else rng.choice([
            f"trồng mới {ha} ha rừng sản xuất, phát triển cây dược liệu dưới tán rừng",
            f"phát triển {ha} ha chè và quế theo chuỗi liên kết",
        ])
        ntm = (f" Xã đạt {int(criteria)}/19 tiêu chí nông thôn mới nâng cao"
               + (", đủ điều kiện đề nghị công nhận đạt chuẩn." if criteria >= 19 else ".")) if criteria else ""
        economy = (
            f"Kinh tế {f.pace('2', 'phát triển khá', 'tiếp tục phát triển', 'tăng trưởng chậm hơn kế hoạch')}; "
            f"thu nhập bình quân đầu người đạt {income} triệu đồng/người/năm"
            f"{f.against('2')}. Sản xuất nông nghiệp chuyển dịch theo hướng hàng hóa, {crop}.{ntm} "
            f"Tỷ lệ lao động qua đào tạo đạt {labour}%.")
    society = (
        f"Công tác giảm nghèo đạt kết quả tích cực, tỷ lệ hộ nghèo còn {f.fig('7', 1.2, 4.5, 2)}%"
        f"{f.against('7', lower_is_better=True)}; tỷ lệ dân số tham gia bảo hiểm y tế đạt {f.fig('9', 92, 97)}%; "
        f"{f.fig('11', 82, 95)}% thôn, tổ dân phố đạt danh hiệu văn hóa. "
        + rng.choice(["Các thiết chế văn hóa, thể thao cơ sở được quan tâm đầu tư.",
                      "Công tác chăm sóc người có công, bảo trợ xã hội được thực hiện đầy đủ, kịp thời.",
                      f"Xóa {rng.randint(4, 16)} nhà tạm, nhà dột nát cho hộ nghèo, hộ cận nghèo."]))
    party = (
        f"Quốc phòng, an ninh được giữ vững; {f.fig('16', 86, 96)}% thôn, tổ dân phố đạt tiêu chuẩn “An toàn về an "
        f"ninh, trật tự”. Công tác xây dựng Đảng được chú trọng: 9 tháng năm 2026 kết nạp "
        f"{f.fig('18', 3, 14, 0)} đảng viên mới; tỷ lệ hồ sơ công việc của cấp ủy xử lý trên môi trường mạng đạt "
        f"{f.fig('21', 70, 95)}%.")
    return "\n\n".join([lead, economy, society, party])


LIMITATIONS = [
    "Tăng trưởng một số ngành chưa vững chắc; chuyển dịch cơ cấu kinh tế còn chậm, sản xuất còn nhỏ lẻ, chưa hình "
    "thành được nhiều sản phẩm hàng hóa có thương hiệu.",
    "Việc cụ thể hóa một số nhiệm vụ trong chương trình hành động chưa rõ sản phẩm và thời hạn hoàn thành; công "
    "tác kiểm tra, giám sát việc thực hiện có lúc chưa thường xuyên.",
    "Chất lượng sinh hoạt ở một số chi bộ chưa cao, nội dung sinh hoạt chuyên đề còn đơn điệu; tỷ lệ đảng viên dự "
    "sinh hoạt ở các chi bộ có nhiều đảng viên đi làm ăn xa còn thấp.",
    "Công tác thu gom, xử lý chất thải rắn sinh hoạt ở các thôn xa trung tâm chưa thường xuyên; còn tình trạng "
    "đổ rác thải không đúng nơi quy định.",
    "Việc thu hút đầu tư, huy động nguồn lực xã hội cho phát triển kết cấu hạ tầng còn hạn chế.",
]


def _limitations(f: Facts) -> str:
    rng = f.rng
    own = []
    online, members = f.figures.get("21"), f.figures.get("18")
    if online is not None and online < 90:
        own.append(f"Tỷ lệ hồ sơ công việc của cấp ủy xử lý trên môi trường mạng mới đạt {_n(online, 1)}%, thấp "
                   "hơn lộ trình; kỹ năng số của một bộ phận cán bộ còn hạn chế.")
    if members is not None and members < 8:
        own.append(f"Công tác phát triển đảng viên còn khó khăn: 9 tháng năm 2026 mới kết nạp {int(members)} đảng "
                   "viên; một số chi bộ nhiều năm liền không kết nạp được đảng viên.")
    if f.ward:
        own.append("Quản lý trật tự xây dựng, trật tự đô thị ở một số khu phố còn hạn chế; hạ tầng thoát nước chưa "
                   "đồng bộ, còn ngập úng cục bộ khi mưa lớn.")
    elif f.figures.get("6") is not None and f.figures["6"] < 17:
        own.append(f"Mới đạt {int(f.figures['6'])}/19 tiêu chí nông thôn mới nâng cao; các tiêu chí thu nhập, môi "
                   "trường và chuyển đổi số đạt thấp, khó hoàn thành theo lộ trình.")
    return "\n\n".join(own[:2] + _pick(rng, LIMITATIONS, 3 - min(2, len(own))))


SUBJECTIVE = [
    "Một số cấp ủy, chi bộ chưa chủ động, còn trông chờ; vai trò của người đứng đầu ở một số nơi chưa được phát "
    "huy đầy đủ.",
    "Năng lực tham mưu của một bộ phận cán bộ sau sắp xếp còn hạn chế, chưa đáp ứng yêu cầu nhiệm vụ, nhất là "
    "chuyển đổi số và quản lý đất đai.",
    "Công tác phối hợp giữa Ủy ban nhân dân với Mặt trận Tổ quốc và các đoàn thể có lúc chưa chặt chẽ.",
    "Việc theo dõi, đôn đốc thực hiện chương trình hành động chưa thường xuyên; chế độ thông tin, báo cáo có lúc "
    "còn chậm.",
    "Công tác tuyên truyền, vận động nhân dân chưa sâu rộng, chưa phát huy hết vai trò chủ thể của người dân.",
]
OBJECTIVE = [
    "Bão số 3 và mưa lũ đầu tháng 7/2026 gây thiệt hại cho sản xuất nông nghiệp, hạ tầng giao thông, thủy lợi "
    "(ước {damage} tỷ đồng), ảnh hưởng đến tiến độ nhiều chỉ tiêu năm 2026.",
    "Giá vật tư đầu vào tăng cao, thị trường tiêu thụ nông sản bấp bênh; doanh nghiệp trên địa bàn quy mô nhỏ, "
    "sức cạnh tranh yếu.",
    "Nguồn lực đầu tư từ ngân sách còn hạn hẹp; nguồn thu từ đấu giá quyền sử dụng đất giảm mạnh.",
    "Lao động trẻ đi làm ăn xa nhiều nên nguồn quần chúng ưu tú để phát triển đảng viên ở các thôn hạn chế.",
    "Địa bàn {level} sau sắp xếp rộng, dân cư phân tán; bộ máy vừa kiện toàn vừa vận hành theo mô hình chính "
    "quyền địa phương hai cấp, nhiều việc mới phải vừa làm vừa rút kinh nghiệm.",
]
OBJECTIVE_WARD = ("Tốc độ đô thị hóa nhanh, dân số cơ học tăng, gây áp lực lên hạ tầng, môi trường và an ninh, "
                  "trật tự.")


def _causes_subjective(f: Facts) -> str:
    return "\n\n".join(_pick(f.rng, SUBJECTIVE, 2))


def _causes_objective(f: Facts) -> str:
    rng = f.rng
    pool = [p.format(damage=_n(rng.uniform(3.5, 38), 1), level=f.level) for p in OBJECTIVE]
    if f.ward:   # a ward is compact and urban: its own pressure instead of the scattered villages
        pool = [OBJECTIVE_WARD, *pool[:4]]
    return "\n\n".join(_pick(rng, pool, 2))


LESSONS = [
    "Phải bám sát Nghị quyết, cụ thể hóa thành chương trình, kế hoạch với “sáu rõ”: rõ người, rõ việc, rõ thời "
    "gian, rõ trách nhiệm, rõ sản phẩm, rõ thẩm quyền; đánh giá kết quả bằng sản phẩm cụ thể.",
    "Phát huy vai trò nêu gương của người đứng đầu; phân công cấp ủy viên phụ trách từng chỉ tiêu, từng địa bàn "
    "và gắn trách nhiệm cá nhân với kết quả thực hiện.",
    "Thường xuyên kiểm tra, giám sát, kịp thời phát hiện và tháo gỡ khó khăn; điều chỉnh chỉ tiêu, nhiệm vụ khi "
    "tình hình thực tế thay đổi.",
    "Dựa vào dân, phát huy vai trò chủ thể của nhân dân; làm tốt công tác dân vận, công khai, minh bạch để tạo "
    "đồng thuận trong thực hiện các chủ trương lớn.",
    "Duy trì nền nếp giao ban, báo cáo định kỳ; cập nhật số liệu kịp thời để cấp ủy nắm chắc tình hình, chỉ đạo "
    "sát thực tế.",
]


def _lessons(f: Facts) -> str:
    return "\n\n".join(_pick(f.rng, LESSONS, 3))


def _solutions(f: Facts) -> str:
    rng = f.rng
    first = (
        "Tập trung lãnh đạo hoàn thành các chỉ tiêu còn chậm so với lộ trình, nhất là "
        + ("chỉnh trang đô thị, thu hút đầu tư thương mại, dịch vụ và chuyển đổi số" if f.ward else
           "tiêu chí nông thôn mới nâng cao, nâng thu nhập của người dân và chuyển đổi số")
        + "; rà soát, bổ sung chương trình hành động cho giai đoạn 2027 - 2030.")
    pool = [
        "Đổi mới nội dung, nâng cao chất lượng sinh hoạt chi bộ theo Chỉ thị 50-CT/TW; giao chỉ tiêu tạo nguồn, "
        "kết nạp đảng viên đến từng chi bộ.",
        "Đẩy mạnh chuyển đổi số trong hoạt động của cấp ủy; phấn đấu đến hết năm 2027 toàn bộ hồ sơ công việc "
        "được xử lý trên môi trường mạng.",
        "Tăng cường kiểm tra, giám sát việc thực hiện nghị quyết; xử lý nghiêm tập thể, cá nhân để chậm tiến độ "
        "nhiệm vụ được giao.",
        "Huy động các nguồn lực đầu tư kết cấu hạ tầng; khắc phục dứt điểm hậu quả mưa lũ, ổn định sản xuất.",
        "Thực hiện tốt các chính sách an sinh xã hội, giảm nghèo bền vững; vận động nhân dân tham gia bảo hiểm y "
        "tế, bảo hiểm xã hội tự nguyện.",
        "Giữ vững quốc phòng, an ninh; xây dựng thôn, tổ dân phố “An toàn về an ninh, trật tự”, giảm tai nạn giao "
        "thông trên các tuyến đường qua địa bàn.",
    ]
    return "\n\n".join([first, *_pick(rng, pool, 3)])


ROADS = ["ĐT.520", "ĐT.516", "ĐT.511B", "ĐH.12", "ĐH.27", "ĐH.31", "ĐX.04"]
PUMPS = ["Đồng Cao", "Bến Ngự", "Cửa Đặt", "Đồng Trạng", "Bãi Mía", "Cầu Hang"]


def _proposals(f: Facts, weak: bool = False) -> str:
    rng, level, place = f.rng, f.level, f.place
    if weak:
        return "Đề nghị cấp trên quan tâm hỗ trợ thêm nguồn lực để xã hoàn thành các chỉ tiêu Nghị quyết."
    km, money = _n(rng.uniform(2.5, 9.5), 1), _n(rng.uniform(18, 95), 1)
    pool = [
        f"Đề nghị Tỉnh ủy chỉ đạo Ủy ban nhân dân tỉnh bố trí vốn nâng cấp tuyến đường {rng.choice(ROADS)} đoạn qua "
        f"địa bàn {level} {place} (dài {km} km, tổng mức đầu tư dự kiến {money} tỷ đồng), hiện xuống cấp nghiêm "
        "trọng.",
        f"Đề nghị Ban Tổ chức Tỉnh ủy, Sở Nội vụ bổ sung {rng.randint(2, 4)} biên chế công chức chuyên môn về công "
        f"nghệ thông tin, địa chính, xây dựng cho {level} {place}; hiện thiếu so với vị trí việc làm sau sắp xếp.",
        f"Đề nghị Văn phòng Tỉnh ủy hỗ trợ {rng.randint(6, 15)} bộ máy tính và đường truyền số liệu chuyên dùng cho "
        f"các chi bộ của Đảng bộ {level} {place} để xử lý hồ sơ công việc trên môi trường mạng.",
        "Đề nghị Tỉnh ủy có cơ chế hỗ trợ phụ cấp cho bí thư chi bộ kiêm trưởng thôn, tổ trưởng tổ dân phố sau "
        f"sáp nhập; {level} {place} hiện có {rng.randint(4, 11)} đồng chí kiêm nhiệm, khối lượng công việc lớn.",
    ]
    if f.ward:
        pool += [
            f"Đề nghị Ủy ban nhân dân tỉnh đầu tư hệ thống thoát nước khu phố {rng.randint(2, 9)} và tuyến mương "
            f"tiêu phía Bắc phường {place} (ước {money} tỷ đồng) để chấm dứt ngập úng khi mưa lớn.",
            f"Đề nghị sớm phê duyệt điều chỉnh quy hoạch phân khu đô thị phường {place} để triển khai các dự án chỉnh "
            "trang đô thị, khu dân cư mới.",
        ]
    else:
        pool += [
            f"Đề nghị hỗ trợ kinh phí khắc phục, kiên cố hóa {km} km kênh mương nội đồng và trạm bơm "
            f"{rng.choice(PUMPS)} của xã {place} bị hư hỏng do bão số 3 (ước {_n(rng.uniform(4, 22), 1)} tỷ đồng).",
            f"Đề nghị ưu tiên phân bổ vốn Chương trình mục tiêu quốc gia xây dựng nông thôn mới để xã {place} đạt "
            f"chuẩn nông thôn mới nâng cao trong năm {rng.choice([2027, 2028])}.",
            f"Đề nghị đầu tư xây dựng {rng.randint(4, 10)} phòng học và nhà đa năng của Trường Tiểu học {place} để "
            "trường đạt chuẩn quốc gia mức độ 1.",
        ]
        if f.mountain:
            pool.append(f"Đề nghị nâng mức hỗ trợ khoán bảo vệ rừng phòng hộ cho các hộ dân xã {place} (hiện "
                        f"{rng.randint(1200, 3500)} ha) và hỗ trợ giống cây dược liệu dưới tán rừng.")
    return "\n\n".join(_pick(rng, pool, rng.randint(2, 3)))


def commune_texts(f: Facts, keys=tuple(SectionKey.values), weak: bool = False) -> dict[str, str]:
    """The narrative of one commune's report: every section in ``keys`` (``weak``: the one the province returns)."""
    writers = {
        SectionKey.RESULTS: lambda: _results(f, short=weak),
        SectionKey.LIMITATIONS: lambda: _limitations(f),
        SectionKey.CAUSES_SUBJECTIVE: lambda: _causes_subjective(f),
        SectionKey.CAUSES_OBJECTIVE: lambda: _causes_objective(f),
        SectionKey.LESSONS: lambda: _lessons(f),
        SectionKey.SOLUTIONS: lambda: _solutions(f),
        SectionKey.PROPOSALS: lambda: _proposals(f, weak=weak),
    }
    return {key: writers[key]() for key in SectionKey.values if key in keys}


# --------------------------------------------------------------------------- the province's own draft

PROVINCE_TEXTS = {
    SectionKey.RESULTS: (
        "Ngay sau Đại hội, Ban Chấp hành Đảng bộ tỉnh ban hành Chương trình hành động số 01-CTr/TU ngày 05/12/2025 "
        "thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XXI với 3 chương trình trọng tâm, 3 khâu đột "
        "phá và 21 chỉ tiêu chủ yếu; phần lớn các đảng bộ trực thuộc đã cụ thể hóa thành chương trình, kế hoạch "
        "của cấp mình, phân công rõ người, rõ việc, rõ thời gian, rõ trách nhiệm, rõ sản phẩm, rõ thẩm quyền.\n\n"
        "Mô hình chính quyền địa phương hai cấp vận hành ổn định từ ngày 01/7/2025; các đảng bộ xã, phường mới đã "
        "kiện toàn tổ chức bộ máy, ban hành quy chế làm việc. Việc học tập, quán triệt nghị quyết được tổ chức từ "
        "tỉnh đến cơ sở, gắn với viết bài thu hoạch.\n\n"
        "Kinh tế của tỉnh tiếp tục tăng trưởng dù chịu thiệt hại nặng do bão số 3 và mưa lũ đầu tháng 7/2026; phần "
        "lớn các chỉ tiêu kinh tế - xã hội bám sát lộ trình, tỷ lệ hộ nghèo giảm nhanh và đạt mốc năm 2026 ngay từ "
        "quý III. Quốc phòng, an ninh được giữ vững; công tác xây dựng Đảng và hệ thống chính trị có nhiều chuyển "
        "biến, chuyển đổi số trong hoạt động của cấp ủy được đẩy mạnh."
    ),
    SectionKey.LIMITATIONS: (
        "Thu nhập bình quân đầu người, số tiêu chí nông thôn mới nâng cao bình quân trên mỗi xã và tỷ lệ hồ sơ "
        "công việc của cấp ủy xử lý trên môi trường mạng còn chậm so với lộ trình; số xã đạt chuẩn nông thôn mới "
        "nâng cao và số đảng viên mới được kết nạp chưa đạt mốc năm 2026.\n\n"
        "Một số đảng bộ xã, phường cụ thể hóa nghị quyết còn chung chung; việc kiểm tra, giám sát thực hiện chương "
        "trình hành động ở một số nơi chưa thường xuyên; chế độ báo cáo định kỳ có đơn vị còn chậm."
    ),
    SectionKey.CAUSES_SUBJECTIVE: (
        "Một số cấp ủy, người đứng đầu chưa quyết liệt trong lãnh đạo, chỉ đạo; năng lực của một bộ phận cán bộ "
        "cấp xã sau sắp xếp chưa đáp ứng yêu cầu nhiệm vụ mới, nhất là chuyển đổi số và quản lý đô thị.\n\n"
        "Công tác phối hợp giữa các cơ quan tham mưu của Tỉnh ủy với các sở, ngành trong theo dõi, đôn đốc thực "
        "hiện chỉ tiêu có lúc chưa chặt chẽ."
    ),
    SectionKey.CAUSES_OBJECTIVE: (
        "Bão số 3 và mưa lũ đầu tháng 7/2026 gây thiệt hại ước khoảng 2.150 tỷ đồng cho 11 xã ven biển, ven sông; "
        "Ban Thường vụ Tỉnh ủy đã điều chỉnh mốc GRDP bình quân đầu người năm 2026 từ 88 xuống 80 triệu đồng "
        "(Quyết định số 1250-QĐ/TU ngày 15/7/2026).\n\n"
        "Việc sắp xếp tổ chức bộ máy, vận hành chính quyền địa phương hai cấp đòi hỏi nhiều thời gian kiện toàn; "
        "nguồn lực đầu tư công còn hạn chế, thị trường bất động sản trầm lắng làm giảm nguồn thu ngân sách."
    ),
    SectionKey.LESSONS: (
        "Một là, cụ thể hóa nghị quyết thành chương trình, kế hoạch với “sáu rõ”, theo dõi bằng số liệu và sản "
        "phẩm cụ thể.\n\n"
        "Hai là, phát huy vai trò, trách nhiệm của người đứng đầu; phân công cấp ủy viên phụ trách từng chỉ tiêu.\n\n"
        "Ba là, thường xuyên kiểm tra, giám sát, kịp thời điều chỉnh chỉ tiêu, nhiệm vụ khi tình hình thay đổi."
    ),
    SectionKey.SOLUTIONS: (
        "Tập trung lãnh đạo khắc phục hậu quả bão lũ, phục hồi sản xuất; đẩy nhanh các chỉ tiêu chậm so với lộ "
        "trình, nhất là nông thôn mới nâng cao, thu nhập và chuyển đổi số.\n\n"
        "Nâng cao năng lực, chất lượng đội ngũ cán bộ cấp xã; đổi mới nội dung sinh hoạt chi bộ, giao chỉ tiêu "
        "phát triển đảng viên đến từng chi bộ.\n\n"
        "Tăng cường kiểm tra, giám sát việc thực hiện nghị quyết; sơ kết, đánh giá hằng năm để bổ sung chương "
        "trình hành động giai đoạn 2027 - 2030."
    ),
    SectionKey.PROPOSALS: (
        "Đề nghị Trung ương bổ sung nguồn vốn hỗ trợ khắc phục hậu quả bão số 3 năm 2026 cho các xã ven biển, ven "
        "sông của tỉnh.\n\n"
        "Đề nghị Ban Tổ chức Trung ương sớm ban hành hướng dẫn về biên chế, vị trí việc làm của cơ quan đảng cấp "
        "xã sau sắp xếp."
    ),
}


# --------------------------------------------------------------------------- carrying it out


def _redate(report: ReviewReport, *, created: dt.datetime, submitted: dt.datetime | None = None) -> None:
    """The story's dates for what the services stamped with the present: the report, its sections, its number."""
    last = submitted or created + dt.timedelta(days=5)
    ReviewSection.objects.filter(report_id=report.pk).update(updated_at=last - dt.timedelta(hours=1), updated_by=None)
    fields = {"created_at": created, "updated_at": last}
    if submitted is not None:
        fields |= {"submitted_at": submitted, "submitted_by": None,
                   "is_late": timezone.localdate(submitted) > COMMUNE_DEADLINE}
        if isinstance(report.figures, dict) and "frozen_at" in report.figures:
            fields["figures"] = {**report.figures, "frozen_at": submitted.isoformat()}
        if report.issued_id:
            IssuedDocument.objects.filter(pk=report.issued_id).update(issued_on=timezone.localdate(submitted),
                                                                      created_at=submitted, issued_by=None)
    ReviewReport.objects.filter(pk=report.pk).update(**fields)


def seed_reviews(province: Unit, say=lambda message: None) -> ReviewsSummary:
    """Open the province's mid-term review unless it exists. Call inside a transaction, after the reports."""
    from nghiquyet.reviews import services

    started = time.perf_counter()
    resolution = Document.objects.filter(unit=province, symbol=CONGRESS_SYMBOL, is_congress_resolution=True,
                                         term__start_year=TERM[0]).select_related("term__congress").first()
    if resolution is None or Campaign.objects.filter(unit=province, resolution=resolution,
                                                     kind=ReviewKind.MIDTERM).exists():
        return _summary(province, created=False)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["demo-tinh", "demo-xa"])}
    tinh = users.get("demo-tinh")
    if tinh is None:
        return _summary(province, created=False)
    say("  Sơ kết giữa nhiệm kỳ: đợt sơ kết, báo cáo của các xã, phường, dự thảo báo cáo của tỉnh")
    congress = getattr(resolution.term, "congress", None)
    ordinal = congress.ordinal if congress is not None else "XXI"
    period_start = congress.held_from if congress is not None else resolution.issued_on
    last_audit = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def stamp(when: dt.datetime, *, by_system: bool = False) -> None:
        """The audit rows written since the last stamp happened at ``when`` in the story; ``by_system``: the
        commune's own staff did it, who have no account in the demo (the province office's account ran it)."""
        nonlocal last_audit
        newest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        if newest > last_audit:
            rows = AuditEvent.objects.filter(pk__gt=last_audit)
            rows.update(at=when, **({"actor": None, "actor_name": ""} if by_system else {}))
            last_audit = newest

    campaign = services.campaign_create(
        actor=tinh, unit=province, resolution=resolution, kind=ReviewKind.MIDTERM,
        title=f"Sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ {ordinal}, nhiệm kỳ "
              f"{TERM[0]}-{TERM[1]}",
        period_start=period_start, period_end=PERIOD_END, deadlines={UnitKind.COMMUNE.value: COMMUNE_DEADLINE},
        own_deadline=OWN_DEADLINE, conference_date=CONFERENCE_DATE, instructions=INSTRUCTIONS)
    opened = _at(OPENED_ON, 9, 30)
    Campaign.objects.filter(pk=campaign.pk).update(created_at=opened)
    stamp(opened)

    communes = list(Unit.objects.filter(path__under=province.path, kind=UnitKind.COMMUNE, valid_to__isnull=True)
                    .order_by("code"))
    facts = _facts(province, communes)
    by_place = {facts[u.pk].place: u for u in communes}
    story: list[tuple[dt.datetime, str, Unit]] = []   # (when submitted, final state, unit), in date order
    for place in (*ACCEPTED, *WAITING, RETURNED):
        unit = by_place.get(place)
        if unit is None:
            continue
        rng = _rng(f"{unit.code}/dates")
        day = LATE.get(place) or dt.date(2026, 11, rng.randint(9, 20))
        state = (SubmissionStatus.ACCEPTED if place in ACCEPTED else SubmissionStatus.RETURNED if place == RETURNED
                 else SubmissionStatus.SUBMITTED)
        story.append((_at(day, rng.randint(7, 16), rng.randint(0, 59)), state, unit))
    story.sort(key=lambda item: (item[0], item[2].code))

    for submitted_at, state, unit in story:
        f = facts[unit.pk]
        written = submitted_at - dt.timedelta(days=f.rng.randint(2, 6), hours=f.rng.randint(0, 3))
        # the province office's account acts for the commune's staff (no account in the demo): audited as such,
        # then the commune's own steps are attributed to nobody (like the quarterly reports of ``reports.py``)
        report = services.review_report_open(actor=tinh, campaign=campaign, unit=unit)
        report = services.review_report_save(actor=tinh, report=report, version=report.version,
                                             texts=commune_texts(f, weak=state == SubmissionStatus.RETURNED))
        stamp(written, by_system=True)
        report = services.review_report_submit(actor=tinh, report=report, version=report.version)
        stamp(submitted_at, by_system=True)
        _redate(report, created=written, submitted=submitted_at)
        if state == SubmissionStatus.SUBMITTED:
            continue
        decided_at = min(submitted_at + dt.timedelta(days=f.rng.randint(1, 3), hours=f.rng.randint(1, 4)),
                         _at(DEMO_TODAY - dt.timedelta(days=1), 16, 30))
        report.refresh_from_db()
        if state == SubmissionStatus.ACCEPTED:
            services.review_report_accept(actor=tinh, report=report, version=report.version, comment=ACCEPT_COMMENT)
        else:
            services.review_report_return(actor=tinh, report=report, version=report.version, comment=RETURN_COMMENT)
        ReviewReport.objects.filter(pk=report.pk).update(decided_at=decided_at, updated_at=decided_at)
        stamp(decided_at)

    for place, keys in DRAFTS.items():
        unit = by_place.get(place)
        if unit is None:
            continue
        mine = place == DEMO_XA_PLACE and "demo-xa" in users
        report = services.review_report_open(actor=users["demo-xa"] if mine else tinh, campaign=campaign, unit=unit)
        services.review_report_save(actor=users["demo-xa"] if mine else tinh, report=report, version=report.version,
                                    texts=commune_texts(facts[unit.pk], keys=keys))
        when = _at(dt.date(2026, 11, 24 if mine else 18), 15, 10)
        stamp(when, by_system=not mine)
        _redate(report, created=when - dt.timedelta(days=6))

    report = services.review_report_open(actor=tinh, campaign=campaign, unit=province)
    services.review_report_save(actor=tinh, report=report, version=report.version, texts=dict(PROVINCE_TEXTS))
    when = _at(DEMO_TODAY, 8, 45)
    stamp(when)
    _redate(report, created=when - dt.timedelta(days=3))
    return _summary(province, created=True, seconds=time.perf_counter() - started)
