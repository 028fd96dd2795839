"""Settings for sapsmed, read from environment variables with working local defaults.

SAPSMED_ENV=local (default) runs on an embedded SQLite database with DEBUG on, for a laptop.
SAPSMED_ENV=production requires SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL and turns on every
transport-security setting, so that `manage.py check --deploy` passes.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from config.env import env_bool, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SAPSMED_VAR_DIR", str(BASE_DIR / "var")))
SAPSMED_ENV = env_str("SAPSMED_ENV", "local")
PRODUCTION = SAPSMED_ENV == "production"
if SAPSMED_ENV not in ("local", "production", "test"):
    raise ValueError(f"SAPSMED_ENV={SAPSMED_ENV!r}: use local, test or production.")

if PRODUCTION:
    SECRET_KEY = env_required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    DATABASE_URL = env_required("DATABASE_URL")
    DEBUG = False
else:
    # A fixed key is fine for a local demo database; production refuses to start without its own.
    SECRET_KEY = env_str("SECRET_KEY", "local-only-insecure-key-do-not-use-in-production-0123456789")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sapsmed.sqlite3'}")
    DEBUG = env_bool("DEBUG", SAPSMED_ENV == "local")

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while the single writer commits.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}

INSTALLED_APPS = [
    "sapsmed.accounts.admin_config.SapsmedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # full-text search types (the search's index on PostgreSQL); inert on SQLite
    "simple_history",
    "django_tasks_db",
    "axes",
    "sapsmed.accounts",
    "sapsmed.plan",
    "sapsmed.kpis",
    "sapsmed.jobs",
    "sapsmed.progress",
    "sapsmed.surveys",
    "sapsmed.ops",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "sapsmed.api",
    "sapsmed.reviews",
    "sapsmed.search",
    "sapsmed.pages",
]

MIDDLEWARE = [
    "config.errors.ApiErrorsAsJson",  # outermost: an error under /api/ is JSON even on a debug page
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while a username+address is locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed logins for one username from one address lock it out for 15 minutes. Off in tests by
# default (the test client's login() passes no request); the throttling test turns it on.
AXES_ENABLED = env_bool("AXES_ENABLED", SAPSMED_ENV != "test")
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 1 if PRODUCTION else 0)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.csp",
                "sapsmed.accounts.context_processors.permissions",
            ],
        },
    },
]

FORM_RENDERER = "sapsmed.accounts.form_renderer.FormRenderer"  # one fields template for every form

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Role holders land on their tasks; a user without a role is sent on to the public home page from there.
LOGIN_REDIRECT_URL = "my_tasks"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")  # the ASEAN Secretariat's time zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# No inline scripts or styles anywhere: everything comes from our own static files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# E-mail goes to the console locally unless an SMTP host is configured; production always uses SMTP
# (a local MTA on localhost:25 unless SMTP_HOST says otherwise).
if PRODUCTION or env_str("SMTP_HOST", ""):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
        "host": env_str("SMTP_HOST", "localhost"), "port": env_int("SMTP_PORT", 25 if PRODUCTION else 587),
        "username": env_str("SMTP_USER", ""), "password": env_str("SMTP_PASSWORD", ""),
        "use_tls": env_bool("SMTP_TLS", not PRODUCTION),
    }}}
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "sapsmed@localhost")

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Background work goes through Django's tasks API; the database backend keeps queued work across
# restarts and `manage.py db_worker` runs it. Tests run tasks immediately, in the same process.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if SAPSMED_ENV == "test"
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["sapsmed.api.permissions.SignedInWithRole"],
    "DEFAULT_PAGINATION_CLASS": "sapsmed.api.pagination.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "sapsmed.api.schema.PolicyAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "sapsmed API",
    "DESCRIPTION": "Open API of the SAP SMED 2016-2025 monitoring platform: the plan, its roadmap and versions, "
    "KPIs and observations, reporting rounds and progress reports, survey estimates, reviews. "
    "Authenticate with `Authorization: Token <key>` (see /accounts/api-token/) or a browser session.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ObservationStatusEnum": "sapsmed.kpis.models.ObservationStatus",
        "WorkflowStatusEnum": "sapsmed.progress.models.WorkflowStatus",
        "LineStatusEnum": "sapsmed.progress.models.LineStatus",
        "RunStatusEnum": "sapsmed.surveys.models.RunStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sapsmed.api.schema.add_error_responses",
    ],
}

# No cache: derived values are stored rows, written with their facts (sapsmed.progress.derived,
# sapsmed.kpis.derived), so pages are fast without one and every process reads the same truth. A cache
# kept in one process's memory would go stale when another process writes; should one ever earn its
# place, it must be shared by every process (Redis).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# Progress monitoring: early-warning thresholds (keys are fields of core.early_warning.Thresholds),
# reminder days before a round's due date, evidence file size limit, and the address used in e-mails.
SAPSMED_EARLY_WARNING: dict = {}
SAPSMED_REMINDER_DAYS = (14, 3)
SAPSMED_ATTACHMENT_MAX_BYTES = env_int("SAPSMED_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
SAPSMED_SITE_URL = env_str("SAPSMED_SITE_URL", "http://127.0.0.1:8000")
SURVEY_UPLOAD_MAX_BYTES = env_int("SURVEY_UPLOAD_MAX_BYTES", 10 * 1024**3)
# Rows of a survey upload (its header included): national enterprise surveys run to a few million rows, and the
# estimate benchmark reads 10 million; past this the file is refused before it is converted.
SURVEY_MAX_ROWS = env_int("SURVEY_MAX_ROWS", 20_000_000)

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

if SAPSMED_ENV == "test":
    # Hashing cost is irrelevant in tests and dominates their run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
