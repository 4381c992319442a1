"""The one settings file. Every deployment knob is an environment variable.

The defaults are for a developer's laptop only: with ``DEBUG=false`` (production)
the process refuses to start while the secret key or hosts are the local defaults.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from nghiquyet.env import Env

env = Env()
BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env.str("NGHIQUYET_VAR_DIR", str(BASE_DIR.parent / "var")))

LOCAL_SECRET_KEY = "local-only-insecure-key-do-not-use-in-production"
DEBUG = env.bool("DEBUG", True)
SECRET_KEY = env.str("SECRET_KEY", LOCAL_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

if not DEBUG:
    problems = []
    if SECRET_KEY == LOCAL_SECRET_KEY or len(SECRET_KEY) < 40:
        problems.append("SECRET_KEY must be set to a random value of at least 40 characters")
    if "*" in ALLOWED_HOSTS or set(ALLOWED_HOSTS) <= {"127.0.0.1", "localhost", "[::1]"}:
        problems.append("ALLOWED_HOSTS must name the public host(s), not '*' or only localhost")
    if env.str("DATABASE_URL", "") == "":
        problems.append("DATABASE_URL must be set explicitly")
    if problems and not env.bool("NGHIQUYET_ALLOW_LOCAL_DEFAULTS", False):
        raise ImproperlyConfigured("Production settings refused: " + "; ".join(problems))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "nghiquyet.core",
    "nghiquyet.org",
    "nghiquyet.accounts",
    "nghiquyet.audit",
    "nghiquyet.resolutions",
    "nghiquyet.programs",
    "nghiquyet.reporting",
    "nghiquyet.members",
    "nghiquyet.study",
    "nghiquyet.oversight",
    "nghiquyet.notifications",
    "nghiquyet.briefings",
    "nghiquyet.documents",
    "nghiquyet.reviews",
    "nghiquyet.api",
    "nghiquyet.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "nghiquyet.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nghiquyet.urls"
WSGI_APPLICATION = "nghiquyet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "nghiquyet.notifications.context.inbox",
            ],
        },
    },
]

DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'nghiquyet.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]  # project-wide CSS/JS (nghiquyet is not an app itself)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are mutually exclusive")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Nghị quyết <no-reply@localhost>")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 3600, minimum=0)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools log every rendering step at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Background work (reminders, digests, rendering) on django-tasks with its database backend: `nghiquyet
# db_worker` runs the queue, no broker or extra server. Tests may set NGHIQUYET_TASKS_BACKEND to
# django_tasks.backends.immediate.ImmediateBackend.
TASKS = {
    "default": {
        "BACKEND": env.str("NGHIQUYET_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Domain configuration: rules that change with the regulations are data, not code.
NGHIQUYET = {
    # Reminders (nghiquyet/notifications/reminders.py): days before a deadline and days after it (while not done)
    # on which the responsible people are reminded; the sources that yield them.
    "REMINDERS": {
        "BEFORE_DAYS": [int(d) for d in env.list("NGHIQUYET_REMIND_BEFORE_DAYS", ["3", "0"])],
        "AFTER_DAYS": [int(d) for d in env.list("NGHIQUYET_REMIND_AFTER_DAYS", ["1", "7"])],
        # An occasion is reminded only within this many days after it was reached (a worker that was down catches
        # up; at go-live a task overdue for years is not reminded as "7 days overdue").
        "CATCH_UP_DAYS": env.int("NGHIQUYET_REMINDER_CATCH_UP_DAYS", 3, minimum=0),
        # A source whose module is missing is skipped with a warning at scan time (see notifications/reminders.py).
        "SOURCES": env.list("NGHIQUYET_REMINDER_SOURCES", [
            "nghiquyet.reporting.reminders.reminders_due",
            "nghiquyet.programs.reminders.reminders_due",
            "nghiquyet.study.reminders.reminders_due",
            "nghiquyet.oversight.reminders.reminders_due",
            "nghiquyet.reviews.reminders.reminders_due",
            "nghiquyet.resolutions.reminders.reminders_due",
            "nghiquyet.briefings.reminders.reminders_due",
        ]),
        # `nghiquyet worker` queues a scan this often (seconds); e-mails waiting for a retry go out on the next scan.
        "SCAN_SECONDS": env.int("NGHIQUYET_REMINDER_SCAN_SECONDS", 60, minimum=1),
        # A temporary SMTP failure (connection, 4xx, a refused login or sender) is retried after RETRY_SECONDS,
        # doubling per attempt up to RETRY_MAX_SECONDS, until MAX_ATTEMPTS; a 5xx refusal of the recipient or the
        # message, or a message that cannot be built (invalid address), is marked failed at once.
        "RETRY_SECONDS": env.int("NGHIQUYET_REMINDER_RETRY_SECONDS", 60, minimum=1),
        "RETRY_MAX_SECONDS": env.int("NGHIQUYET_REMINDER_RETRY_MAX_SECONDS", 3600, minimum=1),
        # Give a delivery up (failed) after this many temporary failures; 0: never (it waits for the server).
        "MAX_ATTEMPTS": env.int("NGHIQUYET_REMINDER_MAX_ATTEMPTS", 0, minimum=0),
        # A claim older than this (a worker killed mid-send) may be taken over by another worker.
        "CLAIM_TIMEOUT_SECONDS": env.int("NGHIQUYET_REMINDER_CLAIM_TIMEOUT_SECONDS", 300, minimum=5),
        "SMTP_TIMEOUT_SECONDS": env.int("NGHIQUYET_REMINDER_SMTP_TIMEOUT_SECONDS", 20, minimum=1),
        "SEND_BATCH": env.int("NGHIQUYET_REMINDER_SEND_BATCH", 200, minimum=1),
        # The address of the site, for the links in e-mails.
        "SITE_URL": env.str("NGHIQUYET_SITE_URL", "http://127.0.0.1:8000"),
    },
    # Study (học tập, quán triệt, nghiquyet/study): the unit kinds expected to hold their own sessions when a plan
    # leaves it to the units below (HOLDER_KINDS), the days a member has for the write-up after studying
    # (WRITEUP_DAYS, the default of a new plan).
    "STUDY": {
        "HOLDER_KINDS": env.list("NGHIQUYET_STUDY_HOLDER_KINDS", ["commune", "agency", "enterprise"]),
        "WRITEUP_DAYS": env.int("NGHIQUYET_STUDY_WRITEUP_DAYS", 15, minimum=1),
    },
    # Briefings (giao ban, nghiquyet/briefings): a task is "at risk" when due within AT_RISK_DAYS and below
    # AT_RISK_PERCENT done; the PDF shows at most PDF_ROWS rows per section ("và N mục khác"); the weekly e-mail
    # goes from WEEKDAY (ISO: 1 = Monday) to the standing-committee roles (ROLES) of committees of KINDS.
    "BRIEFINGS": {
        "AT_RISK_DAYS": env.int("NGHIQUYET_BRIEFING_AT_RISK_DAYS", 14, minimum=1, maximum=120),
        "AT_RISK_PERCENT": env.int("NGHIQUYET_BRIEFING_AT_RISK_PERCENT", 70, minimum=1, maximum=100),
        "PAGE_ROWS": env.int("NGHIQUYET_BRIEFING_PAGE_ROWS", 50, minimum=5, maximum=1000),
        "PDF_ROWS": env.int("NGHIQUYET_BRIEFING_PDF_ROWS", 5, minimum=1, maximum=20),
        "EMAIL_ROWS": env.int("NGHIQUYET_BRIEFING_EMAIL_ROWS", 10, minimum=1, maximum=100),
        "WEEKDAY": env.int("NGHIQUYET_BRIEFING_WEEKDAY", 1, minimum=1, maximum=7),
        "ROLES": env.list("NGHIQUYET_BRIEFING_ROLES",
                          ["secretary", "deputy_secretary", "standing_member", "office_staff"]),
        "KINDS": env.list("NGHIQUYET_BRIEFING_KINDS",
                          ["central", "province", "district", "sector_bloc", "commune", "agency", "enterprise"]),
    },
    # Target adjustments (điều chỉnh chỉ tiêu, nghiquyet/resolutions): a proposal still waiting for a decision
    # PENDING_REMIND_DAYS after it was proposed is reminded to those who may decide (again every such period).
    "ADJUSTMENTS": {
        "PENDING_REMIND_DAYS": env.int("NGHIQUYET_ADJUSTMENT_REMIND_DAYS", 7, minimum=1, maximum=365),
    },
    # Inspection and supervision (kiểm tra, giám sát, nghiquyet/oversight): document types an annual program may
    # carry (PROGRAM_TYPES) and the conclusion or result notice of an inspection (CONCLUSION_TYPES).
    "OVERSIGHT": {
        "PROGRAM_TYPES": env.list("NGHIQUYET_OVERSIGHT_PROGRAM_TYPES", ["CTr", "KH"]),
        "CONCLUSION_TYPES": env.list("NGHIQUYET_OVERSIGHT_CONCLUSION_TYPES", ["KL", "TB", "BC"]),
    },
    # Documents the app issues (Hướng dẫn 36-HD/VPTW on format, Quy định 399-QĐ/TW on the system of documents).
    # Sizes in points, margins in millimetres; a deployment changes them without touching code.
    "DOCUMENTS": {
        "FONT": env.str("NGHIQUYET_DOCUMENT_FONT", "Times New Roman"),
        # Used by the PDF renderer where Times New Roman is not installed (fonts-liberation2, metric-compatible).
        "FALLBACK_FONT": env.str("NGHIQUYET_DOCUMENT_FALLBACK_FONT", "Liberation Serif"),
        "SIZES": {
            "superior": env.int("NGHIQUYET_DOCUMENT_SIZE_SUPERIOR", 14, minimum=8, maximum=20),
            "issuer": env.int("NGHIQUYET_DOCUMENT_SIZE_ISSUER", 14, minimum=8, maximum=20),
            "party": env.int("NGHIQUYET_DOCUMENT_SIZE_PARTY", 15, minimum=8, maximum=20),
            "type": env.int("NGHIQUYET_DOCUMENT_SIZE_TYPE", 16, minimum=8, maximum=22),
            "subject": env.int("NGHIQUYET_DOCUMENT_SIZE_SUBJECT", 14, minimum=8, maximum=20),
            "body": env.int("NGHIQUYET_DOCUMENT_SIZE_BODY", 14, minimum=8, maximum=20),
            "table": env.int("NGHIQUYET_DOCUMENT_SIZE_TABLE", 12, minimum=6, maximum=16),
            "recipients": env.int("NGHIQUYET_DOCUMENT_SIZE_RECIPIENTS", 12, minimum=6, maximum=16),
        },
        "MARGINS_MM": {
            "top": env.int("NGHIQUYET_DOCUMENT_MARGIN_TOP", 20, minimum=5, maximum=50),
            "bottom": env.int("NGHIQUYET_DOCUMENT_MARGIN_BOTTOM", 20, minimum=5, maximum=50),
            "left": env.int("NGHIQUYET_DOCUMENT_MARGIN_LEFT", 30, minimum=5, maximum=50),
            "right": env.int("NGHIQUYET_DOCUMENT_MARGIN_RIGHT", 15, minimum=5, maximum=50),
        },
        # Issuer codes in a symbol ("Số 12-BC/ĐU") by unit kind; a unit kind missing here uses "ĐU".
        "ISSUER_CODES": {
            "central": "TW", "province": "TU", "district": "HU", "sector_bloc": "ĐU", "commune": "ĐU",
            "agency": "ĐU", "enterprise": "ĐU", "branch": "CB",
        },
        # Who signs on behalf of whom, by unit kind (a unit kind missing here signs "T/M BAN THƯỜNG VỤ").
        "ON_BEHALF": {"branch": "T/M CHI BỘ"},
        # The issuing organization's name in the letterhead, by unit kind (upper-cased when printed; a kind missing
        # here uses "default"). {name}: the unit's name ("Chi bộ thôn 1"); {committee}: the name with "Đảng bộ"
        # read as "Đảng ủy" ("Đảng ủy xã Đông Sơn"); {place}: the place ("Hà Thanh"). A city at province level
        # sets "province": "Thành ủy {place}".
        "ISSUER_NAMES": {
            "central": "Ban Chấp hành Trung ương", "province": "Tỉnh ủy {place}", "district": "Huyện ủy {place}",
            "branch": "{name}", "default": "{committee}",
        },
        # The superior organization's line above it, by the issuing unit's kind: {parent} is the name of the
        # nearest party organization above ("Đảng bộ tỉnh Hà Thanh"); "" prints no superior line.
        "SUPERIOR_NAMES": {"central": "", "province": "", "default": "{parent}"},
        # Types a unit's subordinates read in its register (what it issues downward); its reports (BC) and
        # letters (CV) stay with the unit and the levels above it.
        "READ_BELOW_TYPES": env.list("NGHIQUYET_DOCUMENT_READ_BELOW_TYPES",
                                     ["NQ", "CT", "KL", "HD", "KH", "CTr", "QĐ", "QĐi", "TB"]),
        # File types an office may register (a document issued outside the app).
        "UPLOAD_EXTENSIONS": env.list("NGHIQUYET_DOCUMENT_UPLOAD_EXTENSIONS", ["docx", "pdf", "doc", "xlsx", "odt"]),
        # Files rendered on the worker are kept this many days (older ones of a user go when they ask for a new
        # one); a job still waiting after RENDER_STALE_MINUTES is taken as lost (worker down) and can be asked again.
        "RENDER_KEEP_DAYS": env.int("NGHIQUYET_DOCUMENT_RENDER_KEEP_DAYS", 7, minimum=1),
        "RENDER_STALE_MINUTES": env.int("NGHIQUYET_DOCUMENT_RENDER_STALE_MINUTES", 30, minimum=1),
        # A committee term lasts this many years; where a unit has no term on record, terms are counted from
        # TERM_ANCHOR_YEAR (2025: 2020-2025, 2025-2030, ...), the year of the last congresses.
        "TERM_YEARS": env.int("NGHIQUYET_TERM_YEARS", 5, minimum=1, maximum=10),
        "TERM_ANCHOR_YEAR": env.int("NGHIQUYET_TERM_ANCHOR_YEAR", 2025, minimum=1930, maximum=2200),
        # Largest file accepted when an office registers a document issued outside the app.
        "MAX_UPLOAD_MB": env.int("NGHIQUYET_DOCUMENT_MAX_UPLOAD_MB", 20, minimum=1, maximum=200),
        # How the "Nơi nhận:" label is printed (DOCX and PDF): "bold_italic" (Hướng dẫn 36-HD/VPTW) or "bold_underline".
        "RECIPIENTS_LABEL_STYLE": env.choice("NGHIQUYET_DOCUMENT_RECIPIENTS_LABEL_STYLE", "bold_italic",
                                             ["bold_italic", "bold_underline"]),
    },
    # Review campaigns (sơ kết, tổng kết). A report of a unit with more subordinate reports than this is rendered
    # on the worker with a progress bar; smaller ones render in the request.
    "REVIEWS": {
        "RENDER_INLINE_MAX_UNITS": env.int("NGHIQUYET_REVIEW_RENDER_INLINE_MAX_UNITS", 40, minimum=0),
        "NARRATIVE_MAX_CHARS": env.int("NGHIQUYET_REVIEW_NARRATIVE_MAX_CHARS", 50_000, minimum=1000),
        # Unit kinds that may open a review campaign: party organizations with something below them (not a branch).
        "OPENING_KINDS": env.list("NGHIQUYET_REVIEW_OPENING_KINDS", ["central", "province", "district", "sector_bloc",
                                                                     "commune", "agency", "enterprise"]),
        # Document types a campaign reviews: resolutions, directives and conclusions (not the programs and plans
        # implementing them).
        "REVIEWABLE_TYPES": env.list("NGHIQUYET_REVIEW_REVIEWABLE_TYPES", ["NQ", "CT", "KL"]),
    },
    "PAGE_SIZE": env.int("NGHIQUYET_PAGE_SIZE", 25, minimum=5, maximum=500),
    "API_TOKEN_DAYS": env.int("NGHIQUYET_API_TOKEN_DAYS", 90, minimum=1),
    # Document type codes (Quy định 399-QĐ/TW) accepted in symbols such as "58-NQ/TW".
    "DOCUMENT_TYPES": {
        "NQ": _("Nghị quyết"), "CT": _("Chỉ thị"), "KL": _("Kết luận"), "KH": _("Kế hoạch"),
        "CTr": _("Chương trình"), "QĐ": _("Quyết định"), "HD": _("Hướng dẫn"), "BC": _("Báo cáo"),
        "TB": _("Thông báo"), "CV": _("Công văn"), "QĐi": _("Quy định"),
    },
    # Document types an action program may carry (chương trình, kế hoạch).
    "PROGRAM_TYPES": env.list("NGHIQUYET_PROGRAM_TYPES", ["CTr", "KH"]),
    # Which "clears" a task must carry (rõ người, rõ việc, rõ thời gian, rõ trách nhiệm, rõ sản phẩm,
    # rõ thẩm quyền). Remove a key to make it optional.
    "TASK_REQUIRED_CLEARS": env.list(
        "NGHIQUYET_TASK_REQUIRED_CLEARS", ["person", "task", "time", "responsibility", "deliverable", "authority"]
    ),
    # Progress reporting. VISIBLE_ABOVE: which values count in the levels above (rollups, dashboards) before a
    # superior approves them: "submitted" (as soon as sent) or "accepted" (after approval). After changing it,
    # run `nghiquyet rollups_rebuild`.
    "REPORTING": {
        "VISIBLE_ABOVE": env.choice("NGHIQUYET_VISIBLE_ABOVE", "submitted", ["submitted", "accepted"]),
        # Status of a target against its plan: ratio of actual to the plan for the period (direction-aware).
        "ON_TRACK": env.decimal("NGHIQUYET_STATUS_ON_TRACK", "0.95"),
        "AT_RISK": env.decimal("NGHIQUYET_STATUS_AT_RISK", "0.80"),
        # Data-quality checks.
        "HISTORY_MIN_PERIODS": 6,     # periods of history before a plausible range is learned
        "RANGE_SIGMAS": 3,            # plausible range = mean ± this many (sample) standard deviations
        "RANGE_FLAT_BAND": "0.05",    # when the history never changed: mean ± 5%
        "JUMP_RATIO": "0.5",          # a change of more than 50% against the previous period is a jump (sums,
                                      # reported cumulatively from 1 January: against the same period last year)
        "TOTAL_TOLERANCE": "0.005",   # self-reported total vs sum of subordinates (relative)
        "COPIED_MIN_UNITS": 5,        # the same value at this many sibling units is suspicious
    },
}
AXES_LOCKOUT_CALLABLE = "nghiquyet.accounts.views.lockout_response"
