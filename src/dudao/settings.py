"""Dudao settings: everything comes from the environment, with safe embedded defaults.

Embedded default (a laptop, `make demo`): SQLite under var/, tasks in the same database.
Production: set DATABASE_URL=postgres://..., DUDAO_SECRET_KEY, DUDAO_ALLOWED_HOSTS, REDIS_URL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("DUDAO_HOME", SRC_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("DUDAO_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# DEBUG stays off unless the demo (or a developer) turns it on explicitly.
DEBUG = env_bool("DUDAO_DEBUG", False)
DEMO = env_bool("DUDAO_DEMO", False)
# Under pytest the test settings apply whether or not DUDAO_TESTING was exported.
TESTING = env_bool("DUDAO_TESTING", False) or "pytest" in sys.modules

SECRET_KEY = os.environ.get("DUDAO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or DEMO or TESTING:
        SECRET_KEY = "dudao-insecure-local-key-only-for-demo-and-tests"
    else:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("生产环境必须设置 DUDAO_SECRET_KEY 环境变量 (DUDAO_SECRET_KEY is required).")

ALLOWED_HOSTS = env_list("DUDAO_ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or DEMO or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("DUDAO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    # Swagger UI of /api/docs from ninja's own static files (not a CDN the CSP would block).
    "ninja",
    "dudao.core",
    "dudao.regions",
    "dudao.people",
    "dudao.schools",
    "dudao.supervisors",
    "dudao.zones",
    "dudao.visits",
    "dudao.notifications",
    "dudao.documents",
    "dudao.findings",
    "dudao.complaints",
    "dudao.monitoring",
    "dudao.imports",
    "dudao.frameworks",
    "dudao.campaigns",
    "dudao.surveys",
    "dudao.governance",
    "dudao.evaluations",
    "dudao.library",
    "dudao.bulletins",
    "dudao.monthly",
    "dudao.outcomes",
    "dudao.portal",
    "dudao.system",
    "dudao.home",
    "dudao.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dudao.api.errors.ApiErrorShapeMiddleware",  # outside every other: their refusals under /api/ get the shape too
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "dudao.complaints.guard.PublicUploadGuardMiddleware",  # before CSRF: it caps uploads before the body is read
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    "dudao.people.middleware.ForcePasswordChangeMiddleware",
]

ROOT_URLCONF = "dudao.urls"
WSGI_APPLICATION = "dudao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "dudao.home.context_processors.navigation",
                "dudao.notifications.context_processors.notifications",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dudao.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("DUDAO_CONN_MAX_AGE", "60")))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL + IMMEDIATE transactions + a busy timeout: the web thread and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

# --- cache and sessions ---------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Compliance figures are kept this many seconds (visits/compliance_cache.py; the pages say so);
# under pytest 0, so a test sees its own writes (tests/visits/test_compliance_fast.py turns it on).
COMPLIANCE_CACHE_SECONDS = int(os.environ.get("DUDAO_COMPLIANCE_CACHE_SECONDS", "0" if "pytest" in sys.modules else "300"))
# A campaign dashboard's figures by team and the stamp of its stored results (campaigns/dashboard.py
# `kept`; the page says so) are kept this many seconds: a province campaign's grouped read takes
# ~0.3 s; 0 under pytest.
CAMPAIGN_DASHBOARD_CACHE_SECONDS = int(os.environ.get("DUDAO_CAMPAIGN_DASHBOARD_CACHE_SECONDS",
                                                      "0" if "pytest" in sys.modules else "60"))
# The findings ledger's counts and statistics of a scope with many findings (a province's 60,000) are
# kept this many seconds (findings/selectors.py `kept_figures`; the pages say so); 0 under pytest.
FINDINGS_FIGURES_CACHE_SECONDS = int(os.environ.get("DUDAO_FINDINGS_FIGURES_CACHE_SECONDS",
                                                    "0" if "pytest" in sys.modules else "120"))
# The monitoring dashboard's base-data figures (large classes, teacher structure, the years with base
# data) of a large scope (a province's 20,000 schools) are kept this many seconds (monitoring/selectors.py
# `kept_base_data`; the page says so); 0 under pytest.
MONITORING_FIGURES_CACHE_SECONDS = int(os.environ.get("DUDAO_MONITORING_FIGURES_CACHE_SECONDS",
                                                      "0" if "pytest" in sys.modules else "300"))

# --- background tasks -------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "DUDAO_TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend",
        ),
    }
}

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing cost is not what the tests are about.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Failed-login lockout: 5 failures per user name and IP lock for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("DUDAO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("DUDAO_LOGIN_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DUDAO_STATIC_ROOT", BASE_DIR / "build" / "collected"))
STATICFILES_DIRS = [("vendor", BASE_DIR / "build" / "static" / "vendor")]
# GB/T 9704 PDFs (docs/documents.md "Layout and fonts"): the free Fandol fonts unpacked by `make fonts`, and an
# office's own folder of the official fonts (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体), which wins per font.
DOCUMENT_FONT_DIR = Path(os.environ.get("DUDAO_FANDOL_DIR", BASE_DIR / "build" / "fonts"))
OFFICIAL_FONT_DIR = os.environ.get("DUDAO_FONT_DIR", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if DEBUG or DEMO or TESTING:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = DEBUG or DEMO or TESTING
if WHITENOISE_USE_FINDERS:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DUDAO_MEDIA_ROOT", VAR_DIR / ("test-media" if TESTING else "media")))

# Uploads: spreadsheets up to 20 MB; Django keeps anything over 2.5 MB in a temporary file.
DUDAO_MAX_UPLOAD_BYTES = int(os.environ.get("DUDAO_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_TEMP_DIR = None
# Imports above this many rows run as a background task with a progress bar.
DUDAO_IMPORT_INLINE_MAX_ROWS = int(os.environ.get("DUDAO_IMPORT_INLINE_MAX_ROWS", "2000"))

# --- security -------------------------------------------------------------------------------
SECURE = not (DEBUG or DEMO or TESTING) and not env_bool("DUDAO_INSECURE_HTTP", False)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SECURE_SSL_REDIRECT = SECURE and env_bool("DUDAO_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # ECharts and Tabler set inline style attributes.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": ["'none'"],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DUDAO_LOG_LEVEL", "WARNING")},
    "loggers": {"dudao": {"level": os.environ.get("DUDAO_LOG_LEVEL", "INFO")}},
}

AUDITLOG_INCLUDE_ALL_MODELS = False
EMAIL_BACKEND = os.environ.get("DUDAO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DUDAO_FROM_EMAIL", "dudao@localhost")
# SMTP (with DUDAO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = os.environ.get("DUDAO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DUDAO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DUDAO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DUDAO_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DUDAO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DUDAO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
# Notifications are also e-mailed when this is on and the recipient has an address.
DUDAO_EMAIL_NOTIFICATIONS = env_bool("DUDAO_EMAIL_NOTIFICATIONS", False)

# Public complaints (complaints/rules.py has the defaults and their reasons). Behind a reverse
# proxy, DUDAO_TRUSTED_PROXIES is the number of proxies in front of Dudao: without it every parent
# looks like the proxy's address and the per-address limit would stop them all.
for _name in ("DUDAO_COMPLAINTS_PER_IP_PER_HOUR", "DUDAO_COMPLAINTS_PER_SCHOOL_PER_DAY",
              "DUDAO_COMPLAINT_LOOKUPS_PER_IP_PER_HOUR", "DUDAO_COMPLAINT_MIN_SECONDS",
              "DUDAO_COMPLAINT_MAX_PHOTO_BYTES", "DUDAO_TRUSTED_PROXIES", "DUDAO_COMPLAINT_ATTEMPTS_PER_IP_PER_HOUR",
              # what reading one uploaded spreadsheet may cost its capped child process (imports/reader.py)
              "DUDAO_IMPORT_PARSE_MEMORY_MB", "DUDAO_IMPORT_PARSE_CPU_SECONDS", "DUDAO_IMPORT_MAX_CELLS"):
    if os.environ.get(_name, "").strip():
        globals()[_name] = int(os.environ[_name])

NINJA_PAGINATION_PER_PAGE = 50
# The address printed in plaque QR codes: the public page of a school is {this}/s/<学校标识码>/.
DUDAO_PUBLIC_BASE_URL = os.environ.get("DUDAO_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
