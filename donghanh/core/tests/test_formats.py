import datetime

from django.template import Context, Template
from django.utils import translation

from donghanh.core.templatetags.donghanh import vnd


def test_vnd_formats_money_with_dot_separators():
    assert vnd(5_827_300_000) == "5.827.300.000\u00a0₫"
    assert vnd("2406100000") == "2.406.100.000\u00a0₫"
    assert vnd(0) == "0\u00a0₫"
    assert vnd(-1500) == "-1.500\u00a0₫"
    assert vnd(None) == ""


def test_dates_render_day_first_in_both_languages():
    template = Template('{{ d|date:"SHORT_DATE_FORMAT" }}')
    for language in ("vi", "en"):
        with translation.override(language):
            assert template.render(Context({"d": datetime.date(2025, 7, 1)})) == "01/07/2025"
