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

FORMATS = ("docx", "pdf", "xlsx")


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
