"""`{% translate %}` that keeps what it wrote, per language: `{% load i18n quick_i18n %}`.

Django's tag looks the text up in the catalogues, localizes and escapes it at every render
(about 15 µs); a case page has about a hundred of them. This one is Django's, parsed by
Django's own function, and keeps the text it wrote for a literal without filters, per
language, message context and escaping: the same text, looked up once per process. Anything
else (a variable, filters, `noop`) renders as Django renders it. The tag keeps its name, so
`makemessages` finds the texts as before.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template.base import FilterExpression, Variable, render_value_in_context
from django.templatetags.i18n import TranslateNode, do_translate
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Moves on when the catalogues may change (tests that change the languages or their paths), so
# that no text kept from the former ones is written again.
_generation = [0]


def _catalogues_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _generation[0] += 1


setting_changed.connect(_catalogues_changed)


def _literal(expression: FilterExpression | None) -> bool:
    if expression is None:
        return True
    var = expression.var
    return not expression.filters and (
        isinstance(var, str) or (isinstance(var, Variable) and var.literal is not None)
    )


class _QuickTranslateNode(TranslateNode):
    def __init__(self, node: TranslateNode) -> None:
        super().__init__(node.filter_expression, node.noop, node.asvar, node.message_context)
        literal = not self.noop and _literal(self.filter_expression)
        self._kept: dict[tuple[Any, ...], str] | None = (
            {} if literal and _literal(self.message_context) else None
        )

    def _text(self, context: template.Context) -> str:
        # What Django's render writes (without `asvar`).
        self.filter_expression.var.translate = True
        if self.message_context:
            self.filter_expression.var.message_context = self.message_context.resolve(context)
        value = render_value_in_context(self.filter_expression.resolve(context), context)
        is_safe = isinstance(value, SafeData)
        value = value.replace("%%", "%")
        return mark_safe(value) if is_safe else value  # noqa: S308 (escaped above, as Django does)

    def render(self, context: template.Context) -> str:
        kept = self._kept
        if kept is None:
            return super().render(context)
        message_context = self.message_context
        key = (
            _generation[0],
            get_language(),
            context.autoescape,
            message_context.resolve(context) if message_context is not None else None,
        )
        value = kept.get(key)
        if value is None:
            value = kept[key] = self._text(context)
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@register.tag("translate")
@register.tag("trans")
def translate(parser: template.base.Parser, token: template.base.Token) -> TranslateNode:
    return _QuickTranslateNode(do_translate(parser, token))
