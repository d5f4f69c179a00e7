"""The page in the other interface languages, for hreflang links and the switcher."""

from django import template

from artifacts import i18n

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[dict]:
    request = context.get("request")
    return i18n.alternates(request) if request is not None else []
