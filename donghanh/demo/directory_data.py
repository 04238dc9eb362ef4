"""Providers for the demo: the confirmed hotlines and the real organisations that give help.

Real entries carry only facts from shared/docs/domain.md §3 and the seed documents
(shared/seeds/): no address, opening hours, website or Zalo link that those sources do not give.
A shelter's address is never recorded. Invented providers show how the directory works
(opening hours, communes, languages); each one has `is_example=True`, a name that starts with
"Ví dụ", contact details on example.org only, and is never shown to the public.

The national hotlines are deliberately not linked to an organisation, so that any directory
editor can keep them current; entries of organisations on the platform are linked to them and
kept by their editors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from donghanh.directory.models import ContactChannel, Country, Language, Provider, ProviderTimeZone
from donghanh.reference.domains import ServiceDomain as D

C = ContactChannel.Kind
K = Provider.Kind

# Today's provinces (official codes) and communes used below.
HA_NOI = "01"
HAI_PHONG = "31"
NGHE_AN = "40"
HA_TINH = "42"
QUANG_TRI = "44"  # includes the former Quảng Bình
# Today's communes covering the former Nghi Xuân district (Hà Tĩnh).
NGHI_XUAN_COMMUNES = ("18352", "18364", "18373", "18394")

# shared/docs/domain.md: "facts gathered from public sources in late 2026"; the day is not
# recorded, so the first of November stands for it.
DOMAIN_NOTES_CHECKED_ON = date(2026, 11, 1)
DOMAIN_NOTES = (
    "Ghi chú nghiệp vụ của dự án (docs/domain.md §3), tổng hợp từ nguồn công khai cuối năm 2026."
)
SEED_DOCUMENTS = "Tài liệu chương trình trong shared/seeds/"
EXAMPLE_SOURCE = "Đơn vị tự đặt để minh họa bản demo; không có thật."

WEEKDAYS = (0, 1, 2, 3, 4)
EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)
OFFICE_HOURS = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))


@dataclass(frozen=True)
class Contact:
    kind: str
    value: str
    label: str = ""


@dataclass(frozen=True)
class Hours:
    days: tuple[int, ...]
    opens: time
    closes: time


@dataclass(frozen=True)
class ProviderSpec:
    key: str
    name: str
    name_en: str
    kind: str
    organisation: str = ""  # slug; linked only if the organisation exists
    description: str = ""
    description_en: str = ""
    eligibility: str = ""
    cost: str = Provider.Cost.FREE
    cost_note: str = ""
    services: tuple[str, ...] = ()
    serves_nationwide: bool = False
    provinces: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    serves_all_countries: bool = False
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = (Language.VIETNAMESE,)
    interpreting: bool = False
    open_24_7: bool = False
    time_zone: str = ProviderTimeZone.VIETNAM
    hours: tuple[Hours, ...] = ()
    hours_note: str = ""
    contacts: tuple[Contact, ...] = ()
    shown_to_public: bool = False
    is_example: bool = False
    source: str = ""
    verified_on: date | None = None


def _office_hours(days: tuple[int, ...] = WEEKDAYS) -> tuple[Hours, ...]:
    return tuple(Hours(days, opens, closes) for opens, closes in OFFICE_HOURS)


REAL_PROVIDERS: tuple[ProviderSpec, ...] = (
    ProviderSpec(
        key="hotline-111",
        name="Tổng đài quốc gia 111 – bảo vệ trẻ em, phòng, chống mua bán người",
        name_en="National hotline 111 – child protection and anti-trafficking",
        kind=K.HOTLINE,
        description=(
            "Tổng đài điện thoại quốc gia bảo vệ trẻ em; theo Nghị định 162/2025/NĐ-CP cũng là "
            "đường dây nóng quốc gia về phòng, chống mua bán người. Miễn phí, 24/7. Có kênh "
            "Zalo, ứng dụng và trang tongdai111.vn."
        ),
        description_en=(
            "The national child-protection hotline; under Decree 162/2025/ND-CP also the national "
            "anti-trafficking hotline. Free, 24/7, with a Zalo channel, an app and tongdai111.vn."
        ),
        eligibility=(
            "Bất kỳ ai: trẻ em, người bị mua bán hoặc có nguy cơ bị mua bán, gia đình, người "
            "phát hiện sự việc, ở trong nước hay ở nước ngoài."
        ),
        services=(D.HOTLINE, D.SAFETY),
        serves_nationwide=True,
        open_24_7=True,
        contacts=(
            Contact(C.PHONE, "111", "miễn phí, 24/7"),
            # The official Zalo account, as tongdai111.vn links it: one tap opens it.
            Contact(C.ZALO, "https://zalo.me/1249273939821550616", "kênh Zalo của Tổng đài 111"),
            Contact(C.WEBSITE, "https://tongdai111.vn"),
        ),
        shown_to_public=True,
        source=DOMAIN_NOTES,
        verified_on=DOMAIN_NOTES_CHECKED_ON,
    ),
    ProviderSpec(
        key="police-113",
        name="Cảnh sát 113",
        name_en="Police emergency number 113",
        kind=K.PUBLIC_AGENCY,
        description="Số khẩn cấp của công an: gọi khi có nguy hiểm ngay lúc này.",
        description_en="The police emergency number: call when someone is in danger now.",
        eligibility="Bất kỳ ai đang gặp nguy hiểm hoặc chứng kiến tội phạm.",
        services=(D.SAFETY, D.HOTLINE),
        serves_nationwide=True,
        open_24_7=True,
        contacts=(Contact(C.PHONE, "113", "khẩn cấp"),),
        shown_to_public=True,
        source=DOMAIN_NOTES,
        verified_on=DOMAIN_NOTES_CHECKED_ON,
    ),
    ProviderSpec(
        key="cwd-support-line",
        name="Đường dây hỗ trợ 1900 969 680 – Trung tâm Phụ nữ và Phát triển",
        name_en="Support line 1900 969 680 – Centre for Women and Development",
        kind=K.HOTLINE,
        organisation="trung-tam-phu-nu-va-phat-trien",
        description=(
            "Đường dây hỗ trợ của Trung tâm Phụ nữ và Phát triển (Hội LHPN Việt Nam), đơn vị vận "
            "hành nhà tạm lánh Ngôi nhà Bình yên. Tiếp nhận phụ nữ và trẻ em bị bạo lực trên cơ "
            "sở giới, trong đó có nạn nhân bị mua bán."
        ),
        description_en=(
            "The support line of the Vietnam Women's Union's Centre for Women and Development, "
            "which runs the Peace House shelters."
        ),
        eligibility="Phụ nữ và trẻ em bị bạo lực trên cơ sở giới, trong đó có nạn nhân bị mua bán.",
        cost_note="Đầu số 1900: người gọi trả cước cuộc gọi.",
        services=(D.HOTLINE, D.SHELTER, D.SAFETY),
        serves_nationwide=True,
        contacts=(Contact(C.PHONE, "1900 969 680"),),
        hours_note="Giờ trực chưa được xác minh.",
        shown_to_public=True,
        source=DOMAIN_NOTES,
        verified_on=DOMAIN_NOTES_CHECKED_ON,
    ),
    ProviderSpec(
        key="peace-house",
        name="Ngôi nhà Bình yên",
        name_en="Peace House",
        kind=K.SHELTER,
        organisation="ngoi-nha-binh-yen",
        description=(
            "Nhà tạm lánh cho nạn nhân bạo lực trên cơ sở giới do Trung tâm Phụ nữ và Phát triển "
            "vận hành từ năm 2007; đã hỗ trợ hơn 450 nạn nhân bị mua bán (291 phụ nữ, 157 trẻ "
            "em, 2 nam giới) và hỗ trợ sinh kế, hòa nhập cộng đồng. Địa chỉ được giữ kín: liên "
            "hệ qua đường dây hỗ trợ 1900 969 680."
        ),
        description_en=(
            "Shelter for survivors of gender-based violence, run by the Centre for Women and "
            "Development since 2007; it has supported more than 450 trafficking survivors. Its "
            "address is confidential: contact it through the support line 1900 969 680."
        ),
        eligibility=(
            "Chủ yếu phụ nữ và trẻ em là nạn nhân bạo lực trên cơ sở giới, trong đó có nạn nhân "
            "bị mua bán."
        ),
        services=(D.SHELTER, D.ESSENTIAL_NEEDS, D.PSYCHOLOGICAL, D.SAFETY, D.VOCATIONAL),
        serves_nationwide=True,
        contacts=(Contact(C.PHONE, "1900 969 680", "đường dây hỗ trợ của Trung tâm"),),
        shown_to_public=True,
        source=f"{SEED_DOCUMENTS} (003); {DOMAIN_NOTES}",
        verified_on=DOMAIN_NOTES_CHECKED_ON,
    ),
    ProviderSpec(
        key="mofa-citizen-protection",
        name="Tổng đài bảo hộ công dân – Bộ Ngoại giao",
        name_en="Citizen protection hotline – Ministry of Foreign Affairs",
        kind=K.HOTLINE,
        description=(
            "Đường dây nóng bảo hộ công dân của Bộ Ngoại giao cho người Việt Nam gặp khó khăn ở "
            "nước ngoài, 24/7."
        ),
        description_en=(
            "The Ministry of Foreign Affairs' 24/7 citizen-protection hotline for Vietnamese "
            "citizens in difficulty abroad."
        ),
        eligibility="Công dân Việt Nam ở nước ngoài và gia đình họ.",
        cost_note="Dịch vụ miễn phí; cước gọi quốc tế theo nhà mạng.",
        services=(D.HOTLINE, D.SAFETY, D.DOCUMENTS, D.TRAVEL),
        serves_all_countries=True,
        open_24_7=True,
        contacts=(Contact(C.PHONE, "+84 981 84 84 84", "24/7"),),
        shown_to_public=True,
        source=DOMAIN_NOTES,
        verified_on=DOMAIN_NOTES_CHECKED_ON,
    ),
    ProviderSpec(
        key="embassy-uk-citizen-protection",
        name="Đường dây nóng bảo hộ công dân – Đại sứ quán Việt Nam tại Vương quốc Anh",
        name_en="Citizen protection hotline – Embassy of Viet Nam in the United Kingdom",
        kind=K.EMBASSY,
        description=(
            "Số điện thoại bảo hộ công dân của Đại sứ quán Việt Nam tại Anh. Số này lấy từ một "
            "nguồn năm 2022: kiểm tra lại trước khi đưa cho người cần giúp."
        ),
        description_en=(
            "The citizen-protection number of the Vietnamese Embassy in the UK, from a 2022 "
            "source: check it before giving it to someone."
        ),
        eligibility="Công dân Việt Nam ở Vương quốc Anh.",
        services=(D.HOTLINE, D.SAFETY, D.DOCUMENTS, D.TRAVEL),
        countries=(Country.UNITED_KINGDOM,),
        time_zone=ProviderTimeZone.UNITED_KINGDOM,
        contacts=(Contact(C.PHONE, "+44 7713 181 501", "bảo hộ công dân"),),
        shown_to_public=True,
        source="Nguồn năm 2022 (ngày cụ thể không rõ), theo docs/domain.md §3.",
        verified_on=date(2022, 1, 1),
    ),
    ProviderSpec(
        key="uk-modern-slavery-helpline",
        name="Đường dây trợ giúp về nô lệ hiện đại và bóc lột tại Vương quốc Anh (Unseen)",
        name_en="UK Modern Slavery & Exploitation Helpline (Unseen)",
        kind=K.HOTLINE,
        description=(
            "Đường dây trợ giúp do tổ chức Unseen vận hành, 24/7, bằng hơn 200 ngôn ngữ (có "
            "tiếng Việt qua phiên dịch)."
        ),
        description_en="Run by Unseen; 24/7, in more than 200 languages.",
        eligibility=(
            "Bất kỳ ai ở Vương quốc Anh bị bóc lột hoặc lo ngại về nô lệ hiện đại, kể cả khi "
            "không có giấy tờ."
        ),
        cost_note="Đầu số 0800: miễn phí khi gọi trong Vương quốc Anh.",
        services=(D.HOTLINE, D.SAFETY),
        countries=(Country.UNITED_KINGDOM,),
        languages=(Language.ENGLISH, Language.VIETNAMESE),
        interpreting=True,
        open_24_7=True,
        time_zone=ProviderTimeZone.UNITED_KINGDOM,
        contacts=(Contact(C.PHONE, "08000 121 700", "24/7, hơn 200 ngôn ngữ"),),
        shown_to_public=True,
        source=DOMAIN_NOTES,
        verified_on=DOMAIN_NOTES_CHECKED_ON,
    ),
    ProviderSpec(
        key="world-vision-viet-nam",
        name="World Vision Việt Nam",
        name_en="World Vision Vietnam",
        kind=K.NGO,
        organisation="world-vision-viet-nam",
        description=(
            "Trong dự án Đấu tranh chống mua bán người và nô lệ thời hiện đại (24 tháng, tổng kết "
            "30–31/10/2024) đã hỗ trợ 335 người thuộc nhóm đối tượng đích với dịch vụ y tế, giáo "
            "dục, pháp lý, tâm lý và sinh kế tại Nghệ An, Hà Tĩnh và Quảng Bình cũ. Dịch vụ "
            "phụ thuộc dự án đang thực hiện: hỏi trước khi chuyển gửi."
        ),
        eligibility=(
            "Người là nạn nhân hoặc có nguy cơ là nạn nhân mua bán người trong địa bàn dự án."
        ),
        services=(D.HEALTH, D.EDUCATION, D.LEGAL, D.PSYCHOLOGICAL, D.VOCATIONAL),
        provinces=(NGHE_AN, HA_TINH, QUANG_TRI),
        source=f"{SEED_DOCUMENTS} (001)",
    ),
    ProviderSpec(
        key="ecpat-uk",
        name="ECPAT Anh quốc",
        name_en="ECPAT UK",
        kind=K.SUPPORT_ABROAD,
        description=(
            "Tổ chức phi chính phủ về quyền trẻ em tại Anh; cùng World Vision xây dựng ngân hàng "
            "thông tin cho người Việt di cư hoặc sinh sống tại Anh."
        ),
        description_en=(
            "UK children's rights organisation; worked with World Vision on an information bank "
            "for Vietnamese migrants in the UK."
        ),
        services=(D.HOTLINE,),
        countries=(Country.UNITED_KINGDOM,),
        languages=(Language.ENGLISH,),
        time_zone=ProviderTimeZone.UNITED_KINGDOM,
        contacts=(Contact(C.WEBSITE, "https://www.ecpat.org.uk"),),
        source=f"{SEED_DOCUMENTS} (001)",
    ),
)

EXAMPLE_PROVIDERS: tuple[ProviderSpec, ...] = (
    ProviderSpec(
        key="example-social-work-nghi-xuan",
        name="Ví dụ – Trung tâm công tác xã hội (khu vực Nghi Xuân cũ)",
        name_en="Example – social work centre (former Nghi Xuân district)",
        kind=K.SOCIAL_WORK_CENTRE,
        description="Đơn vị ví dụ: tham vấn, hỗ trợ nhu cầu thiết yếu và kết nối dịch vụ.",
        eligibility="Người bị mua bán trở về và gia đình, trẻ em có nguy cơ.",
        services=(D.PSYCHOLOGICAL, D.ESSENTIAL_NEEDS, D.LEGAL),
        communes=NGHI_XUAN_COMMUNES,
        hours=_office_hours(),
        hours_note="Nghỉ các ngày lễ, Tết.",
        contacts=(Contact(C.EMAIL, "ctxh@example.org", "địa chỉ ví dụ"),),
        is_example=True,
        source=EXAMPLE_SOURCE,
    ),
    ProviderSpec(
        key="example-legal-aid-quang-tri",
        name="Ví dụ – Trung tâm trợ giúp pháp lý (Quảng Trị)",
        name_en="Example – legal-aid centre (Quảng Trị)",
        kind=K.LEGAL_AID,
        description="Đơn vị ví dụ: trợ giúp pháp lý miễn phí, hỗ trợ làm lại giấy tờ.",
        eligibility="Nạn nhân mua bán người và người đang được xác định là nạn nhân.",
        services=(D.LEGAL, D.DOCUMENTS),
        provinces=(QUANG_TRI,),
        hours=(
            Hours(WEEKDAYS, time(7, 0), time(11, 30)),
            Hours(WEEKDAYS, time(13, 30), time(17, 0)),
        ),
        contacts=(Contact(C.WEBSITE, "https://example.org/tro-giup-phap-ly"),),
        is_example=True,
        source=EXAMPLE_SOURCE,
    ),
    ProviderSpec(
        key="example-job-centre-nghe-an",
        name="Ví dụ – Trung tâm dịch vụ việc làm (Nghệ An)",
        name_en="Example – job centre (Nghệ An)",
        kind=K.VOCATIONAL,
        description="Đơn vị ví dụ: học nghề, tư vấn và giới thiệu việc làm trong nước.",
        services=(D.VOCATIONAL, D.EDUCATION),
        provinces=(NGHE_AN,),
        hours=(*_office_hours(), Hours((5,), time(7, 30), time(11, 30))),
        contacts=(Contact(C.EMAIL, "vieclam@example.org"),),
        is_example=True,
        source=EXAMPLE_SOURCE,
    ),
    ProviderSpec(
        key="example-hospital-hai-phong",
        name="Ví dụ – Bệnh viện đa khoa (Hải Phòng)",
        name_en="Example – general hospital (Hải Phòng)",
        kind=K.HOSPITAL,
        description="Đơn vị ví dụ: cấp cứu 24/7, khám sức khỏe cho người được hỗ trợ.",
        cost=Provider.Cost.DEPENDS,
        cost_note="Theo bảo hiểm y tế và chế độ hỗ trợ nạn nhân.",
        services=(D.HEALTH,),
        provinces=(HAI_PHONG,),
        open_24_7=True,
        contacts=(Contact(C.ADDRESS, "Địa chỉ ví dụ, Hải Phòng"),),
        is_example=True,
        source=EXAMPLE_SOURCE,
    ),
    ProviderSpec(
        key="example-evening-counselling",
        name="Ví dụ – Tham vấn tâm lý buổi tối qua điện thoại",
        name_en="Example – evening counselling by phone",
        kind=K.PSYCHOSOCIAL,
        description="Đơn vị ví dụ: tham vấn tâm lý từ 20:00 đến 01:00 sáng hôm sau.",
        services=(D.PSYCHOLOGICAL,),
        serves_nationwide=True,
        languages=(Language.VIETNAMESE, Language.ENGLISH, Language.HMONG),
        hours=(Hours(EVERY_DAY, time(20, 0), time(1, 0)),),
        contacts=(Contact(C.EMAIL, "thamvan@example.org"),),
        is_example=True,
        source=EXAMPLE_SOURCE,
    ),
    ProviderSpec(
        key="example-community-london",
        name="Ví dụ – Nhóm hỗ trợ cộng đồng người Việt tại London",
        name_en="Example – Vietnamese community support group in London",
        kind=K.SUPPORT_ABROAD,
        description="Đơn vị ví dụ: gặp gỡ cuối tuần, hỗ trợ nhu cầu thiết yếu và tâm lý.",
        services=(D.ESSENTIAL_NEEDS, D.PSYCHOLOGICAL),
        countries=(Country.UNITED_KINGDOM,),
        languages=(Language.VIETNAMESE, Language.ENGLISH),
        time_zone=ProviderTimeZone.UNITED_KINGDOM,
        hours=(Hours((5, 6), time(10, 0), time(16, 0)),),
        contacts=(Contact(C.WEBSITE, "https://example.org/london"),),
        is_example=True,
        source=EXAMPLE_SOURCE,
    ),
)

PROVIDERS: tuple[ProviderSpec, ...] = REAL_PROVIDERS + EXAMPLE_PROVIDERS
