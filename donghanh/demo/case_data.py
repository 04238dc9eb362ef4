"""Fictional people and cases for the demo: every name, date and story here is invented.

Organisations and provinces are real (the seed programmes'); the people are not. Identity numbers
are left out: a real-looking number could belong to someone. Dates are days before the load.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PEACE_HOUSE = "ngoi-nha-binh-yen"
WORLD_VISION = "world-vision-viet-nam"
CARE_VIET_NAM = "care-viet-nam"  # the 002 programme on sex workers' access to social services


@dataclass(frozen=True)
class ReferralSpec:
    to: str  # organisation slug
    domain: str
    message: str
    outcome: str  # "completed" (accepted, with feedback) or "overdue" (no answer, past due)
    feedback: str = ""


@dataclass(frozen=True)
class DemoCaseSpec:
    organisation: str
    full_name: str
    sex: str
    born: str  # ISO date
    case_type: str
    intake_channel: str
    intake_days_ago: int
    current_address: str
    pre_2025_address: str = ""
    ethnicity: str = "kinh"
    worker: str = ""  # username of the demo case worker assigned
    identified_by: str = ""  # agency that identified the person as a victim
    shelter_days: tuple[int, ...] = ()  # (admitted days ago,) or (admitted, discharged)
    statistics: bool = True
    guardian: str = ""  # a minor's mother, who gives consent
    destination_country: str = ""
    referral: ReferralSpec | None = None
    extra_services: tuple[tuple[str, str], ...] = field(default_factory=tuple)


BINH_YEN_WORKER = "caseworker.binhyen"
WV_WORKER = "caseworker.worldvision"
CARE_WORKER = "caseworker.care"

# The demo teams (organisation, name, members' usernames); each team gets the cases of its
# organisation that its first member works on.
TEAMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (PEACE_HOUSE, "Nhóm nhà tạm lánh", (BINH_YEN_WORKER, "supervisor.binhyen")),
    (WORLD_VISION, "Nhóm Bắc Trung Bộ", (WV_WORKER, "collaborator.worldvision")),
)

CASES: tuple[DemoCaseSpec, ...] = (
    # Ngôi nhà Bình yên (Hà Nội): women and children trafficked, in shelter.
    DemoCaseSpec(
        PEACE_HOUSE,
        "Lò Thị Mai Hương",
        "female",
        "2001-03-14",
        "trafficking_victim",
        "border_guard",
        120,
        "Ngôi nhà Bình yên, Hà Nội",
        "bản Nà Tăm, xã Mường Khoa, huyện Bắc Yên, tỉnh Sơn La",
        ethnicity="thai",
        worker=BINH_YEN_WORKER,
        identified_by="Bộ đội Biên phòng tỉnh Lào Cai",
        shelter_days=(118, 30),
        destination_country="CN",
    ),
    DemoCaseSpec(
        PEACE_HOUSE,
        "Vàng Thị Dua",
        "female",
        "2009-07-02",
        "trafficking_victim",
        "police",
        75,
        "Ngôi nhà Bình yên, Hà Nội",
        "thôn Sủng Lìa, xã Sủng Trái, huyện Đồng Văn, tỉnh Hà Giang",
        ethnicity="hmong",
        worker=BINH_YEN_WORKER,
        identified_by="Công an tỉnh Lào Cai",
        shelter_days=(74,),
        guardian="Vàng Thị Pà",
        destination_country="CN",
    ),
    DemoCaseSpec(
        PEACE_HOUSE,
        "Nguyễn Thị Thanh Xuân",
        "female",
        "1998-11-23",
        "trafficking_victim",
        "embassy_abroad",
        60,
        "Ngôi nhà Bình yên, Hà Nội",
        "thôn Đông, xã Nghi Thịnh, huyện Nghi Lộc, tỉnh Nghệ An",
        worker=BINH_YEN_WORKER,
        identified_by="Cục Lãnh sự, Bộ Ngoại giao",
        shelter_days=(58,),
        destination_country="MY",
        referral=ReferralSpec(
            WORLD_VISION,
            "vocational",
            "Chị muốn về quê ở Nghệ An và học nghề; đề nghị hỗ trợ "
            "hòa nhập cộng đồng tại địa phương.",
            "overdue",
        ),
    ),
    DemoCaseSpec(
        PEACE_HOUSE,
        "Sầm Thị Hoa",
        "female",
        "2004-05-09",
        "undergoing_identification",
        "police",
        20,
        "Ngôi nhà Bình yên, Hà Nội",
        "bản Hát, xã Châu Hạnh, huyện Quỳ Châu, tỉnh Nghệ An",
        ethnicity="thai",
        worker=BINH_YEN_WORKER,
        shelter_days=(19,),
        destination_country="CN",
    ),
    DemoCaseSpec(
        PEACE_HOUSE,
        "Đinh Thị Ngọc Ánh",
        "female",
        "1995-02-17",
        "gbv_survivor",
        "self_referral",
        200,
        "phường Long Biên, Hà Nội",
        "phường Ngọc Thụy, quận Long Biên, thành phố Hà Nội",
        worker=BINH_YEN_WORKER,
        shelter_days=(199, 150),
        statistics=False,
    ),
    DemoCaseSpec(
        PEACE_HOUSE,
        "Hà Thị Bích Liên",
        "female",
        "2000-09-30",
        "trafficking_victim",
        "border_guard",
        40,
        "Ngôi nhà Bình yên, Hà Nội",
        "xã Mường Lạn, huyện Sốp Cộp, tỉnh Sơn La",
        ethnicity="thai",
        identified_by="Bộ đội Biên phòng tỉnh Lạng Sơn",
        shelter_days=(39,),
        destination_country="CN",
    ),
    DemoCaseSpec(
        PEACE_HOUSE,
        "Lù Văn Páo",
        "male",
        "2014-04-12",
        "accompanying_minor",
        "border_guard",
        40,
        "Ngôi nhà Bình yên, Hà Nội",
        "xã Mường Lạn, huyện Sốp Cộp, tỉnh Sơn La",
        ethnicity="thai",
        worker=BINH_YEN_WORKER,
        shelter_days=(39,),
        guardian="Lù Thị Xuân",
    ),
    DemoCaseSpec(
        PEACE_HOUSE,
        "Trần Thị Kim Oanh",
        "female",
        "1990-12-05",
        "trafficking_victim",
        "ngo_outreach",
        300,
        "xã Yên Thành, tỉnh Nghệ An",
        "xóm 5, xã Công Thành, huyện Yên Thành, tỉnh Nghệ An",
        identified_by="Công an tỉnh Nghệ An",
        shelter_days=(298, 220),
        destination_country="CN",
    ),
    # World Vision Việt Nam, programme 001: Nghệ An, Hà Tĩnh and (former) Quảng Bình.
    DemoCaseSpec(
        WORLD_VISION,
        "Phan Văn Đức",
        "male",
        "1996-08-21",
        "migrant_at_risk",
        "commune_committee",
        150,
        "xã Yên Thành, tỉnh Nghệ An",
        "xóm 3, xã Đô Thành, huyện Yên Thành, tỉnh Nghệ An",
        worker=WV_WORKER,
        destination_country="GB",
    ),
    DemoCaseSpec(
        WORLD_VISION,
        "Hồ Sỹ Tùng",
        "male",
        "1999-01-11",
        "undergoing_identification",
        "embassy_abroad",
        90,
        "xã Nghi Lộc, tỉnh Nghệ An",
        "xóm Mỹ Hậu, xã Nghi Xá, huyện Nghi Lộc, tỉnh Nghệ An",
        worker=WV_WORKER,
        destination_country="GB",
    ),
    DemoCaseSpec(
        WORLD_VISION,
        "Lê Thị Hồng Nhung",
        "female",
        "2002-06-03",
        "trafficking_victim",
        "police",
        110,
        "xã Quỳnh Lưu, tỉnh Nghệ An",
        "thôn 7, xã Quỳnh Hưng, huyện Quỳnh Lưu, tỉnh Nghệ An",
        worker=WV_WORKER,
        identified_by="Công an tỉnh Nghệ An",
        destination_country="CN",
        referral=ReferralSpec(
            PEACE_HOUSE,
            "shelter",
            "Đề nghị tiếp nhận tạm lánh và hỗ trợ tâm lý trong thời gian chờ giải quyết vụ án.",
            "completed",
            "Đã tiếp nhận chị vào Ngôi nhà Bình yên 45 ngày, tham vấn "
            "tâm lý 6 buổi; chị đã về gia đình an toàn.",
        ),
    ),
    DemoCaseSpec(
        WORLD_VISION,
        "Nguyễn Văn Hải",
        "male",
        "1993-10-19",
        "migrant_at_risk",
        "ngo_outreach",
        210,
        "xã Diễn Châu, tỉnh Nghệ An",
        "xóm 2, xã Diễn Thịnh, huyện Diễn Châu, tỉnh Nghệ An",
        worker=WV_WORKER,
        statistics=False,
        destination_country="GB",
    ),
    DemoCaseSpec(
        WORLD_VISION,
        "Võ Thị Thu Hà",
        "female",
        "1997-04-25",
        "migrant_at_risk",
        "commune_committee",
        80,
        "xã Can Lộc, tỉnh Hà Tĩnh",
        "thôn Tân Hòa, xã Thiên Lộc, huyện Can Lộc, tỉnh Hà Tĩnh",
        worker=WV_WORKER,
        destination_country="GB",
    ),
    DemoCaseSpec(
        WORLD_VISION,
        "Trương Quang Vinh",
        "male",
        "2000-12-01",
        "undergoing_identification",
        "embassy_abroad",
        45,
        "xã Nghi Xuân, tỉnh Hà Tĩnh",
        "thôn Thuận Hải, xã Xuân Hải, huyện Nghi Xuân, tỉnh Hà Tĩnh",
        worker=WV_WORKER,
        destination_country="GB",
    ),
    DemoCaseSpec(
        WORLD_VISION,
        "Đặng Thị Mỹ Linh",
        "female",
        "1994-03-08",
        "trafficking_victim",
        "police",
        260,
        "phường Kỳ Anh, tỉnh Hà Tĩnh",
        "tổ dân phố 4, phường Kỳ Trinh, thị xã Kỳ Anh, tỉnh Hà Tĩnh",
        worker=WV_WORKER,
        identified_by="Công an tỉnh Hà Tĩnh",
        destination_country="CN",
    ),
    DemoCaseSpec(
        WORLD_VISION,
        "Bùi Văn Khánh",
        "male",
        "1998-07-16",
        "migrant_at_risk",
        "self_referral",
        30,
        "xã Thạch Hà, tỉnh Hà Tĩnh",
        "thôn Đông Thượng, xã Thạch Liên, huyện Thạch Hà, tỉnh Hà Tĩnh",
        destination_country="GB",
    ),
    DemoCaseSpec(
        WORLD_VISION,
        "Hoàng Văn Nam",
        "male",
        "1995-05-27",
        "undergoing_identification",
        "embassy_abroad",
        130,
        "xã Quảng Trạch, tỉnh Quảng Trị",
        "thôn Tây, xã Quảng Hợp, huyện Quảng Trạch, tỉnh Quảng Bình",
        worker=WV_WORKER,
        destination_country="GB",
    ),
    DemoCaseSpec(
        WORLD_VISION,
        "Lưu Thị Thảo",
        "female",
        "2001-09-09",
        "migrant_at_risk",
        "commune_committee",
        70,
        "xã Bố Trạch, tỉnh Quảng Trị",
        "thôn 2, xã Hưng Trạch, huyện Bố Trạch, tỉnh Quảng Bình",
        worker=WV_WORKER,
        destination_country="GB",
    ),
    DemoCaseSpec(
        WORLD_VISION,
        "Cao Xuân Thịnh",
        "male",
        "1992-02-02",
        "trafficking_victim",
        "police",
        180,
        "phường Ba Đồn, tỉnh Quảng Trị",
        "tổ dân phố 3, phường Quảng Thọ, thị xã Ba Đồn, tỉnh Quảng Bình",
        worker=WV_WORKER,
        identified_by="Công an tỉnh Quảng Bình",
        destination_country="GB",
    ),
    # CARE Việt Nam, programme 002: sex workers seeking social services. Cases without a
    # worker are the supervisor's own.
    DemoCaseSpec(
        CARE_VIET_NAM,
        "Phạm Thị Thu Trang",
        "female",
        "1991-06-18",
        "sex_worker",
        "ngo_outreach",
        95,
        "phường Hồng Gai, tỉnh Quảng Ninh",
        "phường Bạch Đằng, thành phố Hạ Long, tỉnh Quảng Ninh",
        worker=CARE_WORKER,
    ),
    DemoCaseSpec(
        CARE_VIET_NAM,
        "Vũ Thị Hải Yến",
        "female",
        "1996-01-29",
        "sex_worker",
        "self_referral",
        40,
        "phường Móng Cái 1, tỉnh Quảng Ninh",
        "phường Trần Phú, thành phố Móng Cái, tỉnh Quảng Ninh",
        worker=CARE_WORKER,
    ),
    DemoCaseSpec(
        CARE_VIET_NAM,
        "Lâm Thị Ngọc Diễm",
        "female",
        "1993-10-07",
        "sex_worker",
        "ngo_outreach",
        140,
        "phường Sài Gòn, TP. Hồ Chí Minh",
        "phường Bến Nghé, quận 1, TP. Hồ Chí Minh",
        ethnicity="hoa",
        worker=CARE_WORKER,
    ),
    DemoCaseSpec(
        CARE_VIET_NAM,
        "Huỳnh Thị Kim Ngân",
        "female",
        "1999-04-14",
        "sex_worker",
        "self_referral",
        25,
        "phường Chợ Lớn, TP. Hồ Chí Minh",
        "phường 11, quận 5, TP. Hồ Chí Minh",
        statistics=False,
    ),
    DemoCaseSpec(
        CARE_VIET_NAM,
        "Thạch Thị Sa Ren",
        "female",
        "1997-08-02",
        "sex_worker",
        "ngo_outreach",
        60,
        "phường Ninh Kiều, thành phố Cần Thơ",
        "phường Tân An, quận Ninh Kiều, thành phố Cần Thơ",
        worker=CARE_WORKER,
        ethnicity="khmer",
    ),
    DemoCaseSpec(
        CARE_VIET_NAM,
        "Dương Thị Mỹ Tiên",
        "female",
        "1994-12-20",
        "sex_worker",
        "ngo_outreach",
        160,
        "phường Cái Răng, thành phố Cần Thơ",
        "phường Lê Bình, quận Cái Răng, thành phố Cần Thơ",
    ),
)
