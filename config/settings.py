"""Typed settings, read from the environment (prefix ``ZONEWATCH_``) and validated at start-up.

Every other part of zonewatch gets its configuration from a :class:`Settings` instance handed
to it by :func:`zonewatch.app.configure`; nothing reads the environment on its own.

Settings are a frozen dataclass checked by small readers (:mod:`zonewatch.config.values`),
not a pydantic model: every command that touches the database loads them, and pydantic with
pydantic-settings cost 0.1-0.2 s of start-up, more than the query itself.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from zonewatch import __version__
from zonewatch.config.values import (
    Reader,
    Secret,
    SettingValueError,
    integer,
    number,
    optional,
    path,
    secret,
    text,
    words,
)
from zonewatch.errors import ConfigError

if TYPE_CHECKING:
    from zonewatch.config.sources import SourceSpec

DEFAULT_DATA_DIR = Path("data")
SUPPORTED_DATABASES = ("sqlite", "postgresql")
SUPPORTED_BROKERS = ("sqla+sqlite", "sqla+postgresql", "redis", "rediss", "memory", "filesystem")
MIN_SECRET_KEY_LENGTH = 32
MIN_SECRET_KEY_DISTINCT = 10
PROJECT_URL = "https://github.com/zonewatch/zonewatch"
# KICOX answers HTTP 400 and korea.kr's firewall resets the connection unless the client looks
# like a browser; the "compatible" form is what working 2026 clients send, and it still names
# zonewatch and where to read about it.
DEFAULT_USER_AGENT = f"Mozilla/5.0 (compatible; zonewatch/{__version__}; +{PROJECT_URL})"
MAX_USER_AGENT_LENGTH = 512
LOCAL_SOURCES_NAME = "sources.local.yaml"
ENV_PREFIX = "ZONEWATCH_"
_EMAIL_ADDRESS = re.compile(r"^[^@\s:/]+@[^@\s:/]+\.[^@\s:/]+$")
_URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$", re.IGNORECASE)
MAKE_SECRET_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'
# Values published in this repository's history or typical of copy-pasted examples: anyone can
# sign unsubscribe tokens with them, so they are refused whatever their length.
KNOWN_WEAK_SECRET_KEYS = frozenset(
    {
        "change-me-in-production",
        "changeme",
        "change-me",
        "secret",
        "secret-key",
        "secret_key",
        "test-secret-key",
        "password",
        "zonewatch",
    }
)


_READ = "read"


def checked_by(read: Reader[Any]) -> dict[str, Reader[Any]]:
    """A settings field's metadata: the reader that checks its raw or typed value."""
    return {_READ: read}


def _directory(value: object) -> Path:
    return path(value).expanduser().resolve()


def _hosts(value: object) -> tuple[str, ...]:
    hosts = words(",")(value)
    for host in hosts:
        if "/" in host:
            ipaddress.ip_network(host, strict=False)
        elif not host or any(ch in host for ch in " :@"):
            raise SettingValueError(f"not a host name or IP network: {host!r}")
    return hosts


def _targets(value: object) -> tuple[str, ...]:
    targets = words(r"[\s,]+")(value)
    for target in targets:
        if operator_mail_address(target) is None and not _URL_SCHEME.match(target):
            raise SettingValueError(
                f"not an Apprise URL (scheme://...) or an e-mail address: {target!r}"
            )
    return targets


def _user_agent(value: object) -> str:
    return check_user_agent(text(value))


def _signing_secret(value: object) -> Secret:
    key = secret(value)
    weak = weak_secret_key_reason(key.get_secret_value())
    if weak:
        raise SettingValueError(f"{weak}; make one with {MAKE_SECRET_KEY}")
    return key


def _time_zone(value: object) -> str:
    name = text(value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingValueError(f"unknown time zone {name!r}") from exc
    return name


def _database_url(value: object) -> str:
    url = text(value)
    if urlsplit(url).scheme.split("+")[0] not in SUPPORTED_DATABASES:
        raise SettingValueError(f"database must be one of {', '.join(SUPPORTED_DATABASES)}")
    return url


def _broker_url(value: object) -> str:
    url = text(value)
    if urlsplit(url).scheme not in SUPPORTED_BROKERS:
        raise SettingValueError(f"broker scheme must be one of {', '.join(SUPPORTED_BROKERS)}")
    return url


def _replay_url(value: object) -> str:
    url = text(value)
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname or parts.path not in ("", "/"):
        raise SettingValueError("must look like http://127.0.0.1:8765")
    return url.rstrip("/")


def _smtp_url(value: object) -> str:
    url = text(value)
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SettingValueError("must look like smtp://[user:password@]host[:port]")
    return url


@dataclass(frozen=True)
class PasswordHashing:
    """Argon2id cost parameters for console passwords (argon2-cffi's names and units)."""

    time_cost: int
    memory_cost: int
    """KiB."""
    parallelism: int


@dataclass(frozen=True, kw_only=True)
class Settings:
    """What an operator can set. Defaults give the embedded mode: no servers needed.

    Each field is ``ZONEWATCH_`` plus its name in capitals. Built directly, it takes typed
    values or their text (as the environment gives them) and checks them all; a bad one
    raises :class:`ConfigError` naming the variable. :func:`load_settings` reads the
    environment.
    """

    data_dir: Path = field(default=DEFAULT_DATA_DIR, metadata=checked_by(_directory))
    """Directory for the SQLite database, raw snapshots and the embedded broker."""
    database_url: str | None = field(default=None, metadata=checked_by(optional(_database_url)))
    """SQLAlchemy URL; default: SQLite file zonewatch.sqlite in the data directory."""
    broker_url: str | None = field(default=None, metadata=checked_by(optional(_broker_url)))
    """Celery broker URL; default: a SQLite-backed broker in the data directory."""
    smtp_url: str = field(default="smtp://localhost:25", metadata=checked_by(_smtp_url))
    """smtp:// or smtps:// URL with optional user:password@ and ?starttls=1."""
    mail_from: str = field(
        default="zonewatch <alerts@zonewatch.localhost>", metadata=checked_by(text)
    )
    public_url: str = field(default="http://localhost:8080", metadata=checked_by(text))
    """Base URL of the web endpoint, used in unsubscribe and review links."""
    secret_key: Secret | None = field(default=None, metadata=checked_by(optional(_signing_secret)))
    """Key that signs unsubscribe links: at least 32 random characters. No default on
    purpose; commands that make or check links refuse to start without it."""
    unsubscribe_max_age_days: int = field(default=400, metadata=checked_by(integer(ge=1, le=3650)))
    """How long an unsubscribe link stays valid: longer than any digest is kept."""
    preferences_max_age_days: int = field(default=400, metadata=checked_by(integer(ge=1, le=3650)))
    """How long the preferences link in a mail stays valid (like unsubscribe links: a reader
    may open an old digest); `subscribers revoke-links` ends them sooner."""
    web_timeout_seconds: float = field(default=10.0, metadata=checked_by(number(gt=0, le=300)))
    """The unsubscribe endpoint drops a connection idle for this long."""
    web_max_connections: int = field(default=64, metadata=checked_by(integer(ge=1, le=4096)))
    """Connections the unsubscribe endpoint serves at once; more get a 503."""
    allowed_private_hosts: tuple[str, ...] = field(default=(), metadata=checked_by(_hosts))
    """Comma-separated hosts or IP networks that crawls may reach although private (for the
    local replay server: 127.0.0.1). Everything else private is refused."""
    timezone: str = field(default="Asia/Seoul", metadata=checked_by(_time_zone))
    user_agent: str = field(default=DEFAULT_USER_AGENT, metadata=checked_by(_user_agent))
    """User-Agent of every request (crawls, attachments, robots.txt, the API,
    parse-page/parse-feed, capture); a source's `user_agent` overrides it."""
    korea_api_key: str | None = field(default=None, metadata=checked_by(optional(text)))
    """Personal key for the korea.kr open press-release API."""
    replay_url: str | None = field(default=None, metadata=checked_by(optional(_replay_url)))
    """Send every crawl request to this local replay server instead of the web (tests and
    the demo); its host must be in the allowed private hosts."""
    crawl_delay_scale: float = field(default=1.0, metadata=checked_by(number(ge=0, le=10)))
    """Multiplies the configured delays between requests; 0 only against the local replay
    server (robots.txt Crawl-delay is always honoured in full)."""
    task_visibility_timeout_seconds: float = field(
        default=3600.0, metadata=checked_by(number(gt=0))
    )
    """Redis broker: a task whose worker died unnoticed is delivered again after this long;
    keep it above the longest task."""
    broker_claim_timeout_seconds: float = field(default=60.0, metadata=checked_by(number(ge=5)))
    """Embedded broker: a live worker renews its claim on the tasks it holds every quarter of
    this; the tasks of a worker that died unnoticed are delivered again this long after its
    last renewal."""
    broker_max_deliveries: int = field(default=5, metadata=checked_by(integer(ge=1)))
    """Embedded broker: a task message delivered this many times without finishing (its
    worker died each time) is set aside as a dead letter, listed by `zonewatch
    dead-letters`, instead of going round for ever."""
    broker_polling_interval_seconds: float = field(
        default=0.05, metadata=checked_by(number(gt=0, le=5))
    )
    """Embedded broker: the longest wait between polls of an idle worker (a worker that
    found work polls again at once; an idle one backs off up to this)."""
    worker_prefetch_multiplier: int = field(default=1, metadata=checked_by(integer(ge=1, le=64)))
    """Tasks a worker holds per pool process (the embedded broker claims up to this window
    in one poll); higher keeps busy workers fed, lower lets idle workers take more of a
    burst."""
    crawl_timeout_seconds: float = field(default=1800.0, metadata=checked_by(number(gt=0)))
    """A crawl process running longer than this is stopped."""
    pipeline_batch_size: int = field(default=50, metadata=checked_by(integer(ge=1, le=500)))
    """Ids per transaction and per task message in ingest, classification and change
    building: larger batches commit less often, a failed one is retried whole."""
    crawl_heartbeat_seconds: float = field(default=15.0, metadata=checked_by(number(gt=0)))
    """How often a crawl process marks its run alive; a running run silent for four of these
    has lost its process and is finalised as abandoned."""
    snapshot_retention_days: int | None = field(
        default=None, metadata=checked_by(optional(integer(ge=1)))
    )
    """`zonewatch prune` removes raw page snapshots older than this (never the current
    version's page nor one an unsent alert shows); unset: kept for ever."""
    delivered_alert_retention_days: int | None = field(
        default=None, metadata=checked_by(optional(integer(ge=1)))
    )
    """`zonewatch prune` deletes outbox rows delivered longer ago than this (never an
    undelivered one); unset: kept for ever."""
    zones_file: Path | None = field(default=None, metadata=checked_by(optional(path)))
    """Zone and programme model; default: the packaged zones.yaml."""
    sources_file: Path | None = field(default=None, metadata=checked_by(optional(path)))
    """Watched sources; default: the packaged sources.yaml."""
    local_sources_file: Path | None = field(default=None, metadata=checked_by(optional(path)))
    """The operator's own sources and overrides of shipped ones, read by every command on top
    of the shipped list; default: sources.local.yaml in the data directory."""
    operator_alerts: tuple[str, ...] = field(default=(), metadata=checked_by(_targets))
    """Where operators hear that a source turned broken or slow (and healthy again): Apprise
    URLs and/or e-mail addresses (mailto:), separated by commas or spaces."""
    password_hash_time_cost: int = field(default=3, metadata=checked_by(integer(ge=1, le=100)))
    """Argon2id passes per console password hash (argon2-cffi's recommended 3)."""
    password_hash_memory_kib: int = field(
        default=65536, metadata=checked_by(integer(ge=8, le=4 * 1024 * 1024))
    )
    """Argon2id memory per hash in KiB (recommended 64 MiB); at least 8 per lane."""
    password_hash_parallelism: int = field(default=4, metadata=checked_by(integer(ge=1, le=64)))
    """Argon2id lanes per hash (recommended 4)."""

    def __post_init__(self) -> None:
        for spec in fields(self):
            try:
                value = spec.metadata[_READ](getattr(self, spec.name))
            except ValueError as exc:
                raise ConfigError(f"invalid setting {variable(spec.name)}: {exc}") from exc
            object.__setattr__(self, spec.name, value)
        if self.password_hash_memory_kib < 8 * self.password_hash_parallelism:
            raise ConfigError(
                f"invalid setting {variable('password_hash_memory_kib')}: must be at least 8 "
                f"per lane of {variable('password_hash_parallelism')} "
                f"({8 * self.password_hash_parallelism})"
            )

    @property
    def signing_key(self) -> str:
        """The secret key, for the code that makes or checks unsubscribe tokens.

        There is deliberately no fallback: a default key is public, and with it anyone can
        unsubscribe every subscriber (ids are sequential)."""
        if self.secret_key is None:
            raise ConfigError(
                "ZONEWATCH_SECRET_KEY is not set and this command signs or checks unsubscribe "
                f"links; make one with {MAKE_SECRET_KEY}"
            )
        return self.secret_key.get_secret_value()

    def user_agent_for(self, source: SourceSpec | None) -> str:
        """The User-Agent for requests to ``source``: its own when it sets one (a site that
        only answers a particular client), else the deployment's."""
        if source is not None and source.user_agent:
            return source.user_agent
        return self.user_agent

    def replace(self, **changes: object) -> Settings:
        """These settings with ``changes`` (typed values or text), checked like the rest."""
        unknown_settings(changes)
        values: dict[str, object] = {spec.name: getattr(self, spec.name) for spec in fields(self)}
        return Settings(**{**values, **changes})  # type: ignore[arg-type]

    @property
    def password_hashing(self) -> PasswordHashing:
        return PasswordHashing(
            time_cost=self.password_hash_time_cost,
            memory_cost=self.password_hash_memory_kib,
            parallelism=self.password_hash_parallelism,
        )

    @property
    def effective_local_sources_file(self) -> Path:
        return self.local_sources_file or self.data_dir / LOCAL_SOURCES_NAME

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'zonewatch.sqlite'}"

    @property
    def effective_broker_url(self) -> str:
        return self.broker_url or f"sqla+sqlite:///{self.data_dir / 'broker.sqlite'}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")


SETTING_NAMES = tuple(spec.name for spec in fields(Settings))
"""Every setting's field name; its variable is :func:`variable` of it."""


def variable(name: str) -> str:
    """The environment variable of the setting ``name``."""
    return f"{ENV_PREFIX}{name.upper()}"


def unknown_settings(values: Mapping[str, object]) -> None:
    """Refuse names that are no setting: a misspelt override would otherwise be dropped."""
    unknown = sorted(set(values) - set(SETTING_NAMES))
    if unknown:
        raise TypeError(f"no such setting: {', '.join(unknown)}")


def environment_values(environ: Mapping[str, str]) -> dict[str, str]:
    """The settings given in ``environ``; names match whatever their case, as they did with
    pydantic-settings, and other ZONEWATCH_* variables are ignored."""
    by_lower = {key.lower(): value for key, value in environ.items()}
    return {
        name: by_lower[variable(name).lower()]
        for name in SETTING_NAMES
        if variable(name).lower() in by_lower
    }


def settings_environment(settings: Settings) -> dict[str, str]:
    """``settings`` as ZONEWATCH_* variables (the secret itself, not asterisks), so that a
    child process loads exactly the same; unset ones are left out."""
    env: dict[str, str] = {}
    for name in SETTING_NAMES:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, tuple):
            value = ",".join(value)
        elif isinstance(value, Secret):
            value = value.get_secret_value()
        env[variable(name)] = str(value)
    return env


def check_user_agent(value: str) -> str:
    """A User-Agent goes into a request header as it is: a CR or LF would let it add headers
    of its own, other control or non-ASCII characters make HTTP libraries fail or send
    mojibake, and an empty one is what some firewalls reset."""
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if len(value) > MAX_USER_AGENT_LENGTH:
        raise ValueError(f"longer than {MAX_USER_AGENT_LENGTH} characters")
    if any(not " " <= char <= "~" for char in value):
        raise ValueError("must be printable ASCII on one line (no CR/LF or control characters)")
    return value


def operator_mail_address(target: str) -> str | None:
    """The address of an operator target that is e-mail (``ops@example.kr`` or
    ``mailto:ops@example.kr``), sent through ZONEWATCH_SMTP_URL; None for an Apprise URL."""
    address = target.removeprefix("mailto:")
    return address if _EMAIL_ADDRESS.match(address) else None


def weak_secret_key_reason(key: str) -> str | None:
    """Why ``key`` is unfit to sign tokens (None when it is fit): known, short or repetitive."""
    stripped = key.strip()
    if stripped.lower() in KNOWN_WEAK_SECRET_KEYS:
        return "the key is a published placeholder, not a secret"
    if len(stripped) < MIN_SECRET_KEY_LENGTH:
        return f"the key is shorter than {MIN_SECRET_KEY_LENGTH} characters"
    if len(set(stripped)) < MIN_SECRET_KEY_DISTINCT:
        return "the key is too repetitive to be random"
    return None


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment plus explicit overrides (typed values or text).

    A bad value raises :class:`ConfigError` naming the setting by its environment variable,
    which is what an operator has to fix.
    """
    unknown_settings(overrides)
    values: dict[str, object] = {**environment_values(os.environ), **overrides}
    return Settings(**values)  # type: ignore[arg-type]
