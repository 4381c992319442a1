"""Reads of action programs and tasks. Programs are readable from below; tasks only in scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from nghiquyet.accounts.scope import issued_above_filter, scope_filter
from nghiquyet.programs.models import ActionProgram, Task, TaskStatus

TASK_RELATED = ("program__unit", "directing", "responsible", "advisor", "unit")


def programs_visible(user, *, unit=None, resolution=None) -> QuerySet[ActionProgram]:
    programs = issued_above_filter(ActionProgram.objects.all(), user).select_related("unit", "resolution")
    if unit is not None:
        programs = programs.filter(unit=unit)
    if resolution is not None:
        programs = programs.filter(resolution=resolution)
    return programs


def program_get(user, pk) -> ActionProgram:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404(_("Không tìm thấy chương trình.")) from None
    program = programs_visible(user).filter(pk=pk).first()
    if program is None:
        raise Http404(_("Không tìm thấy chương trình."))
    return program


def tasks_visible(user, *, program=None, status: str = "") -> QuerySet[Task]:
    tasks = scope_filter(Task.objects.all(), user).select_related(*TASK_RELATED).prefetch_related("coordinating")
    if program is not None:
        tasks = tasks.filter(program=program)
    return filter_status(tasks, status)


def task_get(user, pk) -> Task:
    """A task in the user's scope, or one the user directs, owns or advises."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404(_("Không tìm thấy nhiệm vụ.")) from None
    task = (tasks_visible(user) | my_tasks(user)).filter(pk=pk).first()
    if task is None:
        raise Http404(_("Không tìm thấy nhiệm vụ."))
    return task


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

def program_people(user, program: ActionProgram):
    """People of the program's unit and of the units directly under it (who may direct, own or advise its
    tasks: a commune's committee members include its branch secretaries), in the user's scope.

    Current units only: people of merged-away predecessors are history and never get new tasks. Deeper
    levels are left out on purpose: a province program would otherwise offer every person of the province."""
    from nghiquyet.accounts.models import Person
    from nghiquyet.accounts.scope import unit_scope_q

    return (Person.objects.filter(unit__path__under=program.unit.path, unit__depth__lte=program.unit.depth + 1)
            .filter(unit_scope_q(user, prefix="unit__", with_history=False))
            .select_related("unit").order_by("unit__path", "id"))


def program_bodies(user, program: ActionProgram):
    """Bodies that may coordinate tasks: government, Fatherland Front, mass organizations of the unit
    (the implementing bodies directly under it)."""
    from nghiquyet.accounts.scope import unit_scope_q
    from nghiquyet.org.models import Unit, UnitKind

    return Unit.objects.filter(unit_scope_q(user, with_history=False), path__under=program.unit.path,
                               depth__lte=program.unit.depth + 1, valid_to__isnull=True,
                               kind__in=UnitKind.implementing_kinds()).order_by("path")


def program_tasks(user, program: ActionProgram, *, status: str = "") -> QuerySet[Task]:
    return tasks_visible(user, program=program, status=status).order_by("id")


def task_updates(task: Task):
    return task.updates.select_related("author").prefetch_related("evidence")
