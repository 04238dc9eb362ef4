"""Settings for Đồng Hành, read from environment variables (see .env.example).

Development runs with zero configuration on SQLite under DATA_DIR. Production
(DONGHANH_ENV=production) refuses to start without its secrets.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from donghanh.env import (
    ConfigurationError,
    cache_from_url,
    envbool,
    envchoice,
    envint,
    envlist,
    envsecret,
    envstr,
)

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = envchoice("DONGHANH_ENV", "development", ("development", "production"))
PRODUCTION = ENVIRONMENT == "production"
DEBUG = envbool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ConfigurationError("DEBUG must be off in production")

DATA_DIR = Path(envstr("DATA_DIR", str(BASE_DIR / "data"))).resolve()

# Secrets. Development uses fixed, clearly insecure values so that `make run` needs no setup;
# production never falls back to them.
_DEV_SECRET_KEY = "django-insecure-development-only-never-use-this-key-in-production-0123456789"  # noqa: S105
# A Fernet key for development only (32 url-safe base64 bytes).
_DEV_DATA_KEY = "ZGV2ZWxvcG1lbnQtb25seS1kYXRhLWtleS0wMDAwMDA="

SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ConfigurationError("SECRET_KEY (or SECRET_KEY_FILE) is required in production")
    SECRET_KEY = _DEV_SECRET_KEY

# Comma-separated Fernet keys, newest first: the first encrypts, all of them decrypt, so a key
# can be rotated without downtime (see `manage.py rotate_data_key`).
DATA_ENCRYPTION_KEYS = envlist("DATA_ENCRYPTION_KEYS", [])
if not DATA_ENCRYPTION_KEYS:
    _from_file = envsecret("DATA_ENCRYPTION_KEYS")
    DATA_ENCRYPTION_KEYS = [k.strip() for k in _from_file.split(",") if k.strip()]
if not DATA_ENCRYPTION_KEYS:
    if PRODUCTION:
        raise ConfigurationError(
            "DATA_ENCRYPTION_KEYS (or DATA_ENCRYPTION_KEYS_FILE) is required in production"
        )
    DATA_ENCRYPTION_KEYS = [_DEV_DATA_KEY]
if PRODUCTION and _DEV_DATA_KEY in DATA_ENCRYPTION_KEYS:
    raise ConfigurationError("the development data-encryption key cannot be used in production")

# The key backup archives are encrypted with (`manage.py backup_create`, docs/backup.md): 32
# random bytes in URL-safe base64, like a data key but never one of them. Only the backup and
# restore commands read it; keep it out of the web and worker processes' environment.
BACKUP_ENCRYPTION_KEY = envsecret("BACKUP_ENCRYPTION_KEY")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigurationError("ALLOWED_HOSTS is required in production")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "donghanh.core",
    "donghanh.reference",
    "donghanh.places",
    "donghanh.accounts",
    "donghanh.organisations",
    "donghanh.jobs",
    "donghanh.audit",
    "donghanh.backups",
    "donghanh.people",
    "donghanh.cases",
    "donghanh.casework",
    "donghanh.programmes",
    "donghanh.referrals",
    "donghanh.attachments",
    "donghanh.livelihood",
    "donghanh.imports",
    "donghanh.privacy",
    "donghanh.duplicates",
    "donghanh.fieldwork",
    "donghanh.directory",
    "donghanh.content",
    "donghanh.api",
    "donghanh.workspace",
    "donghanh.public",
    "donghanh.demo",
    "donghanh.indicators",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost after security, so that every answer of the staff pages and the API (redirects,
    # lockouts and errors from the middleware below included) is marked no-store.
    "donghanh.core.middleware.PrivateNoStoreMiddleware",
    # Before everything that reads the session or the database: a cached public page is served
    # from here (donghanh/core/page_cache.py).
    "donghanh.core.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "donghanh.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's, reading the session's device with a compiled read.
    "donghanh.accounts.middleware.DeviceMiddleware",
    "donghanh.accounts.middleware.SessionTrackingMiddleware",
    "donghanh.accounts.middleware.NotFoundWatchMiddleware",
    "donghanh.accounts.middleware.SecurityGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # In development runserver and the test live server serve static files themselves.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "donghanh.urls"
WSGI_APPLICATION = "donghanh.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "donghanh" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "donghanh.organisations.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under DATA_DIR unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'donghanh.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database lives in a folder that may not exist on a fresh clone.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer commits; IMMEDIATE makes a write transaction
        # take its lock up front, so two writers queue instead of failing half-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Covering indexes (INCLUDE columns) serve PostgreSQL's index-only scans; SQLite builds the
    # same indexes on their key columns alone, which is all the embedded database needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# The role that owns the tables, for `manage.py migrate` and `backup_restore` only: the running
# platform connects through DATABASE_URL as a role that may read and write rows but not change
# the schema, empty a table or switch off the audit log's trigger (docs/deployment.md). Give it
# to the commands that need it and keep it out of the web and worker processes' environment.
DATABASE_OWNER: dict[str, str] | None = None
_owner_url = envsecret("DATABASE_OWNER_URL")
if _owner_url:
    _owner = dj_database_url.parse(_owner_url)
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ConfigurationError("DATABASE_OWNER_URL is for PostgreSQL; SQLite has no roles")
    _app = DATABASES["default"]
    _where = ("ENGINE", "NAME", "HOST")
    if [_owner.get(p) for p in _where] != [_app.get(p) for p in _where] or str(
        _owner.get("PORT") or 5432
    ) != str(_app.get("PORT") or 5432):
        raise ConfigurationError(
            "DATABASE_OWNER_URL must name the same database as DATABASE_URL (engine, host, "
            "port and name), with the owner's user and password"
        )
    if _owner.get("USER") == _app.get("USER"):
        raise ConfigurationError(
            "DATABASE_OWNER_URL and DATABASE_URL name the same user: the platform must connect "
            "as a role that does not own its tables"
        )
    DATABASE_OWNER = {"USER": str(_owner["USER"]), "PASSWORD": str(_owner.get("PASSWORD") or "")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler spends up to seconds compiling the caseload's filtered counts
    # and saves nothing on queries that read a few thousand index entries.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = f"{_pg_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds whole public pages (donghanh/core/page_cache.py). In production it must be shared
# by every worker process, so that publishing invalidates a page everywhere at once: Redis from
# CACHE_URL (or REDIS_URL), else files under DATA_DIR. Development keeps it in memory.
CACHES = {
    "default": cache_from_url(
        envstr("CACHE_URL") or envstr("REDIS_URL"),
        fallback=(
            {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(DATA_DIR / "cache"),
            }
            if PRODUCTION
            else {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "donghanh",
            }
        ),
    )
}
# Where the quick-exit button of every public page goes: a neutral page that looks ordinary on
# a phone someone else may check.
QUICK_EXIT_URL = envstr("QUICK_EXIT_URL", "https://vnexpress.net/thoi-tiet")
PUBLIC_PAGE_CACHE_SECONDS = envint("PUBLIC_PAGE_CACHE_SECONDS", 3600, minimum=0)
# How long each worker process may serve its own copy of a public page before asking the shared
# cache again (0: never). Another worker's publication shows after at most this long.
PUBLIC_PAGE_LOCAL_SECONDS = envint("PUBLIC_PAGE_LOCAL_SECONDS", 2, minimum=0, maximum=60)
# The public search index is renewed after a publication in a thread of each worker, while the
# previous index keeps answering ("background"); "inline" renews it inside the next search, as
# tests do (their data lives in the test's own transaction, which another thread cannot see).
SEARCH_INDEX_REFRESH = "background"
# Who builds the new public search index after a publication: "jobs", a job of the background
# workers (queued by the publication), while the web processes only load its copy from the
# shared cache, piece by piece; "web", a thread of the first web process that notices. "jobs"
# needs a cache the workers share with the web processes: not development's memory cache.
SEARCH_INDEX_BUILDER = envstr("SEARCH_INDEX_BUILDER") or (
    "web" if str(CACHES["default"]["BACKEND"]).endswith("LocMemCache") else "jobs"
)
if SEARCH_INDEX_BUILDER not in ("jobs", "web"):
    raise ConfigurationError(
        f"SEARCH_INDEX_BUILDER is 'jobs' or 'web', not {SEARCH_INDEX_BUILDER!r}"
    )
# The caseload counts the cases it lists up to this many ("more than 10,000" beyond), unless the
# user asks for the exact count: counting a large organisation's every case costs more than the
# page.
CASELOAD_COUNT_CAP = 10_000
# A name search by someone who sees the whole organisation, among more cases than this (after
# the other filters), reads the cases newest first until its page is full when the name is
# common among them, and estimates the count ("about 9,300 cases"); among fewer, or asked for
# the exact count, it ranks and counts every match.
CASELOAD_NAME_SEARCH_EXACT_BELOW = 2_000
# Such a search of two words or more whose name is rarer (its exact matches not among the
# newest cases) finds a first page of exact matches from the people holding its rarest word
# with each other word, when no more than this many hold them (`people.selectors
# .name_pair_search`), and counts the exact matches only ("1.194 cases with the exact name");
# beyond, or past the exact matches, it ranks and counts every match.
CASELOAD_NAME_PAIR_MOST = 20_000

# Passwords and login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, reading the signed-in user with a compiled read.
    "donghanh.accounts.backends.AccountBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_COOLOFF_MINUTES = envint("LOGIN_COOLOFF_MINUTES", 15, minimum=1)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "username"
# Guessing spread over many addresses: after ACCOUNT_FAILURE_LIMIT wrong passwords for one
# account within a day, from browsers that never signed in to it, each further attempt from such
# a browser waits (1 minute, doubling, at most ACCOUNT_SLOWDOWN_MAX_MINUTES). Browsers that signed
# in to the account before are not slowed, so an attacker cannot lock its owner out. The owner and
# the administrators of their organisations get a notice; see docs/security.md.
ACCOUNT_FAILURE_LIMIT = envint("ACCOUNT_FAILURE_LIMIT", 10, minimum=1)
ACCOUNT_SLOWDOWN_MAX_MINUTES = envint("ACCOUNT_SLOWDOWN_MAX_MINUTES", 60, minimum=1)
# Someone trying other organisations' records only ever sees "not found": after
# PROBE_NOT_FOUND_LIMIT of them on record addresses within PROBE_WINDOW_MINUTES, one audit row.
PROBE_NOT_FOUND_LIMIT = envint("PROBE_NOT_FOUND_LIMIT", 30, minimum=1)
PROBE_WINDOW_MINUTES = envint("PROBE_WINDOW_MINUTES", 10, minimum=1, maximum=24 * 60)
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
if TRUSTED_PROXY_COUNT == 0:
    # Without a trusted proxy a client could forge X-Forwarded-For to dodge the lockout.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Sessions expire after a period without activity. A session is written only when it changed:
# a signed-in one notes its last activity once a minute (`accounts.sessions.session_seen`),
# which pushes the expiry forward, so activity keeps it alive without a write per request.
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60)
# Django's database sessions, read by a compiled query (donghanh/accounts/session_store.py).
SESSION_ENGINE = "donghanh.accounts.session_store"
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "donghanh_session"
CSRF_COOKIE_NAME = "donghanh_csrf"

OTP_TOTP_ISSUER = "Đồng Hành"

# Internationalisation: Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "donghanh_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LOCALE_PATHS = [BASE_DIR / "donghanh" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["donghanh.formats"]
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "donghanh" / "static"]
MEDIA_ROOT = Path(envstr("PRIVATE_MEDIA_ROOT", str(DATA_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Security headers. The policy allows only our own scripts, styles and images: no third parties.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    if envbool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logging: operational events only. Request paths and user input never carry personal data into
# the log because handlers log identifiers, not names, and axes is kept quiet.
LOG_LEVEL = envchoice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Addresses are logged without their query strings: searches carry names there.
    "filters": {"without_query_strings": {"()": "donghanh.core.logs.WithoutQueryStrings"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["without_query_strings"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # The development server's request lines, through the same filtered handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security.DisallowedHost": {"handlers": ["console"], "level": "ERROR"},
    },
}

# Background jobs (docs/jobs.md): queued in the database (django-tasks' database backend) and
# run by `manage.py run_jobs_worker`, which `make run` starts beside the server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How long a job's result file can be downloaded before the nightly clean-up deletes it.
JOBS_RESULT_EXPIRY_DAYS = envint("JOBS_RESULT_EXPIRY_DAYS", 7, minimum=1, maximum=90)
# The hour (local time) from which the workers queue the nightly jobs, once a day.
JOBS_NIGHTLY_HOUR = envint("JOBS_NIGHTLY_HOUR", 2, minimum=0, maximum=23)
# A running job not heard from for this long is taken as interrupted (its worker stopped).
JOBS_STALE_AFTER_SECONDS = envint("JOBS_STALE_AFTER_SECONDS", 120, minimum=4)
# How many times a job is run in all when its worker stops while running it.
JOBS_MAX_ATTEMPTS = envint("JOBS_MAX_ATTEMPTS", 2, minimum=1, maximum=10)
# Finished jobs are listed (and their rows kept) for this many days; the audit log keeps more.
JOBS_KEEP_DAYS = 90
# How often a running job's worker says it is alive: well within the time it is allowed.
JOBS_HEARTBEAT_SECONDS = min(5.0, JOBS_STALE_AFTER_SECONDS / 4)

# Imports from spreadsheets (docs/imports.md): the largest file accepted, the most rows it may
# hold, and how long an uploaded file that was never imported is kept.
IMPORTS_MAX_UPLOAD_MB = envint("IMPORTS_MAX_UPLOAD_MB", 20, minimum=1, maximum=200)
IMPORTS_MAX_ROWS = envint("IMPORTS_MAX_ROWS", 50_000, minimum=100, maximum=1_000_000)
IMPORTS_UPLOAD_KEEP_DAYS = envint("IMPORTS_UPLOAD_KEEP_DAYS", 7, minimum=1, maximum=90)

# The offline field app (docs/offline.md): after this many days without contacting the server a
# device erases the work it keeps offline, and refuses to open it meanwhile.
FIELD_MAX_OFFLINE_DAYS = envint("FIELD_MAX_OFFLINE_DAYS", 7, minimum=1, maximum=30)

DEMO_PASSWORD = envstr("DEMO_PASSWORD", "DongHanh@2026")
CSRF_FAILURE_VIEW = "donghanh.core.views.csrf_failure"

# The REST API under /api/ (see docs/api.md): bearer tokens only, JSON only. Sessions are not
# accepted there, so a browser's sign-in (and its second factor) never stands in for a token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["donghanh.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["donghanh.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "donghanh.api.pagination.PagePagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Pages of people or cases one API token may read a minute (a sliding window; 429 beyond it).
API_LIST_PAGES_PER_MINUTE = envint("API_LIST_PAGES_PER_MINUTE", 60, minimum=1)
SPECTACULAR_SETTINGS = {
    "TITLE": "Đồng Hành API",
    "DESCRIPTION": (
        "Case management data of Đồng Hành, under the same access rules as the web pages. "
        "Authenticate with `Authorization: Bearer <token>`; see docs/api.md."
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ConsentPurposeEnum": "donghanh.api.enums.CONSENT_PURPOSE",
        "ConsentMethodEnum": "donghanh.api.enums.CONSENT_METHOD",
        "ConsentGivenByEnum": "donghanh.api.enums.CONSENT_GIVEN_BY",
        "ConsentStatusEnum": "donghanh.api.enums.CONSENT_STATUS",
        "GuardianRelationEnum": "donghanh.api.enums.GUARDIAN_RELATION",
        "DuplicateReasonEnum": "donghanh.api.enums.DUPLICATE_REASON",
        "CaseTypeEnum": "donghanh.api.enums.CASE_TYPE",
        "CaseStatusEnum": "donghanh.api.enums.CASE_STATUS",
        "IntakeChannelEnum": "donghanh.api.enums.INTAKE_CHANNEL",
        "IdentificationStatusEnum": "donghanh.api.enums.IDENTIFICATION_STATUS",
        "LegalRegimeEnum": "donghanh.api.enums.LEGAL_REGIME",
        "SupportGroupEnum": "donghanh.api.enums.SUPPORT_GROUP",
        "SupportRegimeEnum": "donghanh.api.enums.SUPPORT_REGIME",
        "ClosureReasonEnum": "donghanh.api.enums.CLOSURE_REASON",
        "ReintegrationOutcomeEnum": "donghanh.api.enums.REINTEGRATION_OUTCOME",
        "ServiceDomainEnum": "donghanh.api.enums.SERVICE_DOMAIN",
        "ReferralKindEnum": "donghanh.api.enums.REFERRAL_KIND",
        "ReferralStatusEnum": "donghanh.api.enums.REFERRAL_STATUS",
        "ReferralRoleEnum": "donghanh.api.enums.REFERRAL_ROLE",
        "SharedSectionEnum": "donghanh.api.enums.SHARED_SECTION",
        "LivelihoodEnum": "donghanh.api.enums.LIVELIHOOD",
        "SupportKindEnum": "donghanh.api.enums.SUPPORT_KIND",
        "AssessmentPointEnum": "donghanh.api.enums.ASSESSMENT_POINT",
        "LeaveReasonEnum": "donghanh.api.enums.LEAVE_REASON",
        "CycleStatusEnum": "donghanh.api.enums.CYCLE_STATUS",
        "MeetingFrequencyEnum": "donghanh.api.enums.MEETING_FREQUENCY",
        "CommitteeRoleEnum": "donghanh.api.enums.COMMITTEE_ROLE",
        "AttendanceStatusEnum": "donghanh.api.enums.ATTENDANCE_STATUS",
        "LoanPurposeEnum": "donghanh.api.enums.LOAN_PURPOSE",
        "LoanStatusEnum": "donghanh.api.enums.LOAN_STATUS",
        "EntryKindEnum": "donghanh.api.enums.ENTRY_KIND",
        "FineReasonEnum": "donghanh.api.enums.FINE_REASON",
        "GrantReasonEnum": "donghanh.api.enums.GRANT_REASON",
        "PairDecisionEnum": "donghanh.api.enums.PAIR_DECISION",
        "ReviewDecisionEnum": "donghanh.api.enums.REVIEW_DECISION",
    },
}
