"""The demo data: real organisations from the five seed documents, fictional people.

Organisations, their places and their relations come from shared/seeds/ (the programme documents)
and from the 2025 reform of the state: where a body named in a document no longer exists as such,
it is kept with `is_active=False` and a description that says what became of it, because
programmes before 2025 still name it. Provinces are today's (since 1 July 2025), by official
2-digit code; the comment beside a code names the pre-2025 province a document used.

People are fictional. Their usernames follow `<role>.<organisation>`; the one user who belongs to
two organisations is `twoorgs.<first organisation>`.
"""

from __future__ import annotations

from dataclasses import dataclass

from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role

Kind = Organisation.Kind

# Today's provinces named (directly or through a pre-2025 province) in the seed documents.
HA_NOI = "01"
LAO_CAI = "15"
QUANG_NINH = "22"
HAI_PHONG = "31"  # includes the former Hải Dương
NGHE_AN = "40"
HA_TINH = "42"
QUANG_TRI = "44"  # includes the former Quảng Bình
HUE = "46"
DAK_LAK = "66"
HO_CHI_MINH = "79"
DONG_THAP = "82"  # includes the former Tiền Giang
CAN_THO = "92"

UNITED_KINGDOM = "Vương quốc Anh"


@dataclass(frozen=True)
class OrganisationSpec:
    slug: str
    name: str
    name_en: str
    kind: str
    short_name: str = ""
    parent: str = ""  # slug of the organisation this one is part of
    provinces: tuple[str, ...] = ()
    operates_abroad: str = ""
    website: str = ""
    description: str = ""
    is_active: bool = True


@dataclass(frozen=True)
class DemoUserSpec:
    username: str
    full_name: str
    memberships: tuple[tuple[str, str], ...] = ()  # (organisation slug, role)
    is_superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.username}@example.org"


# Parents come before their units, so the list can be loaded top to bottom.
ORGANISATIONS: tuple[OrganisationSpec, ...] = (
    # Vietnam Women's Union, its Centre for Women and Development and the Peace House shelter (003).
    OrganisationSpec(
        slug="hoi-lhpn-viet-nam",
        name="Hội Liên hiệp Phụ nữ Việt Nam",
        name_en="Vietnam Women's Union",
        short_name="Hội LHPN Việt Nam",
        kind=Kind.MASS_ORGANISATION,
        website="https://hoilhpn.org.vn",
        description=(
            "Tổ chức chính trị – xã hội của phụ nữ Việt Nam, có hội ở mọi cấp. Chủ trì Dự án 8 "
            "“Thực hiện bình đẳng giới và giải quyết những vấn đề cấp thiết đối với phụ nữ và trẻ "
            "em” (2021–2025), trong đó có mô hình hỗ trợ sinh kế, hòa nhập cộng đồng cho nạn nhân "
            "mua bán người."
        ),
    ),
    OrganisationSpec(
        slug="trung-tam-phu-nu-va-phat-trien",
        name="Trung tâm Phụ nữ và Phát triển",
        name_en="Centre for Women and Development",
        short_name="CWD",
        kind=Kind.SERVICE_PROVIDER,
        parent="hoi-lhpn-viet-nam",
        provinces=(HA_NOI,),
        description=(
            "Đơn vị của Hội LHPN Việt Nam. Vận hành nhà tạm lánh Ngôi nhà Bình yên từ năm 2007 "
            "và đường dây hỗ trợ 1900 969 680; xây dựng tài liệu hướng dẫn mô hình hỗ trợ sinh "
            "kế, hòa nhập cộng đồng cho nạn nhân mua bán người (tập huấn tại Hà Nội, Huế, Cần Thơ)."
        ),
    ),
    OrganisationSpec(
        slug="ngoi-nha-binh-yen",
        name="Ngôi nhà Bình yên",
        name_en="Peace House",
        kind=Kind.SHELTER,
        parent="trung-tam-phu-nu-va-phat-trien",
        provinces=(HA_NOI,),
        description=(
            "Nhà tạm lánh cho nạn nhân bạo lực trên cơ sở giới, do Trung tâm Phụ nữ và Phát triển "
            "vận hành từ năm 2007; đã hỗ trợ hơn 450 nạn nhân bị mua bán."
        ),
    ),
    # Ho Chi Minh Communist Youth Union and the units in "Từ Hậu trường tới Tương lai" (000).
    OrganisationSpec(
        slug="doan-tncs-ho-chi-minh",
        name="Đoàn Thanh niên Cộng sản Hồ Chí Minh",
        name_en="Ho Chi Minh Communist Youth Union",
        short_name="Đoàn TNCS Hồ Chí Minh",
        kind=Kind.MASS_ORGANISATION,
        description="Tổ chức chính trị – xã hội của thanh niên Việt Nam, có tổ chức ở mọi cấp.",
    ),
    OrganisationSpec(
        slug="thanh-doan-hai-phong",
        name="Thành đoàn Hải Phòng",
        name_en="Hai Phong City Youth Union",
        kind=Kind.MASS_ORGANISATION,
        parent="doan-tncs-ho-chi-minh",
        provinces=(HAI_PHONG,),
        description=(
            "Đối tác của dự án Từ Hậu trường tới Tương lai (di cư an toàn, phòng, chống mua bán "
            "người qua văn hóa, nghệ thuật). Từ 1/7/2025 thành phố Hải Phòng gồm cả tỉnh Hải "
            "Dương cũ."
        ),
    ),
    OrganisationSpec(
        slug="tinh-doan-ha-tinh",
        name="Tỉnh đoàn Hà Tĩnh",
        name_en="Ha Tinh Provincial Youth Union",
        kind=Kind.MASS_ORGANISATION,
        parent="doan-tncs-ho-chi-minh",
        provinces=(HA_TINH,),
    ),
    OrganisationSpec(
        slug="huyen-doan-nghi-xuan",
        name="Huyện đoàn Nghi Xuân",
        name_en="Nghi Xuan District Youth Union",
        kind=Kind.MASS_ORGANISATION,
        parent="tinh-doan-ha-tinh",
        provinces=(HA_TINH,),
        is_active=False,
        description=(
            "Đối tác giai đoạn 2021 – 4/2024 của dự án Từ Hậu trường tới Tương lai. Cấp huyện "
            "không còn từ 1/7/2025."
        ),
    ),
    OrganisationSpec(
        slug="huyen-doan-can-loc",
        name="Huyện đoàn Can Lộc",
        name_en="Can Loc District Youth Union",
        kind=Kind.MASS_ORGANISATION,
        parent="tinh-doan-ha-tinh",
        provinces=(HA_TINH,),
        is_active=False,
        description=(
            "Đối tác giai đoạn 2021 – 4/2024 của dự án Từ Hậu trường tới Tương lai. Cấp huyện "
            "không còn từ 1/7/2025."
        ),
    ),
    OrganisationSpec(
        slug="tinh-doan-quang-binh",
        name="Tỉnh đoàn Quảng Bình",
        name_en="Quang Binh Provincial Youth Union",
        kind=Kind.MASS_ORGANISATION,
        parent="doan-tncs-ho-chi-minh",
        provinces=(QUANG_TRI,),
        is_active=False,
        description=(
            "Đối tác giai đoạn 2021 – 4/2024 của dự án Từ Hậu trường tới Tương lai. Từ 1/7/2025 "
            "tỉnh Quảng Bình sáp nhập vào tỉnh Quảng Trị."
        ),
    ),
    OrganisationSpec(
        slug="vien-van-hoa-nghe-thuat-quoc-gia",
        name="Viện Văn hóa Nghệ thuật Quốc gia Việt Nam",
        name_en="Vietnam National Institute of Culture and Arts Studies",
        short_name="VICAS",
        kind=Kind.STATE_AGENCY,
        provinces=(HA_NOI,),
        description=(
            "Viện nghiên cứu thuộc Bộ Văn hóa, Thể thao và Du lịch; đối tác giai đoạn 2021 – "
            "4/2024 của dự án Từ Hậu trường tới Tương lai."
        ),
    ),
    OrganisationSpec(
        slug="hoi-dong-anh",
        name="Hội đồng Anh",
        name_en="British Council",
        kind=Kind.INTERNATIONAL_NGO,
        provinces=(HA_NOI, HAI_PHONG, HA_TINH, QUANG_TRI),
        website="https://www.britishcouncil.vn",
        description=(
            "Tổ chức quốc tế của Vương quốc Anh về quan hệ văn hóa và giáo dục. Thực hiện dự án "
            "Từ Hậu trường tới Tương lai giai đoạn 2021 – 4/2024 và tham gia dự án Đấu tranh "
            "chống mua bán người và nô lệ thời hiện đại."
        ),
    ),
    OrganisationSpec(
        slug="tea-talk-viet-nam",
        name="Tea Talk Việt Nam",
        name_en="Tea Talk Vietnam",
        kind=Kind.LOCAL_CSO,
        provinces=(HAI_PHONG, HA_TINH, QUANG_TRI),
        description="Tiếp tục dự án Từ Hậu trường tới Tương lai giai đoạn 5/2024 – 2026.",
    ),
    OrganisationSpec(
        slug="core",
        name="Trung tâm Tham vấn, Nghiên cứu và Phát triển cộng đồng",
        name_en="Centre for Consultancy, Research and Community Development",
        short_name="CoRE",
        kind=Kind.LOCAL_CSO,
        provinces=(HAI_PHONG, HA_TINH, QUANG_TRI),
        description=(
            "Cùng Tea Talk Việt Nam thực hiện dự án Từ Hậu trường tới Tương lai giai đoạn "
            "5/2024 – 2026."
        ),
    ),
    # "Đấu tranh chống mua bán người và nô lệ thời hiện đại", funded by the UK Home Office (001).
    OrganisationSpec(
        slug="iom",
        name="Tổ chức Di cư Quốc tế",
        name_en="International Organization for Migration",
        short_name="IOM",
        kind=Kind.INTERNATIONAL_NGO,
        provinces=(HA_NOI, NGHE_AN, HA_TINH, QUANG_TRI),
        website="https://vietnam.iom.int",
        description="Cơ quan về di cư của Liên Hợp Quốc.",
    ),
    OrganisationSpec(
        slug="world-vision-viet-nam",
        name="World Vision Việt Nam",
        name_en="World Vision Vietnam",
        kind=Kind.INTERNATIONAL_NGO,
        provinces=(HA_NOI, NGHE_AN, HA_TINH, QUANG_TRI),
        operates_abroad=UNITED_KINGDOM,
        description=(
            "Thực hiện dự án Đấu tranh chống mua bán người và nô lệ thời hiện đại (24 tháng) tại "
            "Nghệ An, Hà Tĩnh và Quảng Bình cũ: tập huấn hơn 541 cán bộ hỗ trợ, hỗ trợ 335 người "
            "thuộc nhóm đối tượng đích, xây dựng ngân hàng thông tin cho người Việt di cư tại Anh."
        ),
    ),
    OrganisationSpec(
        slug="world-vision-anh-quoc",
        name="World Vision Anh quốc",
        name_en="World Vision UK",
        kind=Kind.INTERNATIONAL_NGO,
        operates_abroad=UNITED_KINGDOM,
        website="https://www.worldvision.org.uk",
    ),
    OrganisationSpec(
        slug="ecpat-anh-quoc",
        name="ECPAT Anh quốc",
        name_en="ECPAT UK",
        kind=Kind.INTERNATIONAL_NGO,
        operates_abroad=UNITED_KINGDOM,
        website="https://www.ecpat.org.uk",
    ),
    # Donors. The UK Home Office and the British Embassy are part of the UK Government.
    OrganisationSpec(
        slug="chinh-phu-vuong-quoc-anh",
        name="Chính phủ Vương quốc Anh",
        name_en="UK Government",
        short_name="Chính phủ Anh",
        kind=Kind.DONOR,
        operates_abroad=UNITED_KINGDOM,
        website="https://www.gov.uk",
        description="Đồng tài trợ dự án Từ Hậu trường tới Tương lai giai đoạn 2021 – 4/2024.",
    ),
    OrganisationSpec(
        slug="bo-noi-vu-vuong-quoc-anh",
        name="Bộ Nội vụ Vương quốc Anh",
        name_en="UK Home Office",
        short_name="Home Office",
        kind=Kind.DONOR,
        parent="chinh-phu-vuong-quoc-anh",
        operates_abroad=UNITED_KINGDOM,
        website="https://www.gov.uk/government/organisations/home-office",
        description="Tài trợ dự án Đấu tranh chống mua bán người và nô lệ thời hiện đại.",
    ),
    OrganisationSpec(
        slug="dai-su-quan-anh",
        name="Đại sứ quán Anh tại Việt Nam",
        name_en="British Embassy Hanoi",
        kind=Kind.DONOR,
        parent="chinh-phu-vuong-quoc-anh",
        provinces=(HA_NOI,),
    ),
    OrganisationSpec(
        slug="lien-minh-chau-au",
        name="Liên minh châu Âu",
        name_en="European Union",
        short_name="EU",
        kind=Kind.DONOR,
        website="https://european-union.europa.eu",
        description="Đồng tài trợ dự án Từ Hậu trường tới Tương lai giai đoạn 2021 – 4/2024.",
    ),
    OrganisationSpec(
        slug="care-quoc-te",
        name="Tổ chức CARE Quốc tế",
        name_en="CARE International",
        short_name="CARE",
        kind=Kind.DONOR,
        website="https://www.care-international.org",
    ),
    OrganisationSpec(
        slug="care-viet-nam",
        name="Tổ chức CARE Quốc tế tại Việt Nam",
        name_en="CARE International in Vietnam",
        short_name="CARE Việt Nam",
        kind=Kind.INTERNATIONAL_NGO,
        parent="care-quoc-te",
        provinces=(HA_NOI, QUANG_NINH, HO_CHI_MINH, CAN_THO),
        description=(
            "Cùng Bộ LĐ-TB&XH thực hiện dự án thí điểm mô hình tăng cường khả năng tiếp cận dịch "
            "vụ xã hội của nhóm người bán dâm (2014–2017) tại Quảng Ninh, TP. Hồ Chí Minh và Cần "
            "Thơ; ngân sách 5.827.300.000 đồng, trong đó CARE 2.406.100.000 đồng."
        ),
    ),
    OrganisationSpec(
        slug="cuu-tro-tre-em",
        name="Tổ chức Cứu trợ Trẻ em",
        name_en="Save the Children",
        kind=Kind.DONOR,
        website="https://www.savethechildren.net",
    ),
    OrganisationSpec(
        slug="cuu-tro-tre-em-viet-nam",
        name="Tổ chức Cứu trợ Trẻ em tại Việt Nam",
        name_en="Save the Children in Vietnam",
        kind=Kind.INTERNATIONAL_NGO,
        parent="cuu-tro-tre-em",
        provinces=(HA_NOI,),
    ),
    # Strengthening CSOs' capacity on child-rights governance, phase 2 (004).
    OrganisationSpec(
        slug="msd",
        name="Viện Nghiên cứu Quản lý Phát triển bền vững",
        name_en="Management and Sustainable Development Institute",
        short_name="MSD",
        kind=Kind.LOCAL_CSO,
        # Workshops in Hà Nội, TP. HCM, Tiền Giang, Huế, Đắk Lắk, Lào Cai and Hải Phòng.
        provinces=(HA_NOI, HO_CHI_MINH, DONG_THAP, HUE, DAK_LAK, LAO_CAI, HAI_PHONG),
        description=(
            "Thực hiện dự án Tăng cường năng lực các tổ chức xã hội về quản trị quyền trẻ em, "
            "giai đoạn 2 (01/05/2019 – 31/12/2021), do Tổ chức Cứu trợ Trẻ em tài trợ; hỗ trợ "
            "gần 200 tổ chức xã hội."
        ),
    ),
    # State agencies today: who leads, who supports victims, who protects citizens abroad.
    OrganisationSpec(
        slug="bo-cong-an",
        name="Bộ Công an",
        name_en="Ministry of Public Security",
        kind=Kind.STATE_AGENCY,
        description="Cơ quan chủ trì công tác phòng, chống mua bán người.",
    ),
    OrganisationSpec(
        slug="bo-y-te",
        name="Bộ Y tế",
        name_en="Ministry of Health",
        kind=Kind.STATE_AGENCY,
        description=(
            "Từ năm 2025 phụ trách hỗ trợ nạn nhân bị mua bán, cùng các Sở Y tế cấp tỉnh."
        ),
    ),
    OrganisationSpec(
        slug="bo-ngoai-giao",
        name="Bộ Ngoại giao",
        name_en="Ministry of Foreign Affairs",
        kind=Kind.STATE_AGENCY,
        description=(
            "Bảo hộ công dân Việt Nam ở nước ngoài; đường dây nóng bảo hộ công dân "
            "+84 981 84 84 84 (24/7)."
        ),
    ),
    OrganisationSpec(
        slug="bo-noi-vu",
        name="Bộ Nội vụ",
        name_en="Ministry of Home Affairs",
        kind=Kind.STATE_AGENCY,
        description="Năm 2025 tiếp nhận Bộ Lao động – Thương binh và Xã hội khi hai bộ hợp nhất.",
    ),
    # The labour ministry and its units named in documents 001, 002 and 004: historical since 2025.
    OrganisationSpec(
        slug="bo-ldtbxh",
        name="Bộ Lao động – Thương binh và Xã hội",
        name_en="Ministry of Labour, Invalids and Social Affairs",
        short_name="Bộ LĐ-TB&XH",
        kind=Kind.STATE_AGENCY,
        is_active=False,
        description=(
            "Không còn từ năm 2025: hợp nhất vào Bộ Nội vụ; hỗ trợ nạn nhân bị mua bán chuyển "
            "sang Bộ Y tế. Giữ lại vì các chương trình trước năm 2025 ghi tên Bộ."
        ),
    ),
    OrganisationSpec(
        slug="cuc-phong-chong-te-nan-xa-hoi",
        name="Cục Phòng, chống tệ nạn xã hội",
        name_en="Department of Social Evils Prevention",
        short_name="Cục PCTNXH",
        kind=Kind.STATE_AGENCY,
        parent="bo-ldtbxh",
        is_active=False,
        description=(
            "Đơn vị của Bộ LĐ-TB&XH (không còn từ năm 2025). Cùng CARE thực hiện dự án thí điểm "
            "2014–2017; phần ngân sách của Cục và ba Chi cục là 3.421.200.000 đồng."
        ),
    ),
    OrganisationSpec(
        slug="chi-cuc-pctnxh-quang-ninh",
        name="Chi cục Phòng, chống tệ nạn xã hội tỉnh Quảng Ninh",
        name_en="Quang Ninh Sub-department of Social Evils Prevention",
        kind=Kind.STATE_AGENCY,
        provinces=(QUANG_NINH,),
        is_active=False,
        description="Thuộc Sở LĐ-TB&XH tỉnh Quảng Ninh, cơ quan không còn từ năm 2025.",
    ),
    OrganisationSpec(
        slug="chi-cuc-pctnxh-ho-chi-minh",
        name="Chi cục Phòng, chống tệ nạn xã hội Thành phố Hồ Chí Minh",
        name_en="Ho Chi Minh City Sub-department of Social Evils Prevention",
        kind=Kind.STATE_AGENCY,
        provinces=(HO_CHI_MINH,),
        is_active=False,
        description="Thuộc Sở LĐ-TB&XH Thành phố Hồ Chí Minh, cơ quan không còn từ năm 2025.",
    ),
    OrganisationSpec(
        slug="chi-cuc-pctnxh-can-tho",
        name="Chi cục Phòng, chống tệ nạn xã hội thành phố Cần Thơ",
        name_en="Can Tho City Sub-department of Social Evils Prevention",
        kind=Kind.STATE_AGENCY,
        provinces=(CAN_THO,),
        is_active=False,
        description="Thuộc Sở LĐ-TB&XH thành phố Cần Thơ, cơ quan không còn từ năm 2025.",
    ),
    OrganisationSpec(
        slug="cuc-tre-em",
        name="Cục Trẻ em",
        name_en="Department of Children's Affairs",
        kind=Kind.STATE_AGENCY,
        parent="bo-ldtbxh",
        is_active=False,
        description=(
            "Đơn vị của Bộ LĐ-TB&XH (không còn từ năm 2025); phối hợp Tháng Hành động vì trẻ em "
            "năm 2021 với MSD."
        ),
    ),
    OrganisationSpec(
        slug="so-ldtbxh-nghe-an",
        name="Sở Lao động – Thương binh và Xã hội tỉnh Nghệ An",
        name_en="Nghe An Department of Labour, Invalids and Social Affairs",
        kind=Kind.STATE_AGENCY,
        provinces=(NGHE_AN,),
        is_active=False,
        description=(
            "Không còn từ năm 2025: các Sở LĐ-TB&XH được sắp xếp lại, chủ yếu vào Sở Nội vụ."
        ),
    ),
    OrganisationSpec(
        slug="so-ldtbxh-ha-tinh",
        name="Sở Lao động – Thương binh và Xã hội tỉnh Hà Tĩnh",
        name_en="Ha Tinh Department of Labour, Invalids and Social Affairs",
        kind=Kind.STATE_AGENCY,
        provinces=(HA_TINH,),
        is_active=False,
        description=(
            "Không còn từ năm 2025: các Sở LĐ-TB&XH được sắp xếp lại, chủ yếu vào Sở Nội vụ."
        ),
    ),
    OrganisationSpec(
        slug="so-ldtbxh-quang-binh",
        name="Sở Lao động – Thương binh và Xã hội tỉnh Quảng Bình",
        name_en="Quang Binh Department of Labour, Invalids and Social Affairs",
        kind=Kind.STATE_AGENCY,
        provinces=(QUANG_TRI,),
        is_active=False,
        description=(
            "Không còn từ năm 2025: các Sở LĐ-TB&XH được sắp xếp lại và tỉnh Quảng Bình sáp nhập "
            "vào tỉnh Quảng Trị."
        ),
    ),
)

# Demo organisations with members: a shelter, a service provider, a mass organisation, two
# international NGOs and two donors. Every role appears in at least two organisations.
PEACE_HOUSE = "ngoi-nha-binh-yen"
CWD = "trung-tam-phu-nu-va-phat-trien"
HAI_PHONG_YOUTH = "thanh-doan-hai-phong"
WORLD_VISION = "world-vision-viet-nam"
CARE_VIET_NAM = "care-viet-nam"
HOME_OFFICE = "bo-noi-vu-vuong-quoc-anh"
EU = "lien-minh-chau-au"

USERS: tuple[DemoUserSpec, ...] = (
    DemoUserSpec("admin.binhyen", "Nguyễn Thị Thu Hằng", ((PEACE_HOUSE, Role.ORG_ADMIN),)),
    DemoUserSpec("supervisor.binhyen", "Trần Thị Minh Châu", ((PEACE_HOUSE, Role.SUPERVISOR),)),
    DemoUserSpec("caseworker.binhyen", "Phạm Thị Lan Anh", ((PEACE_HOUSE, Role.CASE_WORKER),)),
    DemoUserSpec("admin.cwd", "Hoàng Thị Bích Ngọc", ((CWD, Role.ORG_ADMIN),)),
    # The livelihood and reintegration model (003): a supervisor, a case worker who follows the
    # returned women's plans, a Women's Union officer who runs the savings groups' meetings, and
    # a programme officer who reads the groups' measures.
    DemoUserSpec("supervisor.cwd", "Phan Thị Kim Oanh", ((CWD, Role.SUPERVISOR),)),
    DemoUserSpec("caseworker.cwd", "Triệu Thị Hồng Vân", ((CWD, Role.CASE_WORKER),)),
    DemoUserSpec("collaborator.cwd", "Lường Thị Ngọc Ánh", ((CWD, Role.COLLABORATOR),)),
    DemoUserSpec("programme.cwd", "Đàm Thị Thu Hiền", ((CWD, Role.PROGRAMME_OFFICER),)),
    DemoUserSpec(
        "twoorgs.cwd",
        "Đỗ Thị Thanh Tâm",
        ((CWD, Role.CONTENT_EDITOR), (PEACE_HOUSE, Role.SUPERVISOR)),
    ),
    DemoUserSpec("admin.doanhaiphong", "Ngô Quang Huy", ((HAI_PHONG_YOUTH, Role.ORG_ADMIN),)),
    DemoUserSpec(
        "collaborator.doanhaiphong", "Đinh Văn Toàn", ((HAI_PHONG_YOUTH, Role.COLLABORATOR),)
    ),
    DemoUserSpec(
        "programme.doanhaiphong", "Lý Thị Hải Yến", ((HAI_PHONG_YOUTH, Role.PROGRAMME_OFFICER),)
    ),
    DemoUserSpec("editor.doanhaiphong", "Hồ Minh Khôi", ((HAI_PHONG_YOUTH, Role.CONTENT_EDITOR),)),
    DemoUserSpec("admin.worldvision", "Mai Thị Thúy Hạnh", ((WORLD_VISION, Role.ORG_ADMIN),)),
    DemoUserSpec("supervisor.worldvision", "Lương Đức Thắng", ((WORLD_VISION, Role.SUPERVISOR),)),
    DemoUserSpec(
        "caseworker.worldvision", "Trịnh Thị Kim Dung", ((WORLD_VISION, Role.CASE_WORKER),)
    ),
    DemoUserSpec("collaborator.worldvision", "Kiều Văn Lâm", ((WORLD_VISION, Role.COLLABORATOR),)),
    DemoUserSpec(
        "programme.worldvision", "Tạ Thị Minh Nguyệt", ((WORLD_VISION, Role.PROGRAMME_OFFICER),)
    ),
    DemoUserSpec(
        "editor.worldvision", "Vương Thị Ngọc Trâm", ((WORLD_VISION, Role.CONTENT_EDITOR),)
    ),
    # CARE Việt Nam runs the 002 programme's case work with sex workers.
    DemoUserSpec("supervisor.care", "Võ Thị Hồng Nhung", ((CARE_VIET_NAM, Role.SUPERVISOR),)),
    DemoUserSpec("caseworker.care", "Lê Thị Thanh Xuân", ((CARE_VIET_NAM, Role.CASE_WORKER),)),
    DemoUserSpec("admin.homeoffice", "Cao Minh Tuấn", ((HOME_OFFICE, Role.ORG_ADMIN),)),
    DemoUserSpec("donor.homeoffice", "Bùi Thị Phương Thảo", ((HOME_OFFICE, Role.DONOR_VIEWER),)),
    DemoUserSpec("donor.eu", "Lã Thị Thu Trang", ((EU, Role.DONOR_VIEWER),)),
    # A system administrator: Django's admin, no organisation.
    DemoUserSpec("sysadmin", "Đặng Quốc Bảo", is_superuser=True),
)
