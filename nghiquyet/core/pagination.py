from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, queryset, per_page: int | None = None) -> Page:
    """The requested page of ``queryset``; an out-of-range or malformed ``?page=`` gives the nearest page."""
    paginator = Paginator(queryset, per_page or settings.NGHIQUYET["PAGE_SIZE"])
    return paginator.get_page(request.GET.get("page"))
