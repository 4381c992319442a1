"""Who sees what: what ancestors issue (resolutions, items, targets, programs) is readable below, read only;
their tasks are not; siblings see nothing of each other."""

from __future__ import annotations

import pytest
from django.http import Http404

from nghiquyet.programs.selectors import program_get, programs_visible, task_get, tasks_visible
from nghiquyet.resolutions.models import ItemKind
from nghiquyet.resolutions.selectors import (
    document_get,
    documents_visible,
    items_visible,
    target_get,
    targets_visible,
    terms_visible,
)
from nghiquyet.resolutions.services import item_create
from tests.programs.helpers import program_of, task_of
from tests.resolutions.helpers import resolution, target

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(plans, demo):
    """Province, commune, second commune and branch each with a resolution, target, item, program and task."""
    branch_doc = resolution(demo.branch, issuer="CB")
    docs = {"province": plans.province_doc, "commune": plans.commune_doc, "commune2": plans.commune2_doc,
            "branch": branch_doc}
    units = {"province": demo.province, "commune": demo.commune, "commune2": demo.commune2, "branch": demo.branch}
    out = {}
    for key, document in docs.items():
        program = program_of(units[key], document)
        out[key] = {
            "document": document,
            "target": plans.income if key == "province" else target(document, number="1"),
            "item": item_create(actor=None, document=document, kind=ItemKind.KEY_PROGRAM, number="1",
                                title=f"Chương trình trọng tâm {key}"),
            "program": program,
            "task": task_of(program),
            "term": document.term,
        }
    return out


READABLE = {
    # user -> what they may read (their own subtree and what their ancestors issue)
    "xa": {"province", "commune", "branch"},
    "xa2": {"province", "commune2"},
    "chibo": {"province", "commune", "branch"},
    "tinh": {"province", "commune", "commune2", "branch"},
}
TASKS = {  # tasks only in their own subtree
    "xa": {"commune", "branch"},
    "xa2": {"commune2"},
    "chibo": {"branch"},
    "tinh": {"province", "commune", "commune2", "branch"},
}


@pytest.mark.parametrize("who", list(READABLE))
def test_issued_above_is_readable_tasks_are_not(world, demo, who):
    user = getattr(demo, who)
    for key, objs in world.items():
        readable = key in READABLE[who]
        assert documents_visible(user).filter(pk=objs["document"].pk).exists() == readable, (who, key)
        assert targets_visible(user).filter(pk=objs["target"].pk).exists() == readable, (who, key)
        assert items_visible(user).filter(pk=objs["item"].pk).exists() == readable, (who, key)
        assert programs_visible(user).filter(pk=objs["program"].pk).exists() == readable, (who, key)
        assert terms_visible(user).filter(pk=objs["term"].pk).exists() == readable, (who, key)
        assert tasks_visible(user).filter(pk=objs["task"].pk).exists() == (key in TASKS[who]), (who, key)


@pytest.mark.parametrize("who", list(READABLE))
def test_out_of_scope_is_not_found(world, demo, who):
    user = getattr(demo, who)
    for key, objs in world.items():
        getters = [(document_get, objs["document"]), (target_get, objs["target"]),
                   (program_get, objs["program"])]
        for getter, obj in getters:
            if key in READABLE[who]:
                assert getter(user, obj.pk) == obj
            else:
                with pytest.raises(Http404):
                    getter(user, obj.pk)
        if key in TASKS[who]:
            assert task_get(user, objs["task"].pk) == objs["task"]
        else:
            with pytest.raises(Http404):
                task_get(user, objs["task"].pk)
    with pytest.raises(Http404):
        document_get(user, "không-phải-số")
    with pytest.raises(Http404):
        task_get(user, None)


def test_siblings_see_nothing_of_each_other(world, demo):
    commune2 = world["commune2"]
    for user in (demo.xa, demo.chibo):
        assert not documents_visible(user).filter(unit=demo.commune2).exists()
        assert not targets_visible(user).filter(unit=demo.commune2).exists()
        assert not programs_visible(user).filter(unit=demo.commune2).exists()
        assert not tasks_visible(user).filter(unit=demo.commune2).exists()
        assert not items_visible(user).filter(pk=commune2["item"].pk).exists()
    for key in ("commune", "branch"):
        assert not documents_visible(demo.xa2).filter(pk=world[key]["document"].pk).exists()
        assert not tasks_visible(demo.xa2).filter(pk=world[key]["task"].pk).exists()


def test_a_person_of_a_task_above_can_open_it(world, demo):
    """The one exception: a task a person directs, owns or advises is theirs to open, whatever the unit."""
    from nghiquyet.accounts.models import Person
    from nghiquyet.programs.services import task_update

    task = world["commune"]["task"]  # the branch secretary may be named on a task of the commune above
    with pytest.raises(Http404):
        task_get(demo.chibo, task.pk)
    task_update(actor=None, task=task, advisor=Person.objects.get(user=demo.chibo))
    assert task_get(demo.chibo, task.pk) == task
    assert not tasks_visible(demo.chibo).filter(pk=task.pk).exists()
