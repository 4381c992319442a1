"""Uploaded files people attach (task evidence, resolution attachments): what is accepted and how it is kept.

Only documents and pictures are accepted; anything a browser could run (html, svg, js) is refused, and so are
archives (their content cannot be checked). The content must start like its extension says ("magic bytes"),
the size is limited by ``settings.NGHIQUYET["EVIDENCE_MAX_MB"]`` (20 MB by default), the uploader's name is
kept only for display and download while the file is stored under a random name. Download views serve files
as attachments with ``safe_download_headers``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

# extension -> (content type served, how the file must start)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    "ppt": ("application/vnd.ms-powerpoint", (b"\xd0\xcf\x11\xe0",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    "odp": ("application/vnd.oasis.opendocument.presentation", (b"PK\x03\x04",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "txt": ("text/plain; charset=utf-8", ()),
}


def max_upload_bytes() -> int:
    return int(settings.NGHIQUYET.get("EVIDENCE_MAX_MB", 20)) * 1024 * 1024


def file_extension(name: str) -> str:
    name = str(name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def safe_content_type(name: str) -> str:
    """The content type a file is served with: from the allowed list, never from the upload."""
    known = ALLOWED_TYPES.get(file_extension(name))
    return known[0] if known else "application/octet-stream"


def display_name(upload) -> str:
    """The uploader's file name (shown and used as the download name; never a path on disk)."""
    name = str(getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "tep"
    if len(name) > 255:
        extension = file_extension(name)
        name = name[: 254 - len(extension)] + "." + extension
    return name


def upload_problem(upload) -> str:
    """Why an uploaded file is refused (Vietnamese), or ""."""
    name = str(getattr(upload, "name", "") or "")
    extension = file_extension(name)
    if extension not in ALLOWED_TYPES:
        return _("Không nhận tệp “%(name)s”: chỉ nhận tệp %(types)s.") % {
            "name": display_name(upload), "types": ", ".join(sorted(ALLOWED_TYPES))}
    size = getattr(upload, "size", None)
    if size is None or size <= 0:
        return _("Tệp “%(name)s” rỗng.") % {"name": display_name(upload)}
    limit = max_upload_bytes()
    if size > limit:
        return _("Tệp “%(name)s” quá lớn: tối đa %(mb)d MB.") % {"name": display_name(upload),
                                                                   "mb": limit // (1024 * 1024)}
    magic = ALLOWED_TYPES[extension][1]
    try:
        upload.seek(0)
        head = upload.read(2048)
        upload.seek(0)
    except (AttributeError, OSError, ValueError):
        return _("Không đọc được tệp “%(name)s”.") % {"name": display_name(upload)}
    if isinstance(head, str):
        head = head.encode()
    if magic and not head.startswith(magic):
        return _("Nội dung tệp “%(name)s” không đúng định dạng .%(ext)s.") % {
            "name": display_name(upload), "ext": extension}
    if extension == "txt" and b"\x00" in head:
        return _("Nội dung tệp “%(name)s” không đúng định dạng .%(ext)s.") % {
            "name": display_name(upload), "ext": extension}
    return ""


def random_stored_name(folder: str, filename: str) -> str:
    """``folder/<year>/<random hex>.<ext>``: the uploader's name never reaches the disk. Only the extension
    stays, lower case, and only when it is a plain one."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    suffix = f".{suffix}" if suffix.isascii() and suffix.isalnum() and len(suffix) <= 5 else ""
    return f"{folder}/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"


def safe_download_headers(response):
    """Headers for a file download: never sniffed, never run, never cached by a shared cache."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def stored_file_response(stored, name: str, *, not_found: str):
    """Send a stored upload (``FieldFile``) to a reader who may have it: always as an attachment under its
    original ``name``, with a content type from our own list and the safe headers; 404 when the file is gone."""
    from django.http import FileResponse, Http404

    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404(not_found) from None
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=safe_content_type(name))
    return safe_download_headers(response)
