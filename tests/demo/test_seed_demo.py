"""The demo province: idempotent, deterministic, believable, and usable by the demo accounts."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.test import RequestFactory
from django.utils import timezone

from nghiquyet.accounts.models import Person, RoleAssignment
from nghiquyet.accounts.roles import Role
from nghiquyet.accounts.scope import units_visible
from nghiquyet.audit.models import AuditEvent
from nghiquyet.demo import data
from nghiquyet.demo.seed import DEMO_PASSWORD, DEMO_USERS, MERGED_COMMUNE_CODE, build_plan, plan_fingerprint, seed_demo
from nghiquyet.org.models import Reorganization, Unit, UnitKind, UnitSuccession, UnitVersion
from nghiquyet.org.selectors import tree_as_of, tree_ids, unit_members_total

pytestmark = pytest.mark.django_db

REORGANIZATION_DAY = dt.date(2025, 7, 1)


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _counts() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "versions": UnitVersion.objects.count(),
        "reorganizations": Reorganization.objects.count(),
        "successions": UnitSuccession.objects.count(),
        "people": Person.objects.count(),
        "assignments": RoleAssignment.objects.count(),
        "users": get_user_model().objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def _db_fingerprint() -> str:
    """Everything that must be equal on every machine (no primary keys, no timestamps)."""
    codes = dict(Unit.objects.values_list("pk", "code"))
    rows = [
        ("unit", u.code, u.name, u.short_name, u.kind, u.member_count, codes.get(u.parent_id), u.valid_from,
         u.valid_to)
        for u in Unit.objects.all()
    ]
    rows += [
        ("version", codes[v.unit_id], codes.get(v.parent_id), v.name, v.valid_from, v.valid_to)
        for v in UnitVersion.objects.all()
    ]
    rows += [
        ("succession", codes[s.predecessor_id], codes[s.successor_id], s.effective_date, s.member_share)
        for s in UnitSuccession.objects.all()
    ]
    rows += [
        ("person", codes[p.unit_id], p.full_name, p.position, p.user.username if p.user else "")
        for p in Person.objects.select_related("user")
    ]
    rows += [
        ("role", a.user.username, codes[a.unit_id], a.role) for a in RoleAssignment.objects.select_related("user")
    ]
    text = "\n".join(repr(row) for row in sorted(rows, key=repr))
    return hashlib.sha256(text.encode()).hexdigest()


def _province() -> Unit:
    return Unit.objects.get(code=data.PROVINCE_CODE)


def _demo_unit(username: str) -> Unit:
    return RoleAssignment.objects.get(user__username=username).unit


def test_seed_twice_changes_nothing():
    """Idempotent: the second run writes nothing. (How long a seed takes is printed by `nghiquyet seed_demo` and
    measured in bench/, not asserted here: a loaded CI machine is no measure.)"""
    first = seed_demo()
    assert first.created
    before = _counts()
    fingerprint = _db_fingerprint()

    second = seed_demo()
    assert not second.created
    assert _counts() == before
    assert _db_fingerprint() == fingerprint
    assert (second.units_by_kind, second.members, second.people) == (first.units_by_kind, first.members,
                                                                     first.people)
    assert before["users"] == len(DEMO_USERS)
    assert before["assignments"] == len(DEMO_USERS)


def test_rerun_restores_demo_accounts():
    seed_demo()
    User = get_user_model()
    user = User.objects.get(username="demo-xa")
    user.set_password("something-else-123")
    user.is_active = False
    user.save()
    RoleAssignment.objects.filter(user=user).delete()
    User.objects.get(username="demo-chibo").delete()  # the person stays, unlinked (SET_NULL)

    seed_demo()
    user.refresh_from_db()
    assert user.is_active and user.check_password(DEMO_PASSWORD)
    assert RoleAssignment.objects.filter(user=user, role=Role.OFFICE_STAFF, unit__code=MERGED_COMMUNE_CODE).exists()
    chibo = User.objects.get(username="demo-chibo")
    assert chibo.person.unit.code == "HT.X.DONGHOA.CB01"
    assert Person.objects.filter(full_name=chibo.person.full_name, position="Bí thư chi bộ").count() == 1
    assert User.objects.count() == len(DEMO_USERS)


def test_about_thirty_communes_with_branches_and_consistent_members():
    seed_demo()
    province = _province()
    assert province.kind == UnitKind.PROVINCE
    assert province.valid_from == dt.date(1997, 1, 1)
    communes = list(Unit.objects.active().filter(parent=province, kind=UnitKind.COMMUNE))
    assert 28 <= len(communes) <= 32
    total = 0
    for commune in communes:
        assert commune.name.startswith(("Đảng bộ xã ", "Đảng bộ phường "))
        branches = commune.children.active().filter(kind=UnitKind.BRANCH)
        assert 8 <= branches.count() <= 15, commune.name
        assert all(5 <= b.member_count <= 60 for b in branches), commune.name
        # Members sit in branches; a committee's own count is 0 and its total is the subtree's.
        assert commune.member_count == 0, commune.name
        assert unit_members_total(commune) == branches.aggregate(n=Sum("member_count"))["n"], commune.name
        kinds = sorted(commune.children.active().exclude(kind=UnitKind.BRANCH).values_list("kind", flat=True))
        assert kinds == sorted([UnitKind.PEOPLES_COMMITTEE, UnitKind.FATHERLAND_FRONT] + [
            UnitKind.MASS_ORGANIZATION] * 4), commune.name
        place = commune.name.removeprefix("Đảng bộ ")
        assert commune.children.filter(name=f"Ủy ban nhân dân {place}").exists()
        assert commune.children.filter(name=f"Ủy ban MTTQ Việt Nam {place}").exists()
        # Every active branch has its secretary; every commune its secretary and office.
        assert Person.objects.filter(unit__in=branches, position="Bí thư chi bộ").count() == branches.count()
        positions = set(commune.people.values_list("position", flat=True))
        assert any(p.startswith("Bí thư Đảng ủy") for p in positions)
        assert "Chánh Văn phòng Đảng ủy" in positions
        total += unit_members_total(commune)
    assert any("Đông Sơn" in c.name for c in communes)

    bloc = Unit.objects.get(parent=province, kind=UnitKind.SECTOR_BLOC)
    assert bloc.name == "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh"
    grassroots = bloc.children.active()
    assert {g.kind for g in grassroots} == {UnitKind.AGENCY, UnitKind.ENTERPRISE}
    for committee in grassroots:
        branches = committee.children.active().filter(kind=UnitKind.BRANCH)
        assert branches.count() >= 3
        assert unit_members_total(committee) == branches.aggregate(n=Sum("member_count"))["n"]
    assert unit_members_total(bloc) == sum(unit_members_total(g) for g in grassroots)
    assert unit_members_total(province) == total + unit_members_total(bloc)
    assert province.people.filter(position="Bí thư Tỉnh ủy").count() == 1


def test_history_of_the_2025_reorganization():
    seed_demo()
    province = _province()
    merged = Unit.objects.get(code=MERGED_COMMUNE_CODE)
    assert merged == _demo_unit("demo-xa")
    assert merged.parent == province and merged.valid_from == REORGANIZATION_DAY

    links = UnitSuccession.objects.filter(successor=merged).select_related("predecessor", "reorganization")
    assert links.count() == 3
    old_communes = [link.predecessor for link in links]
    for link in links:
        assert link.predecessor.kind == UnitKind.COMMUNE
        assert link.predecessor.valid_to == REORGANIZATION_DAY
        assert link.effective_date == REORGANIZATION_DAY
        assert link.reorganization.decision_ref == "Quyết định 1686-QĐ/TU"
    # Members sit in branches: the merged committee has none of its own, each share counts a whole subtree.
    assert merged.member_count == 0
    assert all(link.member_share > 0 for link in links)

    district = Unit.objects.get(kind=UnitKind.DISTRICT)
    assert district.name.startswith("Đảng bộ huyện ")
    assert district.valid_from == dt.date(1997, 1, 1)
    assert district.valid_to == REORGANIZATION_DAY
    assert not district.children.active().exists()
    # The district's other communes moved under the province and keep their history.
    moved = Unit.objects.filter(code__in=[f"HT.X.{c}" for c in ("DONGTHANH", "DONGMINH", "DONGKHE")])
    assert moved.count() == 3
    for commune in moved:
        assert commune.parent == province and commune.is_active
        assert list(commune.versions.values_list("parent_id", flat=True)) == [district.pk, province.pk]

    before = tree_ids(tree_as_of(province, dt.date(2025, 1, 1)))
    now = tree_ids(tree_as_of(province, timezone.localdate()))
    assert district.pk in before and district.pk not in now
    for old in old_communes:
        assert old.pk in before and old.pk not in now
    assert merged.pk not in before and merged.pk in now
    assert all(c.pk in before and c.pk in now for c in moved)
    # Branches of the old communes live on in the merged commune.
    chibo_branch = _demo_unit("demo-chibo")
    assert chibo_branch.pk in before and chibo_branch.pk in now
    assert chibo_branch.parent == merged
    assert chibo_branch.versions.first().parent in old_communes

    # The audit trail and reorganization log were written by the system.
    assert AuditEvent.objects.filter(actor__isnull=True, actor_name="").count() > 1000
    assert Reorganization.objects.filter(kind="merge").count() == 4
    assert Reorganization.objects.filter(kind="move", effective_date=REORGANIZATION_DAY).count() == 3
    assert Reorganization.objects.filter(kind="close", effective_date=REORGANIZATION_DAY).count() == 1


def test_demo_users_log_in_and_see_their_scope(client):
    seed_demo()
    request = RequestFactory().post("/dang-nhap/")
    for demo in DEMO_USERS:
        user = authenticate(request, username=demo.username, password=DEMO_PASSWORD)
        assert user is not None, demo.username
        assert user.first_name and user.last_name and not user.is_superuser and not user.is_staff
        assert user.person.full_name == demo.full_name
        assert user.person.unit.code == demo.unit_code
        assert list(user.role_assignments.values_list("role", flat=True)) == [demo.role]

    User = get_user_model()
    xa, xa2 = User.objects.get(username="demo-xa"), User.objects.get(username="demo-xa2")
    assert _demo_unit("demo-tinh") == _province()
    assert _demo_unit("demo-chibo").kind == UnitKind.BRANCH
    other = _demo_unit("demo-xa2")
    assert other.kind == UnitKind.COMMUNE and other != _demo_unit("demo-xa")

    visible = set(units_visible(xa).values_list("pk", flat=True))
    assert _demo_unit("demo-chibo").pk in visible
    predecessors = UnitSuccession.objects.filter(successor=_demo_unit("demo-xa")).values_list("predecessor", flat=True)
    assert set(predecessors) <= visible  # history, read only
    assert not visible & set(Unit.objects.filter(path__under=other.path).values_list("pk", flat=True))
    assert _province().pk not in visible
    assert _demo_unit("demo-xa").pk not in set(units_visible(xa2).values_list("pk", flat=True))

    client.force_login(xa)
    response = client.get("/")
    assert response.status_code == 200
    assert xa.person.full_name in response.content.decode()


def test_seed_is_deterministic():
    with transaction.atomic():
        seed_demo()
        first = _db_fingerprint()
        transaction.set_rollback(True)
    assert not Unit.objects.exists()
    seed_demo()
    assert _db_fingerprint() == first
    # The tree of the plan, plus the Central Committee that issues the thematic resolution.
    assert set(Unit.objects.exclude(kind=UnitKind.CENTRAL).values_list("code", flat=True)) == {
        s.code for s in build_plan().specs()}


def test_plan_does_not_depend_on_the_hash_seed():
    code = "import django; django.setup(); from nghiquyet.demo.seed import plan_fingerprint; print(plan_fingerprint())"
    results = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "DJANGO_SETTINGS_MODULE": "nghiquyet.settings"}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        results.add(out.stdout.strip())
    assert results == {plan_fingerprint()}


def test_command_prints_summary_and_logins():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "Đảng viên:" in text and "Cán bộ:" in text and "Chi bộ:" in text
    for demo in DEMO_USERS:
        assert demo.username in text
    assert DEMO_PASSWORD in text

    out = StringIO()
    call_command("seed_demo", "--quiet", stdout=out)
    text = out.getvalue()
    assert "Đảng viên:" not in text
    lines = [line for line in text.splitlines() if line.startswith("demo-")]
    assert len(lines) == len(DEMO_USERS)
    assert "Đảng bộ xã Đông Sơn" in text
