"""Configuration, read from the environment in one place (tests subclass `Config`)."""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def instance_folder(instance: Path) -> Path:
    """The instance folder, made if missing, for its owner only (0700): it holds the secret key,
    the SQLite database and the demo password."""
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    return instance


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else one generated on first start and kept in instance/.

    A generated-per-process key would log everyone out on every restart and break multi-worker
    servers, so it is written once (mode 0600) and reused.
    """
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    path = instance_folder(instance) / "secret_key"
    if not path.exists():
        # Several workers may start at once: write a whole file aside and link it into place,
        # so every worker reads the same complete key and none reads a half-written one.
        fd, tmp = tempfile.mkstemp(dir=instance, prefix=".secret_key.")
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


def _database_url(instance: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 dialect.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url
    return f"sqlite:///{instance_folder(instance) / 'hiring.db'}"


def _mail_settings() -> dict[str, object]:
    """The SMTP server mail goes through (README, "Email"); no MAIL_SERVER: mail is logged.

    MAIL_USE_TLS asks for STARTTLS on the connection (port 587 usually); MAIL_CA_FILE, a PEM
    file, is then the only CA the server's certificate is checked against (a private CA).
    PUBLIC_URL is the service's address as its users reach it, for the links in mails.
    """
    port = os.environ.get("MAIL_PORT", "") or "25"
    if not port.isdigit():
        raise ValueError(f"MAIL_PORT must be a port number, not {port!r}")
    ca_file = os.environ.get("MAIL_CA_FILE", "")
    if ca_file and not Path(ca_file).is_file():
        # Said at start-up, not in the log of the first mail that fails.
        raise ValueError(f"MAIL_CA_FILE names no file: {ca_file!r}")
    return {
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(port),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "false").lower() in ("1", "true", "yes"),
        "MAIL_CA_FILE": ca_file,
        "MAIL_FROM": os.environ.get("MAIL_FROM", "") or "hiring@localhost",
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", ""),
    }


class Config:
    """Production defaults; everything overridable from the environment."""

    INSTANCE_PATH = INSTANCE
    TESTING = False
    # Mail: read from the environment in __init__, so that tests (which skip it) never mail
    # whatever server a developer's shell names; these are the values they get.
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_USE_TLS = False
    MAIL_CA_FILE = ""
    MAIL_FROM = "hiring@localhost"
    PUBLIC_URL = ""
    # Seconds to wait for the mail server: a page that saved a change waits this long at most.
    MAIL_TIMEOUT = 10

    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key(self.INSTANCE_PATH)
        self.DATABASE_URL = _database_url(self.INSTANCE_PATH)
        for name, value in _mail_settings().items():
            setattr(self, name, value)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Cookies are Secure on every HTTPS request anyway; "true" forces it for plain-HTTP hops.
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "false") == "true"
    # Host names this service answers to (comma-separated; ".example.com" also matches its
    # subdomains). A request naming another host gets 400. Unset: any host; set it in production
    # (README, "Operating"): mails take their links' host from the request when PUBLIC_URL is
    # not set.
    TRUSTED_HOSTS = [
        host.strip() for host in os.environ.get("TRUSTED_HOSTS", "").split(",") if host.strip()
    ] or None
    # How many reverse proxies in front of us to trust for X-Forwarded-* (0: none).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0") or 0)
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # Failed logins allowed per account and per address within sliding windows before they must
    # wait (ASVS 5.0 asks for no more than 100 an hour, and no permanent lockout).
    LOGIN_FAILURES_PER_ACCOUNT = 10
    LOGIN_ACCOUNT_WINDOW = timedelta(minutes=15)
    LOGIN_FAILURES_PER_ADDRESS = 100
    LOGIN_ADDRESS_WINDOW = timedelta(hours=1)
    # Days a new API token works before it expires (a leaked token must not work for ever).
    API_TOKEN_DAYS = 90
    # The ranking page lists the top of the ranking, where decisions are made; `?rows=all` lists
    # everyone (10,000 explained candidates are a 25 MB page), and the CSV has every row too.
    RANKING_TOP_ROWS = 100
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    # An import file may be bigger (hiring.uploads): a tracker's export of 100,000 items.
    MAX_IMPORT_LENGTH = 50 * 1024 * 1024
    # A form field that is not a file may be as big as any body (Flask's default is 500 kB).
    MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the login session
    SQL_ECHO = False
