"""/api/v1/ endpoints for terms, resolutions, targets, programs, tasks and coverage (being written)."""

from ninja import Router

router = Router(tags=["plans"])
