"""The demo province's target adjustments (điều chỉnh chỉ tiêu), as of ``plans.DEMO_TODAY`` (25/11/2026).

``seed_adjustments()`` adds, through the services (audited, as the demo accounts):

* approved: the province lowers the 2026 milestone of its target 2, GRDP per capita, from 88 to 80 million VND
  after storm No. 3 and the floods of early July 2026 (proposed by the province office on 08/07/2026, decided by
  the standing committee's Quyết định số 1250-QĐ/TU of 15/07/2026, in force from 01/07/2026). The Q3/2026
  evaluation of the province reads the new milestone (at risk → on track); Q2/2026 and earlier keep 88;
* pending: Đông Sơn (demo-xa) proposes on 10/11/2026 to raise its own term target of budget revenue (its copy of
  target 3) from 66,7 to 75 billion VND once its industrial cluster opens; waiting for the commune committee's
  decision, so on DEMO_TODAY (15 days later) it is in demo-xa's "waiting for my decision" list and reminded.

Deterministic and idempotent: nothing is written when the province's target 2 already has an adjustment.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model

from nghiquyet.demo.plans import CONGRESS_SYMBOL, DEMO_TODAY, DEMO_XA_PLACE
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.resolutions.models import AdjustmentField, AdjustmentStatus, Target, TargetAdjustment
from nghiquyet.resolutions.services import adjustment_approve, adjustment_propose

STORM_REASON = (
    "Bão số 3 và mưa lũ đầu tháng 7/2026 gây thiệt hại nặng cho sản xuất nông nghiệp, nuôi trồng thủy sản và hạ "
    "tầng giao thông của 11 xã ven biển, ven sông (thiệt hại ước khoảng 2.150 tỷ đồng); nhiều cơ sở sản xuất "
    "phải dừng hoạt động. Tăng trưởng 6 tháng cuối năm dự kiến giảm 1,8 điểm phần trăm so với kế hoạch, nên mốc "
    "GRDP bình quân đầu người năm 2026 (88 triệu đồng) không còn sát thực tế. Mục tiêu cuối nhiệm kỳ giữ nguyên."
)
CLUSTER_REASON = (
    "Cụm công nghiệp Đông Sơn (giai đoạn 1, 42 ha) đi vào hoạt động từ quý III/2026 với 9 doanh nghiệp thứ cấp; "
    "thu ngân sách 10 tháng năm 2026 đạt 48,2 tỷ đồng, vượt mốc cả năm. Đề nghị nâng mục tiêu thu ngân sách cuối "
    "nhiệm kỳ từ 66,7 lên 75 tỷ đồng cho tương xứng với tiềm năng."
)


@dataclass
class AdjustmentsSummary:
    created: bool
    seconds: float
    approved: int
    pending: int

    def line(self) -> str:
        return (f"Điều chỉnh chỉ tiêu: {self.approved} đã phê duyệt, {self.pending} chờ quyết định"
                + (f"; tạo trong {self.seconds:.1f} giây".replace(".", ",") if self.created else ""))


def _summary(province: Unit, created: bool, seconds: float = 0.0) -> AdjustmentsSummary:
    rows = TargetAdjustment.objects.filter(unit__path__under=province.path)
    return AdjustmentsSummary(created=created, seconds=seconds,
                              approved=rows.filter(status=AdjustmentStatus.APPROVED).count(),
                              pending=rows.filter(status=AdjustmentStatus.PENDING).count())


def seed_adjustments(province: Unit, say=lambda message: None) -> AdjustmentsSummary:
    started = time.perf_counter()
    grdp = Target.objects.filter(unit=province, document__symbol=CONGRESS_SYMBOL, number="2").first()
    if grdp is None or TargetAdjustment.objects.filter(target=grdp).exists():
        return _summary(province, created=False)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["demo-tinh", "demo-xa"])}
    say("  Điều chỉnh chỉ tiêu: mốc GRDP bình quân đầu người năm 2026 (sau bão số 3), đề xuất của Đông Sơn")
    proposal = adjustment_propose(
        actor=users["demo-tinh"], target=grdp, unit=province, field=AdjustmentField.MILESTONE, year=2026,
        new_value=Decimal(80), reason=STORM_REASON, proposed_on=dt.date(2026, 7, 8), today=DEMO_TODAY)
    adjustment_approve(
        actor=users["demo-tinh"], adjustment=proposal, decision_number="1250-QĐ/TU",
        decision_date=dt.date(2026, 7, 15), effective_from=dt.date(2026, 7, 1), today=DEMO_TODAY,
        note="Đồng ý điều chỉnh mốc năm 2026 xuống 80 triệu đồng, áp dụng từ ngày 01/7/2026; giữ nguyên mục tiêu "
             "cuối nhiệm kỳ. Giao các cơ quan tham mưu đề xuất giải pháp phục hồi sản xuất sau bão.")

    dong_son = Unit.objects.filter(path__under=province.path, kind=UnitKind.COMMUNE, valid_to__isnull=True,
                                   name__endswith=DEMO_XA_PLACE).first()
    budget = Target.objects.filter(unit=dong_son, document__symbol=CONGRESS_SYMBOL, number="3").first() \
        if dong_son is not None else None
    if budget is not None:
        adjustment_propose(
            actor=users["demo-xa"], target=budget, unit=dong_son, field=AdjustmentField.TERM_TARGET,
            new_value=Decimal(75), reason=CLUSTER_REASON, proposed_on=dt.date(2026, 11, 10), today=DEMO_TODAY)
    return _summary(province, created=True, seconds=time.perf_counter() - started)
