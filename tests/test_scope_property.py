"""Scope isolation as a property: random trees, random role assignments, random merges.

For every user and unit, the scope selector agrees with a naive oracle that walks parent pointers
(not the materialized paths) and succession links; and through HTTP, every URL of the project that
takes a unit id answers 404 outside the scope and never changes anything there.

The URL patterns are enumerated from Django's resolver, so views added later are covered without
editing this file: a pattern is "about a unit" when it has a ``unit_id`` parameter, or a ``pk``/``id``
parameter under ``/don-vi/`` or ``/api/v1/units/``. Query parameters naming a unit are listed in
``UNIT_QUERY_URLS``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from nghiquyet.accounts.roles import Perm, Role, role_permissions
from nghiquyet.accounts.scope import READ_PERMS, can, unit_get_visible, units_changeable, units_visible
from nghiquyet.accounts.services import role_assign
from nghiquyet.org.models import Unit, UnitKind, UnitSuccession
from nghiquyet.org.services import unit_create, unit_merge

pytestmark = pytest.mark.django_db

START = dt.date(2020, 1, 1)
ROLES = list(Role.values)
UNIT_PARAM_NAMES = {"unit_id"}
GENERIC_PARAM_NAMES = {"pk", "id"}
UNIT_PREFIXES = ("don-vi/", "api/v1/units/")
#: Pages and endpoints that take a unit id in the query string.
UNIT_QUERY_URLS = ["/nhat-ky/?unit={id}", "/api/v1/units?parent={id}", "/api/v1/audit?unit={id}"]
#: Plausible values for the other parameters of a unit URL (the unit check must refuse first).
OTHER_PARAMS = {"schedule_id": 1, "target_id": 1, "period": "quarter-2026-3"}
#: Must be found by the resolver walk (a rename would otherwise silently drop them from the test).
REQUIRED_NAMES = {"unit_detail", "unit_children", "unit_reorganize", "unit_edit", "api-v1:unit_detail"}
#: A form/JSON body with every field a unit write might read, all plausible, so a view that forgot the
#: scope check would actually change something.
WRITE_FORM = {
    "name": "Tên đã bị đổi", "short_name": "Đổi", "code": "HACKED-1", "member_count": "999", "kind": "commune",
    "effective_date": "2025-08-01", "decision_ref": "Quyết định 1-QĐ/TW", "note": "x", "action": "rename",
    "operation": "rename", "confirm": "1", "new_parent": "", "parent": "", "target": "", "sources": "",
}


# ------------------------------------------------------------------ URL enumeration


@dataclass(frozen=True)
class UnitUrl:
    name: str        # "namespace:name"
    route: str       # the full route, for messages
    param: str
    is_api: bool
    is_stub: bool = False  # a placeholder view that answers 404 for everything (not written yet)
    others: tuple[str, ...] = ()  # the route's other parameters, filled from OTHER_PARAMS

    def url(self, unit_id: int) -> str:
        from django.urls import reverse

        return reverse(self.name, kwargs={self.param: unit_id} | {p: OTHER_PARAMS[p] for p in self.others})


def _is_stub(callback) -> bool:
    return getattr(callback, "__name__", "") == "_todo"


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (namespace + p.name) if p.name else None, p.pattern, p.callback


def unit_urls() -> list[UnitUrl]:
    found = []
    for route, name, pattern, callback in _walk(get_resolver().url_patterns):
        if name is None:
            continue
        params = set(getattr(pattern, "converters", {}) or {})
        params |= set(getattr(getattr(pattern, "regex", None), "groupindex", {}))
        for param in sorted(params):
            about_unit = param in UNIT_PARAM_NAMES or (
                param in GENERIC_PARAM_NAMES and route.startswith(UNIT_PREFIXES)
            )
            if about_unit:
                found.append(UnitUrl(name=name, route=route, param=param, is_api=route.startswith("api/"),
                                     is_stub=_is_stub(callback), others=tuple(sorted(params - {param}))))
    return found


def test_resolver_walk_finds_every_unit_url():
    names = {u.name for u in unit_urls()}
    assert names >= REQUIRED_NAMES, REQUIRED_NAMES - names


# ------------------------------------------------------------------ random worlds


@dataclass
class World:
    units: list[Unit]
    users: list
    grants: list[tuple[int, int, str]]    # (user index, unit index, role)


@st.composite
def worlds_spec(draw, max_units: int = 8, users: int = 3):
    n = draw(st.integers(min_value=2, max_value=max_units))
    parents = [None] + [draw(st.integers(min_value=0, max_value=i - 1)) for i in range(1, n)]
    grants = draw(st.lists(
        st.tuples(st.integers(0, users - 1), st.integers(0, n - 1), st.sampled_from(ROLES)), max_size=6,
    ))
    merges = draw(st.lists(st.tuples(st.integers(1, n - 1), st.integers(0, n - 1)), max_size=2))
    return parents, grants, merges, users


def build_world(spec) -> World:
    parents, grants, merges, user_count = spec
    units: list[Unit] = []
    for i, parent_index in enumerate(parents):
        units.append(unit_create(
            actor=None, parent=None if parent_index is None else units[parent_index],
            kind=UnitKind.PROVINCE if parent_index is None else UnitKind.COMMUNE,
            code=f"PROP-{i}", name=f"Đơn vị thử {i}", member_count=10, valid_from=START,
        ))
    for step, (source_index, target_index) in enumerate(merges):
        source, target = Unit.objects.get(pk=units[source_index].pk), Unit.objects.get(pk=units[target_index].pk)
        # A merge into itself, its own descendant or a closed unit is refused: the world stays as it is.
        with contextlib.suppress(ValidationError):
            unit_merge(actor=None, sources=[source], target=target, effective_date=dt.date(2024, 1, 1 + step),
                       decision_ref=f"Quyết định {step + 1}-QĐ/TW")
    users = [get_user_model().objects.create_user(username=f"prop-{i}", password=None) for i in range(user_count)]
    for user_index, unit_index, role in grants:
        unit = Unit.objects.get(pk=units[unit_index].pk)
        if unit.valid_to is None:
            role_assign(actor=None, user=users[user_index], unit=unit, role=role)
    applied = [(u, i, r) for u, i, r in grants if Unit.objects.get(pk=units[i].pk).valid_to is None]
    return World(units=[Unit.objects.get(pk=u.pk) for u in units], users=users, grants=applied)


# ------------------------------------------------------------------ the oracle (parent pointers, no paths)


class Oracle:
    def __init__(self, world: World):
        self.world = world
        self.parent = dict(Unit.objects.values_list("pk", "parent_id"))
        self.closed = {u.pk: u.valid_to is not None for u in world.units}
        self.preds: dict[int, set[int]] = {}
        for pred, succ in UnitSuccession.objects.values_list("predecessor_id", "successor_id"):
            self.preds.setdefault(succ, set()).add(pred)

    def ancestors_or_self(self, unit_id: int) -> set[int]:
        chain, current = set(), unit_id
        while current is not None:
            chain.add(current)
            current = self.parent[current]
        return chain

    def granted(self, user_index: int, perm: str | None) -> set[int]:
        perms = role_permissions()
        return {self.world.units[ui].pk for u, ui, role in self.world.grants
                if u == user_index and (perm is None or perm in perms[role])}

    def in_subtree(self, user_index: int, unit_id: int, perm: str | None = None) -> bool:
        return bool(self.ancestors_or_self(unit_id) & self.granted(user_index, perm))

    def visible(self, user_index: int) -> set[int]:
        base = {u.pk for u in self.world.units if self.in_subtree(user_index, u.pk)}
        result, frontier = set(base), set(base)
        while frontier:
            frontier = {p for s in frontier for p in self.preds.get(s, ())} - result
            result |= frontier
        return result

    def can(self, user_index: int, perm: str, unit_id: int) -> bool:
        if self.closed[unit_id] and perm not in READ_PERMS:
            return False
        return self.in_subtree(user_index, unit_id, perm)


def _in_rollback(fn):
    """Run ``fn`` in a transaction that is always rolled back, so every example starts from the demo data."""
    class _Rollback(Exception):
        pass

    result = []
    try:
        with transaction.atomic():
            result.append(fn())
            raise _Rollback
    except _Rollback:
        pass
    return result[0]


# Deterministic, and no shrinking: a failing world is small already and shrinking HTTP examples takes minutes.
SETTINGS = {
    "deadline": None, "derandomize": True, "phases": [Phase.explicit, Phase.generate],
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}


# ------------------------------------------------------------------ selector level


@settings(max_examples=30, **SETTINGS)
@given(spec=worlds_spec())
def test_selectors_agree_with_oracle(db, demo, spec):
    def check():
        world = build_world(spec)
        oracle = Oracle(world)
        ids = [u.pk for u in world.units]
        outside = [demo.commune.pk, demo.province.pk]
        for index, user in enumerate(world.users):
            expected = oracle.visible(index)
            assert set(units_visible(user).filter(pk__in=ids + outside).values_list("pk", flat=True)) == expected
            for perm in Perm.ALL:
                changeable = set(units_changeable(user, perm).filter(pk__in=ids + outside).values_list("pk", flat=True))
                assert changeable == {i for i in ids if oracle.can(index, perm, i)}, perm
            for unit in world.units:
                for perm in Perm.ALL:
                    assert can(user, perm, unit) == oracle.can(index, perm, unit.pk), (perm, unit.pk)
                if unit.pk in expected:
                    assert unit_get_visible(user, unit.pk) == unit
                    assert unit_get_visible(user, str(unit.pk)) == unit
                else:
                    with pytest.raises(Http404):
                        unit_get_visible(user, unit.pk)
            for pk in outside:
                with pytest.raises(Http404):
                    unit_get_visible(user, pk)
    _in_rollback(check)


def test_superuser_sees_everything(db, demo):
    root = get_user_model().objects.create_superuser(username="prop-root", password=None)
    assert units_visible(root).count() == Unit.objects.count()
    assert can(root, Perm.UNIT_CHANGE, demo.commune)


def test_malformed_ids_are_404(db, demo):
    for bad in ("abc", None, "", "1.5", [1]):
        with pytest.raises(Http404):
            unit_get_visible(demo.tinh, bad)


# ------------------------------------------------------------------ HTTP level


def _fingerprint() -> tuple:
    """Row counts of every table plus the full contents of the unit table."""
    counts = tuple(m._base_manager.count() for m in apps.get_models() if m._meta.managed and m._meta.app_label in
                   {"org", "accounts", "audit", "resolutions", "programs"})
    rows = tuple(Unit.objects.order_by("pk").values_list(
        "pk", "code", "name", "short_name", "member_count", "parent_id", "path", "valid_to"))
    return counts, rows


def _request_all_methods(client: Client, url: str, is_api: bool):
    yield "POST", (client.post(url, WRITE_FORM, content_type="application/json") if is_api
                   else client.post(url, WRITE_FORM))
    if is_api:
        for method in ("put", "patch", "delete"):
            yield method.upper(), getattr(client, method)(url, WRITE_FORM, content_type="application/json")


@settings(max_examples=8, **SETTINGS)
@given(spec=worlds_spec(max_units=6, users=2), picks=st.lists(st.integers(0, 5), min_size=1, max_size=2))
def test_http_respects_scope(db, demo, spec, picks):
    urls = unit_urls()

    def check():
        world = build_world(spec)
        oracle = Oracle(world)
        for index, user in enumerate(world.users):
            client = Client()
            client.force_login(user)
            visible = oracle.visible(index)
            sample = {world.units[p % len(world.units)] for p in picks}
            sample.add(demo.commune)  # always out of scope for these users
            for unit in sorted(sample, key=lambda u: u.pk):
                in_scope = unit.pk in visible
                # A URL naming another object too (a schedule, a target, a period) may answer 404 inside the
                # scope when that object does not belong with the unit: only the outside is checked for it.
                targets = [(u.route, u.url(unit.pk), u.is_stub or bool(u.others)) for u in urls]
                targets += [(q, q.format(id=unit.pk), False) for q in UNIT_QUERY_URLS]
                for route, url, may_404 in targets:
                    status = client.get(url).status_code
                    if in_scope and not may_404:
                        assert status not in (404, 500), (route, url, status)
                    else:
                        assert status == 404, (route, url, status)
                if not in_scope:
                    before = _fingerprint()
                    for u in urls:
                        for method, response in _request_all_methods(client, u.url(unit.pk), u.is_api):
                            assert response.status_code in (404, 405, 422), (u.route, method, response.status_code)
                    assert _fingerprint() == before
    _in_rollback(check)


# ------------------------------------------------------------------ the demo personas


def _json_detail(response) -> str:
    return response.json()["detail"]


def test_demo_xa_gets_404_for_demo_xa2_commune(client, demo):
    branch2 = Unit.objects.filter(path__under=demo.commune2.path).exclude(pk=demo.commune2.pk).first()
    client.force_login(demo.xa)
    for unit in (demo.commune2, branch2):
        for u in unit_urls():
            response = client.get(u.url(unit.pk))
            assert response.status_code == 404, u.route
            if u.is_api:
                assert _json_detail(response) == "Không tìm thấy."
        for q in UNIT_QUERY_URLS:
            assert client.get(q.format(id=unit.pk)).status_code == 404, q
    listed = {row["id"] for row in client.get("/api/v1/units?page_size=200").json()["items"]}
    assert demo.commune.pk in listed and demo.commune2.pk not in listed


def test_demo_xa_gets_404_through_bearer_token(client, demo):
    demo.xa.set_password("nghiquyet-demo")  # the seeded hash is of the default hasher; tests use a fast one
    demo.xa.save()
    token = client.post("/api/v1/auth/token", {"username": "demo-xa", "password": "nghiquyet-demo"},
                        content_type="application/json").json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert Client().get(f"/api/v1/units/{demo.commune2.pk}", headers=headers).status_code == 404
    assert Client().get(f"/api/v1/units/{demo.commune.pk}", headers=headers).status_code == 200


def test_demo_tinh_sees_both_communes(client, demo):
    client.force_login(demo.tinh)
    for unit in (demo.commune, demo.commune2):
        assert client.get(f"/api/v1/units/{unit.pk}").status_code == 200
        for u in unit_urls():
            if not u.is_stub:
                assert client.get(u.url(unit.pk)).status_code not in (404, 500), u.route
        for q in UNIT_QUERY_URLS:
            assert client.get(q.format(id=unit.pk)).status_code == 200, q


def test_combinations_cover_every_unit_url():
    """Guard against an empty enumeration making the property test vacuous."""
    assert len(list(itertools.islice(unit_urls(), 5))) == 5


# ------------------------------------------------------------------ API operations naming a unit in the query or body


UNIT_FIELD_NAMES = {"unit", "unit_id", "parent"}


def _api_schema(client) -> dict:
    return client.get("/api/v1/openapi.json").json()


def _api_unit_queries(schema: dict) -> list[tuple[str, str]]:
    """(path, query parameter) of every GET operation without path parameters that filters by a unit."""
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        for param in get.get("parameters", []):
            if param["in"] == "query" and param["name"] in UNIT_FIELD_NAMES:
                found.append((path, param["name"]))
    return found


def _required_query_values(schema: dict, path: str, param: str, demo) -> dict:
    """Plausible values for the other required query parameters (``/rollups`` needs a target and a period,
    ``/completeness`` a period, ``/documents/number-preview`` a document type): a province target, which every
    level reads, a recent quarter, a report."""
    from nghiquyet.resolutions.models import Target

    plausible = {"target": lambda: Target.objects.filter(unit=demo.province).order_by("id").first().pk,
                 "period": lambda: "quarter-2026-3", "type": lambda: "BC"}
    names = [p["name"] for p in schema["paths"][path]["get"].get("parameters", [])
             if p["in"] == "query" and p.get("required") and p["name"] != param]
    return {name: plausible[name]() for name in names}


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _sample(prop: dict) -> object:
    for option in prop.get("anyOf", []):
        if option.get("type") != "null":
            return _sample(option)
    kind = prop.get("type")
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if prop.get("format") == "date":
        return "2025-08-01"
    return "Thử phạm vi"


def _api_unit_writes(schema: dict) -> list[tuple[str, dict, str]]:
    """(path, body schema, unit field) of every POST without path parameters whose body names a unit."""
    found = []
    for path, operations in schema["paths"].items():
        post = operations.get("post")
        if post is None or "{" in path or "requestBody" not in post:
            continue
        body = _resolve(schema, post["requestBody"]["content"]["application/json"]["schema"])
        for name in UNIT_FIELD_NAMES & set(body.get("properties", {})):
            found.append((path, body, name))
    return found


def test_api_unit_query_parameters_respect_scope(client, demo):
    """An out-of-scope unit in a filter reveals nothing: the answer is the one for an id that does not exist
    (the base endpoints answer 404; list filters that also accept units above, read only, answer an empty
    page), and never 500."""
    client.force_login(demo.xa)
    schema = _api_schema(client)
    queries = _api_unit_queries(schema)
    strict = {("/api/v1/units", "parent"), ("/api/v1/audit", "unit")}
    assert strict <= set(queries)
    for path, param in queries:
        extra = _required_query_values(schema, path, param, demo)
        outside = client.get(path, {param: demo.commune2.pk, **extra})
        missing = client.get(path, {param: 10**9, **extra})
        assert outside.status_code == missing.status_code, (path, param)
        assert outside.json() == missing.json(), (path, param)
        if (path, param) in strict or outside.status_code != 200:
            assert outside.status_code == 404, (path, param, outside.status_code)
            assert outside.json()["detail"]
        else:
            assert outside.json()["count"] == 0
        inside = client.get(path, {param: demo.commune.pk, **extra})
        assert inside.status_code == 200, (path, param, inside.status_code)


def test_api_writes_naming_an_out_of_scope_unit_change_nothing(client, demo):
    client.force_login(demo.xa)
    schema = _api_schema(client)
    writes = _api_unit_writes(schema)
    before = _fingerprint()
    for path, body_schema, field in writes:
        body = {name: _sample(prop) for name, prop in body_schema["properties"].items()
                if name in body_schema.get("required", [])}
        body[field] = demo.commune2.pk
        response = client.post(path, body, content_type="application/json")
        # 404 when the unit is checked first; 422 when the body is refused before the unit is looked at.
        assert response.status_code in (404, 422), (path, response.status_code, response.content[:200])
        assert response.json()["detail"]
    assert _fingerprint() == before


@pytest.mark.parametrize("raw", ["0", "-1", str(2**63), "9" * 40, "1e3", "nan"])
def test_odd_unit_ids_are_404_not_500(client, demo, raw):
    client.force_login(demo.tinh)
    assert client.get("/nhat-ky/", {"unit": raw}).status_code == 404
    assert client.get("/api/v1/units", {"parent": raw}).status_code in (404, 422)
    assert client.get(f"/api/v1/units/{raw}").status_code in (404, 422)
    with pytest.raises(Http404):
        unit_get_visible(demo.tinh, raw)
