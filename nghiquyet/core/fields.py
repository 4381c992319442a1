"""A materialized-path field whose subtree lookup uses an index on SQLite and PostgreSQL."""

from __future__ import annotations

from django.db import models
from django.db.models import Lookup


class TreePathField(models.CharField):
    """Path of ids from the root, e.g. ``/1/17/342/``. Always starts and ends with ``/``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)


@TreePathField.register_lookup
class PathUnder(Lookup):
    """``path__under="/1/17/"``: the node with that path and all its descendants.

    PostgreSQL: ``LIKE 'prefix%'`` served by the varchar_pattern_ops index Django creates
    for indexed CharFields. SQLite: a byte range on the plain index ('/' + 1 == '0').
    Both avoid collation traps, so the query stays an index range scan at 300,000 units.
    """

    lookup_name = "under"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = str(self.rhs)
        if not (prefix.startswith("/") and prefix.endswith("/")):
            raise ValueError(f"tree path must start and end with '/': {prefix!r}")
        if connection.vendor == "postgresql":
            pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            return f"{lhs} LIKE %s", [*lhs_params, pattern]
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, prefix, *lhs_params, upper]


def path_ids(path: str) -> list[int]:
    """``/1/17/342/`` -> ``[1, 17, 342]``."""
    return [int(part) for part in path.strip("/").split("/") if part]
