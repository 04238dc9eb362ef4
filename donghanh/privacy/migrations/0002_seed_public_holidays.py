"""Seed the public holidays that fall on the same solar date every year.

Labour Code 45/2019/QH14, Art. 112: 1/1, 30/4, 1/5 and 2/9, plus one day next to 2/9 that the
Government picks each year (seeded for the years it is known). Tết (5 days) and the Hùng
Kings' commemoration (10/3 lunar) move with the lunar calendar, and substitute days off move
with the weekdays: a system administrator enters them each year in System administration →
Public holidays, with their year.
"""

from django.db import migrations

RECURRING = [
    (1, 1, "Tết Dương lịch"),
    (4, 30, "Ngày Chiến thắng"),
    (5, 1, "Ngày Quốc tế Lao động"),
    (9, 2, "Quốc khánh"),
]
# The day next to National Day, as announced for public servants each year.
DATED = [
    (2024, 9, 3, "Quốc khánh (ngày liền kề)"),
    (2025, 9, 1, "Quốc khánh (ngày liền kề)"),
    (2026, 9, 1, "Quốc khánh (ngày liền kề)"),
]


def seed(apps, schema_editor):
    Holiday = apps.get_model("privacy", "Holiday")
    for month, day, name in RECURRING:
        Holiday.objects.get_or_create(year=None, month=month, day=day, defaults={"name": name})
    for year, month, day, name in DATED:
        Holiday.objects.get_or_create(year=year, month=month, day=day, defaults={"name": name})


def unseed(apps, schema_editor):
    Holiday = apps.get_model("privacy", "Holiday")
    for month, day, _name in RECURRING:
        Holiday.objects.filter(year=None, month=month, day=day).delete()
    for year, month, day, _name in DATED:
        Holiday.objects.filter(year=year, month=month, day=day).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_requests_and_holidays")]

    operations = [migrations.RunPython(seed, unseed)]
