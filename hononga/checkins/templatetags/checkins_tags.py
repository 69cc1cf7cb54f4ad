from django import template

from hononga.checkins.scoring import FLAG_LABELS

register = template.Library()


@register.filter
def flag_label(flag: str) -> str:
    return str(FLAG_LABELS.get(flag, flag))


@register.filter
def quality_label(key: str) -> str:
    from hononga.checkins.instrument import ITEMS_BY_KEY, quality

    return quality(key) if key in ITEMS_BY_KEY else key
