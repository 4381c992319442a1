"""Reads of action programs and tasks. Programs are readable from below; tasks only in scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nghiquyet.accounts.models import Person
from nghiquyet.accounts.scope import issued_above_filter, scope_filter
from nghiquyet.core.ids import get_or_404
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.programs.models import ActionProgram, Task, TaskEvidence, TaskStatus

TASK_RELATED = ("program__unit", "directing", "responsible", "advisor", "unit")


def programs_visible(user, *, unit=None, resolution=None) -> QuerySet[ActionProgram]:
    programs = issued_above_filter(ActionProgram.objects.all(), user).select_related("unit", "resolution")
    if unit is not None:
        programs = programs.filter(unit=unit)
    if resolution is not None:
        programs = programs.filter(resolution=resolution)
    return programs


def program_get(user, pk) -> ActionProgram:
    return get_or_404(programs_visible(user), pk, _("Không tìm thấy chương trình."))


def tasks_visible(user, *, program=None, status: str = "") -> QuerySet[Task]:
    tasks = scope_filter(Task.objects.all(), user).select_related(*TASK_RELATED).prefetch_related("coordinating")
    if program is not None:
        tasks = tasks.filter(program=program)
    return filter_status(tasks, status)


def task_get(user, pk) -> Task:
    """A task in the user's scope, or one the user directs, owns or advises."""
    return get_or_404(tasks_visible(user) | my_tasks(user), pk, _("Không tìm thấy nhiệm vụ."))


def my_tasks(user, *, status: str = "") -> QuerySet[Task]:
    """Tasks the signed-in person directs, is responsible for or advises, across units."""
    if not user.is_authenticated:
        return Task.objects.none()
    mine = Q(directing__user=user) | Q(responsible__user=user) | Q(advisor__user=user)
    tasks = Task.objects.filter(mine).select_related(*TASK_RELATED).order_by("due_date", "id")
    return filter_status(tasks, status)


def filter_status(tasks: QuerySet[Task], status: str) -> QuerySet[Task]:
    """Filter by the effective status: "overdue" is derived from the due date."""
    today = timezone.localdate()
    open_ = ~Q(status__in=[TaskStatus.DONE, TaskStatus.CANCELLED])
    if status == TaskStatus.OVERDUE:
        return tasks.filter(open_, due_date__lt=today)
    if status in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS):
        return tasks.filter(status=status).exclude(due_date__lt=today)
    if status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        return tasks.filter(status=status)
    return tasks


def task_counts(tasks: QuerySet[Task]) -> dict[str, int]:
    """Counts by effective status in one query."""
    from django.db.models import Count

    today = timezone.localdate()
    open_ = ~Q(status__in=[TaskStatus.DONE, TaskStatus.CANCELLED])
    return tasks.order_by().aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=TaskStatus.DONE)),
        cancelled=Count("id", filter=Q(status=TaskStatus.CANCELLED)),
        overdue=Count("id", filter=open_ & Q(due_date__lt=today)),
        in_progress=Count("id", filter=Q(status=TaskStatus.IN_PROGRESS) & ~Q(due_date__lt=today)),
        not_started=Count("id", filter=Q(status=TaskStatus.NOT_STARTED) & ~Q(due_date__lt=today)),
    )


# ------------------------------------------------------------------ for the pages

# Who and what a program's tasks may name. ONE rule, in two forms kept side by side (a query for the lists the
# pages and the API offer, a test on loaded objects for the service); tests/programs check they agree.

def _people_units_q(unit: Unit, prefix: str = "") -> Q:
    """Units whose people may direct, own or advise a task of ``unit``'s programs: the unit itself, the units
    directly under it (a commune's committee members include its branch secretaries) and its ancestors (a
    branch task may be directed by a commune standing committee member). Current units only."""
    return Q(**{f"{prefix}valid_to__isnull": True}) & (
        Q(**{f"{prefix}pk__in": [unit.pk, *unit.ancestor_ids]}) | Q(**{f"{prefix}parent_id": unit.pk}))


def person_assignable(unit: Unit, person) -> bool:
    """The same rule as ``_people_units_q`` on a loaded person (``person.unit`` select_related)."""
    candidate = person.unit
    return candidate.valid_to is None and (
        candidate.pk == unit.pk or candidate.pk in unit.ancestor_ids or candidate.parent_id == unit.pk)


def body_kinds() -> set[str]:
    return UnitKind.implementing_kinds() | {UnitKind.BRANCH}


def _bodies_q(unit: Unit) -> Q:
    """Bodies that may coordinate a task of ``unit``'s programs: the government, Fatherland Front, mass
    organizations and party branches directly under the unit. Current units only."""
    return Q(valid_to__isnull=True, parent_id=unit.pk, kind__in=body_kinds())


def body_assignable(unit: Unit, body) -> bool:
    """The same rule as ``_bodies_q`` on a loaded unit."""
    return body.valid_to is None and body.parent_id == unit.pk and body.kind in body_kinds()


def people_assignable(unit: Unit, *, keep: Iterable[int] = ()) -> QuerySet[Person]:
    """People a task of ``unit``'s programs may name, plus ``keep`` (the people a task being edited already
    names: a person moved elsewhere since stays on the task until someone replaces them)."""
    keep = [pk for pk in keep if pk is not None]
    rule = _people_units_q(unit, prefix="unit__")
    if keep:
        rule |= Q(pk__in=keep)
    return Person.objects.filter(rule).select_related("unit").order_by("unit__path", "id")


def bodies_assignable(unit: Unit, *, keep: Iterable[int] = ()) -> QuerySet[Unit]:
    keep = [pk for pk in keep if pk is not None]
    rule = _bodies_q(unit)
    if keep:
        rule |= Q(pk__in=keep)
    return Unit.objects.filter(rule).order_by("path")


def program_people(user, program: ActionProgram, *, task: Task | None = None) -> QuerySet[Person]:
    """People who may direct, own or advise ``program``'s tasks (``people_assignable``; with ``task``, also
    the people it names now). Exactly what ``task_create``/``task_update`` accept: reading the program is
    the caller's check (``program_get``), the names of the unit's ancestors' people are not a secret to it."""
    keep = (task.directing_id, task.responsible_id, task.advisor_id) if task is not None else ()
    return people_assignable(program.unit, keep=keep)


def program_bodies(user, program: ActionProgram, *, task: Task | None = None) -> QuerySet[Unit]:
    """Bodies that may coordinate ``program``'s tasks (``bodies_assignable``; with ``task``, also the
    bodies it names now)."""
    keep = [b.pk for b in task.coordinating.all()] if task is not None else ()
    return bodies_assignable(program.unit, keep=keep)


def program_tasks(user, program: ActionProgram, *, status: str = "") -> QuerySet[Task]:
    return tasks_visible(user, program=program, status=status).order_by("id")


def task_updates(task: Task):
    return task.updates.select_related("author").prefetch_related("evidence")


def task_links_up(user, task: Task) -> list:
    """The task's links up whose target or item the user may read (as the API shows them)."""
    from nghiquyet.resolutions import selectors as resolution_selectors
    from nghiquyet.resolutions.models import Alignment

    return resolution_selectors.readable_links_up(user, Alignment.objects.filter(from_task=task))


def evidence_get(user, pk) -> TaskEvidence:
    """An evidence file of a task the user may read (``task_get``), or 404."""
    evidence = get_or_404(TaskEvidence.objects.select_related("update"), pk, _("Không tìm thấy tệp minh chứng."))
    task_get(user, evidence.update.task_id)
    return evidence
