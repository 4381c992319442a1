"""Which function builds the document of a source kind (for the worker's ``render_job_run``).

A builder is ``build(source_id: int, *, user) -> Built``: the ``PartyDocument``, its tables (for XLSX) and whether
``user`` may have it (``permitted``; a refused or missing source renders nothing). Values are dotted paths (or,
in tests, callables).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nghiquyet.documents.layout import PartyDocument, Table

BUILDERS: dict[str, object] = {
    "review_report": "nghiquyet.reviews.documents.build",
}

FORMATS = ("docx", "pdf", "xlsx")  # as documents.render.CONTENT_TYPES

#: The page of a source, per source kind: a URL name taking the source id (the register's "Nguồn" link, the back
#: link of a render job).
SOURCE_URLS: dict[str, str] = {
    "review_report": "review_report",
}

#: What a source is, per source kind: ``describe(source_id, *, user) -> str`` (a dotted path or a callable), its
#: title for the render-job page ("" when ``user`` may not see it or it is gone). Cheap: never builds the document.
DESCRIBERS: dict[str, object] = {
    "review_report": "nghiquyet.documents.sources.review_report_describe",
}


@dataclass
class Built:
    document: PartyDocument | None
    tables: list[Table] = field(default_factory=list)
    permitted: bool = True


def builder_for(source_kind: str):
    from django.utils.module_loading import import_string

    target = BUILDERS.get(source_kind)
    if target is None:
        raise LookupError(source_kind)
    return target if callable(target) else import_string(target)


def source_url(source_kind: str, source_id: int | None) -> str | None:
    """The page of a register entry's or render job's source, or None (an upload, an unknown kind)."""
    from django.urls import NoReverseMatch, reverse

    name = SOURCE_URLS.get(source_kind)
    if name is None or source_id is None:
        return None
    try:
        return reverse(name, args=[source_id])
    except NoReverseMatch:
        return None


def describe(source_kind: str, source_id: int | None, *, user) -> str:
    """The title of a source as ``user`` may see it ("" when unknown, gone or out of the user's scope)."""
    from django.http import Http404
    from django.utils.module_loading import import_string

    target = DESCRIBERS.get(source_kind)
    if target is None or source_id is None:
        return ""
    function = target if callable(target) else import_string(target)
    try:
        return function(source_id, user=user) or ""
    except (Http404, LookupError):
        return ""
