"""Load the support-regime configuration: who is entitled to which Art. 37 regime, and under
which law, plus one rate/agency row per regime with no amount (administrators fill amounts in).

The Law 53/2024 table is domain.md §2. The Law 66/2011 rows (kept by Art. 63 for victims
identified before 1 July 2025) map that law's Chapter V supports onto the Art. 37 letters and
are UNVERIFIED, as are the responsible agencies after the 2025 reform: both are data, and the
admin can correct them.
"""

import datetime

from django.db import migrations

LAW_53 = "law_53_2024"
LAW_66 = "law_66_2011"
LAW_53_FROM = datetime.date(2025, 7, 1)
LAW_66_FROM = datetime.date(2012, 1, 1)

RULES = {
    LAW_53: {
        "victim_citizen": ("a", "b", "c", "d", "dd", "e", "g", "h", "i", "k"),
        "accompanying_minor": ("a", "b", "c", "d", "dd", "e", "g", "h"),
        "undergoing_abroad": ("a", "b", "c", "d"),
        "undergoing_in_vietnam": ("a", "b", "c", "d", "dd", "e", "g"),
        "foreign_victim": ("a", "b", "c", "d", "dd", "g"),
    },
    LAW_66: {
        "victim_citizen": ("a", "b", "dd", "e", "g", "h", "i", "k"),
        "accompanying_minor": ("a", "b", "e", "g"),
        "undergoing_abroad": ("a", "b", "dd", "e", "g"),
        "undergoing_in_vietnam": ("a", "b", "dd", "e", "g"),
        "foreign_victim": ("a", "b", "dd", "e", "g"),
    },
}
CASE_BY_CASE = {(LAW_53, "foreign_victim")}

AGENCIES_53 = {
    "a": "Sở Y tế cấp tỉnh; cơ sở trợ giúp xã hội tiếp nhận nạn nhân",
    "b": "Cơ sở khám bệnh, chữa bệnh; Sở Y tế cấp tỉnh",
    "c": "Cơ quan tiếp nhận, xác minh (công an, bộ đội biên phòng, cảnh sát biển)",
    "d": "Cơ quan tiếp nhận, xác minh; Trung tâm trợ giúp pháp lý nhà nước",
    "dd": "Trung tâm trợ giúp pháp lý nhà nước (Sở Tư pháp)",
    "e": "Sở Y tế cấp tỉnh; Uỷ ban nhân dân cấp xã nơi cư trú",
    "g": "Cơ sở trợ giúp xã hội; Sở Y tế cấp tỉnh",
    "h": "Sở Giáo dục và Đào tạo",
    "i": "Sở Giáo dục và Đào tạo (giáo dục nghề nghiệp); Sở Nội vụ (việc làm)",
    "k": "Uỷ ban nhân dân cấp xã; Ngân hàng Chính sách xã hội (vay vốn)",
}
AGENCIES_66 = {
    "a": "Sở Lao động – Thương binh và Xã hội; cơ sở bảo trợ xã hội",
    "b": "Cơ sở khám bệnh, chữa bệnh",
    "dd": "Trung tâm trợ giúp pháp lý nhà nước (Sở Tư pháp)",
    "e": "Sở Lao động – Thương binh và Xã hội",
    "g": "Cơ sở bảo trợ xã hội",
    "h": "Sở Giáo dục và Đào tạo",
    "i": "Sở Lao động – Thương binh và Xã hội",
    "k": "Uỷ ban nhân dân cấp xã; Ngân hàng Chính sách xã hội (vay vốn)",
}

NOTE_53_RULE = "Bảng Điều 37 Luật 53/2024/QH15 (domain.md §2)."
NOTE_53_FOREIGN = "Người nước ngoài: xem xét hỗ trợ theo từng trường hợp."
NOTE_66 = (
    "CHƯA KIỂM CHỨNG: các chế độ Chương V Luật 66/2011/QH12 quy đổi sang ký hiệu Điều 37 "
    "Luật 53/2024; đối chiếu Nghị định 09/2013/NĐ-CP."
)
NOTE_AGENCY_53 = (
    "CHƯA KIỂM CHỨNG: cơ quan chịu trách nhiệm sau cải cách 2025; đối chiếu Nghị định "
    "162/2025/NĐ-CP. Mức hỗ trợ: quản trị viên nhập theo văn bản hiện hành."
)
NOTE_AGENCY_66 = (
    "CHƯA KIỂM CHỨNG: cơ quan và mức hỗ trợ theo Nghị định 09/2013/NĐ-CP; quản trị viên nhập "
    "mức hỗ trợ."
)


def load(apps, schema_editor):
    rule_model = apps.get_model("cases", "SupportRegimeRule")
    term_model = apps.get_model("cases", "SupportRegimeTerm")
    rules = []
    for law, groups in RULES.items():
        for group, regimes in groups.items():
            for regime in regimes:
                case_by_case = (law, group) in CASE_BY_CASE
                if law == LAW_53:
                    note = NOTE_53_FOREIGN if case_by_case else NOTE_53_RULE
                else:
                    note = NOTE_66
                rules.append(
                    rule_model(
                        legal_regime=law,
                        group=group,
                        regime=regime,
                        case_by_case=case_by_case,
                        valid_from=LAW_53_FROM if law == LAW_53 else LAW_66_FROM,
                        legal_basis=(
                            "Luật 53/2024/QH15, Điều 37"
                            if law == LAW_53
                            else "Luật 66/2011/QH12, Chương V; Luật 53/2024/QH15, Điều 63"
                        ),
                        note=note,
                    )
                )
    rule_model.objects.bulk_create(rules)
    terms = [
        term_model(
            legal_regime=LAW_53,
            regime=regime,
            responsible_agency=agency,
            valid_from=LAW_53_FROM,
            legal_basis="Luật 53/2024/QH15, Điều 37; Nghị định 162/2025/NĐ-CP",
            note=NOTE_AGENCY_53,
        )
        for regime, agency in AGENCIES_53.items()
    ] + [
        term_model(
            legal_regime=LAW_66,
            regime=regime,
            responsible_agency=agency,
            valid_from=LAW_66_FROM,
            legal_basis="Luật 66/2011/QH12; Nghị định 09/2013/NĐ-CP",
            note=NOTE_AGENCY_66,
        )
        for regime, agency in AGENCIES_66.items()
    ]
    term_model.objects.bulk_create(terms)


def unload(apps, schema_editor):
    apps.get_model("cases", "SupportRegimeRule").objects.filter(
        valid_from__in=[LAW_53_FROM, LAW_66_FROM]
    ).delete()
    apps.get_model("cases", "SupportRegimeTerm").objects.filter(
        valid_from__in=[LAW_53_FROM, LAW_66_FROM]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_cases")]

    operations = [migrations.RunPython(load, unload)]
