"""The demo province's plans (issue 3 §8): resolutions, targets, alignment, action programs and tasks.

The directory's conftest empties the database, so every test seeds from nothing (a few seconds each):
the shape checks share one seed.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404

from nghiquyet.accounts.models import RoleAssignment
from nghiquyet.demo import data, plans
from nghiquyet.demo.seed import seed_demo, summary_lines
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.programs.models import ActionProgram, Task, TaskStatus, TaskUpdate
from nghiquyet.programs.selectors import my_tasks, programs_visible, task_get, tasks_visible
from nghiquyet.resolutions.models import (
    Aggregation,
    Alignment,
    Congress,
    Direction,
    Document,
    Domain,
    ItemKind,
    Milestone,
    ResolutionItem,
    Target,
    Term,
)
from nghiquyet.resolutions.selectors import coverage, documents_visible, targets_visible

pytestmark = pytest.mark.django_db

DEMO_TODAY = dt.date(2026, 11, 25)


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _unit_of(username: str) -> Unit:
    return RoleAssignment.objects.select_related("unit").get(user__username=username).unit


def _counts() -> dict[str, int]:
    models = (Term, Congress, Document, ResolutionItem, Target, Milestone, Alignment, ActionProgram, Task,
              TaskUpdate, Document.implements.through, Task.coordinating.through)
    return {model.__name__: model.objects.count() for model in models}


def _plans_fingerprint() -> str:
    """Every plan row that must be equal on every machine (no primary keys, no timestamps)."""
    def unit(obj) -> str:
        return obj.unit.code

    def target_key(t: Target | None):
        return (t.unit.code, t.document.symbol, t.number) if t is not None else None

    def item_key(i: ResolutionItem | None):
        return (i.document.unit.code, i.document.symbol, i.kind, i.number) if i is not None else None

    def task_key(t: Task | None):
        return (t.unit.code, t.program.symbol, t.number) if t is not None else None

    rows = [("term", unit(t), t.start_year, t.end_year) for t in Term.objects.select_related("unit")]
    rows += [("congress", unit(c.term), c.ordinal, c.held_from, c.held_to)
             for c in Congress.objects.select_related("term__unit")]
    rows += [("document", unit(d), d.symbol, d.issuer_code, d.issued_on, d.title, d.full_text,
              d.is_congress_resolution, str(d.term) if d.term else None,
              sorted(x.symbol for x in d.implements.all()))
             for d in Document.objects.select_related("unit", "term").prefetch_related("implements")]
    rows += [("item", item_key(i), i.title, i.description)
             for i in ResolutionItem.objects.select_related("document__unit")]
    rows += [("target", target_key(t), t.name, t.domain, t.measure, t.baseline_year, str(t.baseline_value),
              str(t.target_value), t.direction, t.aggregation, t.weight_name, t.numerator_name, t.denominator_name,
              str(t.threshold), t.criteria_total, target_key(t.copied_from),
              [(m.year, str(m.value)) for m in t.milestones.all()])
             for t in Target.objects.select_related("unit", "document", "copied_from__unit",
                                                    "copied_from__document").prefetch_related("milestones")]
    rows += [("link", a.from_unit.code, target_key(a.from_target), item_key(a.from_item), task_key(a.from_task),
              target_key(a.to_target), item_key(a.to_item))
             for a in Alignment.objects.select_related(
                 "from_unit", "from_target__unit", "from_target__document", "from_item__document__unit",
                 "from_task__unit", "from_task__program", "to_target__unit", "to_target__document",
                 "to_item__document__unit")]
    rows += [("program", unit(p), p.symbol, p.title, p.issued_on, p.resolution.symbol)
             for p in ActionProgram.objects.select_related("unit", "resolution")]
    rows += [("task", task_key(t), t.title, t.directing.full_name, t.responsible.full_name, t.advisor.full_name,
              t.start_date, t.due_date, t.deliverable, t.authority, t.status, t.percent, t.completed_on,
              sorted(u.code for u in t.coordinating.all()))
             for t in Task.objects.select_related("unit", "program", "directing", "responsible", "advisor")
             .prefetch_related("coordinating")]
    rows += [("update", task_key(u.task), u.on, u.note, u.percent)
             for u in TaskUpdate.objects.select_related("task__unit", "task__program")]
    text = "\n".join(repr(row) for row in sorted(rows, key=repr))
    return hashlib.sha256(text.encode()).hexdigest()


def test_plans_shape_scope_and_coverage():
    result = seed_demo()
    assert result.plans is not None and result.plans.created
    assert any(line.startswith("Nghị quyết:") and "nhiệm vụ:" in line for line in summary_lines(result))

    province = Unit.objects.get(code=data.PROVINCE_CODE)
    term = Term.objects.get(unit=province)
    assert (term.start_year, term.end_year) == (2025, 2030)
    assert term.congress.ordinal == "XXI" and term.congress.held_from.year == 2025
    resolution = Document.objects.get(unit=province, is_congress_resolution=True)
    assert (resolution.symbol, resolution.type_code, resolution.term) == ("01-NQ/ĐH", "NQ", term)
    kinds = list(resolution.items.values_list("kind", flat=True))
    assert kinds.count(ItemKind.KEY_PROGRAM) == 3 and kinds.count(ItemKind.BREAKTHROUGH) == 3
    assert ItemKind.OBJECTIVE in kinds

    # About twenty targets over the five domains, with baselines, milestones inside the term.
    targets = list(resolution.targets.prefetch_related("milestones"))
    assert 18 <= len(targets) <= 24
    assert {t.domain for t in targets} == set(Domain.values)
    assert {t.aggregation for t in targets} == set(Aggregation.values)
    assert {t.direction for t in targets} == set(Direction.values)
    for target in targets:
        assert target.baseline_year == 2025 and target.baseline_value is not None
        years = [m.year for m in target.milestones.all()]
        assert years == list(range(2026, 2031)), target.name
        assert target.milestones.all()[4].value == target.target_value
    poverty = next(t for t in targets if "hộ nghèo" in t.name)
    assert poverty.direction == Direction.LOWER and poverty.target_value < poverty.baseline_value
    assert Milestone.objects.exclude(year__range=(2025, 2030)).count() == 0

    # The thematic resolution from above: issued by the Central Committee (a root of its own), implemented by
    # the province's congress resolution and its own action program.
    thematic = Document.objects.get(symbol="57-NQ/TW")
    assert thematic.issuer_code == "TW" and thematic.unit.kind == UnitKind.CENTRAL
    assert thematic in Document.objects.get(unit=province, is_congress_resolution=True).implements.all()
    assert ActionProgram.objects.filter(unit=province, resolution=thematic).exists()

    # Commune resolutions for most communes, targets copied down, adjusted, linked upward.
    communes = list(Unit.objects.active().filter(parent=province, kind=UnitKind.COMMUNE))
    with_resolution = Document.objects.filter(unit__in=communes, is_congress_resolution=True)
    assert len(communes) - 4 <= with_resolution.count() < len(communes)
    assert all(thematic in d.implements.all() for d in with_resolution)
    commune_targets = Target.objects.filter(unit__in=communes)
    assert commune_targets.count() > 10 * with_resolution.count()
    assert not commune_targets.filter(copied_from__isnull=True).exists()
    assert not commune_targets.exclude(links_up__to_target__unit=province).exists()
    assert commune_targets.filter(criteria_total=19).exists()
    adjusted = [t for t in commune_targets.select_related("copied_from")
                if t.target_value != t.copied_from.target_value]
    assert len(adjusted) > 5 * with_resolution.count()
    assert Milestone.objects.filter(target__unit__in=communes).exclude(year__range=(2025, 2030)).count() == 0

    # Coverage: some provincial targets are left uncovered by some communes, not all by all.
    tinh = _user("demo-tinh")
    subordinates, rows = coverage(tinh, province, document=resolution)
    assert len(rows) == len(targets)
    dong_son = _unit_of("demo-xa")
    assert dong_son in subordinates
    partial = [row for row in rows if row.covered and any(u.kind == UnitKind.COMMUNE for u in row.uncovered)]
    assert len(partial) >= 10
    by_number = {row.target.number: row for row in rows}
    binh_minh = Unit.objects.get(code="HT.X.BINHMINH")
    assert binh_minh in by_number["16"].uncovered and binh_minh in by_number["1"].covered
    assert dong_son in by_number["4"].covered          # via a task of the commune's 57-NQ/TW plan

    # Tasks: all clears, some done with progress, some overdue, some in progress.
    tasks = list(Task.objects.filter(unit__path__under=province.path).select_related("program"))
    assert len(tasks) >= 30
    for task in tasks:
        assert task.title and task.directing and task.responsible and task.advisor
        assert task.start_date <= task.due_date and task.deliverable and task.authority
    done = [t for t in tasks if t.status == TaskStatus.DONE]
    overdue = [t for t in tasks if t.status not in (TaskStatus.DONE, TaskStatus.CANCELLED)
               and t.due_date < DEMO_TODAY]
    in_progress = [t for t in tasks if t.status == TaskStatus.IN_PROGRESS and t.due_date >= DEMO_TODAY]
    assert len(done) >= 5 and len(overdue) >= 5 and len(in_progress) >= 5
    assert all(t.percent == 100 and t.completed_on and t.updates.exists() for t in done)
    assert TaskUpdate.objects.filter(on__gt=DEMO_TODAY).count() == 0
    assert Task.objects.filter(status=TaskStatus.NOT_STARTED).exists()
    assert result.plans.tasks == len(tasks) and result.plans.overdue == len(overdue)

    # The demo people carry tasks: demo-xa and demo-chibo among the responsible people.
    xa, xa2, chibo = _user("demo-xa"), _user("demo-xa2"), _user("demo-chibo")
    assert Task.objects.filter(responsible__user=xa).count() >= 2 and Task.objects.filter(advisor__user=xa).exists()
    assert Task.objects.filter(responsible__user=chibo).count() >= 3
    assert Task.objects.filter(responsible__user=xa2).exists()
    assert my_tasks(xa).count() >= 5 and my_tasks(chibo).count() >= 3 and my_tasks(xa2).exists()
    assert my_tasks(_user("demo-tinh")).exists()
    branch = _unit_of("demo-chibo")
    assert Task.objects.filter(unit=branch).count() >= 3

    # demo-xa sees the province's resolution, its commune's programs and tasks (and its branch's).
    visible_documents = set(documents_visible(xa))
    assert resolution in visible_documents and thematic in visible_documents
    own_programs = ActionProgram.objects.filter(unit__path__under=dong_son.path)
    assert own_programs.count() >= 3
    assert set(own_programs) <= set(programs_visible(xa))
    assert set(ActionProgram.objects.filter(unit=province)) <= set(programs_visible(xa))
    own_tasks = Task.objects.filter(unit__path__under=dong_son.path)
    assert set(own_tasks) == set(tasks_visible(xa))   # not the province's tasks, not another commune's
    assert targets_visible(xa, document=resolution).count() == len(targets)

    # demo-xa2 sees neither demo-xa's tasks nor demo-xa's programs.
    other = _unit_of("demo-xa2")
    assert Task.objects.filter(unit=other).exists()
    assert not set(own_tasks) & set(tasks_visible(xa2))
    with pytest.raises(Http404):
        task_get(xa2, own_tasks.first().pk)
    assert not programs_visible(xa2).filter(unit=dong_son).exists()
    assert resolution in set(documents_visible(xa2))


def test_plans_are_deterministic_added_to_an_existing_province_and_idempotent(monkeypatch):
    with transaction.atomic():
        seed_demo()
        first = _plans_fingerprint()
        counts = _counts()
        transaction.set_rollback(True)
    assert not Document.objects.exists()

    # A demo database seeded before the plans existed: re-running adds them, the same as a fresh seed.
    from nghiquyet.demo import seed as seed_module

    with monkeypatch.context() as patch:
        patch.setattr(seed_module, "seed_plans", lambda province, say=None: None)
        seed_demo()
    assert not Document.objects.exists()
    result = seed_demo()
    assert result.plans is not None and result.plans.created
    assert _plans_fingerprint() == first
    assert _counts() == counts

    # Running again changes nothing.
    again = seed_demo()
    assert again.plans is not None and not again.plans.created
    assert _counts() == counts
    assert _plans_fingerprint() == first
    assert (again.plans.targets, again.plans.tasks, again.plans.links) == (result.plans.targets,
                                                                          result.plans.tasks, result.plans.links)
    assert plans.seed_plans(Unit.objects.get(code=data.PROVINCE_CODE)).created is False
    assert _counts() == counts
