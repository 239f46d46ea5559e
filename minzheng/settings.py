"""The one settings module. Everything that varies comes from MINZHENG_* environment variables (see README)."""

from __future__ import annotations

import os
from pathlib import Path

from csp.constants import NONCE, SELF
from django.utils.translation import gettext_lazy as _

from minzheng.core.files import PRIVATE_UMASK, private_dir
from minzheng.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_str,
    env_time,
    secret_key,
    sqlite_settings,
)

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(env_str("MINZHENG_VAR_DIR", str(BASE_DIR / "var"))).resolve()
# var/ holds the database, the secret key, people's documents, bank files and pending imports: everything this
# process creates is its own only (files 0600, folders 0700), and var/ itself is kept 0700.
os.umask(PRIVATE_UMASK)
private_dir(VAR_DIR)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

DEBUG = env_bool("MINZHENG_DEBUG", False)
SECRET_KEY = secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("MINZHENG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("MINZHENG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "minzheng.core",
    "minzheng.regions",
    "minzheng.accounts",
    "minzheng.audit",
    "minzheng.registry",
    "minzheng.policy",
    "minzheng.assessment",
    "minzheng.cases",
    "minzheng.notices",
    "minzheng.benefits",
    "minzheng.payments",
    "minzheng.reports",
    "minzheng.demo",
    "minzheng.scenarios",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "minzheng.core.middleware.LanguageMiddleware",
    "minzheng.core.middleware.RequestSizeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "minzheng.accounts.tokens.ApiTokenMiddleware",
    "minzheng.core.middleware.NoStoreMiddleware",
    "minzheng.core.middleware.SessionRefreshMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "minzheng.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "minzheng.urls"
WSGI_APPLICATION = "minzheng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "minzheng.core.context_processors.shell",
            ],
        },
    },
]

_database_url = os.environ.get("MINZHENG_DATABASE_URL", "").strip()
DATABASES = {
    "default": database_from_url(_database_url, base_dir=BASE_DIR)
    if _database_url
    else sqlite_settings(VAR_DIR / "minzheng.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "minzheng.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lockout: per account and per client address, counted over a sliding window.
MINZHENG_LOCKOUT_WINDOW_MINUTES = env_int("MINZHENG_LOCKOUT_WINDOW_MINUTES", 15, minimum=1)
MINZHENG_LOCKOUT_MAX_PER_USER = env_int("MINZHENG_LOCKOUT_MAX_PER_USER", 5, minimum=1)
MINZHENG_LOCKOUT_MAX_PER_IP = env_int("MINZHENG_LOCKOUT_MAX_PER_IP", 20, minimum=1)
# An account is locked everywhere only when its failures come from this many different addresses; failures
# from one address lock the account at that address alone (one noisy address cannot lock staff out elsewhere).
MINZHENG_LOCKOUT_MAX_ADDRESSES_PER_USER = env_int("MINZHENG_LOCKOUT_MAX_ADDRESSES_PER_USER", 5, minimum=1)
# The proxies (nginx) whose X-Forwarded-For names the client: addresses or networks, comma-separated. Empty: the
# peer's address is the client's. Behind nginx on the same machine: 127.0.0.1,::1.
MINZHENG_TRUSTED_PROXIES = env_networks("MINZHENG_TRUSTED_PROXIES", [])

# Uploads. The largest documented import (100,000 households in one workbook) is about 16 MB; the README's nginx
# block sets the same client_max_body_size. A workbook may not inflate past the second limit (zip bombs), nor any
# part of it compress better than the ratio (real sheets are 5-20 : 1, bombs 1000 : 1).
MINZHENG_MAX_UPLOAD_BYTES = env_int("MINZHENG_MAX_UPLOAD_MB", 25, minimum=1) * 1024 * 1024
# a whole request may be 1 MB more than the file (the form's other fields): nginx's client_max_body_size is this
MINZHENG_MAX_REQUEST_BYTES = MINZHENG_MAX_UPLOAD_BYTES + 1024 * 1024
MINZHENG_XLSX_MAX_UNCOMPRESSED_BYTES = (
    env_int("MINZHENG_XLSX_MAX_UNCOMPRESSED_MB", 512, minimum=1) * 1024 * 1024
)
MINZHENG_XLSX_MAX_RATIO = env_int("MINZHENG_XLSX_MAX_RATIO", 100, minimum=2)

# Idle sessions expire: the cookie age is renewed by SessionRefreshMiddleware at most once a minute (not on every
# request: on SQLite each session write takes the single write lock), so it measures inactivity.
SESSION_COOKIE_AGE = env_int("MINZHENG_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = env_bool("MINZHENG_SESSION_SAVE_EVERY_REQUEST", False)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
_secure_cookies = env_bool("MINZHENG_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = _secure_cookies
CSRF_COOKIE_SECURE = _secure_cookies
LANGUAGE_COOKIE_SECURE = _secure_cookies
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "minzheng.core.api.csrf_failure"  # the API's JSON shape under /api/
_behind_tls = env_bool("MINZHENG_BEHIND_TLS_PROXY", False)
if _behind_tls:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Strict-Transport-Security on HTTPS responses: a year by default behind TLS, none otherwise (a plain-HTTP intranet
# install must not tell browsers to insist on HTTPS). 0 turns it off.
SECURE_HSTS_SECONDS = env_int("MINZHENG_HSTS_SECONDS", 365 * 24 * 3600 if _behind_tls else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MINZHENG_HSTS_INCLUDE_SUBDOMAINS", False)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": ["'none'"],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}

# zh-Hans unless MINZHENG_LANGUAGE (or the standard LANGUAGE variable) asks for English; users switch in their menu.
_language = (
    (os.environ.get("MINZHENG_LANGUAGE") or os.environ.get("LANGUAGE") or "zh-hans").split(":")[0].lower()
)
LANGUAGE_CODE = "en" if _language.startswith("en") else "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "files"},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or env_bool("MINZHENG_PLAIN_STATIC", False)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

TASKS = {
    "default": {
        "BACKEND": env_str("MINZHENG_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("MINZHENG_LOG_LEVEL", "INFO")},
}

# About how many different ID numbers a day a user's duplicate-ID checks may answer "registered elsewhere in the
# county" (each answer audited);
# past it, that user's checks of new ID numbers are refused until the next day.
MINZHENG_ELSEWHERE_HITS_PER_DAY = env_int("MINZHENG_ELSEWHERE_HITS_PER_DAY", 20, minimum=1)

# The audit chain's HMAC key (at least 32 characters). Unset: generated once into var/audit.key (mode 0600).
# Keep a copy elsewhere: without it `minzheng audit verify` checks only the events written before keying began.
MINZHENG_AUDIT_KEY = env_str("MINZHENG_AUDIT_KEY", "")

# The nightly backup (`minzheng backup`): the folder the archives go to (unset: no nightly backup) and how many of
# the newest archives are kept there (older ones are removed after each successful backup).
MINZHENG_BACKUP_DIR = env_str("MINZHENG_BACKUP_DIR", "")
MINZHENG_BACKUP_KEEP = env_int("MINZHENG_BACKUP_KEEP", 7, minimum=1)

# The site's name as shown in the header; a county can set its own.
MINZHENG_SITE_NAME = env_str("MINZHENG_SITE_NAME", "")
MINZHENG_DEFAULT_SITE_NAME = _("民政业务系统")

# The background worker (`minzheng serve` starts it; `minzheng worker` alone elsewhere). It looks for queued jobs
# and due scheduled runs every MINZHENG_WORKER_INTERVAL seconds: a few small queries, light on SQLite's one writer.
MINZHENG_WORKER_INTERVAL = env_int("MINZHENG_WORKER_INTERVAL", 5, minimum=1)
# `minzheng serve` restarts a dead worker after this many seconds, doubling (up to a minute) while it keeps dying.
MINZHENG_WORKER_RESTART_DELAY = env_int("MINZHENG_WORKER_RESTART_DELAY", 1, minimum=1)
# A running job that has shown no sign of life (heartbeat) for this long is taken to be dead: it is marked failed,
# or queued once more when that is safe (a roster build). A job on this machine whose process is gone is reaped at once.
MINZHENG_JOB_STALE_SECONDS = env_int("MINZHENG_JOB_STALE_SECONDS", 300, minimum=10)
# The schedule, in the office's time (HH:MM). The monthly scan runs on the 1st, the audit checkpoint every day (into
# var/audit-checkpoints.txt); a run missed while the worker was down runs when it comes back, never twice a period.
MINZHENG_SCAN_TIME = env_time("MINZHENG_SCAN_TIME", "02:00")
MINZHENG_CHECKPOINT_TIME = env_time("MINZHENG_CHECKPOINT_TIME", "01:00")
MINZHENG_CHECKPOINT_FILE = Path(
    env_str("MINZHENG_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.txt"))
).resolve()
# The nightly backup (into MINZHENG_BACKUP_DIR above; off while it is empty) runs at this time.
MINZHENG_BACKUP_TIME = env_time("MINZHENG_BACKUP_TIME", "03:00")
