"""The five seed programmes as demo data, with their published figures as targets, and fictional
records from which the computed indicators reproduce those figures.

- 001 (UK Home Office; World Vision with IOM and the British Council): 541 support officers
  trained (unique trainees; some attend two or three trainings) and 335 target-group members
  served in five domains (unique people with a service linked to the project).
- 002 (CARE and the Department of Social Evils Prevention): 5.827.300.000 ₫ =
  2.406.100.000 ₫ from CARE + 3.421.200.000 ₫ from the government.
- 003 (Peace House of the Centre for Women and Development): 450 trafficking survivors
  sheltered = 291 women + 157 children + 2 men.
- 004 (MSD, Save the Children): nearly 200 CSOs supported, workshops in 7 provinces.
- 000 (From Backstage to Future): creative communication in Hải Phòng, Hà Tĩnh, Quảng Bình.

Organisations and places are real; every person is fictional. People are written in bulk (an
audit row per batch) because there are hundreds; everything else goes through the services.
Running it again changes nothing: each part is skipped when it is already there.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from donghanh.audit.models import AuditAction
from donghanh.audit.services import audit_record
from donghanh.cases.models import (
    Case,
    CaseNumberSequence,
    CaseStatus,
    CaseType,
    ClosureReason,
    IdentificationStatus,
    IntakeChannel,
    LegalRegime,
    ReintegrationOutcome,
)
from donghanh.cases.services import case_number_prefix
from donghanh.casework.models import DischargeReason, ServiceDelivery, ShelterStay
from donghanh.demo.services import DemoDataError, ensure_demo_allowed
from donghanh.indicators.facts import rebuild_project
from donghanh.organisations.models import Organisation
from donghanh.people import indexes
from donghanh.people.models import Consent, Person, PersonNameToken
from donghanh.places.models import Commune, LegacyDistrict, LegacyProvince, Province
from donghanh.places.selectors import area_type_default
from donghanh.programmes import services
from donghanh.programmes.models import (
    Aggregation,
    CommunicationKind,
    ComputedDefinition,
    Disaggregation,
    IndicatorSource,
    OfficerRole,
    Participant,
    Project,
    PublicationKind,
    Sector,
    SupportKind,
    Training,
    TrainingLevel,
    TrainingParticipation,
)
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


@dataclass
class DemoProgrammesReport:
    projects: int = 0
    trainees: int = 0
    participations: int = 0
    persons: int = 0
    services: int = 0
    stays: int = 0
    other: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (self.projects, self.trainees, self.participations, self.persons, self.services,
             self.stays, self.other)
        )  # fmt: skip


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


# --- helpers ----------------------------------------------------------------------------------


def _organisations(slugs: set[str]) -> dict[str, Organisation]:
    found = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
    missing = slugs - set(found)
    if missing:
        raise DemoDataError(
            "Demo organisations are missing (run load_demo first): " + ", ".join(sorted(missing))
        )
    return found


def _province_row(
    project: Project, code: str, legacy_name: str, district_name: str
) -> dict[str, Any]:
    if not legacy_name:
        return {"province": Province.objects.get(pk=code)}
    legacy = LegacyProvince.objects.filter(
        Q(short_name=legacy_name) | Q(name__endswith=legacy_name), current_province_id=code
    ).first()
    if legacy is None:
        raise DemoDataError(f"pre-2025 province {legacy_name} not found")
    if district_name:
        district = LegacyDistrict.objects.filter(province=legacy, name__endswith=district_name)
        found = district.first()
        if found is None:
            raise DemoDataError(f"pre-2025 district {district_name} not found")
        return {"legacy_district": found}
    return {"legacy_province": legacy}


def _project(
    spec: ProjectSpec, orgs: dict[str, Organisation], report: DemoProgrammesReport
) -> Project:
    implementer = orgs[spec.implementer]
    project = Project.objects.filter(implementing_organisation=implementer, code=spec.code).first()
    if project is not None:
        return project
    project = services.project_create(
        organisation=implementer,
        code=spec.code,
        name=spec.name,
        name_en=spec.name_en,
        description=spec.description,
        start_on=spec.start,
        end_on=spec.end,
        status=spec.status,
        budget_vnd=0,
        partner_organisations=[orgs[s] for s in spec.partners],
        donors=[orgs[s] for s in spec.donors],
        acting_user=None,
    )
    report.projects += 1
    for name, start, end, by in spec.phases:
        services.phase_add(
            project=project,
            name=name,
            start_on=start,
            end_on=end,
            implementing_organisation=orgs[by] if by else None,
            acting_user=None,
        )
    for code, legacy_name, district_name in spec.provinces:
        services.project_province_add(
            project=project,
            acting_user=None,
            **_province_row(project, code, legacy_name, district_name),
        )
    if spec.funding:
        services.funding_split_set(
            project=project,
            expected_version=project.version,
            budget_vnd=spec.budget_vnd,
            sources=[
                services.FundingSourceData(kind=kind, donor=orgs[slug], amount_vnd=amount)
                for kind, slug, amount in spec.funding
            ],
            acting_user=None,
        )
        project.refresh_from_db()
    for code, name, amount, spent in spec.budget_lines:
        line = services.budget_line_add(
            project=project, code=code, name=name, amount_vnd=amount, acting_user=None
        )
        services.spending_record(
            line=line,
            spent_on=spec.end or spec.start,
            amount_vnd=spent,
            description="Tổng hợp chi theo quyết toán (số liệu minh họa)",
            evidence_text=f"Quyết toán dòng {code}",
            acting_user=None,
        )
    _framework(project, spec)
    for title, kind, day in spec.publications:
        services.publication_add(
            project=project, title=title, kind=kind, published_on=day, acting_user=None
        )
    for kind, title, day, place, audience, views in spec.communication:
        services.communication_record(
            project=project,
            kind=kind,
            title=title,
            held_on=day,
            place=place,
            audience=_audience_cells(audience),
            views=views,
            acting_user=None,
        )
    return project


def _audience_cells(total: int) -> dict[tuple[str, str], int]:
    """An illustrative split of a live audience by sex and age group."""
    if not total:
        return {}
    shares = {
        ("female", "12_17"): 15,
        ("male", "12_17"): 13,
        ("female", "18_24"): 20,
        ("male", "18_24"): 17,
        ("female", "25_59"): 19,
        ("male", "25_59"): 16,
    }
    cells = {key: total * share // 100 for key, share in shares.items()}
    cells[("female", "25_59")] += total - sum(cells.values())
    return cells


def _framework(project: Project, spec: ProjectSpec) -> None:
    goal = services.goal_add(project=project, code="1", name=spec.goal, acting_user=None)
    for outcome_spec in spec.outcomes:
        outcome = services.outcome_add(
            goal=goal, code=outcome_spec.code, name=outcome_spec.name, acting_user=None
        )
        for output_spec in outcome_spec.outputs:
            output = services.output_add(
                outcome=outcome, code=output_spec.code, name=output_spec.name, acting_user=None
            )
            for ind in output_spec.indicators:
                indicator = services.indicator_add(
                    project=project,
                    output=output,
                    code=ind.code,
                    name=ind.name,
                    name_en=ind.name_en,
                    unit=ind.unit,
                    aggregation=ind.aggregation,
                    disaggregations=ind.disaggregations,
                    source=ind.source,
                    computed_definition=ind.definition,
                    definition_params=ind.params,
                    acting_user=None,
                )
                end = spec.end or D(2026, 12, 31)
                if ind.target is not None:
                    services.indicator_target_set(
                        indicator=indicator,
                        period_start=spec.start,
                        period_end=end,
                        target_value=Decimal(ind.target),
                        acting_user=None,
                    )
                if ind.manual_value is not None:
                    value, evidence = ind.manual_value
                    services.manual_value_record(
                        indicator=indicator,
                        period_start=spec.start,
                        period_end=end,
                        value=value,
                        evidence_text=evidence,
                        acting_user=None,
                    )


def _audit_batch(organisation: Organisation, summary: str) -> None:
    audit_record(
        action=AuditAction.CREATE,
        organisation=organisation,
        summary=summary,
        actor_username="load_demo",
    )


# --- 001: trainings and trainees --------------------------------------------------------------

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


def _trainings_001(project: Project) -> list[Training]:
    trainings = list(Training.objects.filter(project=project).order_by("start_on", "id"))
    if trainings:
        return trainings
    today_provinces = {p.pk: p for p in Province.objects.filter(pk__in={"40", "42", "44"})}
    for number, (province, level, place) in enumerate(TRAININGS_001):
        start = D(2021, 3, 1) + datetime.timedelta(days=45 * number)
        training = services.training_add(
            project=project,
            title=f"Tập huấn {TOPICS_001[number % len(TOPICS_001)].lower()} – đợt {number + 1}",
            topic=TOPICS_001[number % len(TOPICS_001)],
            level=level,
            province=today_provinces[province],
            place=place,
            start_on=start,
            end_on=start + datetime.timedelta(days=1),
            acting_user=None,
        )
        for day in range(2):
            services.session_add(
                training=training,
                held_on=start + datetime.timedelta(days=day),
                title=f"Buổi {day + 1}",
                hours=Decimal(4),
                acting_user=None,
            )
        trainings.append(training)
    return trainings


def _trainee_specs() -> list[dict[str, Any]]:
    specs = []
    for index in range(TRAINEES_001):
        sex = "female" if index % 5 < 3 else "male"
        role, sector = ROLE_SECTOR_001[index % len(ROLE_SECTOR_001)]
        specs.append(
            {
                "full_name": fictional_name(index, sex),
                "sex": sex,
                "birth_year": 1968 + index % 33,
                "role": role,
                "sector": sector,
            }
        )
    return specs


def _trainings_of(index: int, count: int) -> list[int]:
    """Which trainings trainee `index` attended: everyone one, some two, a few three."""
    first = index % count
    chosen = [first]
    if index % 3 == 0:
        chosen.append((first + 5) % count)
    if index % 13 == 0:
        chosen.append((first + 9) % count)
    return chosen


@transaction.atomic
def _trainees_001(project: Project, report: DemoProgrammesReport) -> None:
    holder = project.implementing_organisation
    trainings = _trainings_001(project)
    specs = _trainee_specs()
    for spec in specs:
        spec["name_index"] = services.trainee_index(spec["full_name"], spec["birth_year"])
    existing = dict(
        Participant.objects.filter(
            holder=holder, name_index__in=[s["name_index"] for s in specs]
        ).values_list("name_index", "pk")
    )
    new = []
    for index, spec in enumerate(specs):
        if spec["name_index"] in existing:
            continue
        first = trainings[_trainings_of(index, len(trainings))[0]]
        province = first.province
        new.append(Participant(holder=holder, province=province, **spec))
    if new:
        Participant.objects.bulk_create(new, batch_size=500)
        report.trainees += len(new)
        _audit_batch(holder, f"demo trainees of project #{project.pk}: {len(new)}")
        existing = dict(
            Participant.objects.filter(
                holder=holder, name_index__in=[s["name_index"] for s in specs]
            ).values_list("name_index", "pk")
        )
    already = set(
        TrainingParticipation.objects.filter(training__project=project).values_list(
            "training_id", "participant_id"
        )
    )
    wanted = []
    for index, spec in enumerate(specs):
        for position in _trainings_of(index, len(trainings)):
            key = (trainings[position].pk, existing[spec["name_index"]])
            if key not in already:
                score = Decimal(45 + index % 30)
                wanted.append(
                    TrainingParticipation(
                        training_id=key[0],
                        participant_id=key[1],
                        pre_score=score,
                        post_score=min(Decimal(100), score + Decimal(20 + index % 15)),
                    )
                )
    if not wanted:
        return
    created = TrainingParticipation.objects.bulk_create(wanted, batch_size=500)
    report.participations += len(created)
    sessions = {t.pk: list(t.sessions.values_list("pk", flat=True)) for t in trainings}
    stored = (
        TrainingParticipation.objects.filter(training__project=project)
        .exclude(
            pk__in=TrainingParticipation.sessions_attended.through.objects.values(
                "trainingparticipation_id"
            )
        )
        .values_list("pk", "training_id")
    )
    through = TrainingParticipation.sessions_attended.through
    rows = [
        through(trainingparticipation_id=pk, trainingsession_id=session)
        for pk, training_id in stored
        for position, session in enumerate(sessions[training_id])
        if position == 0 or pk % 7  # one in seven missed the second day
    ]
    through.objects.bulk_create(rows, batch_size=1000)
    _audit_batch(holder, f"demo participations of project #{project.pk}: {len(created)}")


# --- persons served and sheltered -------------------------------------------------------------


def _communes(codes: tuple[str, ...], per_province: int) -> list[Commune]:
    communes: list[Commune] = []
    for code in codes:
        communes.extend(Commune.objects.filter(province_id=code).order_by("code")[:per_province])
    return communes


def _case_numbers(organisation: Organisation, year: int, count: int) -> list[str]:
    sequence, _created = CaseNumberSequence.objects.get_or_create(
        organisation=organisation, year=year
    )
    sequence = CaseNumberSequence.objects.select_for_update().get(pk=sequence.pk)
    first = sequence.last_value + 1
    sequence.last_value += count
    sequence.save(update_fields=["last_value"])
    prefix = case_number_prefix(organisation)
    return [f"{prefix}-{year}-{n:04d}" for n in range(first, first + count)]


@dataclass(frozen=True)
class DemoPerson:
    full_name: str
    sex: str
    born: datetime.date
    intake: datetime.date
    closed: datetime.date
    commune: Commune | None
    case_type: str


def _people_with_cases(
    organisation: Organisation, people: list[DemoPerson], *, identified: bool
) -> list[Case]:
    """Persons with consent and a closed case each, written in bulk through the same fields
    and blind indexes the services keep."""
    persons = [
        Person(
            organisation=organisation,
            full_name=p.full_name,
            sex=p.sex,
            date_of_birth=p.born,
            current_commune=p.commune,
            area_type=(area_type_default(p.commune) or "") if p.commune else "",
            name_dob_index=indexes.name_and_birth_date_index(p.full_name, p.born),
        )
        for p in people
    ]
    Person.objects.bulk_create(persons, batch_size=500)
    PersonNameToken.objects.bulk_create(
        [
            PersonNameToken(
                person=person, organisation_id=person.organisation_id, token_index=token
            )
            for person in persons
            for token in indexes.name_token_indexes(person.full_name, "")
        ],
        batch_size=1000,
    )
    Consent.objects.bulk_create(
        [
            Consent(
                person=person,
                purpose=purpose,
                method=Consent.Method.WRITTEN,
                given_by=Consent.GivenBy.PERSON,
                given_on=p.intake,
            )
            for person, p in zip(persons, people, strict=True)
            for purpose in (Consent.Purpose.CASE_MANAGEMENT, Consent.Purpose.STATISTICS)
        ],
        batch_size=1000,
    )
    numbers: dict[int, list[str]] = {}
    for year, group in itertools.groupby(sorted(p.intake.year for p in people)):
        numbers[year] = _case_numbers(organisation, year, len(list(group)))
    cases = []
    for person, p in zip(persons, people, strict=True):
        cases.append(
            Case(
                organisation=organisation,
                person=person,
                number=numbers[p.intake.year].pop(0),
                case_type=p.case_type,
                status=CaseStatus.CLOSED,
                intake_channel=IntakeChannel.NGO_OUTREACH,
                intake_date=p.intake,
                opened_on=p.intake,
                origin_commune=p.commune,
                identification_status=(
                    IdentificationStatus.IDENTIFIED_VICTIM
                    if identified
                    else IdentificationStatus.NOT_IDENTIFIED
                ),
                identified_on=p.intake if identified else None,
                legal_regime=LegalRegime.LAW_66_2011,
                closure_reason=ClosureReason.GOALS_ACHIEVED,
                reintegration_outcome=ReintegrationOutcome.WITH_FAMILY,
                closed_on=p.closed,
            )
        )
    Case.objects.bulk_create(cases, batch_size=500)
    _audit_batch(organisation, f"demo persons and cases: {len(cases)}")
    return cases


SERVED_001 = 335


@transaction.atomic
def _served_001(project: Project, report: DemoProgrammesReport) -> None:
    if ServiceDelivery.objects.filter(project=project).exists():
        return
    organisation = project.implementing_organisation
    communes = _communes(("40", "42", "44"), 12)
    people = []
    for index in range(SERVED_001):
        sex = "female" if index % 4 else "male"
        intake = D(2021, 1, 10) + datetime.timedelta(days=(index * 3) % 540)
        people.append(
            DemoPerson(
                full_name=fictional_name(index + 2000, sex),
                sex=sex,
                born=D(1975 + index % 32, 1 + index % 12, 1 + index % 28),
                intake=intake,
                closed=D(2022, 10, 15),
                commune=communes[index % len(communes)],
                case_type=(
                    CaseType.TRAFFICKING_VICTIM if index % 3 == 0 else CaseType.MIGRANT_AT_RISK
                ),
            )
        )
    cases = _people_with_cases(organisation, people, identified=False)
    deliveries = []
    for index, (case, p) in enumerate(zip(cases, people, strict=True)):
        count = 1 + index % 3
        for step in range(count):
            domain = SERVED_DOMAINS[(index + step * 2) % len(SERVED_DOMAINS)]
            deliveries.append(
                ServiceDelivery(
                    case=case,
                    domain=domain,
                    provider_name="World Vision Việt Nam",
                    delivered_on=p.intake + datetime.timedelta(days=7 + 30 * step),
                    cost_vnd=500_000 * (1 + step),
                    project=project,
                )
            )
    ServiceDelivery.objects.bulk_create(deliveries, batch_size=1000)
    report.persons += len(cases)
    report.services += len(deliveries)
    _audit_batch(organisation, f"demo services of project #{project.pk}: {len(deliveries)}")


# 450 = 291 women + 157 children (under 18 on admission) + 2 men.
SHELTERED_003 = (("female", 291, False), ("child", 157, True), ("male", 2, False))


@transaction.atomic
def _sheltered_003(project: Project, shelter: Organisation, report: DemoProgrammesReport) -> None:
    if ShelterStay.objects.filter(project=project).exists():
        return
    people = []
    index = 0
    for group, count, child in SHELTERED_003:
        for _number in range(count):
            sex = "male" if group == "male" or (child and index % 4 == 0) else "female"
            admitted = D(2007, 3, 1) + datetime.timedelta(days=(index * 13) % 5800)
            age = 10 + index % 6 if child else 18 + index % 22
            people.append(
                DemoPerson(
                    full_name=fictional_name(index + 5000, sex),
                    sex=sex,
                    born=D(admitted.year - age - 1, 1 + index % 12, 1 + index % 28)
                    if not child
                    else D(admitted.year - age, 1, 1) - datetime.timedelta(days=index % 200),
                    intake=admitted,
                    closed=admitted + datetime.timedelta(days=90),
                    commune=None,
                    case_type=CaseType.TRAFFICKING_VICTIM,
                )
            )
            index += 1
    cases = _people_with_cases(shelter, people, identified=True)
    stays = [
        ShelterStay(
            case=case,
            shelter=shelter,
            admitted_on=p.intake,
            discharged_on=p.intake + datetime.timedelta(days=60 + n % 60),
            discharge_reason=DischargeReason.REINTEGRATED,
            project=project,
        )
        for n, (case, p) in enumerate(zip(cases, people, strict=True))
    ]
    ShelterStay.objects.bulk_create(stays, batch_size=1000)
    report.persons += len(cases)
    report.stays += len(stays)
    _audit_batch(shelter, f"demo shelter stays of project #{project.pk}: {len(stays)}")


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


@transaction.atomic
def _csos_004(project: Project, report: DemoProgrammesReport) -> None:
    if project.trainings.exists():
        return
    provinces = {
        p.pk: p for p in Province.objects.filter(pk__in=[c for c, _ in WORKSHOP_PROVINCES_004])
    }
    workshops = []
    for number, (code, place) in enumerate(WORKSHOP_PROVINCES_004):
        day = D(2021, 7, 5) + datetime.timedelta(days=12 * number)
        workshops.append(
            services.training_add(
                project=project,
                kind="workshop",
                title=f"Hội thảo chia sẻ kết quả báo cáo Tiếng nói Trẻ em Việt Nam 2021 – {place}",
                topic="Tiếng nói Trẻ em Việt Nam 2021",
                level=TrainingLevel.PROVINCE,
                province=provinces[code],
                place=place,
                start_on=day,
                end_on=day,
                acting_user=None,
            )
        )
    for index in range(CSOS_004):
        workshop = workshops[index % len(workshops)]
        services.supported_organisation_add(
            project=project,
            organisation_name=f"Tổ chức xã hội tham gia số {index + 1:03d} ({workshop.place})",
            support_kind=SupportKind.TRAINING if index % 4 else SupportKind.NETWORKING,
            supported_on=workshop.start_on,
            province=workshop.province,
            training=workshop,
            acting_user=None,
        )
    report.other += CSOS_004 + len(workshops)


# --- 003: the three training rounds of Project 8 --------------------------------------------


@transaction.atomic
def _workshops_003(project: Project, report: DemoProgrammesReport) -> None:
    if project.trainings.exists():
        return
    for number, (code, place) in enumerate((("01", "Hà Nội"), ("46", "Huế"), ("92", "Cần Thơ"))):
        day = D(2023, 8, 7) + datetime.timedelta(days=21 * number)
        services.training_add(
            project=project,
            title=f"Tập huấn hỗ trợ phát triển sinh kế cho nạn nhân mua bán người – {place}",
            topic="Quy trình hỗ trợ phát triển sinh kế, hòa nhập cộng đồng",
            level=TrainingLevel.PROVINCE,
            province=Province.objects.get(pk=code),
            place=place,
            start_on=day,
            end_on=day + datetime.timedelta(days=2),
            acting_user=None,
        )
        report.other += 1


def demo_programmes_load() -> DemoProgrammesReport:
    ensure_demo_allowed()
    report = DemoProgrammesReport()
    slugs = {s.implementer for s in PROJECTS} | {"ngoi-nha-binh-yen"}
    for spec in PROJECTS:
        slugs |= set(spec.partners) | set(spec.donors) | {slug for _k, slug, _a in spec.funding}
    orgs = _organisations(slugs)
    projects = {}
    for spec in PROJECTS:
        with transaction.atomic():
            projects[spec.code] = _project(spec, orgs, report)
    _trainees_001(projects["001"], report)
    _served_001(projects["001"], report)
    _sheltered_003(projects["003"], orgs["ngoi-nha-binh-yen"], report)
    _workshops_003(projects["003"], report)
    _csos_004(projects["004"], report)
    # The loaders write in bulk, around the services: the facts are built afresh (which
    # makes the figures cached before stale).
    for project in projects.values():
        rebuild_project(project)
    return report
