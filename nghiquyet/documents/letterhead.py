"""Who issues a document and how its letterhead reads (Hướng dẫn 36-HD/VPTW), from the unit tree and settings.

Rules (the wording per unit kind is in ``settings.NGHIQUYET["DOCUMENTS"]``, so a deployment changes it there):

* The issuer code of a symbol ("Số 12-BC/ĐU") comes from ``ISSUER_CODES`` by unit kind ("ĐU" when missing).
* The place in "Đông Sơn, ngày ..." is the unit's own place for a province, district or commune ("Đảng bộ xã Đông
  Sơn" → "Đông Sơn"); any other unit (a branch, an agency, a bloc) uses the place of its nearest province, district
  or commune above it.
* The committee term is the unit's ``resolutions.Term`` covering the year (the one that started last when two
  touch: 2025 belongs to 2025-2030), else counted from ``TERM_ANCHOR_YEAR`` in steps of ``TERM_YEARS`` (the anchor
  year starts a term: 2025 → 2025-2030, 2024 → 2020-2025).
* The letterhead's issuing organization follows ``ISSUER_NAMES`` by kind (province: "TỈNH ỦY HÀ THANH"; commune:
  "ĐẢNG ỦY XÃ ĐÔNG SƠN"; branch: "CHI BỘ THÔN 1"); the superior line is the nearest party organization above
  ("ĐẢNG BỘ TỈNH HÀ THANH", "ĐẢNG BỘ XÃ ĐÔNG SƠN"), none for a province (``SUPERIOR_NAMES``).
* The signature: ``ON_BEHALF`` by kind ("T/M BAN THƯỜNG VỤ" by default, "T/M CHI BỘ" for a branch), "BÍ THƯ", and
  the name of the unit's secretary (the account holding the secretary role there, else the official whose position
  starts with "Bí thư"); empty when nobody is on record, leaving the space to sign.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from nghiquyet.documents.layout import Letterhead, Signature
from nghiquyet.org.models import Unit, UnitKind

#: Unit kinds whose name carries their own place ("Đảng bộ xã Đông Sơn").
PLACE_KINDS = (UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE)

#: Name prefixes stripped to get the place, longest first ("Đảng bộ thành phố " before "Đảng bộ ").
_PLACE_PREFIXES = sorted([
    "Đảng bộ tỉnh ", "Đảng bộ thành phố ", "Đảng bộ huyện ", "Đảng bộ quận ", "Đảng bộ thị xã ",
    "Đảng bộ thị trấn ", "Đảng bộ xã ", "Đảng bộ phường ", "Đảng bộ đặc khu ", "Đảng bộ ", "Chi bộ ",
], key=len, reverse=True)

DEFAULT_ON_BEHALF = "T/M BAN THƯỜNG VỤ"
SECRETARY_TITLE = "BÍ THƯ"
SECRETARY_POSITION = "Bí thư"
BLANK_NUMBER = "     "


def conf() -> dict:
    return settings.NGHIQUYET["DOCUMENTS"]


def upper(text: str) -> str:
    """Vietnamese capitals ("Đảng ủy xã Đông Sơn" → "ĐẢNG ỦY XÃ ĐÔNG SƠN")."""
    return (text or "").upper()


def _strip_prefix(name: str) -> str:
    for prefix in _PLACE_PREFIXES:
        if name.lower().startswith(prefix.lower()):
            return name[len(prefix):].strip()
    return name.strip()


def _ancestors(unit: Unit) -> list[Unit]:
    """The units above ``unit``, nearest first (one query; cached on the unit object)."""
    cached = getattr(unit, "_letterhead_ancestors", None)
    if cached is None:
        ids = unit.ancestor_ids
        by_id = Unit.objects.in_bulk(ids) if ids else {}
        cached = [by_id[i] for i in reversed(ids) if i in by_id]
        unit._letterhead_ancestors = cached
    return cached


def issuer_code_of(unit: Unit) -> str:
    """"TU", "HU", "ĐU", "CB"... by unit kind (``ISSUER_CODES``; "ĐU" when the kind is not listed)."""
    return conf()["ISSUER_CODES"].get(unit.kind, "ĐU")


def place_of(unit: Unit) -> str:
    """"Đông Sơn" for "Đảng bộ xã Đông Sơn"; a branch, agency or bloc uses its nearest commune/district/province."""
    if unit.kind in PLACE_KINDS:
        return _strip_prefix(unit.name)
    for ancestor in _ancestors(unit):
        if ancestor.kind in PLACE_KINDS:
            return _strip_prefix(ancestor.name)
    return _strip_prefix(unit.name)


def term_of(unit: Unit, on: dt.date) -> tuple[int, int]:
    """(start, end) of the committee term of ``unit`` covering ``on``'s year."""
    from nghiquyet.resolutions.models import Term

    year = on.year
    term = (Term.objects.filter(unit=unit, start_year__lte=year, end_year__gte=year)
            .order_by("-start_year").values_list("start_year", "end_year").first())
    if term:
        return int(term[0]), int(term[1])
    length = int(conf()["TERM_YEARS"])
    anchor = int(conf()["TERM_ANCHOR_YEAR"])
    start = anchor + ((year - anchor) // length) * length
    return start, start + length


def symbol_of(number: int, type_code: str, issuer_code: str) -> str:
    """The register's symbol without "Số ": "01-BC/ĐU" (``resolutions.symbols.Symbol``, the one rule)."""
    from nghiquyet.resolutions.symbols import Symbol

    return str(Symbol(number=number, type_code=type_code, issuer_code=issuer_code))


def symbol_text(number: int | None, type_code: str, issuer_code: str) -> str:
    """"Số 01-BC/ĐU" as printed; a draft (no number yet) leaves the blank: "Số     -BC/ĐU"."""
    if number is None:
        return f"Số{BLANK_NUMBER}-{type_code}/{issuer_code}"
    return "Số " + symbol_of(number, type_code, issuer_code)


def _party_parent(unit: Unit) -> Unit | None:
    for ancestor in _ancestors(unit):
        if ancestor.kind in UnitKind.party_kinds():
            return ancestor
    return None


def _committee(name: str) -> str:
    """"Đảng bộ xã Đông Sơn" → "Đảng ủy xã Đông Sơn" (the committee that speaks for the organization)."""
    for prefix in ("Đảng bộ ", "đảng bộ "):
        if name.startswith(prefix):
            return "Đảng ủy " + name[len(prefix):]
    return name


def _pattern(table: dict, kind: str) -> str:
    return table.get(kind, table.get("default", ""))


def issuer_name_of(unit: Unit) -> str:
    """The issuing organization in natural case ("Tỉnh ủy Hà Thanh", "Đảng ủy xã Đông Sơn", "Chi bộ thôn 1")."""
    pattern = _pattern(conf().get("ISSUER_NAMES", {}), unit.kind) or "{committee}"
    return pattern.format(name=unit.name, committee=_committee(unit.name), place=place_of(unit)).strip()


def superior_name_of(unit: Unit) -> str:
    """The superior organization line in natural case ("Đảng bộ tỉnh Hà Thanh"), "" where none is printed."""
    pattern = _pattern(conf().get("SUPERIOR_NAMES", {}), unit.kind)
    parent = _party_parent(unit)
    if not pattern or parent is None:
        return ""
    return pattern.format(parent=parent.name, place=place_of(parent)).strip()


def letterhead_for(unit: Unit, *, symbol: str, date: dt.date | None) -> Letterhead:
    return Letterhead(superior=upper(superior_name_of(unit)), issuer=upper(issuer_name_of(unit)), symbol=symbol,
                      place=place_of(unit), date=date)


def user_display_name(user) -> str:
    """A user's name as the page header shows it: the official record's full name ("Lê Văn Thành Trung"), else
    the account's family name then given name (Vietnamese order, never Django's "given family"), else the login."""
    from django.core.exceptions import ObjectDoesNotExist

    if user is None:
        return ""
    try:
        person = user.person
    except ObjectDoesNotExist:   # no official record
        person = None
    if person is not None and (person.full_name or "").strip():
        return person.full_name.strip()
    name = f"{user.last_name or ''} {user.first_name or ''}".strip()
    return " ".join(name.split()) or user.get_username()


def secretary_name(unit: Unit) -> str:
    """The unit's secretary: the account with the secretary role there (its official record's name), else the
    official whose position starts with "Bí thư"; "" when nobody is on record."""
    from nghiquyet.accounts.models import Person, RoleAssignment
    from nghiquyet.accounts.roles import Role

    assignment = (RoleAssignment.objects.filter(unit=unit, role=Role.SECRETARY, user__is_active=True)
                  .select_related("user").order_by("id").first())
    if assignment is not None:
        person = Person.objects.filter(user=assignment.user).only("full_name").first()
        name = person.full_name if person else user_display_name(assignment.user)
        if name.strip():
            return name.strip()
    person = (Person.objects.filter(unit=unit, position__startswith=SECRETARY_POSITION).order_by("id")
              .only("full_name").first())
    return person.full_name.strip() if person else ""


def signature_for(unit: Unit) -> Signature:
    on_behalf = conf().get("ON_BEHALF", {}).get(unit.kind, DEFAULT_ON_BEHALF)
    return Signature(on_behalf=on_behalf, title=SECRETARY_TITLE, name=secretary_name(unit))


def default_recipients(unit: Unit) -> list[str]:
    """"Nơi nhận" of a report: the level above (to report to), the unit's own committee or members, the file copy.

    A commune: "- Ban Thường vụ Tỉnh ủy Hà Thanh (để báo cáo),", "- Các đồng chí đảng ủy viên,", "- Lưu Văn
    phòng Đảng ủy."; a branch: "- Đảng ủy xã Đông Sơn (để báo cáo),", "- Đảng viên trong chi bộ,", "- Lưu Chi bộ."
    """
    lines: list[str] = []
    parent = _party_parent(unit)
    if parent is not None:
        above = issuer_name_of(parent)
        if parent.kind == UnitKind.CENTRAL or unit.kind == UnitKind.BRANCH:
            lines.append(f"- {above} (để báo cáo),")
        else:
            lines.append(f"- Ban Thường vụ {above} (để báo cáo),")
    if unit.kind == UnitKind.BRANCH:
        lines += ["- Đảng viên trong chi bộ,", "- Lưu Chi bộ."]
    elif unit.kind == UnitKind.PROVINCE:
        lines += ["- Các đồng chí Tỉnh ủy viên,", "- Lưu Văn phòng Tỉnh ủy."]
    elif unit.kind == UnitKind.DISTRICT:
        lines += ["- Các đồng chí Huyện ủy viên,", "- Lưu Văn phòng Huyện ủy."]
    else:
        lines += ["- Các đồng chí đảng ủy viên,", "- Lưu Văn phòng Đảng ủy."]
    return lines


def vn_date_line(place: str, day: dt.date | None) -> str:
    """"Đông Sơn, ngày 05 tháng 02 năm 2026" (days below 10 and months below 3 with a leading 0, as Hướng dẫn
    36-HD/VPTW writes them); a draft: "Đông Sơn, ngày     tháng     năm 2026"."""
    if day is None:
        year = timezone.localdate().year
        text = f"ngày {BLANK_NUMBER}tháng {BLANK_NUMBER}năm {year}"
    else:
        day_text, month_text = day_month(day)
        text = f"ngày {day_text} tháng {month_text} năm {day.year}"
    return f"{place}, {text}" if place else text


def day_month(day: dt.date) -> tuple[str, str]:
    """The day and month as a Party document writes them (Hướng dẫn 36-HD/VPTW): a leading 0 for days below 10
    and for months below 3 ("05", "02"; "10", "7", "11"). The one rule for every place-and-date line."""
    return f"{day.day:02d}", (f"{day.month:02d}" if day.month < 3 else str(day.month))
