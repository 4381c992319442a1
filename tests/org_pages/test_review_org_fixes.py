"""Review fixes on the organization pages: odd or huge ids are an invalid choice (never a 500), member
counts fit an integer column, and the level above decides on renaming, moving, closing a unit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from nghiquyet.org.models import Unit

from .test_org_pages import DECISION, active_branches, counts, reorg, yesterday

pytestmark = pytest.mark.django_db

HUGE = str(2**63)
ODD_IDS = [HUGE, str(2**64), "9" * 400, "²", "١٢", "-1", "0", "1e3"]
INVALID = "Lựa chọn không hợp lệ."


@pytest.mark.parametrize("value", ODD_IDS)
def test_merge_with_odd_source_ids_is_an_invalid_choice(client, demo, value):
    client.force_login(demo.xa)
    before = counts()
    response = reorg(client, demo.branch, {"op": "merge", "mode": "into_this", "sources": [value]}, confirm=True)
    assert response.status_code == 200
    assert INVALID in response.context["form"].errors["sources"]
    response = reorg(client, demo.branch, {"op": "merge", "mode": "into_new", "sources": [value],
                                           "new_parent": value}, confirm=True)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert INVALID in errors["sources"] and INVALID in errors["new_parent"]
    assert counts() == before


@pytest.mark.parametrize("value", [HUGE, "²", "-7"])
def test_move_and_split_with_odd_parent_ids_are_an_invalid_choice(client, demo, value):
    client.force_login(demo.xa)
    before = counts()
    response = reorg(client, demo.branch, {"op": "move", "new_parent": value}, confirm=True)
    assert response.status_code == 200 and INVALID in response.context["form"].errors["new_parent"]
    response = reorg(client, demo.branch, {"op": "split", "new_parent": value, "parts-TOTAL_FORMS": "2",
                                           "parts-INITIAL_FORMS": "0"}, confirm=True)
    assert response.status_code == 200 and INVALID in response.context["form"].errors["new_parent"]
    assert counts() == before


@pytest.mark.parametrize("count", [str(2**31), str(2**63), "9" * 30])
def test_member_counts_beyond_an_integer_column_are_a_field_error(client, demo, count):
    client.force_login(demo.xa)
    before = counts()
    message = "Số đảng viên không được lớn hơn 2.147.483.647."
    response = client.post(reverse("unit_edit", args=[demo.branch.pk]),
                           {"short_name": "", "code": demo.branch.code, "member_count": count})
    assert response.status_code == 200 and message in response.context["form"].errors["member_count"]
    first, second = active_branches(demo.commune)[:2]
    response = reorg(client, first, {"op": "merge", "mode": "into_new", "sources": [second.pk],
                                     "new_code": "HT.X.MOI", "new_name": "Chi bộ mới", "new_kind": "branch",
                                     "new_member_count": count}, confirm=True)
    assert response.status_code == 200 and message in response.context["form"].errors["new_member_count"]
    response = reorg(client, first, {
        "op": "split", "parts-TOTAL_FORMS": "2", "parts-INITIAL_FORMS": "0",
        **{f"parts-{i}-{k}": v for i in (0, 1) for k, v in
           {"code": f"HT.X.P{i}", "name": f"Chi bộ {i}", "kind": "branch", "member_count": count}.items()},
    }, confirm=True)
    assert response.status_code == 200
    assert all(message in form.errors["member_count"] for form in response.context["parts_formset"])
    assert counts() == before
    assert client.post(reverse("unit_edit", args=[demo.branch.pk]), {
        "short_name": "", "code": demo.branch.code, "member_count": str(2**31 - 1)}).status_code == 302


def test_a_commune_office_does_not_reorganize_its_own_commune(client, demo):
    """Regression: rename and close needed the permission only at the unit, so a commune office could
    rename or dissolve its own commune; now the level above decides (as for merge and split)."""
    client.force_login(demo.xa)
    commune_url = reverse("unit_reorganize", args=[demo.commune.pk])
    for page in (reverse("unit_detail", args=[demo.commune.pk]), reverse("unit_edit", args=[demo.commune.pk])):
        assert commune_url not in client.get(page).content.decode()
    assert client.get(commune_url).status_code == 403
    assert client.get(commune_url, {"op": "rename"}).status_code == 403
    before = counts()
    for data in ({"op": "rename", "name": "Đảng bộ xã Đông Sơn Mới"}, {"op": "close"},
                 {"op": "move", "new_parent": demo.commune2.pk}):
        response = client.post(commune_url, {"effective_date": yesterday(), "decision_ref": DECISION,
                                             "confirm": "1", **data})
        assert response.status_code == 403
    assert counts() == before
    assert Unit.objects.get(pk=demo.commune.pk).name == demo.commune.name
    # Its branches are its own to reorganize.
    branch_url = reverse("unit_reorganize", args=[demo.branch.pk])
    assert branch_url in client.get(reverse("unit_detail", args=[demo.branch.pk])).content.decode()
    assert client.get(branch_url).status_code == 200
    # A branch secretary no longer renames the branch: the commune does.
    client.force_login(demo.chibo)
    assert branch_url not in client.get(reverse("unit_detail", args=[demo.branch.pk])).content.decode()
    assert client.get(branch_url, {"op": "rename"}).status_code == 403
    # The province office reorganizes the commune.
    client.force_login(demo.tinh)
    assert client.get(commune_url, {"op": "rename"}).status_code == 200
    response = reorg(client, demo.commune, {"op": "rename", "name": "Đảng bộ xã Đông Sơn Mới"}, confirm=True)
    assert response.status_code == 302
    assert Unit.objects.get(pk=demo.commune.pk).name == "Đảng bộ xã Đông Sơn Mới"
    # The province itself is a root: no level above, so only a superuser.
    assert client.get(reverse("unit_reorganize", args=[demo.province.pk])).status_code == 403
