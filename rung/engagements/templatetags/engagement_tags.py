from django import template

from rung.lib.money import format_money

register = template.Library()


@register.filter
def money(amount_minor: int, currency: str) -> str:
    """{{ amount_minor|money:currency }} → "EUR 1,234.50"."""
    return format_money(int(amount_minor), currency)
