import pytest
from django.urls import reverse

from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_verified():
    return signed_in_client(UserFactory(is_superuser=True, is_staff=True))


@pytest.mark.parametrize(
    "model", ["province", "commune", "legacyprovince", "legacydistrict", "legacycommune"]
)
def test_units_are_listed_read_only(admin_client_verified, model):
    listing = admin_client_verified.get(reverse(f"admin:places_{model}_changelist"))
    assert listing.status_code == 200
    assert admin_client_verified.get(reverse(f"admin:places_{model}_add")).status_code == 403


def test_admin_search_ignores_diacritics_and_prefix(admin_client_verified):
    url = reverse("admin:places_legacydistrict_changelist")
    html = admin_client_verified.get(url, {"q": "huyen nghi xuan"}).content.decode()
    assert "Huyện Nghi Xuân" in html
    html = admin_client_verified.get(reverse("admin:places_commune_changelist"), {"q": "70"})
    assert "Phường Hoàn Kiếm" in html.content.decode()
