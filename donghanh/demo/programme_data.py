"""The five seed programmes as demo data: the projects with their published figures as targets,
and the numbers of the fictional records from which the computed indicators reproduce them.
donghanh/demo/programme_services.py loads them.

- 001 (UK Home Office; World Vision with IOM and the British Council): 541 support officers
  trained (unique trainees; some attend two or three trainings) and 335 target-group members
  served in five domains (unique people with a service linked to the project).
- 002 (CARE and the Department of Social Evils Prevention): 5.827.300.000 ₫ =
  2.406.100.000 ₫ from CARE + 3.421.200.000 ₫ from the government.
- 003 (Peace House of the Centre for Women and Development): 450 trafficking survivors
  sheltered = 291 women + 157 children + 2 men.
- 004 (MSD, Save the Children): nearly 200 CSOs supported, workshops in 7 provinces.
- 000 (From Backstage to Future): creative communication in Hải Phòng, Hà Tĩnh, Quảng Bình.

Organisations and places are real; every person is fictional.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from donghanh.programmes.outreach.models import CommunicationKind, PublicationKind
from donghanh.programmes.results.models import (
    Aggregation,
    ComputedDefinition,
    Disaggregation,
    IndicatorSource,
)
from donghanh.programmes.trainings.models import OfficerRole, Sector, TrainingLevel
from donghanh.reference.domains import ServiceDomain

D = datetime.date

# Fictional names, put together from common Vietnamese family, middle and given names.
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE_F = ("Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Mai")
MIDDLE_M = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân")
GIVEN_F = ("Hà", "Lan", "Hương", "Trang", "Nhung", "Thảo", "Linh", "Yến", "Hoa", "Ngân", "Vân",
           "Dung", "Huyền", "Phương", "Thủy", "Oanh", "Quế", "Hạnh")  # fmt: skip
GIVEN_M = ("Hùng", "Tình", "Nam", "Sơn", "Dũng", "Tuấn", "Long", "Hải", "Phúc", "Bình", "Khánh",
           "Thắng", "Toàn", "Đạt", "Lợi", "Hiếu", "Trung")  # fmt: skip


def fictional_name(index: int, sex: str) -> str:
    """A distinct fictional name for each index (distinct up to many thousands)."""
    surname = SURNAMES[index % len(SURNAMES)]
    middles, givens = (MIDDLE_F, GIVEN_F) if sex == "female" else (MIDDLE_M, GIVEN_M)
    middle = middles[(index // len(SURNAMES)) % len(middles)]
    given = givens[(index // (len(SURNAMES) * len(middles))) % len(givens)]
    round_ = index // (len(SURNAMES) * len(middles) * len(givens))
    second = f" {givens[(round_ + 3) % len(givens)]}" if round_ else ""
    return f"{surname} {middle}{second} {given}"


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    name_en: str
    target: int | None = None
    source: str = IndicatorSource.COMPUTED
    definition: str = ""
    aggregation: str = Aggregation.UNIQUE_PEOPLE
    disaggregations: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    unit: str = "người"
    manual_value: tuple[Decimal, str] | None = None  # (value, evidence) for a manual indicator


@dataclass(frozen=True)
class OutputSpec:
    code: str
    name: str
    indicators: tuple[IndicatorSpec, ...]


@dataclass(frozen=True)
class OutcomeSpec:
    code: str
    name: str
    outputs: tuple[OutputSpec, ...]


@dataclass(frozen=True)
class ProjectSpec:
    code: str
    name: str
    name_en: str
    implementer: str
    partners: tuple[str, ...]
    donors: tuple[str, ...]
    start: datetime.date
    end: datetime.date | None
    description: str
    status: str
    # (today's province code, pre-2025 province name, pre-2025 district name)
    provinces: tuple[tuple[str, str, str], ...]
    goal: str
    outcomes: tuple[OutcomeSpec, ...]
    phases: tuple[tuple[str, datetime.date, datetime.date | None, str], ...] = ()
    funding: tuple[tuple[str, str, int], ...] = ()  # (kind, funder slug, amount)
    budget_vnd: int = 0
    budget_lines: tuple[tuple[str, str, int, int], ...] = ()  # (code, name, amount, spent)
    publications: tuple[tuple[str, str, datetime.date], ...] = ()
    communication: tuple[tuple[str, str, datetime.date, str, int, int | None], ...] = ()


PEOPLE = "người"
SERVED_DOMAINS = (
    ServiceDomain.HEALTH,
    ServiceDomain.EDUCATION,
    ServiceDomain.LEGAL,
    ServiceDomain.PSYCHOLOGICAL,
    ServiceDomain.VOCATIONAL,
)

PROJECTS: tuple[ProjectSpec, ...] = (
    ProjectSpec(
        code="001",
        name="Đấu tranh chống mua bán người và nô lệ thời hiện đại",
        name_en="Tackling human trafficking and modern slavery",
        implementer="world-vision-viet-nam",
        partners=("iom", "hoi-dong-anh"),
        donors=("bo-noi-vu-vuong-quoc-anh",),
        start=D(2020, 11, 1),
        end=D(2022, 10, 31),
        status="completed",
        description=(
            "Giảm thiểu tính dễ bị tổn thương của các cá nhân và cộng đồng đối với nô lệ thời "
            "hiện đại, trong đó bao gồm mua bán người. Hợp tác giữa Tổ chức Di cư Quốc tế, "
            "World Vision Việt Nam, Hội đồng Anh và các cơ quan chính phủ Việt Nam."
        ),
        provinces=(("40", "", ""), ("42", "Hà Tĩnh", "Nghi Xuân"), ("44", "Quảng Bình", "")),
        goal="Giảm thiểu tính dễ bị tổn thương, nguy cơ bị mua bán người và di cư tự do",
        outcomes=(
            OutcomeSpec(
                "1",
                "Năng lực của cán bộ hỗ trợ các cấp được nâng cao",
                (
                    OutputSpec(
                        "1.1",
                        "Cán bộ công tác xã hội, cán bộ điều phối và cộng tác viên được tập huấn",
                        (
                            IndicatorSpec(
                                "1.1.1",
                                "Số cán bộ hỗ trợ các cấp được nâng cao năng lực",
                                "Support officers trained",
                                target=541,
                                definition=ComputedDefinition.TRAINED_PARTICIPANTS,
                                disaggregations=(
                                    Disaggregation.SEX,
                                    Disaggregation.PROVINCE,
                                    Disaggregation.OFFICER_ROLE,
                                    Disaggregation.SECTOR,
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            OutcomeSpec(
                "2",
                "Người thuộc nhóm đối tượng đích được tiếp cận dịch vụ hỗ trợ",
                (
                    OutputSpec(
                        "2.1",
                        "Dịch vụ y tế, giáo dục, pháp lý, tâm lý và sinh kế",
                        (
                            IndicatorSpec(
                                "2.1.1",
                                "Số người thuộc nhóm đối tượng đích được hỗ trợ dịch vụ",
                                "Target-group members supported with services",
                                target=335,
                                definition=ComputedDefinition.PERSONS_SERVED_BY_DOMAIN,
                                disaggregations=(
                                    Disaggregation.SEX,
                                    Disaggregation.AGE_GROUP,
                                    Disaggregation.PROVINCE,
                                    Disaggregation.AREA_TYPE,
                                    Disaggregation.TARGET_GROUP,
                                    Disaggregation.SERVICE_DOMAIN,
                                ),
                                params={"domains": [str(d) for d in SERVED_DOMAINS]},
                            ),
                        ),
                    ),
                ),
            ),
            OutcomeSpec(
                "3",
                "Vận động chính sách và kết nối hỗ trợ người Việt di cư ở nước ngoài",
                (
                    OutputSpec(
                        "3.1",
                        "Ngân hàng thông tin cho người Việt di cư hoặc sinh sống tại Anh quốc",
                        (
                            IndicatorSpec(
                                "3.1.1",
                                "Ngân hàng thông tin được xây dựng và công bố",
                                "Information bank built and published",
                                target=1,
                                source=IndicatorSource.MANUAL,
                                aggregation=Aggregation.LATEST,
                                unit="ngân hàng thông tin",
                                manual_value=(
                                    Decimal(1),
                                    "Ngân hàng thông tin do World Vision Việt Nam phối hợp với "
                                    "World Vision Anh quốc và ECPAT (Anh quốc) xây dựng.",
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
        publications=(
            (
                "Ngân hàng thông tin dành cho người Việt đang di cư hoặc sinh sống tại Anh quốc",
                PublicationKind.GUIDELINE,
                D(2022, 9, 30),
            ),
        ),
    ),
    ProjectSpec(
        code="002",
        name=(
            "Xây dựng thí điểm mô hình tăng cường khả năng tiếp cận với các dịch vụ xã hội của "
            "nhóm người bán dâm"
        ),
        name_en="Piloting a model for sex workers' access to social services",
        implementer="care-viet-nam",
        partners=("cuc-phong-chong-te-nan-xa-hoi",),
        donors=("care-quoc-te",),
        start=D(2014, 11, 17),
        end=D(2017, 11, 16),
        status="completed",
        description=(
            "Thí điểm mô hình tại 3 tỉnh, thành phố Quảng Ninh, TP Hồ Chí Minh, Cần Thơ; nâng "
            "cao năng lực cho các tổ chức xã hội; nhân rộng ảnh hưởng; chia sẻ và học hỏi."
        ),
        provinces=(("22", "", ""), ("79", "", ""), ("92", "", "")),
        goal=(
            "Đáp ứng nhu cầu của người bán dâm về các dịch vụ hỗ trợ hòa nhập cộng đồng, với "
            "phương pháp tiếp cận dựa trên quyền"
        ),
        outcomes=(
            OutcomeSpec(
                "1",
                "Người bán dâm chủ động tiếp cận dịch vụ xã hội và phúc lợi xã hội",
                (
                    OutputSpec(
                        "1.1",
                        "Mô hình được thí điểm tại Quảng Ninh, TP Hồ Chí Minh và Cần Thơ",
                        (
                            IndicatorSpec(
                                "1.1.1",
                                "Số người bán dâm được cung cấp dịch vụ xã hội",
                                "Sex workers provided with social services",
                                definition=ComputedDefinition.PERSONS_SERVED,
                                disaggregations=(
                                    Disaggregation.SEX,
                                    Disaggregation.AGE_GROUP,
                                    Disaggregation.PROVINCE,
                                    Disaggregation.SERVICE_DOMAIN,
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
        funding=(
            ("donor", "care-quoc-te", 2_406_100_000),
            ("government", "cuc-phong-chong-te-nan-xa-hoi", 3_421_200_000),
        ),
        budget_vnd=5_827_300_000,
        # The split between lines is illustrative; the total and the funding are the seed's.
        budget_lines=(
            ("1", "Xây dựng thí điểm mô hình tại 3 tỉnh, thành phố", 2_912_000_000, 2_850_000_000),
            ("2", "Nâng cao năng lực cho các tổ chức xã hội", 1_420_000_000, 1_395_500_000),
            ("3", "Nhân rộng ảnh hưởng và vận động chính sách", 780_000_000, 742_000_000),
            ("4", "Chia sẻ và học hỏi", 415_300_000, 401_800_000),
            ("5", "Quản lý dự án", 300_000_000, 298_000_000),
        ),
    ),
    ProjectSpec(
        code="003",
        name=(
            "Ngôi nhà Bình yên và mô hình hỗ trợ phát triển sinh kế, hòa nhập cộng đồng cho nạn "
            "nhân mua bán người"
        ),
        name_en="Peace House and livelihood and reintegration support for trafficking survivors",
        implementer="trung-tam-phu-nu-va-phat-trien",
        partners=("ngoi-nha-binh-yen", "hoi-lhpn-viet-nam"),
        donors=(),
        start=D(2007, 1, 1),
        end=D(2025, 12, 31),
        status="active",
        description=(
            "Nhà tạm lánh Ngôi nhà Bình yên hỗ trợ nạn nhân bị bạo lực trên cơ sở giới, trong đó "
            "có nạn nhân bị mua bán; Dự án 8 xây dựng tài liệu hướng dẫn quy trình hỗ trợ phát "
            "triển sinh kế, hòa nhập cộng đồng cho nạn nhân mua bán người."
        ),
        provinces=(("01", "", ""),),
        phases=(
            ("Ngôi nhà Bình yên", D(2007, 1, 1), None, "ngoi-nha-binh-yen"),
            ("Dự án 8, giai đoạn I", D(2021, 1, 1), D(2025, 12, 31), ""),
        ),
        goal="Nạn nhân mua bán người được bảo vệ, hồi phục và hòa nhập cộng đồng",
        outcomes=(
            OutcomeSpec(
                "1",
                "Nạn nhân bị mua bán được tạm lánh an toàn và hỗ trợ",
                (
                    OutputSpec(
                        "1.1",
                        "Tạm lánh và hỗ trợ tại Ngôi nhà Bình yên",
                        (
                            IndicatorSpec(
                                "1.1.1",
                                "Số nạn nhân bị mua bán được tạm lánh và hỗ trợ",
                                "Trafficking survivors sheltered and supported",
                                target=450,
                                definition=ComputedDefinition.SHELTERED_PERSONS,
                                disaggregations=(Disaggregation.SEX, Disaggregation.AGE_GROUP),
                            ),
                        ),
                    ),
                    OutputSpec(
                        "1.2",
                        "Tài liệu hướng dẫn quy trình hỗ trợ phát triển sinh kế",
                        (
                            IndicatorSpec(
                                "1.2.1",
                                "Tài liệu hướng dẫn được hoàn thiện",
                                "Guideline completed",
                                target=1,
                                source=IndicatorSource.MANUAL,
                                aggregation=Aggregation.LATEST,
                                unit="tài liệu",
                            ),
                        ),
                    ),
                ),
            ),
            OutcomeSpec(
                "2",
                "Phụ nữ trở về được hỗ trợ sinh kế và hòa nhập cộng đồng bền vững",
                (
                    OutputSpec(
                        "2.1",
                        "Kế hoạch sinh kế và đánh giá tái hòa nhập",
                        (
                            IndicatorSpec(
                                "2.1.1",
                                "Số phụ nữ có kế hoạch sinh kế",
                                "Women with a livelihood plan",
                                definition=ComputedDefinition.LIVELIHOOD_PLANS,
                                disaggregations=(Disaggregation.AGE_GROUP,),
                            ),
                            IndicatorSpec(
                                "2.1.2",
                                "Số phụ nữ có điểm tái hòa nhập tăng so với lúc tiếp nhận",
                                "Women whose reintegration score improved since intake",
                                definition=ComputedDefinition.REINTEGRATION_IMPROVED,
                            ),
                        ),
                    ),
                    OutputSpec(
                        "2.2",
                        "Tổ tiết kiệm và tín dụng tự quản",
                        (
                            IndicatorSpec(
                                "2.2.1",
                                "Số tổ tiết kiệm đang hoạt động",
                                "Savings groups active",
                                definition=ComputedDefinition.SAVINGS_GROUPS_ACTIVE,
                                unit="tổ",
                            ),
                            IndicatorSpec(
                                "2.2.2",
                                "Số thành viên tổ tiết kiệm",
                                "Savings group members",
                                definition=ComputedDefinition.SAVINGS_GROUP_MEMBERS,
                            ),
                            IndicatorSpec(
                                "2.2.3",
                                "Tiền tiết kiệm huy động được",
                                "Savings mobilised",
                                definition=ComputedDefinition.SAVINGS_MOBILISED,
                                aggregation=Aggregation.SUM,
                                unit="đồng",
                            ),
                            IndicatorSpec(
                                "2.2.4",
                                "Dư nợ cho vay của các tổ",
                                "Group loans outstanding",
                                definition=ComputedDefinition.LOANS_OUTSTANDING,
                                aggregation=Aggregation.LATEST,
                                unit="đồng",
                            ),
                        ),
                    ),
                ),
            ),
        ),
        publications=(
            (
                "Hướng dẫn quy trình triển khai thực hiện mô hình hỗ trợ phát triển sinh kế hòa "
                "nhập cộng đồng cho nạn nhân mua bán người (dự thảo)",
                PublicationKind.GUIDELINE,
                D(2023, 6, 6),
            ),
        ),
    ),
    ProjectSpec(
        code="004",
        name="Tăng cường năng lực các tổ chức xã hội về quản trị quyền trẻ em – Giai đoạn 2",
        name_en="Strengthening civil society capacity on child rights governance – phase 2",
        implementer="msd",
        partners=(),
        donors=("cuu-tro-tre-em",),
        start=D(2019, 5, 1),
        end=D(2021, 12, 31),
        status="completed",
        description=(
            "Tăng cường năng lực cho các tổ chức xã hội, kiến tạo không gian đối thoại cùng các "
            "cơ quan Nhà nước để thực hiện các khuyến nghị của Ủy ban về Quyền trẻ em."
        ),
        provinces=(
            ("01", "", ""),
            ("79", "", ""),
            ("82", "Tiền Giang", ""),
            ("46", "Huế", ""),
            ("66", "Đắk Lắk", ""),
            ("15", "Lào Cai", ""),
            ("31", "", ""),
        ),
        goal="Các tổ chức xã hội góp phần thực hiện Công ước Quốc tế về Quyền trẻ em",
        outcomes=(
            OutcomeSpec(
                "1",
                "Năng lực của các tổ chức xã hội về quản trị quyền trẻ em được tăng cường",
                (
                    OutputSpec(
                        "1.1",
                        "Tập huấn, hội thảo và đối thoại cho các tổ chức xã hội",
                        (
                            IndicatorSpec(
                                "1.1.1",
                                "Số tổ chức xã hội được hỗ trợ và nâng cao năng lực",
                                "CSOs supported and trained",
                                target=200,
                                definition=ComputedDefinition.ORGANISATIONS_SUPPORTED,
                                aggregation=Aggregation.SUM,
                                disaggregations=(Disaggregation.PROVINCE,),
                                unit="tổ chức",
                            ),
                            IndicatorSpec(
                                "1.1.2",
                                "Số tỉnh, thành phố có hội thảo chia sẻ báo cáo Tiếng nói Trẻ em",
                                "Provinces with workshops on the Children's Voice report",
                                target=7,
                                source=IndicatorSource.MANUAL,
                                aggregation=Aggregation.LATEST,
                                unit="tỉnh, thành phố",
                                manual_value=(
                                    Decimal(7),
                                    "Chuỗi hội thảo tại Hà Nội, TP. Hồ Chí Minh, Tiền Giang, "
                                    "Huế, Đăk Lăk, Lào Cai, Hải Phòng.",
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
        publications=(
            ("Bộ sổ tay quản trị quyền trẻ em", PublicationKind.HANDBOOK, D(2020, 6, 1)),
            (
                "Báo cáo khảo sát doanh nghiệp thân thiện với trẻ em tại Việt Nam",
                PublicationKind.REPORT,
                D(2020, 11, 1),
            ),
            (
                "Cẩm nang Truyền thông xã hội để vận động chấm dứt trừng phạt thể chất và tinh "
                "thần trẻ em",
                PublicationKind.HANDBOOK,
                D(2021, 3, 1),
            ),
            ("Báo cáo Tiếng nói Trẻ em Việt Nam 2021", PublicationKind.REPORT, D(2021, 6, 1)),
        ),
        communication=(
            (
                CommunicationKind.CHALLENGE_CAMPAIGN,
                "Thử thách 21 ngày Lan toả yêu thương",
                D(2019, 11, 1),
                "Mạng xã hội",
                0,
                None,
            ),
            (
                CommunicationKind.SOCIAL_MEDIA_CAMPAIGN,
                "Chiến dịch Online vui – Vùi COVID",
                D(2021, 8, 1),
                "Mạng xã hội",
                0,
                None,
            ),
            (
                CommunicationKind.LIVE_ART_EVENT,
                "Ngày hội Tôi chọn hành tinh xanh",
                D(2020, 12, 1),
                "Hà Nội",
                0,
                None,
            ),
            (
                CommunicationKind.COMMUNITY_DIALOGUE,
                "Đối thoại trẻ em Lan toả yêu thương 2020",
                D(2020, 11, 20),
                "Hà Nội",
                0,
                None,
            ),
        ),
    ),
    ProjectSpec(
        code="000",
        name="Từ Hậu trường tới Tương lai",
        name_en="From Backstage to Future",
        implementer="hoi-dong-anh",
        partners=(
            "vien-van-hoa-nghe-thuat-quoc-gia",
            "tinh-doan-quang-binh",
            "huyen-doan-nghi-xuan",
            "huyen-doan-can-loc",
            "thanh-doan-hai-phong",
            "tea-talk-viet-nam",
            "core",
        ),
        donors=("lien-minh-chau-au", "chinh-phu-vuong-quoc-anh"),
        start=D(2021, 1, 1),
        end=D(2026, 12, 31),
        status="active",
        description=(
            "Dự án hành động xã hội sử dụng văn hóa, nghệ thuật và sáng tạo để đồng hành với các "
            "tổ chức đoàn thể quần chúng hỗ trợ di cư an toàn và phòng, chống mua bán người."
        ),
        provinces=(
            ("31", "", ""),
            ("42", "Hà Tĩnh", "Nghi Xuân"),
            ("42", "Hà Tĩnh", "Can Lộc"),
            ("44", "Quảng Bình", ""),
        ),
        phases=(
            ("Giai đoạn 2021 – 4/2024", D(2021, 1, 1), D(2024, 4, 30), "hoi-dong-anh"),
            ("Giai đoạn 5/2024 – 2026", D(2024, 5, 1), D(2026, 12, 31), "tea-talk-viet-nam"),
        ),
        goal=(
            "Nâng cao vai trò của các tổ chức đoàn thể quần chúng trong đảm bảo di cư an toàn và "
            "phòng, chống mua bán người"
        ),
        outcomes=(
            OutcomeSpec(
                "1",
                "Các tổ chức đoàn thể quần chúng vận động xã hội bằng cách thức sáng tạo",
                (
                    OutputSpec(
                        "1.1",
                        "Hoạt động truyền thông văn hóa, nghệ thuật và sáng tạo",
                        (
                            IndicatorSpec(
                                "1.1.1",
                                "Số người được tiếp cận qua các hoạt động truyền thông sáng tạo",
                                "People reached by creative communication",
                                definition=ComputedDefinition.PEOPLE_REACHED,
                                aggregation=Aggregation.SUM,
                                disaggregations=(Disaggregation.SEX, Disaggregation.AGE_GROUP),
                            ),
                        ),
                    ),
                ),
            ),
        ),
        # Audiences are illustrative: the seed names the forms, not their figures.
        communication=(
            (
                CommunicationKind.FORUM_THEATRE,
                "Sân khấu diễn đàn về di cư an toàn",
                D(2022, 4, 15),
                "Nghi Xuân, Hà Tĩnh",
                320,
                None,
            ),
            (
                CommunicationKind.VIRAL_VIDEO,
                "Video viral: Đi để trở về an toàn",
                D(2022, 7, 1),
                "Mạng xã hội",
                0,
                185_000,
            ),
            (
                CommunicationKind.ONLINE_DRAMA,
                "Kịch trực tuyến: Chuyến xe đêm",
                D(2022, 9, 10),
                "Mạng xã hội",
                0,
                64_000,
            ),
            (
                CommunicationKind.TV_TALK_SHOW,
                "Talk show truyền hình về di cư an toàn",
                D(2023, 3, 8),
                "Đài Phát thanh – Truyền hình Quảng Bình",
                0,
                None,
            ),
            (
                CommunicationKind.LIVE_ART_EVENT,
                "Ngày hội văn hóa nghệ thuật vì di cư an toàn",
                D(2023, 6, 3),
                "Hải Phòng",
                540,
                None,
            ),
            (
                CommunicationKind.ONLINE_ART_EVENT,
                "Triển lãm nghệ thuật trực tuyến",
                D(2023, 10, 20),
                "Trực tuyến",
                0,
                12_500,
            ),
        ),
    ),
)


# --- 001: trainings and trainees, people served ----------------------------------------------

TRAINEES_001 = 541
# (province code, level, place) of the 001 trainings: four in each province.
TRAININGS_001 = tuple(
    (province, level, place)
    for province, place in (("40", "Nghệ An"), ("42", "Nghi Xuân, Hà Tĩnh"), ("44", "Quảng Bình"))
    for level in (
        TrainingLevel.PROVINCE,
        TrainingLevel.COMMUNE,
        TrainingLevel.COMMUNE,
        TrainingLevel.VILLAGE,
    )
)
TOPICS_001 = (
    "Nhận diện và hỗ trợ nạn nhân mua bán người",
    "Quản lý trường hợp và chuyển gửi",
    "Di cư an toàn và phòng ngừa mua bán người",
    "Hỗ trợ tâm lý xã hội ban đầu",
)
ROLE_SECTOR_001 = (
    (OfficerRole.SOCIAL_WORKER, Sector.LABOUR),
    (OfficerRole.LOCAL_COORDINATOR, Sector.LABOUR),
    (OfficerRole.LOCAL_LEADER, Sector.LOCAL_GOVERNMENT),
    (OfficerRole.LOCAL_COORDINATOR, Sector.JUSTICE),
    (OfficerRole.WOMENS_UNION_MEMBER, Sector.WOMEN),
    (OfficerRole.LOCAL_COORDINATOR, Sector.POLICE),
    (OfficerRole.YOUTH_UNION_OFFICER, Sector.YOUTH),
    (OfficerRole.VILLAGE_HEAD, Sector.LOCAL_GOVERNMENT),
    (OfficerRole.COMMUNITY_INFLUENCER, Sector.OTHER),
    (OfficerRole.COLLABORATOR, Sector.WOMEN),
)

SERVED_001 = 335


# --- 003: people sheltered -------------------------------------------------------------------

# 450 = 291 women + 157 children (under 18 on admission) + 2 men.
SHELTERED_003 = (("female", 291, False), ("child", 157, True), ("male", 2, False))


# --- 004: organisations supported and workshops -----------------------------------------------

WORKSHOP_PROVINCES_004 = (
    ("01", "Hà Nội"),
    ("79", "TP. Hồ Chí Minh"),
    ("82", "Tiền Giang"),
    ("46", "Huế"),
    ("66", "Đắk Lắk"),
    ("15", "Lào Cai"),
    ("31", "Hải Phòng"),
)
CSOS_004 = 198  # "khoảng gần 200 TCXH"
