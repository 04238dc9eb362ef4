"""The livelihood and reintegration model of the 003 programme, for the demo: the Centre for
Women and Development's savings and credit groups, the livelihood plans of women who came home
after being trafficked, safe addresses, and the Women's Union officers of 51 provinces trained
in the three rounds (Hà Nội, Huế, Cần Thơ).

Every person here is invented: the women, the group members, the households that shelter. The
organisation, the programme and the communes (today's codes) are real. Dates are days before
the load, so the cycles and reviews always look current.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CWD = "trung-tam-phu-nu-va-phat-trien"
PROGRAMME = "003"
CASE_WORKER = "caseworker.cwd"
OFFICER = "collaborator.cwd"  # the Women's Union officer who runs the groups' meetings
SUPERVISOR = "supervisor.cwd"


@dataclass(frozen=True)
class ReturnedWomanSpec:
    """A woman who came home after being trafficked, with her case at the Centre."""

    full_name: str
    born: str  # ISO date
    ethnicity: str
    address: str
    commune: str  # today's commune code
    intake_days_ago: int
    goals: str
    skills: str
    assets: str
    livelihood: str
    livelihood_detail: str
    income_at_start: int
    household_at_start: str
    # (kind, amount, days after intake, given by: organisation slug or a name)
    support: tuple[tuple[str, int, int, str], ...]
    # (days after intake, monthly income, household, progress)
    reviews: tuple[tuple[int, int, str, str], ...]
    # One answer (1–5) for every item at intake, 6 months and 12 months (while due).
    scores: tuple[int, ...]
    group: str = ""  # the savings group she joined, linked with her consent


WOMEN: tuple[ReturnedWomanSpec, ...] = (
    ReturnedWomanSpec(
        full_name="Lò Thị Phương",
        born="1996-02-11",
        ethnicity="thai",
        address="bản Phiêng Ban, xã Bắc Yên, tỉnh Sơn La",
        commune="03856",
        intake_days_ago=420,
        goals="Nuôi bò sinh sản để có thu nhập ổn định, nuôi con ăn học.",
        skills="Chăn nuôi gia súc, trồng ngô.",
        assets="Nửa héc-ta đất nương của gia đình; mẹ đẻ giúp trông con.",
        livelihood="livestock",
        livelihood_detail="Hai con bò cái sinh sản; trồng cỏ voi làm thức ăn.",
        income_at_start=800_000,
        household_at_start="Sống cùng mẹ và con gái 6 tuổi; nhà tạm, chưa có thu nhập riêng.",
        support=(
            ("cash_grant", 3_000_000, 20, CWD),
            ("equipment", 12_000_000, 45, "UBND xã Bắc Yên"),
            ("training", 1_500_000, 30, "Trạm khuyến nông (ví dụ)"),
            ("group_loan", 1_500_000, 120, "Tổ tiết kiệm Hoa Ban"),
        ),
        reviews=(
            (180, 1_800_000, "Con gái đi học lớp 1; nhà được sửa mái.", "Một con bò đã có chửa."),
            (360, 2_600_000, "Đã tự chi trả học phí cho con.", "Bán được bê đầu tiên."),
        ),
        scores=(2, 3, 4),
        group="Tổ tiết kiệm Hoa Ban",
    ),
    ReturnedWomanSpec(
        full_name="Hoàng Thị Sáu",
        born="1999-09-30",
        ethnicity="tay",
        address="thôn Na Lốc, xã Mường Khương, tỉnh Lào Cai",
        commune="02761",
        intake_days_ago=400,
        goals="Mở quầy tạp hóa nhỏ ở chợ phiên.",
        skills="Buôn bán, biết tính toán, nói tiếng Quan Hỏa.",
        assets="Gian nhà mặt đường của bố mẹ.",
        livelihood="small_trade",
        livelihood_detail="Quầy tạp hóa và hàng khô ở chợ phiên chủ nhật.",
        income_at_start=500_000,
        household_at_start="Ở với bố mẹ già; còn nợ người quen tiền đi đường.",
        support=(
            ("cash_grant", 5_000_000, 15, CWD),
            ("market", 0, 60, "Hợp tác xã thương mại (ví dụ)"),
            ("group_loan", 2_000_000, 150, "Tổ tiết kiệm Hướng Dương"),
        ),
        reviews=(
            (180, 2_200_000, "Đã trả xong khoản nợ cũ.", "Quầy hàng có khách quen."),
            (360, 3_000_000, "Tự lo được chi tiêu gia đình.", "Mở thêm hàng ngày thường."),
        ),
        scores=(2, 3, 3),
        group="Tổ tiết kiệm Hướng Dương",
    ),
    ReturnedWomanSpec(
        full_name="Nguyễn Thị Hằng Nga",
        born="2001-06-17",
        ethnicity="kinh",
        address="xóm 5, xã Nghi Lộc, tỉnh Nghệ An",
        commune="17827",
        intake_days_ago=250,
        goals="Học nghề may và nhận hàng gia công tại nhà.",
        skills="May vá cơ bản.",
        assets="Chưa có máy may; em gái học nghề cùng.",
        livelihood="trade",
        livelihood_detail="May gia công cho xưởng may trong huyện.",
        income_at_start=0,
        household_at_start="Sống cùng ông bà; hay lo âu, ít ra khỏi nhà.",
        support=(
            ("training", 4_000_000, 20, "Trung tâm giáo dục nghề nghiệp (ví dụ)"),
            ("equipment", 6_500_000, 110, CWD),
        ),
        reviews=((180, 1_500_000, "Đã tham gia sinh hoạt chi hội phụ nữ.", "Nhận hàng đều."),),
        scores=(1, 3),
        group="Tổ tiết kiệm Sen Hồng",
    ),
    ReturnedWomanSpec(
        full_name="Sùng Thị Mỷ",
        born="2003-01-05",
        ethnicity="hmong",
        address="thôn Sín Chải, xã Bản Lầu, tỉnh Lào Cai",
        commune="02788",
        intake_days_ago=200,
        goals="Trồng chuối và nuôi gà để tự nuôi sống bản thân.",
        skills="Trồng trọt.",
        assets="Mảnh vườn nhỏ gia đình chia cho.",
        livelihood="farming",
        livelihood_detail="Một sào chuối tiêu và đàn gà thả vườn.",
        income_at_start=300_000,
        household_at_start="Vừa về, ở nhờ nhà chị gái.",
        support=(("cash_grant", 2_000_000, 10, CWD), ("equipment", 3_500_000, 40, CWD)),
        reviews=((150, 900_000, "Đã làm lại giấy tờ tùy thân.", "Lứa gà đầu đã bán."),),
        scores=(2, 2),
    ),
)

# The savings groups: (name, commune code, village, members). Members are fictional women of
# the commune; a returned woman above joins the group she is named with.
GROUPS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "Tổ tiết kiệm Hoa Ban",
        "03856",
        "Bản Phiêng Ban",
        (
            "Quàng Thị Liên", "Lò Thị Xuân", "Cầm Thị Thoa", "Vì Thị Hương", "Lường Thị Duyên",
            "Hà Thị Ánh", "Điêu Thị Nga", "Lò Thị Ngân", "Mè Thị Hòa",
        ),
    ),
    (
        "Tổ tiết kiệm Hướng Dương",
        "02761",
        "Thôn Na Lốc",
        (
            "Nông Thị Hạnh", "Hoàng Thị Lụa", "Vàng Thị Chi", "Lý Thị Mai", "Nùng Thị Dậu",
            "Tẩn Thị Sim", "Lục Thị Hoa", "Hoàng Thị Nhung",
        ),
    ),
    (
        "Tổ tiết kiệm Sen Hồng",
        "17827",
        "Xóm 5",
        (
            "Nguyễn Thị Lan", "Trần Thị Thu", "Hồ Thị Mơ", "Phan Thị Thắm", "Lê Thị Hiền",
            "Đặng Thị Cúc", "Võ Thị Hường", "Nguyễn Thị Thủy", "Cao Thị Vân", "Thái Thị Loan",
        ),
    ),
)  # fmt: skip

# How long each group has been saving: (group, days ago its first cycle began, shared out).
# Two groups finished a twelve-month cycle, shared out, and started a second; the third is in
# its first cycle, with a member behind on her loan.
CYCLES: dict[str, tuple[int, bool]] = {
    "Tổ tiết kiệm Hoa Ban": (450, True),
    "Tổ tiết kiệm Hướng Dương": (430, True),
    "Tổ tiết kiệm Sen Hồng": (250, False),
}

# The constitution the groups agreed (the same for the demo's groups).
CONSTITUTION: dict[str, Any] = {
    "meeting_frequency": "monthly",
    "share_price": 50_000,
    "min_shares": 1,
    "max_shares": 5,
    "interest_bp": 200,
    "loan_multiple": 3,
    "max_loan": 5_000_000,
    "max_loan_months": 3,
    "social_contribution": 10_000,
    "fine_absence": 10_000,
    "fine_late": 5_000,
    "fine_late_repayment": 20_000,
}

# Safe addresses of the Centre's partner communes: (name, kind, commune, address, contact,
# phone, capacity, vouched by, days since the last check). All invented.
SAFE_ADDRESSES: tuple[tuple[str, str, str, str, str, str, int, str, int], ...] = (
    (
        "Nhà chị Quàng Thị Liên",
        "union_member",
        "03856",
        "Bản Phiêng Ban (nhà thứ ba sau nhà văn hóa)",
        "Quàng Thị Liên",
        "0912 000 101",
        2,
        "Chi hội trưởng phụ nữ bản",
        40,
    ),
    (
        "Nhà văn hóa thôn Na Lốc",
        "community",
        "02761",
        "Thôn Na Lốc, cạnh trường mầm non",
        "Trưởng thôn",
        "0912 000 102",
        4,
        "Chủ tịch Hội Phụ nữ xã",
        90,
    ),
    (
        "Nhà bà Nguyễn Thị Lan",
        "household",
        "17827",
        "Xóm 5, ngõ sau chợ",
        "Nguyễn Thị Lan",
        "0912 000 103",
        2,
        "Cán bộ Hội Phụ nữ xã phụ trách xóm 5",
        210,
    ),
)

# The officers the three training rounds trained, one for each of 51 provinces (their codes
# before 2025): the north in Hà Nội, the centre and highlands in Huế, the south in Cần Thơ.
TRAINING_PLACES = ("Hà Nội", "Huế", "Cần Thơ")
OFFICER_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
OFFICER_MIDDLE = ("Thị", "Thị Thu", "Thị Minh", "Thị Thanh", "Thị Ngọc")
OFFICER_GIVEN = (
    "An",
    "Bình",
    "Châu",
    "Dung",
    "Giang",
    "Hà",
    "Khánh",
    "Linh",
    "Nhi",
    "Yến",
    "Trang",
)
