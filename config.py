"""Configuration from environment variables, with safe defaults.

Development (the default) runs on an SQLite file under ``instance/`` and keeps a generated
SECRET_KEY there. Production (``FODFAESTE_ENV=production``) refuses to start without a real
SECRET_KEY and turns on secure cookies and HSTS.
"""

import json
import os
from datetime import timedelta

# Secrets shorter than this are not real secrets (32 bytes of entropy as hex = 64 chars).
MIN_SECRET_KEY_LENGTH = 32
PLACEHOLDER_SECRETS = {"change-me", "changeme", "secret", "dev", "development"}
# Bytes of a multipart body besides the file itself (boundaries, headers, the CSRF token).
UPLOAD_FORM_MARGIN = 64 * 1024


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def request_timeout_seconds() -> int:
    """Seconds before gunicorn kills a request (gunicorn.conf.py). Long work (imports, reminders)
    runs as jobs outside any request, so no request should come near it."""
    return _int("REQUEST_TIMEOUT_SECONDS", 120)


def load_config() -> dict:
    """Return the configuration dict read from the environment."""
    env = os.environ.get("FODFAESTE_ENV", "development").strip().lower()
    production = env == "production"
    request_timeout = request_timeout_seconds()
    attachment_max = _int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
    return {
        "ENV_NAME": env,
        "PRODUCTION": production,
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        # None means: an SQLite file in the instance folder (set by create_app).
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Sessions: idle timeout via a permanent session refreshed on each request.
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=_int("SESSION_IDLE_MINUTES", 30)),
        "SESSION_ABSOLUTE_HOURS": _int("SESSION_ABSOLUTE_HOURS", 12),
        "SESSION_REFRESH_EACH_REQUEST": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": 3600 * 8,
        # Login abuse: per-account lock in the database, plus a per-IP rate limit.
        # Second factor (TOTP) for staff: on by default in production.
        "TOTP_REQUIRED": _bool("TOTP_REQUIRED", production),
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_LOCK_MINUTES": _int("LOGIN_LOCK_MINUTES", 15),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "30 per minute"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Redis for the job queue (RQ), e.g. redis://127.0.0.1:6379/2; empty: the local worker.
        "JOB_QUEUE_URL": os.environ.get("JOB_QUEUE_URL", ""),
        # A running job whose worker has not reported for this long is taken to be dead and is
        # queued again; after JOB_MAX_ATTEMPTS starts it fails instead (the worker crashes on it).
        "JOB_LEASE_MINUTES": _int("JOB_LEASE_MINUTES", 10),
        "JOB_MAX_ATTEMPTS": _int("JOB_MAX_ATTEMPTS", 3),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Geocoding: "offline" uses the shipped postcode centroids only; "nominatim" asks a
        # Nominatim server (GEOCODER_DOMAIN) for address precision and caches the answers.
        "GEOCODER": os.environ.get("GEOCODER", "offline"),
        "GEOCODER_DOMAIN": os.environ.get("GEOCODER_DOMAIN", "nominatim.openstreetmap.org"),
        "GEOCODER_SCHEME": os.environ.get("GEOCODER_SCHEME", "https"),
        "GEOCODER_USER_AGENT": os.environ.get("GEOCODER_USER_AGENT", "fodfaeste"),
        "GEOCODER_TIMEOUT": float(os.environ.get("GEOCODER_TIMEOUT", "3")),
        # Map background tiles, e.g. the municipality's own tile server
        # ("https://tiles.example.dk/{z}/{x}/{y}.png"). Empty: markers on a blank background.
        "MAP_TILE_URL": os.environ.get("MAP_TILE_URL", ""),
        "MAP_TILE_ATTRIBUTION": os.environ.get("MAP_TILE_ATTRIBUTION", ""),
        # E-mail: SMTP when MAIL_SERVER is set; otherwise written as files under instance/mail.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": _int("MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", True),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "Fodfæste <noreply@fodfaeste.dk>"),
        # Weights of the match components as JSON, e.g. {"wishes": 0.4, "travel": 0.15}; the rest keep
        # their defaults (matcher/scoring.py, Weights).
        "MATCH_WEIGHTS": json.loads(os.environ["MATCH_WEIGHTS"]) if os.environ.get("MATCH_WEIGHTS") else None,
        # Where the shared match index is saved (crm.services.matching); empty = instance/match-index.
        "MATCH_INDEX_DIR": os.environ.get("MATCH_INDEX_DIR") or None,
        # "database": the database picks the reachable targets before the index scores them.
        "MATCH_PREFILTER": os.environ.get("MATCH_PREFILTER") or "memory",
        # The site's public address, for links in e-mails sent outside a request (reminders).
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        # Borger data is erased this many days after the course ends (`flask borgere purge`).
        "BORGER_RETENTION_DAYS": _int("BORGER_RETENTION_DAYS", 365),
        # Attachments on companies and placements: at most this many bytes each, kept in files under
        # ATTACHMENT_DIR (empty = instance/attachments); the database holds their names and checksums.
        "ATTACHMENT_MAX_BYTES": attachment_max,
        "ATTACHMENT_DIR": os.environ.get("ATTACHMENT_DIR") or None,
        # A request body above this is refused before it is read (413, a Danish message): room for
        # the largest attachment and the form around it.
        "MAX_CONTENT_LENGTH": _int("MAX_UPLOAD_BYTES", max(5 * 1024 * 1024, attachment_max + UPLOAD_FORM_MARGIN)),
        # A request is killed by gunicorn after REQUEST_TIMEOUT_SECONDS (gunicorn.conf.py reads the same).
        "REQUEST_TIMEOUT_SECONDS": request_timeout,
        "HSTS": production,
        "PASSWORD_MIN_LENGTH": 12,
    }
