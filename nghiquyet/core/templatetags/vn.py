from django import template

from nghiquyet.core.numbers import format_vn_decimal

register = template.Library()


@register.filter
def vn_number(value, places=None):
    """{{ value|vn_number }} -> 1.234,5 ; {{ value|vn_number:2 }} -> 1.234,50"""
    if value is None or value == "":
        return ""
    try:
        return format_vn_decimal(value, int(places) if places not in (None, "") else None)
    except (ValueError, TypeError, ArithmeticError):
        return str(value)  # shown as typed; never handed back to Django's own number formatting
