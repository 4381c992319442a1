"""Fixed data of the demo province: names, places, positions.

Everything here is fictional but follows real naming practice (Hà Thanh is not a real
province). The seed draws from these lists with a fixed ``random.Random``, so the
order of every list matters: changing a list changes the demo data everywhere.
"""

from __future__ import annotations

import datetime as dt

SEED = 20250701

# ------------------------------------------------------------------ dates and decisions

PROVINCE_FOUNDED = dt.date(1997, 1, 1)      # the province re-established on 1 January 1997
DISTRICT_FOUNDED = dt.date(1997, 1, 1)
OLD_COMMUNES_FOUNDED = dt.date(2008, 1, 1)
VILLAGE_MERGE_DATE = dt.date(2019, 12, 20)  # villages merged before the 2020 congresses
BLOC_FOUNDED = dt.date(2025, 2, 1)          # provincial blocs reorganized in early 2025
REORGANIZATION_DATE = dt.date(2025, 7, 1)   # two-tier local government
BRANCH_REORGANIZATION_DATE = dt.date(2025, 8, 15)

REORGANIZATION_DECISION = "Quyết định 1686-QĐ/TU"
DISTRICT_CLOSE_DECISION = "Quyết định 1687-QĐ/TU"
BLOC_DECISION = "Quyết định 1520-QĐ/TU"
VILLAGE_MERGE_DECISION = "Quyết định 245-QĐ/HU"
BRANCH_MERGE_DECISION = "Quyết định 35-QĐ/ĐU"

# ------------------------------------------------------------------ the province

PROVINCE_CODE = "HT"
PROVINCE_NAME = "Đảng bộ tỉnh Hà Thanh"
PROVINCE_SHORT_NAME = "Tỉnh ủy Hà Thanh"

BLOC_CODE = "HT.KCQDN"
BLOC_NAME = "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh"
BLOC_SHORT_NAME = "Đảng ủy Khối"

# (kind, code suffix, name, branch names)
BLOC_COMMITTEES: list[tuple[str, str, str, list[str]]] = [
    ("agency", "STC", "Đảng bộ Sở Tài chính", [
        "Chi bộ Văn phòng Sở Tài chính", "Chi bộ Phòng Quản lý ngân sách", "Chi bộ Phòng Kế hoạch - Đầu tư",
        "Chi bộ Thanh tra Sở Tài chính",
    ]),
    ("agency", "SXD", "Đảng bộ Sở Xây dựng", [
        "Chi bộ Văn phòng Sở Xây dựng", "Chi bộ Phòng Quản lý giao thông", "Chi bộ Phòng Quy hoạch - Kiến trúc",
        "Chi bộ Ban Quản lý dự án công trình giao thông",
    ]),
    ("agency", "SNNMT", "Đảng bộ Sở Nông nghiệp và Môi trường", [
        "Chi bộ Văn phòng Sở Nông nghiệp và Môi trường", "Chi bộ Chi cục Thủy lợi", "Chi bộ Chi cục Kiểm lâm",
        "Chi bộ Văn phòng Đăng ký đất đai", "Chi bộ Trung tâm Khuyến nông",
    ]),
    ("agency", "SGDDT", "Đảng bộ Sở Giáo dục và Đào tạo", [
        "Chi bộ Văn phòng Sở Giáo dục và Đào tạo", "Chi bộ Phòng Giáo dục phổ thông",
        "Chi bộ Trường THPT chuyên Hà Thanh",
    ]),
    ("agency", "BVDK", "Đảng bộ Bệnh viện Đa khoa tỉnh", [
        "Chi bộ Khối Nội", "Chi bộ Khối Ngoại", "Chi bộ Khối Cận lâm sàng", "Chi bộ Phòng Kế hoạch tổng hợp",
        "Chi bộ Khoa Khám bệnh",
    ]),
    ("enterprise", "PCHT", "Đảng bộ Công ty Điện lực Hà Thanh", [
        "Chi bộ Văn phòng Công ty Điện lực", "Chi bộ Phòng Kỹ thuật", "Chi bộ Điện lực Đông Sơn",
        "Chi bộ Điện lực Hà Thanh",
    ]),
    ("enterprise", "CNHT", "Đảng bộ Công ty Cổ phần Cấp nước Hà Thanh", [
        "Chi bộ Văn phòng Công ty Cấp nước", "Chi bộ Nhà máy nước Bắc Sơn", "Chi bộ Xí nghiệp Xây lắp",
    ]),
]

# ------------------------------------------------------------------ the former district and its communes

DISTRICT_CODE = "HT.H.DONGSON"
DISTRICT_NAME = "Đảng bộ huyện Đông Sơn"
DISTRICT_SHORT_NAME = "Huyện ủy Đông Sơn"

# The three communes merged on 1 July 2025 into "xã Đông Sơn", with their village branches.
MERGED_COMMUNE = "Đông Sơn"
MERGED_SOURCES: list[tuple[str, list[str]]] = [
    ("Đông Hòa", ["Hòa Lạc", "Hòa Bình", "Hòa Phú", "Hòa Thịnh"]),
    ("Đông Tiến", ["Tiến Thắng", "Tiến Lợi", "Tiến Phong", "Tiến Lộc", "Tiến Hưng"]),
    ("Đông Phú", ["Phú Xuân", "Phú Mỹ", "Phú Thọ", "Phú Vinh"]),
]
# In December 2019 two villages of Đông Tiến became one.
VILLAGE_MERGE = ("Đông Tiến", ["Tiến Thắng", "Tiến Lợi"], "Tân Tiến")

# The district's other communes: moved directly under the province on 1 July 2025.
MOVED_COMMUNES = ["Đông Thanh", "Đông Minh", "Đông Khê"]

# ------------------------------------------------------------------ communes and wards since 1 July 2025

# (level, name, mountainous)
NEW_COMMUNES: list[tuple[str, str, bool]] = [
    ("xã", "An Lạc", False),
    ("phường", "Hà Thanh", False),
    ("phường", "Bắc Sơn", False),
    ("xã", "Bình Minh", False),
    ("xã", "Cẩm Tú", True),
    ("phường", "Nam Giang", False),
    ("xã", "Định Hòa", False),
    ("xã", "Hà Lĩnh", False),
    ("xã", "Hòa Bình", False),
    ("phường", "Tân Hưng", False),
    ("xã", "Kim Tân", False),
    ("xã", "Lộc Thịnh", False),
    ("xã", "Minh Khai", False),
    ("phường", "Phú Sơn", False),
    ("xã", "Nam Tiến", False),
    ("xã", "Ngọc Sơn", True),
    ("xã", "Phú Lâm", False),
    ("phường", "Quang Trung", False),
    ("xã", "Quảng Phú", False),
    ("xã", "Tân Lập", False),
    ("xã", "Thạch Quảng", True),
    ("phường", "Trường Thi", False),
    ("xã", "Trung Thành", False),
    ("xã", "Vạn Xuân", False),
    ("xã", "Xuân Lâm", False),
    ("xã", "Yên Thọ", False),
]

VILLAGE_NAMES = [
    "Đông", "Đoài", "Thượng", "Trung", "Hạ", "Yên Bình", "Tân Lập", "Đồng Tâm", "Quyết Thắng", "Thành Công",
    "Hợp Tiến", "Phú Mỹ", "Xuân Thành", "Bái Trạch", "Đa Sỹ", "Cổ Định", "Lai Thành", "Phúc Lộc", "Kim Sơn",
    "Minh Châu", "Tiền Phong", "Liên Hồng", "Đại Đồng", "Làng Chùa", "Làng Mới", "Hồng Kỳ", "Cao Sơn",
    "Thanh Xuân", "Đồng Xuân", "Văn Giáo", "Bến Đò", "Gò Gạo", "Trại Mít", "Hưng Thịnh", "An Phú",
]
HIGHLAND_VILLAGE_NAMES = [
    "Sại", "Hiềng", "Páng", "Đôn", "Kho Mường", "Ngàm", "Pốn", "Cốc", "Muỗng", "Nang", "Chiềng", "Lặn",
    "Mỏ", "Na Mèo", "Pù Nhi",
]

# (code suffix, name pattern, members low, members high); {level} = xã/phường, {name} = the place
SPECIAL_BRANCHES = [
    ("QS", "Chi bộ Quân sự {level} {name}", 6, 14),
    ("CA", "Chi bộ Công an {level} {name}", 8, 20),
    ("THCS", "Chi bộ Trường THCS {name}", 8, 25),
    ("TH", "Chi bộ Trường Tiểu học {name}", 8, 22),
    ("MN", "Chi bộ Trường Mầm non {name}", 6, 16),
    ("YT", "Chi bộ Trạm Y tế {level} {name}", 5, 12),
]

# (code suffix, kind, name pattern)
IMPLEMENTING_BODIES = [
    ("UBND", "peoples_committee", "Ủy ban nhân dân {level} {name}"),
    ("MTTQ", "fatherland_front", "Ủy ban MTTQ Việt Nam {level} {name}"),
    ("HND", "mass_organization", "Hội Nông dân {level} {name}"),
    ("HLHPN", "mass_organization", "Hội Liên hiệp Phụ nữ {level} {name}"),
    ("DTN", "mass_organization", "Đoàn Thanh niên Cộng sản Hồ Chí Minh {level} {name}"),
    ("HCCB", "mass_organization", "Hội Cựu chiến binh {level} {name}"),
]

# ------------------------------------------------------------------ positions

PROVINCE_POSITIONS = [
    "Bí thư Tỉnh ủy",
    "Phó Bí thư Thường trực Tỉnh ủy",
    "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh",
    "Phó Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh",
    "Ủy viên Ban Thường vụ, Trưởng Ban Tổ chức Tỉnh ủy",
    "Ủy viên Ban Thường vụ, Chủ nhiệm Ủy ban Kiểm tra Tỉnh ủy",
    "Ủy viên Ban Thường vụ, Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "Ủy viên Ban Thường vụ, Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
    "Ủy viên Ban Thường vụ, Bí thư Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh",
    "Tỉnh ủy viên, Giám đốc Sở Tài chính",
    "Tỉnh ủy viên, Giám đốc Sở Nông nghiệp và Môi trường",
    "Tỉnh ủy viên, Giám đốc Sở Giáo dục và Đào tạo",
    "Tỉnh ủy viên, Chánh Văn phòng Tỉnh ủy",
    "Phó Chánh Văn phòng Tỉnh ủy",
    "Chuyên viên Văn phòng Tỉnh ủy",
    "Chuyên viên Văn phòng Tỉnh ủy",
    "Chuyên viên Ban Tổ chức Tỉnh ủy",
    "Chuyên viên Ban Tuyên giáo và Dân vận Tỉnh ủy",
]

# {level} = xã/phường
COMMUNE_POSITIONS = [
    "Bí thư Đảng ủy {level}",
    "Phó Bí thư Thường trực Đảng ủy {level}",
    "Phó Bí thư Đảng ủy, Chủ tịch UBND {level}",
    "Ủy viên Ban Thường vụ, Chủ nhiệm Ủy ban Kiểm tra Đảng ủy",
    "Ủy viên Ban Thường vụ, Chủ tịch Ủy ban MTTQ Việt Nam {level}",
    "Ủy viên Ban Thường vụ, Trưởng Ban Xây dựng Đảng",
    "Đảng ủy viên, Phó Chủ tịch UBND {level}",
    "Đảng ủy viên, Chỉ huy trưởng Ban Chỉ huy Quân sự {level}",
    "Đảng ủy viên, Trưởng Công an {level}",
    "Đảng ủy viên, Chủ tịch Hội Nông dân {level}",
    "Chánh Văn phòng Đảng ủy",
    "Chuyên viên Văn phòng Đảng ủy",
    "Chuyên viên Ban Xây dựng Đảng",
]

BLOC_POSITIONS = [
    "Phó Bí thư Thường trực Đảng ủy Khối",
    "Ủy viên Ban Thường vụ, Chủ nhiệm Ủy ban Kiểm tra Đảng ủy Khối",
    "Chánh Văn phòng Đảng ủy Khối",
    "Chuyên viên Văn phòng Đảng ủy Khối",
]
GRASSROOTS_POSITIONS = ["Bí thư Đảng ủy", "Phó Bí thư Đảng ủy", "Đảng ủy viên, Chánh Văn phòng"]
BRANCH_SECRETARY = "Bí thư chi bộ"

# ------------------------------------------------------------------ people's names

# Family names with rough weights (Nguyễn is by far the most common).
FAMILY_NAMES = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 10), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4), ("Vũ", 4), ("Võ", 4),
    ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2), ("Dương", 1), ("Lý", 1),
]
MALE_MIDDLE_NAMES = [
    "Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Xuân", "Ngọc", "Đình", "Công", "Trọng",
    "Mạnh", "Tiến", "Quốc", "Bá",
]
FEMALE_MIDDLE_NAMES = [
    "Thị", "Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Kim", "Phương", "Mai", "Bích",
]
MALE_GIVEN_NAMES = [
    "An", "Anh", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Hải", "Hiếu", "Hòa", "Hùng", "Huy", "Khánh", "Kiên",
    "Lâm", "Long", "Mạnh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành",
    "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
]
FEMALE_GIVEN_NAMES = [
    "Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Huệ", "Hương", "Lan",
    "Liên", "Linh", "Loan", "Mai", "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Quyên", "Tâm", "Thảo", "Thúy",
    "Trang", "Tuyết", "Vân", "Yến",
]
