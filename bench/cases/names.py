"""Fictional Vietnamese names and small texts for generated records.

Family names follow their rough frequency in Vietnam (Nguyễn about four in ten), so that a
name search meets the skew it meets in real use. No combination refers to a real person.
"""

from __future__ import annotations

import random

FAMILY_NAMES: tuple[tuple[str, int], ...] = (
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 50),
    ("Huỳnh", 30),
    ("Phan", 45),
    ("Vũ", 39),
    ("Võ", 30),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đinh", 5),
    ("Mai", 4),
    ("Trịnh", 4),
    ("Lò", 3),
    ("Sùng", 3),
    ("Giàng", 3),
    ("Vàng", 2),
    ("Hà", 3),
    ("Lương", 3),
)
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Thị Thu", "Thị Ngọc", "Thị Thanh", "Ngọc", "Thu", "Kim")
MALE_MIDDLE = ("Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thanh", "Xuân")
FEMALE_GIVEN = (
    "Hoa", "Lan", "Hương", "Mai", "Linh", "Trang", "Hà", "Hằng", "Nga", "Thảo", "Huyền",
    "Ngọc", "Phương", "Dung", "Yến", "Nhung", "Loan", "Vân", "Anh", "My", "Chi", "Giang",
    "Tâm", "Thủy", "Liên", "Hạnh", "Oanh", "Nhi", "Quyên", "Diệp", "Sáu", "Pà", "Mỷ", "Dợ",
)  # fmt: skip
MALE_GIVEN = (
    "Hùng", "Dũng", "Nam", "Tuấn", "Hải", "Long", "Minh", "Sơn", "Thắng", "Toàn", "Phúc",
    "Quân", "Khoa", "Bình", "Cường", "Đạt", "Huy", "Lâm", "Tài", "Vinh", "Páo", "Chứ", "Dính",
)  # fmt: skip
NICKNAMES = ("Bé", "Út", "Cả", "Hai", "Ba", "Tư")

_FAMILY = [name for name, _weight in FAMILY_NAMES]
_FAMILY_WEIGHTS = [weight for _name, weight in FAMILY_NAMES]


def family_name(rng: random.Random) -> str:
    return rng.choices(_FAMILY, _FAMILY_WEIGHTS)[0]


def full_name(rng: random.Random, *, female: bool) -> tuple[str, str]:
    """A full name and, sometimes, another name the person goes by."""
    family = family_name(rng)
    middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
    given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
    name = f"{family} {middle} {given}"
    roll = rng.random()
    if roll < 0.06:
        other = f"{rng.choice(NICKNAMES)} {given}"
    elif roll < 0.09:
        other = f"{given} {family}"  # as written on papers from abroad
    else:
        other = ""
    return name, other


INTAKE_NOTES = (
    "Tiếp nhận qua tổng đài, người được hỗ trợ đang ở nhà người quen.",
    "Công an chuyển đến sau khi giải cứu tại cửa khẩu.",
    "Tự tìm đến văn phòng, cần hỗ trợ khẩn cấp về chỗ ở.",
    "Cán bộ xã giới thiệu, gia đình đi cùng.",
    "",
    "",
)
RECRUITER_DETAILS = (
    "Người cùng xã giới thiệu việc làm nhà hàng, hứa lương cao.",
    "Quen qua mạng xã hội, hẹn gặp ở bến xe.",
    "Môi giới hứa việc làm ở nhà máy, thu giữ giấy tờ.",
    "",
)
JOURNEY_DETAILS = (
    "Đi xe khách lên biên giới, qua sông bằng thuyền vào ban đêm.",
    "Bay theo đường du lịch, bị giữ hộ chiếu khi đến nơi.",
    "Đi bộ qua đường mòn, ở lại nhà trọ hai tuần.",
    "",
)
SERVICE_NOTES = ("Đã thực hiện theo kế hoạch.", "Hỗ trợ một lần.", "Theo dõi tiếp.", "")
FOLLOW_UP_OUTCOMES = (
    "Ổn định, tiếp tục theo kế hoạch.",
    "Đang đi học nghề, cần hỗ trợ thêm tiền đi lại.",
    "Không liên lạc được, hẹn lần sau.",
    "Sức khỏe tốt, gia đình hỗ trợ.",
)
GOALS = {
    "psychological": ("Ổn định tâm lý, an toàn.", "Tham vấn tâm lý hằng tuần."),
    "vocational": ("Có việc làm ổn định tại quê.", "Kết nối khóa học nghề."),
    "health": ("Tiếp cận dịch vụ y tế.", "Đi khám định kỳ."),
    "legal": ("Được trợ giúp pháp lý.", "Liên hệ trung tâm trợ giúp pháp lý."),
    "documents": ("Có lại giấy tờ tùy thân.", "Làm lại căn cước."),
    "education": ("Trở lại trường học.", "Liên hệ nhà trường."),
}
IDENTIFYING_AGENCIES = (
    "Công an tỉnh",
    "Bộ đội Biên phòng tỉnh",
    "Công an xã",
    "Đại sứ quán Việt Nam",
)
