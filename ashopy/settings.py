"""Settings, read from the environment only (12-factor).

Every knob a deployment turns is an environment variable; the defaults run
the demo on SQLite with no Redis and eager Celery tasks. See README.md,
"Configuration".
"""

from datetime import timedelta
from pathlib import Path

import environ
import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0.")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-1"  # noqa: S105

# ".localhost" also admits the demo stores' dakar.localhost and paris.localhost (see load_demo).
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[".localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "ashopy.core.views.csrf_failure"  # the shop's styled 403 page, not Django's bare one

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "polymorphic",
    "treebeard",
    "django_countries",
    "phonenumber_field",
    "sequences",
    "axes",
    "ashopy.core",
    "ashopy.stores",
    "ashopy.accounts",
    "ashopy.catalog",
    "ashopy.pricing",
    "ashopy.inventory",
    "ashopy.purchasing",
    "ashopy.shipping",
    "ashopy.promotions",
    "ashopy.cart",
    "ashopy.orders",
    "ashopy.payments",
    "ashopy.checkout",
    "ashopy.sales",
    "ashopy.pos",
    "ashopy.api",
    "ashopy.backoffice",
    "ashopy.customer",
    "ashopy.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ashopy.stores.middleware.StoreMiddleware",
    "ashopy.core.middleware.NullCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ashopy.urls"
WSGI_APPLICATION = "ashopy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ashopy" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ashopy.stores.context_processors.store",
                "ashopy.catalog.context_processors.navigation",
                "ashopy.pricing.context_processors.prices",
                "ashopy.cart.context_processors.cart",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql") and env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
    # Parameters bound by the server, and a statement run 5 times on a connection is prepared: planning
    # was half of PostgreSQL's time per order (bench/checkout.py). Turn off behind a pooler in
    # transaction mode that cannot keep prepared statements (PgBouncer before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
    DATABASES["default"]["ENGINE"] = "ashopy.core.postgresql"  # Django's, bulk writes batched under 65,535 params
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Without Redis, files shared by every process of this machine (gunicorn workers, Celery): throttle
    # counts and memo versions must agree across them (core/filecache.py, docs/architecture.md). One
    # directory per database, so two databases on one machine (test runs) never share counts or facets.
    _database = "{HOST}_{PORT}_{NAME}".format(**{"HOST": "", "PORT": "", **DATABASES["default"]})
    CACHE_DIR = env.str("CACHE_DIR", default="") or str(
        BASE_DIR / "tmp" / "cache" / "".join(c if c.isalnum() or c in "-." else "_" for c in _database))
    CACHES = {"default": {"BACKEND": "ashopy.core.filecache.SharedFileCache", "LOCATION": CACHE_DIR,
                          "OPTIONS": {"MAX_ENTRIES": 5000}}}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Brute-force protection of the web login and the API token endpoint (django-axes):
# 10 failures for one e-mail from one address lock it out for 15 minutes.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "ashopy.accounts.security.login_identifier"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "ashopy.accounts.security.client_address"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
STAFF_LOGIN_REDIRECT_URL = "staff_home:home"  # where a store's staff land after logging in (accounts.views.LoginView)
LOGOUT_REDIRECT_URL = "catalog:home"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "ashopy" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Africa/Dakar")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Bootstrap 5 from the xstatic-bootstrap wheel: no CDN, no node build.
STATICFILES_DIRS = [("bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
# Uploaded images larger than this are refused (bytes).
ASHOPY_MAX_IMAGE_BYTES = env.int("MAX_IMAGE_BYTES", default=5 * 1024 * 1024)

# In development (DEBUG) e-mails are written as files under tmp/mail/ (one per message), so the demo's
# console is not flooded with raw messages; in production set EMAIL_URL (smtp://…).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://" if DEBUG else "consolemail://")
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG["EMAIL_BACKEND"].endswith("filebased.EmailBackend") and not EMAIL_CONFIG.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = str(BASE_DIR / "tmp" / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ashopy <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, otherwise tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Till records are signed with each store's Ed25519 key: JSON by store slug ("*" for every store), each a
# base64 32-byte private seed or a PEM private key. DEBUG derives a demo key from SECRET_KEY when none is set;
# without DEBUG, signing refuses to start without one (pos/signing.py).
POS_SIGNING_KEYS = env.json("POS_SIGNING_KEYS", default={})
# The public halves of keys a store signed with before its current one (key rotation), so that its older
# records still verify: JSON by store slug or "*", each a PEM public key or base64 raw 32 bytes, or a list.
POS_RETIRED_KEYS = env.json("POS_RETIRED_KEYS", default={})
# Seconds the till waits for a Wave or Orange Money payment (pos/mobile.py).
POS_MOBILE_PAYMENT_TIMEOUT = env.int("POS_MOBILE_PAYMENT_TIMEOUT", default=600)

CELERY_BEAT_SCHEDULE = {
    "expire-reservations": {"task": "ashopy.inventory.tasks.expire_reservations", "schedule": 60.0},
    "expire-orders": {"task": "ashopy.orders.tasks.expire_orders", "schedule": 60.0},
    "deliver-outbox": {"task": "ashopy.core.tasks.deliver_outbox", "schedule": 60.0},
    "pos-closures": {"task": "ashopy.pos.tasks.close_periods", "schedule": 900.0},
    "mark-overdue-invoices": {"task": "ashopy.sales.tasks.mark_overdue_invoices", "schedule": 3600.0},
    "expire-quotes": {"task": "ashopy.sales.tasks.expire_quotes", "schedule": 86400.0},
    "cancel-unpaid-quotes": {"task": "ashopy.sales.tasks.cancel_unpaid_quotes", "schedule": 3600.0},
}

# Payments: which providers each store offers, with their credentials (JSON, by store slug or "*").
# e.g. {"dakar": {"wave": {"api_key": "…", "webhook_secret": "…"}, "cash_on_delivery": {}}}
# The sandbox (a local page choosing the outcome) is added for every store when PAYMENT_SANDBOX is on
# (by default in DEBUG, i.e. the demo); never turn it on for a real shop.
# Bank transfer needs the account (holder, bank, IBAN or UEMOA RIB): without it the method is not offered and
# `manage.py check` says so. The demo (DEBUG) gives its two stores made-up accounts.
# Demo wallets (DEBUG only): Wave and Orange Money for the Dakar store (XOF), against the demo wallet server
# this app serves under /demo/wallets/ (ashopy/demo/wallets.py: the real APIs' shapes, a page to pay or cancel,
# no real money). The providers make their real HTTP calls to DEMO_WALLETS_URL, so it must be where this
# server listens: `make demo` runs on http://127.0.0.1:8000; set DEMO_WALLETS_URL when the port differs.
DEMO_WALLETS = DEBUG and env.bool("DEMO_WALLETS", default=DEBUG)
DEMO_WALLETS_URL = env.str("DEMO_WALLETS_URL", default="http://127.0.0.1:8000/demo/wallets").rstrip("/")
# The merchant accounts the demo wallet server knows (what Wave's and Orange's portals would give): made up.
DEMO_WALLETS_ACCOUNTS = {
    "wave": {"api_key": "wave_sn_demo_api_key", "webhook_secret": "wave_sn_WHS_demo_webhook_secret"},
    "orange_money": {"client_id": "om-demo-client", "client_secret": "om-demo-secret",
                     "merchant_key": "om-demo-merchant", "country_path": "sn"},
}
_DEMO_WALLET_PAYMENTS = {
    "wave": {**DEMO_WALLETS_ACCOUNTS["wave"], "api_base": DEMO_WALLETS_URL, "label": _("Wave (demo)")},
    "orange_money": {**DEMO_WALLETS_ACCOUNTS["orange_money"], "api_base": DEMO_WALLETS_URL,
                     "label": _("Orange Money (demo)")},
} if DEMO_WALLETS else {}
_DEMO_PAYMENTS = {
    "dakar": {**_DEMO_WALLET_PAYMENTS, "cash_on_delivery": {}, "bank_transfer": {
        "holder": "ashopy Sénégal SARL", "bank": "Banque de démonstration (compte fictif)",
        "rib": "SN012 01001 012345678901 23", "bic": "DEMOSNDA"}},
    "paris": {"cash_on_delivery": {}, "bank_transfer": {
        "holder": "ashopy France SAS", "bank": "Banque de démonstration (compte fictif)",
        "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "DEMOFRPP"}},
    "*": {"cash_on_delivery": {}},
}
PAYMENT_PROVIDERS = env.json("PAYMENT_PROVIDERS", default=_DEMO_PAYMENTS if DEBUG else {"*": {"cash_on_delivery": {}}})
if env.bool("PAYMENT_SANDBOX", default=DEBUG):
    PAYMENT_PROVIDERS = {slug: {"sandbox": {}, **methods} for slug, methods in PAYMENT_PROVIDERS.items()}

# Stores: hosts that are not any store's domain but serve the default store
# (a developer's machine), and the slug of that store.
ASHOPY_DEFAULT_STORE = env.str("DEFAULT_STORE", default="")
ASHOPY_LOCAL_HOSTS = env.list("LOCAL_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ashopy.api.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "ashopy.api.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "ashopy.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 24,
    "EXCEPTION_HANDLER": "ashopy.api.errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": [],
    # Size-limited, depth-limited, NUL-free parsers: an unreadable body is a 400, never a 500.
    "DEFAULT_PARSER_CLASSES": ["ashopy.api.parsers.JSONParser", "ashopy.api.parsers.FormParser",
                               "ashopy.api.parsers.MultiPartParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    # "anon-auth": every API sign-in, token refresh and sign-up request, per client address (DRF throttle).
    # "registration", "password-reset": sign-ups and reset e-mails, web and API alike, counted per client
    # address and per target e-mail (ashopy.accounts.limits).
    "DEFAULT_THROTTLE_RATES": {
        "anon-auth": env.str("TOKEN_RATE", default="20/min"),
        "registration": env.str("REGISTRATION_RATE", default="10/hour"),
        "password-reset": env.str("PASSWORD_RESET_RATE", default="5/hour"),
    },
    # Proxies of ours in front of the app (a load balancer, nginx): how far to trust X-Forwarded-For.
    # 0 = not at all, the connection's address counts (a client cannot pick its throttle key).
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}
# Tokens carry a digest of the password hash (CHECK_REVOKE_TOKEN): a password change refuses every token
# issued before it at once; a password change or a deactivation also blacklists the refresh tokens
# (ashopy.accounts.signals). Access tokens otherwise lapse after JWT_ACCESS_MINUTES (after a logout, say).
SIMPLE_JWT = {"ROTATE_REFRESH_TOKENS": True, "BLACKLIST_AFTER_ROTATION": True, "UPDATE_LAST_LOGIN": True,
              "CHECK_REVOKE_TOKEN": True,
              "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=5))}
SPECTACULAR_SETTINGS = {
    "TITLE": "ashopy API",
    "DESCRIPTION": "Catalogue, accounts and back-office API of an ashopy store. "
    "The store is chosen by the Host header.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "BadgeEnum": "ashopy.catalog.models.Badge",
        "AttributeKindEnum": "ashopy.catalog.models.Attribute.Kind",
        "ProductKindEnum": "ashopy.api.catalog.serializers.PRODUCT_KIND_CHOICES",
        "SegmentEnum": "ashopy.accounts.models.Segment",
        "QuoteStateEnum": "ashopy.sales.quote_models.Quote.State",
        "PurchaseOrderStateEnum": "ashopy.purchasing.models.PurchaseOrder.State",
        "PromotionKindEnum": "ashopy.promotions.models.Promotion.Kind",
        "PromoCodeKindEnum": "ashopy.promotions.models.PromoCode.Kind",
    },
}

PHONENUMBER_DEFAULT_REGION = env.str("PHONENUMBER_DEFAULT_REGION", default="SN")

# Production hardening: on unless DEBUG.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every response: scripts, styles, fonts and frames from this
# origin only, no inline script or style (templates use static files and CSS classes), images also as
# data: URIs (Bootstrap's and Swagger UI's icons). Forms post here only: payment providers are reached by
# links (checkout/pay.html) and send the customer back by redirects to our pages.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint tells each rendering step at INFO; the PDF's problems come as warnings.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Akretion's factur-x tells each XSD check and each PDF it makes at INFO.
        "factur-x": {"level": "WARNING"},
        # Tasks run in-process (no Redis: the demo) would log a "Task … succeeded" line each.
        **({"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {}),
    },
}
