"""Code lists for screening a case: data, not logic, with Vietnamese and English labels.

- HTCDS 2.0 (Human Trafficking Case Data Standard, IOM, CC BY 4.0): type of exploitation
  (`vic_TypeOfExploitation`, 11 codes), means of control (`vic_MethodsOfControl`, 16 codes and
  "Other"), relation to the trafficker (3 codes). The stored value is the HTCDS value name, so
  a de-identified export can write it as it is. Entries marked `htcds=False` are ours and are
  exported as HTCDS "Other". The relation codes are UNVERIFIED against the 2.0 spreadsheet.
- ILO indicators of forced labour (2012): the 11 indicators, each asked as a yes / no / not
  known screening question.
- Countries for the migration journey: ISO 3166-1 alpha-2 codes of the countries Vietnamese
  migrants most often pass through or reach.

Labels are chosen by the active language when they are shown (`Code.label` is lazy), so the
lists can be module constants and form choices.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.functional import lazy
from django.utils.translation import get_language


def _pick(english: str, vietnamese: str) -> str:
    return vietnamese if (get_language() or "vi").startswith("vi") else english


_bilingual = lazy(_pick, str)


@dataclass(frozen=True)
class Code:
    code: str
    en: str
    vi: str
    htcds: bool = True
    # For screening questions: the question asked, in both languages.
    question_en: str = ""
    question_vi: str = ""

    @property
    def label(self) -> str:
        return _bilingual(self.en, self.vi)

    @property
    def question(self) -> str:
        return _bilingual(self.question_en, self.question_vi)


@dataclass(frozen=True)
class CodeList:
    name: str
    source: str
    codes: tuple[Code, ...]
    _by_code: dict[str, Code] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {code.code: code for code in self.codes})

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Code | None:
        return self._by_code.get(code)

    def label(self, code: str) -> str:
        """The code's label; an unknown stored code is shown as it is, never dropped."""
        found = self._by_code.get(code)
        return found.label if found is not None else code

    def labels(self, codes: list[str]) -> list[str]:
        return [self.label(code) for code in codes]

    @property
    def values(self) -> list[str]:
        return [code.code for code in self.codes]

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(code.code, code.label) for code in self.codes]

    @property
    def htcds_codes(self) -> list[str]:
        return [code.code for code in self.codes if code.htcds]


EXPLOITATION_TYPES = CodeList(
    name="vic_TypeOfExploitation",
    source="HTCDS 2.0",
    codes=(
        Code("ForcedLabour", "Forced labour", "Lao động cưỡng bức"),
        Code("SexualExploitation", "Sexual exploitation", "Bóc lột tình dục"),
        Code("ForcedMarriage", "Forced marriage", "Cưỡng ép kết hôn"),
        Code(
            "SlaveryAndSimilarPractices",
            "Slavery and practices similar to slavery",
            "Nô lệ và các hình thức tương tự nô lệ",
        ),
        Code("ForcedMilitaryService", "Forced military service", "Cưỡng bức phục vụ quân sự"),
        Code("OrganRemoval", "Organ removal", "Lấy bộ phận cơ thể người"),
        Code("ForcedBegging", "Forced begging", "Cưỡng bức ăn xin"),
        Code(
            "IllicitActivities",
            "Forced criminal activity (for example online scams)",
            "Bị ép thực hiện hành vi phạm pháp (ví dụ lừa đảo trực tuyến)",
        ),
        Code("IllegalAdoption", "Illegal adoption", "Cho nhận con nuôi trái pháp luật"),
        Code(
            "Surrogacy",
            "Forced or commercial surrogacy",
            "Ép buộc mang thai hộ, mang thai hộ vì mục đích thương mại",
        ),
        Code("Other", "Other form of exploitation", "Hình thức bóc lột khác"),
    ),
)

CONTROL_MEANS = CodeList(
    name="vic_MethodsOfControl",
    source="HTCDS 2.0",
    codes=(
        Code("DebtBondage", "Debt bondage", "Trói buộc bằng nợ"),
        Code("TakesEarnings", "Takes earnings", "Chiếm đoạt tiền công, thu nhập"),
        Code(
            "RestrictsFinancialAccess",
            "Restricts access to money or bank accounts",
            "Hạn chế sử dụng tiền, tài khoản",
        ),
        Code("Threats", "Threats", "Đe doạ"),
        Code("PsychologicalAbuse", "Psychological abuse", "Bạo hành tinh thần"),
        Code("PhysicalAbuse", "Physical abuse", "Bạo hành thể chất"),
        Code("SexualAbuse", "Sexual abuse", "Xâm hại tình dục"),
        Code("FalsePromises", "False promises", "Hứa hẹn gian dối"),
        Code(
            "PsychoactiveSubstances",
            "Psychoactive substances",
            "Cho dùng hoặc lợi dụng chất gây nghiện",
        ),
        Code("RestrictsMovement", "Restricts movement", "Hạn chế đi lại"),
        Code("RestrictsMedicalCare", "Restricts medical care", "Hạn chế chăm sóc y tế"),
        Code("ExcessiveWorkingHours", "Excessive working hours", "Bắt làm việc quá giờ"),
        Code("UsesChildren", "Uses the person's children", "Khống chế thông qua con cái"),
        Code(
            "ThreatOfLawEnforcement",
            "Threat of police or immigration authorities",
            "Đe doạ báo công an, cơ quan xuất nhập cảnh",
        ),
        Code(
            "WithholdsNecessities",
            "Withholds necessities (food, water, sleep, hygiene)",
            "Không cho nhu yếu phẩm (ăn, uống, ngủ, vệ sinh)",
        ),
        Code("WithholdsDocuments", "Withholds identity documents", "Giữ giấy tờ tuỳ thân"),
        Code("Other", "Other means of control", "Thủ đoạn khống chế khác"),
    ),
)

RELATIONS_TO_TRAFFICKER = CodeList(
    name="RelationToTrafficker",
    source="HTCDS 2.0 (UNVERIFIED names)",
    codes=(
        Code("IntimatePartner", "Intimate partner or spouse", "Người yêu, vợ hoặc chồng"),
        Code("Family", "Family member or relative", "Người thân trong gia đình, họ hàng"),
        Code("Friend", "Friend or acquaintance", "Bạn bè, người quen"),
        Code(
            "NoPriorRelation",
            "No prior relation (stranger, broker, agency)",
            "Không quen biết trước (người lạ, môi giới, công ty)",
            htcds=False,
        ),
        Code("Unknown", "Not known", "Không rõ", htcds=False),
    ),
)

ILO_INDICATORS = CodeList(
    name="ilo_forced_labour_indicators",
    source="ILO indicators of forced labour (2012)",
    codes=(
        Code(
            "abuse_of_vulnerability",
            "Abuse of vulnerability",
            "Lợi dụng hoàn cảnh khó khăn",
            question_en=(
                "Did someone take advantage of the person's hardship (debt, poverty, no papers, "
                "not speaking the language) to make them work or stay?"
            ),
            question_vi=(
                "Có ai lợi dụng hoàn cảnh khó khăn của người này (nợ nần, nghèo, không có giấy "
                "tờ, không biết tiếng) để bắt họ làm việc hoặc ở lại không?"
            ),
        ),
        Code(
            "deception",
            "Deception",
            "Lừa gạt",
            question_en=(
                "Was the person deceived about the job, the pay, the place or the conditions?"
            ),
            question_vi=(
                "Người này có bị lừa về công việc, tiền lương, nơi làm hoặc điều kiện không?"
            ),
        ),
        Code(
            "restriction_of_movement",
            "Restriction of movement",
            "Hạn chế đi lại",
            question_en="Was the person locked in, guarded or stopped from leaving?",
            question_vi="Người này có bị nhốt, bị canh giữ hoặc bị ngăn không cho rời đi không?",
        ),
        Code(
            "isolation",
            "Isolation",
            "Cô lập",
            question_en=(
                "Was the person cut off from family, friends or the outside world (no phone, "
                "remote place)?"
            ),
            question_vi=(
                "Người này có bị cắt liên lạc với gia đình, bạn bè, bên ngoài (không có điện "
                "thoại, nơi hẻo lánh) không?"
            ),
        ),
        Code(
            "physical_and_sexual_violence",
            "Physical and sexual violence",
            "Bạo lực thể chất và tình dục",
            question_en="Was the person beaten, hurt or sexually abused?",
            question_vi="Người này có bị đánh, gây thương tích hoặc xâm hại tình dục không?",
        ),
        Code(
            "intimidation_and_threats",
            "Intimidation and threats",
            "Đe doạ, uy hiếp",
            question_en=(
                "Was the person or their family threatened (with violence, with the police or "
                "immigration, with more debt)?"
            ),
            question_vi=(
                "Người này hoặc gia đình có bị đe doạ (bằng bạo lực, báo công an hay cơ quan "
                "xuất nhập cảnh, tăng nợ) không?"
            ),
        ),
        Code(
            "retention_of_identity_documents",
            "Retention of identity documents",
            "Giữ giấy tờ tuỳ thân",
            question_en="Did someone else keep the person's passport or identity papers?",
            question_vi="Có người khác giữ hộ chiếu hoặc giấy tờ tuỳ thân của người này không?",
        ),
        Code(
            "withholding_of_wages",
            "Withholding of wages",
            "Giữ lương",
            question_en="Were wages held back, delayed or never paid?",
            question_vi="Tiền lương có bị giữ lại, trả chậm hoặc không trả không?",
        ),
        Code(
            "debt_bondage",
            "Debt bondage",
            "Trói buộc bằng nợ",
            question_en=(
                "Did the person have to work off a debt (recruitment fees, travel, housing) "
                "that kept growing or could not be repaid?"
            ),
            question_vi=(
                "Người này có phải làm để trả một khoản nợ (phí tuyển dụng, đi lại, chỗ ở) cứ "
                "tăng lên hoặc không trả hết được không?"
            ),
        ),
        Code(
            "abusive_working_and_living_conditions",
            "Abusive working and living conditions",
            "Điều kiện làm việc và sinh sống tồi tệ",
            question_en="Were working or living conditions degrading, dangerous or unhealthy?",
            question_vi=(
                "Điều kiện làm việc hoặc sinh sống có tồi tệ, nguy hiểm hay mất vệ sinh không?"
            ),
        ),
        Code(
            "excessive_overtime",
            "Excessive overtime",
            "Làm thêm giờ quá mức",
            question_en=(
                "Did the person have to work far longer hours than agreed, or without rest days?"
            ),
            question_vi=(
                "Người này có phải làm việc nhiều giờ hơn thoả thuận rất nhiều, hoặc không có "
                "ngày nghỉ không?"
            ),
        ),
    ),
)


class IloAnswer:
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"
    VALUES = (YES, NO, UNKNOWN)


ILO_ANSWERS = CodeList(
    name="ilo_answer",
    source="",
    codes=(
        Code(IloAnswer.YES, "Yes", "Có", htcds=False),
        Code(IloAnswer.NO, "No", "Không", htcds=False),
        Code(IloAnswer.UNKNOWN, "Not known", "Không rõ", htcds=False),
    ),
)

COUNTRIES = CodeList(
    name="iso_3166_1_alpha_2",
    source="ISO 3166-1",
    codes=(
        Code("VN", "Vietnam", "Việt Nam"),
        Code("KH", "Cambodia", "Campuchia"),
        Code("LA", "Laos", "Lào"),
        Code("CN", "China", "Trung Quốc"),
        Code("TH", "Thailand", "Thái Lan"),
        Code("MM", "Myanmar", "Myanmar"),
        Code("MY", "Malaysia", "Malaysia"),
        Code("SG", "Singapore", "Singapore"),
        Code("ID", "Indonesia", "Indonesia"),
        Code("PH", "Philippines", "Philippines"),
        Code("TW", "Taiwan", "Đài Loan (Trung Quốc)"),
        Code("HK", "Hong Kong", "Hồng Kông (Trung Quốc)"),
        Code("MO", "Macao", "Ma Cao (Trung Quốc)"),
        Code("KR", "South Korea", "Hàn Quốc"),
        Code("JP", "Japan", "Nhật Bản"),
        Code("SA", "Saudi Arabia", "Ả Rập Xê Út"),
        Code("AE", "United Arab Emirates", "Các Tiểu vương quốc Ả Rập Thống nhất"),
        Code("QA", "Qatar", "Qatar"),
        Code("KW", "Kuwait", "Cô-oét"),
        Code("RU", "Russia", "Nga"),
        Code("UA", "Ukraine", "Ukraina"),
        Code("BY", "Belarus", "Belarus"),
        Code("PL", "Poland", "Ba Lan"),
        Code("CZ", "Czechia", "Séc"),
        Code("SK", "Slovakia", "Slovakia"),
        Code("HU", "Hungary", "Hungary"),
        Code("RO", "Romania", "Romania"),
        Code("DE", "Germany", "Đức"),
        Code("FR", "France", "Pháp"),
        Code("NL", "Netherlands", "Hà Lan"),
        Code("BE", "Belgium", "Bỉ"),
        Code("IE", "Ireland", "Ireland"),
        Code("GB", "United Kingdom", "Vương quốc Anh"),
        Code("US", "United States", "Hoa Kỳ"),
        Code("CA", "Canada", "Canada"),
        Code("AU", "Australia", "Úc"),
        Code("AO", "Angola", "Angola"),
        Code("ZA", "South Africa", "Nam Phi"),
    ),
)
