"""`{% translate %}` of quick_i18n writes what Django's writes, looking each text up once."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation

from donghanh.core.templatetags import quick_i18n

TAGS = (
    '{% translate "Case type" %}|{% translate "Action" context "plan" %}|'
    '{% translate "Case type" as label %}[{{ label }}]|{% translate text %}|'
    '{% translate "Case type"|upper %}|{% translate "Case type" noop %}|'
    '{% translate "Cases & <people>" %}|{% autoescape off %}{% translate "a < b" %}'
    "{% endautoescape %}"
)


def _render(libraries: str, context: dict) -> str:
    return engines["django"].from_string(f"{{% load {libraries} %}}{TAGS}").render(context)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_it_writes_what_djangos_tag_writes(language):
    with translation.override(language):
        for text in ("Case type", "Status"):
            quick = _render("i18n quick_i18n", {"text": text})
            assert quick == _render("i18n", {"text": text})
    if language == "vi":
        assert quick.startswith("Loại trường hợp|")


def test_each_text_is_looked_up_once_per_language(monkeypatch):
    looked_up = []
    text_of = quick_i18n._QuickTranslateNode._text

    def counted(self, context):
        looked_up.append(self.filter_expression.var.literal)
        return text_of(self, context)

    monkeypatch.setattr(quick_i18n._QuickTranslateNode, "_text", counted)
    template = engines["django"].from_string(
        '{% load i18n quick_i18n %}{% translate "Case type" %}{% translate "Cases" as c %}{{ c }}'
    )
    written = []
    for language in ("vi", "en", "vi", "en", "vi"):
        with translation.override(language):
            written.append(template.render({}))
    assert looked_up == ["Case type", "Cases", "Case type", "Cases"]
    assert written[0] == written[2] == written[4] != written[1] == written[3]
