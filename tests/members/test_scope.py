"""Scope: a member outside the user's units is not found (404) on every page and API path, never 403."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from nghiquyet.members.models import Member
from nghiquyet.members.selectors import member_get, members_of, members_visible
from tests.members.conftest import other_branch, today

pytestmark = pytest.mark.django_db


def dong_son_member(demo) -> Member:
    return Member.objects.filter(unit=demo.branch, left_unit_on__isnull=True).order_by("pk").first()


def test_selectors_follow_the_scope(demo):
    member = dong_son_member(demo)
    assert not members_visible(demo.xa2).filter(unit__path__under=demo.commune.path).exists()
    assert members_visible(demo.xa2).filter(unit__path__under=demo.commune2.path).exists()
    with pytest.raises(Http404):
        member_get(user=demo.xa2, member_id=member.pk)
    for bad in ("abc", "0", "-1", str(2**70), "١"):
        with pytest.raises(Http404):
            member_get(user=demo.xa, member_id=bad)
    assert member_get(user=demo.xa, member_id=member.pk) == member
    assert member_get(user=demo.tinh, member_id=member.pk) == member
    # A branch secretary sees their own branch, not the neighbours.
    assert member_get(user=demo.chibo, member_id=member.pk) == member
    neighbour = Member.objects.filter(unit=other_branch(demo)).first()
    with pytest.raises(Http404):
        member_get(user=demo.chibo, member_id=neighbour.pk)
    # A whole-subtree list of demo-tinh's province, seen by demo-xa2, holds only An Lạc's members.
    seen = members_of(user=demo.xa2, unit=demo.province, subtree=True)
    assert seen.count() == members_of(user=demo.xa2, unit=demo.commune2, subtree=True, on=today()).count() > 0
    assert not seen.exclude(unit__path__under=demo.commune2.path).exists()


def test_pages_answer_404_outside_the_scope(demo, client):
    member = dong_son_member(demo)
    client.force_login(demo.xa2)
    urls = [
        reverse("member_list", args=[demo.commune.pk]),
        reverse("member_list", args=[demo.branch.pk]) + "?subtree=1",
        reverse("member_create", args=[demo.branch.pk]),
        reverse("member_detail", args=[member.pk]),
        reverse("member_edit", args=[member.pk]),
        reverse("member_leave", args=[member.pk]),
        reverse("member_transfer", args=[member.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in urls[2:]:
        assert client.post(url, {"full_name": "X", "on": today().isoformat(), "reason": "other"}).status_code == 404
    assert Member.objects.get(pk=member.pk).is_current
    client.force_login(demo.xa)
    assert client.get(reverse("member_list", args=[demo.commune2.pk])).status_code == 404
    assert client.get("/dang-vien/99999999999999999999/").status_code == 404


def test_api_answers_404_outside_the_scope(demo, as_user):
    member = dong_son_member(demo)
    api = as_user(demo.xa2)
    assert api.get(f"/members/{member.pk}").status_code == 404
    assert api.get("/members", unit=demo.commune.pk).status_code == 404
    assert api.patch(f"/members/{member.pk}", {"full_name": "X"}).status_code == 404
    assert api.post(f"/members/{member.pk}/leave", {"on": today().isoformat(), "reason": "other"}).status_code == 404
    assert api.post(f"/members/{member.pk}/transfer",
                    {"to_unit": demo.commune2.pk, "on": today().isoformat()}).status_code == 404
    listed = api.get("/members", q=member.full_name, page_size=200).json()
    assert member.pk not in {row["id"] for row in listed["items"]}
    assert Member.objects.get(pk=member.pk).is_current and Member.objects.get(pk=member.pk).full_name != "X"


def test_reading_is_not_writing(demo, client, as_user):
    """A role that only reads (a viewer at the branch) sees the members, gets no write buttons and 403 on
    writes."""
    from nghiquyet.accounts.models import RoleAssignment
    from nghiquyet.accounts.roles import Role

    member = dong_son_member(demo)
    RoleAssignment.objects.create(user=demo.xa2, unit=demo.branch, role=Role.VIEWER)
    client.force_login(demo.xa2)
    page = client.get(reverse("member_detail", args=[member.pk]))
    assert page.status_code == 200 and reverse("member_edit", args=[member.pk]).encode() not in page.content
    listing = client.get(reverse("member_list", args=[demo.branch.pk]))
    assert listing.status_code == 200
    assert reverse("member_create", args=[demo.branch.pk]).encode() not in listing.content
    assert client.get(reverse("member_edit", args=[member.pk])).status_code == 403
    assert client.post(reverse("member_leave", args=[member.pk]),
                       {"on": today().isoformat(), "reason": "other"}).status_code == 403
    api = as_user(demo.xa2)
    body = api.get(f"/members/{member.pk}").json()
    assert body["can_change"] is False
    response = api.post(f"/members/{member.pk}/leave", {"on": today().isoformat(), "reason": "other"})
    assert response.status_code == 403 and "quyền" in response.json()["detail"]
    assert Member.objects.get(pk=member.pk).is_current
