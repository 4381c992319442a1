from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, queryset, per_page: int | None = None, *, param: str = "page") -> Page:
    """The requested page of ``queryset``; an out-of-range or malformed ``?<param>=`` gives the nearest page.
    ``param`` names the query parameter when one page shows several lists."""
    paginator = Paginator(queryset, per_page or settings.NGHIQUYET["PAGE_SIZE"])
    return paginator.get_page(request.GET.get(param))
