"""``/api/v1/``: the REST API every later feature extends. Errors are JSON with a Vietnamese ``detail``."""

import logging

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from ninja import NinjaAPI, Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.operation import PathView
from ninja.pagination import paginate

from nghiquyet.accounts.scope import roles_of, unit_get_visible, units_visible
from nghiquyet.accounts.services import api_token_create
from nghiquyet.api.auth import API_AUTH
from nghiquyet.api.pagination import Page
from nghiquyet.api.schemas import (
    AuditEventOut,
    ErrorOut,
    Id,
    MeOut,
    TokenIn,
    TokenOut,
    UnitDetailOut,
    UnitOut,
    ValidationErrorOut,
)
from nghiquyet.audit.selectors import audit_events_visible
from nghiquyet.org.selectors import unit_breadcrumbs, unit_search

api = NinjaAPI(
    title="Nghị quyết API",
    version="1",
    description="Theo dõi thực hiện nghị quyết. Xác thực bằng phiên đăng nhập hoặc `Authorization: Bearer <mã>` "
    "lấy từ `POST /api/v1/auth/token`.",
    auth=API_AUTH,
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


logger = logging.getLogger(__name__)

# ------------------------------------------------------------------ errors


def _json(request, status: int, detail: str, **extra):
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _json(request, 404, "Không tìm thấy.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _json(request, 401, "Chưa xác thực: hãy đăng nhập hoặc gửi Authorization: Bearer <mã truy cập>.")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _json(request, 403, str(exc) or "Bạn không có quyền thực hiện thao tác này.")


#: django-ninja's own English messages (matched by their beginning: some carry details), in Vietnamese.
_NINJA_HTTP_MESSAGES = {
    "CSRF check Failed": "Thiếu hoặc sai mã CSRF: khi dùng phiên đăng nhập hãy gửi kèm tiêu đề X-CSRFToken, "
    "hoặc dùng Authorization: Bearer <mã truy cập>.",
    "Cannot parse request body": "Không đọc được nội dung yêu cầu (JSON không hợp lệ).",
}


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    message = str(exc)
    for prefix, translated in _NINJA_HTTP_MESSAGES.items():
        if message.startswith(prefix):
            message = translated
            break
    return _json(request, exc.status_code, message)


@api.exception_handler(SuspiciousOperation)
def _bad_request(request, exc):
    return _json(request, 400, "Yêu cầu không hợp lệ.")


#: Said when something unexpected breaks; writes run in one transaction, so nothing was half saved.
SERVER_ERROR = "Lỗi máy chủ. Dữ liệu chưa bị thay đổi; vui lòng thử lại sau."


@api.exception_handler(Exception)
def _server_error(request, exc):
    if settings.DEBUG or getattr(settings, "DEBUG_PROPAGATE_EXCEPTIONS", False):
        raise exc  # a developer sees the real error page
    logger.exception("API %s %s failed", request.method, request.path, exc_info=exc)
    return _json(request, 500, SERVER_ERROR)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "__all__"


_NINJA_MESSAGES = {
    "missing": "Thiếu trường bắt buộc.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "string_type": "Phải là chuỗi ký tự.",
    "string_too_long": "Quá dài.",
    "bool_parsing": "Phải là true hoặc false.",
    "date_from_datetime_parsing": "Ngày không hợp lệ (YYYY-MM-DD).",
    "date_parsing": "Ngày không hợp lệ (YYYY-MM-DD).",
    "json_invalid": "JSON không hợp lệ.",
    "model_attributes_type": "Dữ liệu phải là một đối tượng JSON.",
    "string_too_short": "Không được để trống.",
    "decimal_parsing": "Phải là số.",
    "float_parsing": "Phải là số.",
    "list_type": "Phải là một danh sách.",
    "dict_type": "Dữ liệu phải là một đối tượng JSON.",
}
_NINJA_MESSAGES_WITH_CONTEXT = {
    "literal_error": ("expected", "Phải là một trong các giá trị: {}."),
    "enum": ("expected", "Phải là một trong các giá trị: {}."),
    "greater_than_equal": ("ge", "Phải lớn hơn hoặc bằng {}."),
    "greater_than": ("gt", "Phải lớn hơn {}."),
    "less_than_equal": ("le", "Phải nhỏ hơn hoặc bằng {}."),
    "less_than": ("lt", "Phải nhỏ hơn {}."),
    "too_long": ("max_length", "Nhiều nhất {} phần tử."),
}


def _ninja_message(error: dict) -> str:
    kind = error.get("type")
    if kind in _NINJA_MESSAGES:
        return _NINJA_MESSAGES[kind]
    if kind in _NINJA_MESSAGES_WITH_CONTEXT:
        key, template = _NINJA_MESSAGES_WITH_CONTEXT[kind]
        value = (error.get("ctx") or {}).get(key)
        if value is not None:
            return template.format(value)
    if kind == "value_error":
        # Our own validators raise ValueError with a Vietnamese message; pydantic prefixes it.
        message = str(error.get("msg", "")).removeprefix("Value error, ").strip()
        if message:
            return message
    return "Giá trị không hợp lệ."


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    if any(tuple(e.get("loc", ()))[:1] == ("path",) for e in exc.errors):
        # An id in the path that is not a number or out of range names nothing: not found, as unknown ids are.
        return _json(request, 404, "Không tìm thấy.")
    errors = [
        {"field": _field_name(e.get("loc", ())), "message": _ninja_message(e)} for e in exc.errors
    ]
    return _json(request, 422, "Dữ liệu không hợp lệ.", errors=errors)


@api.exception_handler(DjangoValidationError)
def _domain_invalid(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        errors = [{"field": f, "message": m} for f, msgs in exc.message_dict.items() for m in msgs]
    else:
        errors = [{"field": "__all__", "message": m} for m in exc.messages]
    return _json(request, 422, "Dữ liệu không hợp lệ.", errors=errors)


# ------------------------------------------------------------------ auth and me


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut},
          tags=["auth"], summary="Lấy mã truy cập (Bearer) bằng tên đăng nhập và mật khẩu")
def token_obtain(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        return Status(429, {"detail": "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút."})
    if user is None or not user.is_active:
        return Status(401, {"detail": "Tên đăng nhập hoặc mật khẩu không đúng."})
    token, raw = api_token_create(actor=user, name="API")
    return Status(200, {"token": raw, "expires_at": token.expires_at})


@api.get("/me", response={200: MeOut, **ERRORS}, tags=["auth"], summary="Người dùng hiện tại và vai trò")
def me(request):
    user = request.auth
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    return {
        "id": user.pk,
        "username": user.get_username(),
        "full_name": person.full_name if person else (user.get_full_name() or user.get_username()),
        "roles": [
            {"unit": {"id": a.unit.pk, "code": a.unit.code, "name": a.unit.name},
             "role": a.role, "role_label": a.get_role_display()}
            for a in roles_of(user)
        ],
    }


# ------------------------------------------------------------------ units


class UnitFilters(Schema):
    q: str = ""
    parent: Id | None = None
    include_closed: bool = True


@api.get("/units", response={200: list[UnitOut], **ERRORS}, tags=["units"],
         summary="Các đơn vị trong phạm vi (tìm kiếm không dấu, lọc theo đơn vị cấp trên)")
@paginate(Page)
def units_list(request, filters: Query[UnitFilters]):
    parent = unit_get_visible(request.auth, filters.parent) if filters.parent is not None else None
    units = unit_search(request.auth, query=filters.q[:200], parent=parent, include_closed=filters.include_closed)
    return units


def _ref(unit) -> dict:
    return {"id": unit.pk, "code": unit.code, "name": unit.name}


@api.get("/units/{unit_id}", response={200: UnitDetailOut, **ERRORS}, tags=["units"], summary="Chi tiết đơn vị")
def unit_detail(request, unit_id: Id):
    user = request.auth
    unit = unit_get_visible(user, unit_id)
    visible = units_visible(user)
    unit.ancestors = [_ref(u) for u in unit_breadcrumbs(user, unit)]
    unit.children_count = visible.filter(parent=unit, valid_to__isnull=True).count()
    unit.predecessors = [_ref(u) for u in visible.filter(successor_links__successor=unit).order_by("path")]
    unit.successors = [_ref(u) for u in visible.filter(predecessor_links__predecessor=unit).order_by("path")]
    return unit


# ------------------------------------------------------------------ audit


class AuditFilters(Schema):
    unit: Id | None = None
    action: str = ""


@api.get("/audit", response={200: list[AuditEventOut], **ERRORS}, tags=["audit"],
         summary="Nhật ký thay đổi trong phạm vi được xem nhật ký")
@paginate(Page)
def audit_list(request, filters: Query[AuditFilters]):
    unit = unit_get_visible(request.auth, filters.unit) if filters.unit is not None else None
    events = audit_events_visible(request.auth, unit=unit, action=filters.action[:20])
    return events


# ------------------------------------------------------------------ resolutions, targets, programs, tasks
from nghiquyet.api.adjustments import router as adjustments_router  # noqa: E402
from nghiquyet.api.briefings import router as briefings_router  # noqa: E402
from nghiquyet.api.documents import router as documents_router  # noqa: E402
from nghiquyet.api.members import router as members_router  # noqa: E402
from nghiquyet.api.notifications import router as notifications_router  # noqa: E402
from nghiquyet.api.oversight import router as oversight_router  # noqa: E402
from nghiquyet.api.plans import router as plans_router  # noqa: E402
from nghiquyet.api.reporting import router as reporting_router  # noqa: E402
from nghiquyet.api.reviews import router as reviews_router  # noqa: E402
from nghiquyet.api.study import router as study_router  # noqa: E402

ROUTERS = (plans_router, reporting_router, members_router, notifications_router, adjustments_router, study_router,
           oversight_router, briefings_router, documents_router, reviews_router)
for _router in ROUTERS:
    api.add_router("", _router)


def _atomic_writes(router: Router) -> None:
    """Each write runs in one transaction: when it fails half way (a bug, a lost connection), nothing is kept."""
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            if set(operation.methods) - {"GET", "HEAD", "OPTIONS"}:
                operation.view_func = transaction.atomic(operation.view_func)


for _router in (api.default_router, *ROUTERS):
    _atomic_writes(_router)


# ------------------------------------------------------------------ JSON for unknown paths and methods
# The fallback router must stay the last one added: Django tries URL patterns in order.

_fallback = Router()


@_fallback.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None,
                         include_in_schema=False)
def unknown_path(request, rest: str):
    return _json(request, 404, "Không tìm thấy.")


api.add_router("", _fallback)


def _json_not_allowed(self: PathView) -> HttpResponse:
    """django-ninja answers a wrong method with a plain-text 405; ours is JSON with a Vietnamese detail."""
    allowed = sorted({m for op in self.operations for m in op.methods})
    response = JsonResponse({"detail": f"Phương thức không được hỗ trợ. Được dùng: {', '.join(allowed)}."},
                            status=405)
    response["Allow"] = ", ".join(allowed)
    return response


PathView._not_allowed = _json_not_allowed

