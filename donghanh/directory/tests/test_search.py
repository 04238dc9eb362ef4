from __future__ import annotations

import pytest
from django.db import connection

from donghanh.directory.models import Country, Language, Provider
from donghanh.directory.selectors import provider_get, providers_search
from donghanh.directory.services import ContactInput
from donghanh.places.models import Commune, Province
from donghanh.reference.domains import ServiceDomain

pytestmark = pytest.mark.django_db

QUANG_TRI = "44"
HA_TINH = "42"
HA_NOI = "01"
DAN_HAI = "18364"  # today's commune that took over the old xã Xuân Hội, huyện Nghi Xuân
HOAN_KIEM = "00070"


def names(**filters):
    return [provider.name for provider in providers_search(**filters)]


def province(code):
    return Province.objects.get(code=code)


def commune(code):
    return Commune.objects.get(code=code)


def test_search_ignores_diacritics(make_provider):
    make_provider("Ngôi nhà Bình yên", kind=Provider.Kind.SHELTER)
    make_provider("Trung tâm Công tác xã hội")

    assert names(query="nha binh yen") == ["Ngôi nhà Bình yên"]
    assert names(query="NGÔI NHÀ") == ["Ngôi nhà Bình yên"]
    assert names(query="Đường dây") == []


def test_search_matches_the_start_of_words_in_every_text(make_provider):
    make_provider(
        "Tổng đài quốc gia",
        description="Đường dây nóng phòng, chống mua bán người",
        contacts=[ContactInput(kind="phone", value="1900 969 680")],
    )
    make_provider("Trung tâm chuyên môn")

    assert names(query="mua ban nguoi") == ["Tổng đài quốc gia"]
    assert names(query="1900969680") == ["Tổng đài quốc gia"]
    assert names(query="969 680") == ["Tổng đài quốc gia"]
    # "yen" is inside "chuyên", not at the start of a word.
    assert names(query="yen") == []


def test_name_matches_come_before_other_matches(make_provider):
    make_provider("Trung tâm A", description="Liên kết với Ngôi nhà Bình yên")
    make_provider("Ngôi nhà Bình yên", kind=Provider.Kind.SHELTER)

    assert names(query="binh yen") == ["Ngôi nhà Bình yên", "Trung tâm A"]


def test_examples_come_last(make_provider):
    make_provider("Ví dụ – An toàn", is_example=True)
    make_provider("Bệnh viện")

    assert names() == ["Bệnh viện", "Ví dụ – An toàn"]


def test_search_by_pre_2025_province_finds_todays_province(make_provider):
    make_provider("Phục vụ Quảng Trị", provinces=[province(QUANG_TRI)])
    make_provider("Phục vụ Hà Tĩnh", provinces=[province(HA_TINH)])

    assert names(place="Quảng Bình") == ["Phục vụ Quảng Trị"]
    assert names(place="quang binh") == ["Phục vụ Quảng Trị"]
    assert names(place="Quảng Trị") == ["Phục vụ Quảng Trị"]
    assert names(province=QUANG_TRI) == ["Phục vụ Quảng Trị"]
    assert names(province=province(QUANG_TRI)) == ["Phục vụ Quảng Trị"]


def test_old_province_counts_only_communes_that_were_part_of_it(make_provider):
    # Đồng Hới was Quảng Bình's capital; Đông Hà was Quảng Trị's. Both are in Quảng Trị today.
    dong_hoi = Commune.objects.filter(province=QUANG_TRI, folded_name="dong hoi").get()
    dong_ha = Commune.objects.filter(province=QUANG_TRI, folded_name="dong ha").get()
    make_provider("Ở Đồng Hới", communes=[dong_hoi])
    make_provider("Ở Đông Hà", communes=[dong_ha])

    assert names(place="Quảng Bình") == ["Ở Đồng Hới"]
    assert names(place="Quảng Trị") == ["Ở Đông Hà", "Ở Đồng Hới"]


def test_search_by_old_district_finds_todays_communes_and_their_province(make_provider):
    make_provider("Xã Đan Hải", communes=[commune(DAN_HAI)])
    make_provider("Cả tỉnh Hà Tĩnh", provinces=[province(HA_TINH)])
    make_provider("Cả nước", serves_nationwide=True)
    make_provider("Hà Nội", provinces=[province(HA_NOI)], communes=[commune(HOAN_KIEM)])

    expected = ["Cả nước", "Cả tỉnh Hà Tĩnh", "Xã Đan Hải"]
    assert names(place="huyện Nghi Xuân") == expected
    assert names(place="xã Xuân Hội, huyện Nghi Xuân, Hà Tĩnh") == expected
    assert names(commune=DAN_HAI) == expected
    assert names(commune=[commune(DAN_HAI)]) == expected


def test_a_province_includes_providers_serving_some_of_its_communes(make_provider):
    make_provider("Xã Đan Hải", communes=[commune(DAN_HAI)])
    assert names(place="Hà Tĩnh") == ["Xã Đan Hải"]
    assert names(place="Hà Nội") == []


def test_a_place_that_cannot_be_read_matches_nothing(make_provider):
    make_provider("Cả nước", serves_nationwide=True)
    assert names(place="Narnia") == []


def test_search_by_domain(make_provider):
    make_provider("Trợ giúp pháp lý", services=[ServiceDomain.LEGAL, ServiceDomain.DOCUMENTS])
    make_provider("Bệnh viện", services=[ServiceDomain.HEALTH])

    assert names(domain=ServiceDomain.LEGAL) == ["Trợ giúp pháp lý"]
    assert names(domain=ServiceDomain.HEALTH) == ["Bệnh viện"]
    assert names(domain=ServiceDomain.SHELTER) == []


def test_search_by_language_includes_interpreting_services(make_provider):
    make_provider("Tiếng Việt và H'Mông", languages=[Language.VIETNAMESE, Language.HMONG])
    make_provider("Chỉ tiếng Anh", languages=[Language.ENGLISH])
    make_provider("Phiên dịch", languages=[Language.ENGLISH], interpreting=True)

    assert names(language=Language.HMONG) == ["Phiên dịch", "Tiếng Việt và H'Mông"]
    assert names(language=Language.ENGLISH) == ["Chỉ tiếng Anh", "Phiên dịch"]


def test_search_by_country_abroad(make_provider):
    make_provider("Ở Anh", countries=[Country.UNITED_KINGDOM])
    make_provider("Mọi nước", serves_all_countries=True)
    make_provider("Ở Nhật", countries=[Country.JAPAN])

    assert names(country="GB") == ["Mọi nước", "Ở Anh"]


def test_filters_combine(make_provider):
    make_provider(
        "Đúng",
        services=[ServiceDomain.LEGAL],
        provinces=[province(QUANG_TRI)],
        languages=[Language.VIETNAMESE],
    )
    make_provider("Sai tỉnh", services=[ServiceDomain.LEGAL], provinces=[province(HA_NOI)])
    make_provider("Sai dịch vụ", services=[ServiceDomain.HEALTH], provinces=[province(QUANG_TRI)])

    assert names(domain="legal", place="Quảng Bình", language="vi", query="dung") == ["Đúng"]


def test_inactive_and_private_providers(make_provider):
    make_provider("Công khai", shown_to_public=True)
    make_provider("Nội bộ")
    make_provider("Đã đóng cửa", shown_to_public=True, is_active=False)

    assert names() == ["Công khai", "Nội bộ"]
    assert names(public_only=True) == ["Công khai"]


def test_provider_get(make_provider):
    public = make_provider("Công khai", shown_to_public=True)
    private = make_provider("Nội bộ")

    assert provider_get(private.pk).name == "Nội bộ"
    assert provider_get(public.pk, public_only=True).name == "Công khai"
    with pytest.raises(Provider.DoesNotExist):
        provider_get(private.pk, public_only=True)
    with pytest.raises(Provider.DoesNotExist):
        provider_get(999_999)


def test_search_results_carry_their_details_without_more_queries(
    make_provider, django_assert_num_queries
):
    for number in range(5):
        make_provider(
            f"Nơi {number}",
            services=[ServiceDomain.HEALTH],
            provinces=[province(HA_TINH)],
            communes=[commune(DAN_HAI)],
            languages=[Language.VIETNAMESE],
            countries=[Country.UNITED_KINGDOM],
            contacts=[ContactInput(kind="phone", value="111")],
        )
    # The providers, then services, languages, countries, contacts, hours, provinces, communes.
    with django_assert_num_queries(8):
        providers = list(providers_search(domain="health"))
        for provider in providers:
            assert [s.domain for s in provider.services.all()] == ["health"]
            assert provider.provinces.all()[0].code == HA_TINH
            assert provider.communes.all()[0].province.code == HA_TINH
            assert provider.contacts.all()[0].value == "111"
            list(provider.opening_hours.all())
            list(provider.languages.all())
            list(provider.countries.all())
            assert provider.organisation is None


def test_postgresql_indexes_the_search_text_with_trigrams():
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'directory_provider_text_trgm'"
        )
        [definition] = cursor.fetchone()
    assert "gin_trgm_ops" in definition and "folded_text" in definition


# --- places abroad and typos -----------------------------------------------------------------


@pytest.fixture
def abroad(make_provider):
    """Help in the UK that never names it, help for every country, help in France and at home."""
    make_provider("Helpline X", countries=[Country.UNITED_KINGDOM])
    make_provider("Bảo hộ công dân", serves_all_countries=True)
    make_provider("Association Y", countries=[Country.FRANCE])
    make_provider("Trung tâm trong nước", serves_nationwide=True)


@pytest.mark.parametrize(
    "query",
    ["Anh", "Vương quốc Anh", "vuong quoc anh", "United Kingdom", "UK", "London", "Luân Đôn"],
)
def test_a_country_or_city_abroad_finds_the_providers_serving_it(abroad, query):
    # Those serving the country itself first, then those serving every country.
    assert names(query=query) == ["Helpline X", "Bảo hộ công dân"]


def test_a_place_abroad_combines_with_other_words(abroad, make_provider):
    make_provider("Nhà tạm lánh London", kind=Provider.Kind.SHELTER, services=["shelter"])
    assert names(query="nha tam lanh London") == ["Nhà tạm lánh London"]
    assert names(query="Pháp") == ["Association Y", "Bảo hộ công dân"]
    assert names(query="Paris") == ["Association Y", "Bảo hộ công dân"]


def test_a_country_name_that_is_an_everyday_word_counts_only_alone(make_provider):
    make_provider("Helpline X", countries=[Country.UNITED_KINGDOM])
    make_provider("Trung tâm Anh Sơn", serves_nationwide=True)
    make_provider("Giới thiệu việc làm", description="Hỗ trợ người lao động", countries=["LA"])
    # "Anh Sơn" is a place in Nghệ An; "lao động" is labour, not Laos.
    assert names(query="anh son") == ["Trung tâm Anh Sơn"]
    assert names(query="lao dong") == ["Giới thiệu việc làm"]
    assert names(query="Lào") == ["Giới thiệu việc làm"]


@pytest.mark.parametrize(
    "query",
    [
        "nha bnh yen",  # a letter missing
        "nha binhh yen",  # a letter too many
        "nha bihn yen",  # two letters swapped
        "nha binh yem",  # one letter wrong
        "ngoi nha bnh yne",  # one typo in each of two words
    ],
)
def test_one_typo_per_word_is_tolerated(make_provider, query):
    make_provider("Ngôi nhà Bình yên", kind=Provider.Kind.SHELTER)
    make_provider("Trung tâm Công tác xã hội")
    assert names(query=query) == ["Ngôi nhà Bình yên"]


def test_a_typo_in_a_place_abroad_is_tolerated(abroad):
    assert names(query="Lodnon") == ["Helpline X", "Bảo hộ công dân"]
    assert names(query="Luan Donn") == ["Helpline X", "Bảo hộ công dân"]


def test_words_found_as_typed_keep_typos_out(make_provider):
    make_provider("Dịch vụ tâm lý")
    make_provider("Văn phòng Nam Định")  # "nam" is one letter from "tam"
    assert names(query="tam ly") == ["Dịch vụ tâm lý"]
    # Two letters off is not a typo.
    assert names(query="nha bnh yn") == []


def test_providers_having_more_words_as_typed_come_first(make_provider):
    make_provider("Ngôi nhà Bình yên", kind=Provider.Kind.SHELTER)
    make_provider("Ngôi nhà Bình an", kind=Provider.Kind.SHELTER)
    # Neither has "binhh": "Bình an" has "an" as typed, "Bình yên" only a near "yen".
    assert names(query="nha binhh an") == ["Ngôi nhà Bình an"]
    assert names(query="ngoi nha binhh yen an") == []
    assert names(query="ngoi nha binhh") == ["Ngôi nhà Bình an", "Ngôi nhà Bình yên"]


def test_a_public_search_learns_no_word_of_a_hidden_provider(make_provider):
    make_provider("Ngôi nhà Bình yên", kind=Provider.Kind.SHELTER, shown_to_public=False)
    make_provider("Ngôi nhà Hòa bình", kind=Provider.Kind.SHELTER, shown_to_public=True)
    assert names(query="nha bnh yen") == ["Ngôi nhà Bình yên"]  # staff see every provider
    assert names(query="nha bnh yen", public_only=True) == []
    assert names(query="nha hao binh", public_only=True) == ["Ngôi nhà Hòa bình"]
