"""Member services: Vietnamese validation messages, card numbers, leave and transfer history, member counts."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nghiquyet.accounts.models import Person
from nghiquyet.audit.models import AuditEvent
from nghiquyet.members.models import LeaveReason, Member
from nghiquyet.members.selectors import member_count_in_subtree, member_counts_by_unit, members_of
from nghiquyet.members.services import member_leave, member_transfer, member_update
from nghiquyet.org.models import Unit, UnitKind
from tests.members.conftest import current_count, days_ago, make_member, new_card, other_branch, today

pytestmark = pytest.mark.django_db


def errors_of(exc: pytest.ExceptionInfo) -> dict[str, str]:
    return {k: v[0] for k, v in exc.value.message_dict.items()}


def test_demo_register_matches_the_unit_counts(demo):
    """The seed gives every branch exactly ``Unit.member_count`` current members (10,485 in all)."""
    branches = Unit.objects.filter(path__under=demo.province.path, kind=UnitKind.BRANCH, valid_to__isnull=True)
    counts = member_counts_by_unit(list(branches.values_list("pk", flat=True)), today())
    assert sum(counts.values()) == 10_485
    assert all(counts.get(b.pk, 0) == b.member_count for b in branches)
    assert member_count_in_subtree(demo.province, today()) == 10_485


def test_create_counts_and_audits(demo):
    before = demo.branch.member_count
    member = make_member(demo.branch, actor=demo.chibo, full_name="  Nguyễn   Văn  Thử ", gender="male",
                         birth_date=days_ago(40 * 365), joined_party_on=days_ago(10 * 365), email="thu@example.vn")
    assert member.full_name == "Nguyễn Văn Thử"
    assert member.search_text.startswith("nguyen van thu ")
    demo.branch.refresh_from_db()
    assert demo.branch.member_count == before + 1 == current_count(demo.branch)
    event = AuditEvent.objects.get(object_id=str(member.pk), content_type__model="member", action="create")
    assert event.actor == demo.chibo and event.changes["full_name"] == [None, "Nguyễn Văn Thử"]


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"full_name": "   "}, "full_name", "Nhập họ và tên"),
    ({"full_name": "A" * 121}, "full_name", "tối đa 120"),
    ({"gender": "x"}, "gender", "Giới tính"),
    ({"card_number": "1" * 21}, "card_number", "tối đa 20"),
    ({"email": "khong-phai-email"}, "email", "thư điện tử"),
    ({"joined_unit_on": None}, "joined_unit_on", "Nhập ngày"),
    ({"joined_unit_on": days_ago(-3)}, "joined_unit_on", "sau hôm nay"),
    ({"birth_date": days_ago(-1)}, "birth_date", "sau hôm nay"),
    ({"birth_date": days_ago(3000), "joined_party_on": days_ago(4000)}, "joined_party_on", "sau ngày sinh"),
    ({"joined_party_on": days_ago(100), "joined_unit_on": days_ago(200)}, "joined_unit_on", "trước ngày vào Đảng"),
])
def test_create_refuses_bad_input_in_vietnamese(demo, values, field, words):
    before = Member.objects.count()
    with pytest.raises(ValidationError) as exc:
        make_member(demo.branch, actor=demo.chibo, **values)
    assert words in errors_of(exc)[field]
    assert Member.objects.count() == before


def test_create_refuses_units_without_members(demo):
    government = Unit.objects.filter(path__under=demo.commune.path, valid_to__isnull=True).exclude(
        kind__in=[UnitKind.BRANCH, UnitKind.COMMUNE, UnitKind.AGENCY, UnitKind.ENTERPRISE]).first()
    assert government is not None
    with pytest.raises(ValidationError) as exc:
        make_member(government, actor=demo.xa)
    assert "không phải là tổ chức đảng" in errors_of(exc)["unit"]


def test_create_outside_the_writers_rights(demo):
    with pytest.raises(PermissionDenied):
        make_member(demo.commune, actor=demo.xa2)
    with pytest.raises(PermissionDenied):  # a branch secretary keeps only their branch's register
        make_member(other_branch(demo), actor=demo.chibo)


def test_card_number_is_unique_among_current_members(demo):
    card = new_card()
    first = make_member(demo.branch, actor=demo.chibo, card_number=f" {card[:4]} {card[4:]} ")
    assert first.card_number == card  # spaces typed inside a card number are dropped
    with pytest.raises(ValidationError) as exc:
        make_member(other_branch(demo), actor=demo.xa, card_number=card)
    assert card in errors_of(exc)["card_number"] and "đã có" in errors_of(exc)["card_number"]
    second = make_member(demo.branch, actor=demo.chibo, card_number=new_card())
    with pytest.raises(ValidationError) as exc:
        member_update(actor=demo.chibo, member=second, full_name=second.full_name, card_number=card,
                      joined_unit_on=second.joined_unit_on)
    assert "card_number" in errors_of(exc)
    # Once the first has left, the card may be registered again (e.g. re-admitted elsewhere).
    member_leave(actor=demo.chibo, member=first, on=today(), reason=LeaveReason.OTHER)
    again = make_member(other_branch(demo), actor=demo.xa, card_number=card)
    assert again.card_number == card


def test_update_corrects_details_and_audits_the_diff(demo):
    member = make_member(demo.branch, actor=demo.chibo, full_name="Lê Văn Cũ")
    member_update(actor=demo.chibo, member=member, full_name="Lê Văn Mới", gender="male",
                  card_number=member.card_number, joined_unit_on=member.joined_unit_on)
    member.refresh_from_db()
    assert member.full_name == "Lê Văn Mới" and member.search_text.startswith("le van moi")
    event = AuditEvent.objects.filter(object_id=str(member.pk), content_type__model="member",
                                      action="update").latest("pk")
    assert event.changes == {"full_name": ["Lê Văn Cũ", "Lê Văn Mới"], "gender": ["", "male"]}
    with pytest.raises(PermissionDenied):
        member_update(actor=demo.xa2, member=member, full_name="X", joined_unit_on=member.joined_unit_on)


def test_leave_keeps_the_history_and_the_count(demo):
    member = make_member(demo.branch, actor=demo.chibo, joined_unit_on=days_ago(30))
    count = current_count(demo.branch)
    with pytest.raises(ValidationError) as exc:
        member_leave(actor=demo.chibo, member=member, on=days_ago(31), reason=LeaveReason.DECEASED)
    assert "từ ngày bắt đầu sinh hoạt" in errors_of(exc)["on"]
    with pytest.raises(ValidationError) as exc:
        member_leave(actor=demo.chibo, member=member, on=days_ago(-1), reason=LeaveReason.DECEASED)
    assert "sau hôm nay" in errors_of(exc)["on"]
    with pytest.raises(ValidationError) as exc:
        member_leave(actor=demo.chibo, member=member, on=days_ago(1), reason="bogus")
    assert "Chọn lý do" in errors_of(exc)["reason"]
    member_leave(actor=demo.chibo, member=member, on=days_ago(5), reason=LeaveReason.DECEASED)
    member.refresh_from_db()
    assert (member.left_unit_on, member.leave_reason, member.is_current) == (days_ago(5), "deceased", False)
    demo.branch.refresh_from_db()
    assert demo.branch.member_count == count - 1 == current_count(demo.branch)
    # Still a member on a day before leaving, not after: figures "as of" a date keep their history.
    on_day = members_of(user=demo.chibo, unit=demo.branch, on=days_ago(10))
    assert on_day.filter(pk=member.pk).exists()
    assert not members_of(user=demo.chibo, unit=demo.branch, on=days_ago(5)).filter(pk=member.pk).exists()
    with pytest.raises(ValidationError) as exc:
        member_leave(actor=demo.chibo, member=member, on=today(), reason=LeaveReason.OTHER)
    assert "đã thôi sinh hoạt" in errors_of(exc)["on"]


def test_transfer_closes_the_old_row_and_opens_a_new_one(demo):
    to_unit = other_branch(demo)
    person = Person.objects.filter(unit=demo.branch, member__isnull=True).first()
    member = make_member(demo.branch, actor=demo.chibo, joined_unit_on=days_ago(100))
    if person is not None:
        Member.objects.filter(pk=member.pk).update(person=person)
        member.refresh_from_db()
    counts = (current_count(demo.branch), current_count(to_unit))
    moved = member_transfer(actor=demo.xa, member=member, to_unit=to_unit, on=days_ago(2))
    member.refresh_from_db()
    assert (member.left_unit_on, member.leave_reason, member.unit_id) == (days_ago(2), "transfer", demo.branch.pk)
    assert (moved.unit_id, moved.joined_unit_on, moved.left_unit_on) == (to_unit.pk, days_ago(2), None)
    assert (moved.full_name, moved.card_number) == (member.full_name, member.card_number)
    if person is not None:  # the official's link follows the member
        assert moved.person_id == person.pk and member.person_id is None
    demo.branch.refresh_from_db()
    to_unit.refresh_from_db()
    assert (demo.branch.member_count, to_unit.member_count) == (counts[0] - 1, counts[1] + 1)
    assert (current_count(demo.branch), current_count(to_unit)) == (counts[0] - 1, counts[1] + 1)
    assert AuditEvent.objects.filter(object_id=str(moved.pk), content_type__model="member",
                                     action="create").exists()


def test_transfer_refusals(demo):
    member = make_member(demo.branch, actor=demo.chibo)
    with pytest.raises(ValidationError) as exc:
        member_transfer(actor=demo.xa, member=member, to_unit=demo.branch, on=today())
    assert "đang sinh hoạt tại đơn vị này" in errors_of(exc)["to_unit"]
    with pytest.raises(PermissionDenied):  # demo-chibo keeps only their own branch
        member_transfer(actor=demo.chibo, member=member, to_unit=other_branch(demo), on=today())
    with pytest.raises(PermissionDenied):  # demo-xa cannot move someone into another commune
        member_transfer(actor=demo.xa, member=member, to_unit=demo.commune2, on=today())
    closed = Unit.objects.filter(path__under=demo.province.path, valid_to__isnull=False).first()
    if closed is not None:
        with pytest.raises((ValidationError, PermissionDenied)):
            member_transfer(actor=demo.tinh, member=member, to_unit=closed, on=today())
    assert Member.objects.get(pk=member.pk).is_current


def test_random_register_changes_keep_member_count(demo):
    """Any sequence of registrations, leaves and transfers keeps each unit's count equal to its register."""
    rng = random.Random(5)
    units = [demo.branch, other_branch(demo)]
    alive: list[Member] = []
    for _ in range(25):
        action = rng.choice(["create", "create", "leave", "transfer"])
        if action == "create" or not alive:
            alive.append(make_member(rng.choice(units), actor=demo.xa, joined_unit_on=days_ago(rng.randint(10, 90))))
        elif action == "leave":
            member = alive.pop(rng.randrange(len(alive)))
            member_leave(actor=demo.xa, member=member, on=days_ago(rng.randint(0, 9)), reason=LeaveReason.OTHER)
        else:
            member = alive.pop(rng.randrange(len(alive)))
            to_unit = units[1] if member.unit_id == units[0].pk else units[0]
            alive.append(member_transfer(actor=demo.xa, member=member, to_unit=to_unit, on=today()))
        for unit in units:
            unit.refresh_from_db()
            assert unit.member_count == current_count(unit)
