"""Fixtures of the document layer: stored files go to a temporary MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from nghiquyet.documents.layout import Heading, Letterhead, Paragraph, PartyDocument, Signature, Table


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def sample_document(*, units: int = 3, date: dt.date | None = dt.date(2026, 4, 20), symbol: str = "Số 01-BC/ĐU",
                    on_behalf: str = "T/M BAN THƯỜNG VỤ", name: str = "Nguyễn Văn An") -> PartyDocument:
    rows = [[i, f"Chi bộ thôn Đông Sơn {i}", Decimal("1234.5") + i, 87] for i in range(1, units + 1)]
    blocks = [
        Heading("I. Kết quả thực hiện nghị quyết", level=1),
        Heading("1. Về phát triển kinh tế", level=2),
        Paragraph("Đảng bộ xã Đông Sơn đã lãnh đạo thực hiện đạt và vượt 12/15 chỉ tiêu."),
        Table(title="Bảng 1. Kết quả thực hiện chỉ tiêu", columns=["TT", "Đơn vị", "Giá trị", "Tỷ lệ (%)"],
              rows=rows, numeric=[True, False, True, True], widths=[1, 5, 2, 2], note="(*) chỉ tiêu đã điều chỉnh"),
        Heading("II. Hạn chế, nguyên nhân", level=1),
        Paragraph("Một số chỉ tiêu còn chậm."),
    ]
    return PartyDocument(
        letterhead=Letterhead(superior="Đảng bộ tỉnh Hà Thanh", issuer="Đảng ủy xã Đông Sơn", symbol=symbol,
                              place="Đông Sơn", date=date),
        type_label="Báo cáo", subject="sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ xã",
        blocks=blocks, signature=Signature(on_behalf=on_behalf, title="BÍ THƯ", name=name),
        recipients=["- Ban Thường vụ Tỉnh ủy Hà Thanh (để báo cáo),", "- Lưu Văn phòng Đảng ủy."],
        block_count=len(blocks), file_stem="bao-cao-01-BC-DU",
    )
