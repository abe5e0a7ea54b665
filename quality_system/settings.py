"""Settings, all from the environment (django-environ), with a safe local default.

Malformed values fail loudly at start-up. Production needs DEBUG off (the default), a
SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; see README "Production configuration".
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-do-not-use-in-production")
else:
    try:
        SECRET_KEY = env("SECRET_KEY")
    except ImproperlyConfigured as error:
        raise ImproperlyConfigured(
            "Set SECRET_KEY in the environment (50 or more random characters), or set DEBUG=true for local development."
        ) from error

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "django_celery_beat",
    "django_ratelimit",
    "agencies",
    "concerns",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "quality_system.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware last: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "quality_system.urls"
WSGI_APPLICATION = "quality_system.wsgi.application"

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
                "agencies.context_processors.navigation",
                "reports.bodies.context.due_from_us",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Keep each web process's database connection for a minute (checked before reuse): opening
# a PostgreSQL connection costs more than most of our pages.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False


def _planner_settings(database: dict) -> dict:
    """Two PostgreSQL planner settings for every connection of ours.

    JIT compilation is for long analytic queries: it starts on a query whose estimated cost is
    high, and a page's capped count over a busy area was estimated that high while running in
    tens of milliseconds, so compiling it cost a second (1,058 ms of JIT for a 40 ms count). Off
    unless DATABASE_JIT=true.

    random_page_cost 1.1 instead of 4 (DATABASE_RANDOM_PAGE_COST; empty keeps the server's): 4
    models spinning disks, and a working database is in memory or on SSD. With 4, the planner
    read all 250,000 recommendations of the country to find one area's 1,000 (78 ms, against
    2 ms by index), and sorted a whole area's search results instead of walking its date index.
    """
    if "postgresql" not in database.get("ENGINE", ""):
        return database
    wanted = [] if env.bool("DATABASE_JIT", default=False) else ["-c jit=off"]
    page_cost = env.str("DATABASE_RANDOM_PAGE_COST", default="1.1")
    if page_cost:
        wanted.append(f"-c random_page_cost={float(page_cost)}")
    options = database.setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, [options.get("options", ""), *wanted]))
    return database


_planner_settings(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A streaming replica (optional; quality_system/db_router.py): GET and HEAD requests read from it,
# except for someone who wrote within REPLICA_STICKY_SECONDS; writes, other requests, background
# jobs and migrations use the primary. Unset: one database, and no router or middleware at all.
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=10)
REPLICA_MIDDLEWARE = "quality_system.db_router.ReplicaMiddleware"
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = _planner_settings(env.db("DATABASE_REPLICA_URL"))
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests never write to a replica
    DATABASE_ROUTERS = ["quality_system.db_router.ReplicaRouter"]
    # Before anything reads (the session): it chooses where this request's reads go.
    MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"), REPLICA_MIDDLEWARE)

AUTH_USER_MODEL = "agencies.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses sign-in for a locked-out account before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "signed-out"
# Sessions in the database by default; with several web machines, "django.contrib.sessions.backends.cached_db"
# reads them from the shared cache (Redis, CACHE_URL) and keeps the database copy.
SESSION_ENGINE = env("SESSION_ENGINE", default="django.contrib.sessions.backends.db")
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)  # one working day

# Lockout (django-axes; the rule and why: agencies/auth.py). 10 wrong passwords for one account
# from one network address stop that account signing in from that address for 5 minutes; from
# every address together, the account locks at AXES_ACCOUNT_FAILURE_LIMIT, except at addresses it
# signed in from within AXES_KNOWN_ADDRESS_AGE. Guesses made during a lock are not counted, so a
# lock always ends. An attacker, even with many addresses, cannot lock someone out at their own
# desk or network, and colleagues behind one NHS or council address are never locked out together
# (each account counts alone).
AXES_HANDLER = "agencies.auth.SignInAttempts"
AXES_FAILURE_LIMIT = 10
AXES_ACCOUNT_FAILURE_LIMIT = env.int("AXES_ACCOUNT_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = timedelta(minutes=5)
# Known addresses come from axes' AccessLog of successful sign-ins, so it must stay on, and
# forget_old_sign_in_attempts (90 days) must keep it longer than this.
AXES_KNOWN_ADDRESS_AGE = timedelta(days=env.int("AXES_KNOWN_ADDRESS_DAYS", default=30))
AXES_DISABLE_ACCESS_LOG = False
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "agencies.auth.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
AXES_VERBOSE = False
# axes.W006 asks for lockout by address alone; we lock by account and address together (above),
# so colleagues sharing an NHS or council network address are never locked out together.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"  # shown in London time; stored in UTC (USE_TZ)
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Email: console by default, so a newcomer sees messages in the terminal.
# EMAIL_URL=smtp+tls://user:password@smtp.example.org:587 for real delivery.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
if env("EMAIL_BACKEND", default=""):  # a custom backend class, for example a test's slow file sink
    EMAIL_BACKEND = env("EMAIL_BACKEND")
    EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Local quality system <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# A computed dashboard is reused until its area's figures change (agencies.figures), and at
# most this long, as a backstop for changes made without model signals.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=600)

# Celery. Without a broker, tasks run in-process so the quick start needs no Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
# A web request must never hang on a broker that is down: connect quickly and give up;
# the database outbox (issue: alerts) is what guarantees delivery, not the queue.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic job is defined here, in one place, each with when and why.
CELERY_BEAT_SCHEDULE = {
    # 03:15 London time daily: delete expired sessions (personal data minimisation).
    "clear-expired-sessions": {
        "task": "agencies.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
    # 04:00 London time daily: look for unusual rises in themes and services (trend signals).
    # Monthly counts only change when the month closes or late concerns arrive, so daily is enough.
    "detect-trends": {
        "task": "concerns.tasks.detect_trends",
        "schedule": crontab(hour=4, minute=0),
    },
    # Every 2 minutes: rebuild the monthly concern counts of areas whose concerns changed, so the
    # dashboards (which read only those counts) are at most a few minutes behind.
    "refresh-summaries": {
        "task": "concerns.tasks.refresh_summaries",
        "schedule": 120.0,
    },
    # 10:00 London time daily: ask people who wanted updates, six weeks after their concern
    # closed, whether things got better (once each; a daytime email, not one in the night).
    "send-follow-ups": {
        "task": "concerns.tasks.send_follow_ups",
        "schedule": crontab(hour=10, minute=0),
    },
    # Every 5 minutes: build board packs whose queue message was lost or whose worker died.
    "sweep-board-packs": {
        "task": "reports.tasks.sweep_board_packs",
        "schedule": 300.0,
    },
    # 07:30 London time on Mondays: the board's weekly digest (once per person per week).
    "send-weekly-digests": {
        "task": "reports.tasks.send_weekly_digests",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
    # Every 5 minutes: resend CSV import steps whose queue message was lost or whose worker died.
    "sweep-imports": {
        "task": "concerns.tasks.sweep_imports",
        "schedule": 300.0,
    },
    # Every hour at 20 past: delete uploaded CSVs no longer needed (checked files not imported
    # within IMPORT_KEEP_CHECKED_DAYS, and any left by an import that ended), keeping the reports.
    "forget-import-files": {
        "task": "concerns.tasks.forget_import_files",
        "schedule": crontab(minute=20),
    },
    # Every minute: send what is due in the outbox, and recover messages whose worker died.
    "sweep-outbox": {
        "task": "agencies.tasks.sweep_outbox",
        "schedule": 60.0,
    },
    # 07:00 London time daily: the morning summary for people who chose one.
    "send-digests": {
        "task": "agencies.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # 08:00 London time on weekdays: reminders and escalations for alerts not acknowledged.
    "chase-alerts": {
        "task": "concerns.tasks.chase_alerts",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon-fri"),
    },
    # 08:05 London time daily: recommendation reminders and the escalation ladder (days after
    # the deadline count calendar days, so this runs every day).
    "chase-recommendations": {
        "task": "reports.tasks.chase_recommendations",
        "schedule": crontab(hour=8, minute=5),
    },
    # 03:45 London time daily: remove the personal details of experiences shared online and
    # rejected as spam once the area's retention period has passed (personal data minimisation).
    "purge-rejected-submissions": {
        "task": "concerns.tasks.purge_rejected_submissions",
        "schedule": crontab(hour=3, minute=45),
    },
    # 03:50 London time daily: destroy the personal details (and narratives) sealed after a
    # handover once the area's retention period for sealed details has passed.
    "destroy-sealed-details": {
        "task": "concerns.tasks.destroy_sealed_details",
        "schedule": crontab(hour=3, minute=50),
    },
    # 10:15 London time daily: tell people who asked to hear back which body now holds their
    # record after a handover done in the last 30 days (once per experience and plan).
    "tell-new-record-holders": {
        "task": "concerns.tasks.tell_new_record_holders",
        "schedule": crontab(hour=10, minute=15),
    },
    # 00:10 London time daily: handovers of a function's parts whose date has come (the open
    # work moves in one transaction per plan; a rerun or a second scheduler does nothing).
    "run-handovers": {
        "task": "agencies.tasks.run_handovers",
        "schedule": crontab(hour=0, minute=10),
    },
    # 03:30 London time daily: forget sign-in attempts older than 90 days.
    "forget-old-sign-in-attempts": {
        "task": "agencies.tasks.forget_old_sign_in_attempts",
        "schedule": crontab(hour=3, minute=30),
    },
}

# Content security policy: scripts only from this site or with the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],  # the nonce: the committee document's own styles, for Word
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Security: strict by default when DEBUG is off; each can be relaxed from the environment
# (for example behind a proxy that terminates TLS, set SECURE_PROXY_SSL_HEADER_ENABLED=true).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Public "Share your experience" form: submissions per IP address (django-ratelimit, using
# the default cache: set CACHE_URL to Redis in production so every web process shares counts).
PUBLIC_FORM_RATE = env("PUBLIC_FORM_RATE", default="30/h")  # per network address, unless the area sets its own
# With an event code, the per-address limit is lifted; this many per code stops a leaked code flooding the form.
PUBLIC_FORM_EVENT_CODE_CEILING = env.int("PUBLIC_FORM_EVENT_CODE_CEILING", default=500)
# Making Data Count: process limits, special-cause colours and icons only from this many points
# (NHS England's guidance: at least 12, and 15–20 where the data allow); fewer draw a run chart.
SPC_MIN_POINTS = env.int("SPC_MIN_POINTS", default=12)
# "Track your experience": lookups of a person's reference per network address (the form and
# the page alike), so nobody can try references in bulk.
PUBLIC_TRACK_RATE = env("PUBLIC_TRACK_RATE", default="20/10m")
# "Forgotten your password?": requests per email address and per network address (the same
# answer either way, and no email when limited); set higher for tests that send many.
PASSWORD_RESET_RATE_PER_ADDRESS = env("PASSWORD_RESET_RATE_PER_ADDRESS", default="3/h")
PASSWORD_RESET_RATE_PER_IP = env("PASSWORD_RESET_RATE_PER_IP", default="30/h")
RATELIMIT_USE_CACHE = "default"
# The local-memory cache counts per process: fine for one development server, wrong in
# production, where the check stops start-up until CACHE_URL names a shared cache (Redis).
# W001 only says django-ratelimit's authors have not listed Django's own RedisCache, which
# has the atomic increment it needs.
SILENCED_SYSTEM_CHECKS.append("django_ratelimit.W001")
if DEBUG:
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# Uploads: CSV imports up to 100 MB are streamed to disk, never held in memory.
IMPORT_MAX_BYTES = 100 * 1024 * 1024
# Uploads hold names and contact details, so they are deleted once their import ends; a checked
# file waiting for the go-ahead is kept this many days. Each area may store this much at once.
IMPORT_KEEP_CHECKED_DAYS = env.int("IMPORT_KEEP_CHECKED_DAYS", default=7)
IMPORT_AREA_STORAGE_BYTES = env.int("IMPORT_AREA_STORAGE_BYTES", default=500 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The address people reach the service at, for links in emails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# A claim on an outbox message older than this belongs to a worker that died.
OUTBOX_CLAIM_TIMEOUT = timedelta(seconds=env.int("OUTBOX_CLAIM_TIMEOUT_SECONDS", default=300))
# Days an emailed response link stays valid.
RESPONSE_LINK_DAYS = env.int("RESPONSE_LINK_DAYS", default=30)
# Working days overdue before an unacknowledged alert is escalated to the HWB chair and scrutiny.
ALERT_ESCALATE_AFTER_WORKING_DAYS = env.int("ALERT_ESCALATE_AFTER_WORKING_DAYS", default=3)
# The most experiences one action on a selection takes (an alert, a theme, a review, a priority).
SELECTION_MAX = 500

# The guide the duty checklist is built from (shown as the source of every duty).
GUIDE_TITLE = "Health and Care Quality Systems in practice: A guide for local leaders"
SERVICE_NAME = env("SERVICE_NAME", default="Local quality system")
