"""Typed settings, read from the environment (prefix ``ZONEWATCH_``) and validated at start-up.

Every other part of zonewatch gets its configuration from a :class:`Settings` instance handed
to it by :func:`zonewatch.app.configure`; nothing reads the environment on its own.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from zonewatch import __version__
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


class Settings(BaseSettings):
    """What an operator can set. Defaults give the embedded mode: no servers needed."""

    model_config = SettingsConfigDict(env_prefix="ZONEWATCH_", extra="ignore", frozen=True)

    data_dir: Path = Field(
        default=DEFAULT_DATA_DIR,
        description="Directory for the SQLite database, raw snapshots and the embedded broker.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: SQLite file zonewatch.sqlite in the data directory.",
    )
    broker_url: str | None = Field(
        default=None,
        description="Celery broker URL; default: a SQLite-backed broker in the data directory.",
    )
    smtp_url: str = Field(
        default="smtp://localhost:25",
        description="smtp:// or smtps:// URL with optional user:password@ and ?starttls=1.",
    )
    mail_from: str = Field(default="zonewatch <alerts@zonewatch.localhost>")
    public_url: str = Field(
        default="http://localhost:8080",
        description="Base URL of the web endpoint, used in unsubscribe and review links.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key that signs unsubscribe links: at least 32 random characters. No "
        "default on purpose; commands that make or check links refuse to start without it.",
    )
    unsubscribe_max_age_days: int = Field(
        default=400,
        ge=1,
        le=3650,
        description="How long an unsubscribe link stays valid: longer than any digest is kept.",
    )
    preferences_max_age_days: int = Field(
        default=400,
        ge=1,
        le=3650,
        description="How long the preferences link in a mail stays valid (like unsubscribe "
        "links: a reader may open an old digest); `subscribers revoke-links` ends them sooner.",
    )
    web_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="The unsubscribe endpoint drops a connection idle for this long.",
    )
    web_max_connections: int = Field(
        default=64,
        ge=1,
        le=4096,
        description="Connections the unsubscribe endpoint serves at once; more get a 503.",
    )
    allowed_private_hosts: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Comma-separated hosts or IP networks that crawls may reach although private "
        "(for the local replay server: 127.0.0.1). Everything else private is refused.",
    )
    timezone: str = Field(default="Asia/Seoul")
    user_agent: str = Field(
        default=DEFAULT_USER_AGENT,
        description="User-Agent of every request (crawls, attachments, robots.txt, the API, "
        "parse-page/parse-feed, capture); a source's `user_agent` overrides it.",
    )
    korea_api_key: str | None = Field(
        default=None, description="Personal key for the korea.kr open press-release API."
    )
    replay_url: str | None = Field(
        default=None,
        description="Send every crawl request to this local replay server instead of the web "
        "(tests and the demo); its host must be in the allowed private hosts.",
    )
    crawl_delay_scale: float = Field(
        default=1.0,
        ge=0,
        le=10,
        description="Multiplies the configured delays between requests; 0 only against the "
        "local replay server (robots.txt Crawl-delay is always honoured in full).",
    )
    task_visibility_timeout_seconds: float = Field(
        default=3600,
        gt=0,
        description="Redis broker: a task whose worker died unnoticed is delivered again after "
        "this long; keep it above the longest task.",
    )
    broker_claim_timeout_seconds: float = Field(
        default=60,
        ge=5,
        description="Embedded broker: a live worker renews its claim on the tasks it holds "
        "every quarter of this; the tasks of a worker that died unnoticed are delivered again "
        "this long after its last renewal.",
    )
    broker_max_deliveries: int = Field(
        default=5,
        ge=1,
        description="Embedded broker: a task message delivered this many times without "
        "finishing (its worker died each time) is set aside as a dead letter, listed by "
        "`zonewatch dead-letters`, instead of going round for ever.",
    )
    broker_polling_interval_seconds: float = Field(
        default=0.05,
        gt=0,
        le=5,
        description="Embedded broker: the longest wait between polls of an idle worker (a "
        "worker that found work polls again at once; an idle one backs off up to this).",
    )
    worker_prefetch_multiplier: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Tasks a worker holds per pool process (the embedded broker claims up to "
        "this window in one poll); higher keeps busy workers fed, lower lets idle workers "
        "take more of a burst.",
    )
    crawl_timeout_seconds: float = Field(
        default=1800, gt=0, description="A crawl process running longer than this is stopped."
    )
    pipeline_batch_size: int = Field(
        default=50,
        gt=0,
        le=500,
        description="Ids per transaction and per task message in ingest, classification and "
        "change building: larger batches commit less often, a failed one is retried whole.",
    )
    crawl_heartbeat_seconds: float = Field(
        default=15,
        gt=0,
        description="How often a crawl process marks its run alive; a running run silent for "
        "four of these has lost its process and is finalised as abandoned.",
    )
    snapshot_retention_days: int | None = Field(
        default=None,
        ge=1,
        description="`zonewatch prune` removes raw page snapshots older than this (never the "
        "current version's page nor one an unsent alert shows); unset: kept for ever.",
    )
    delivered_alert_retention_days: int | None = Field(
        default=None,
        ge=1,
        description="`zonewatch prune` deletes outbox rows delivered longer ago than this "
        "(never an undelivered one); unset: kept for ever.",
    )
    zones_file: Path | None = Field(
        default=None, description="Zone and programme model; default: the packaged zones.yaml."
    )
    sources_file: Path | None = Field(
        default=None, description="Watched sources; default: the packaged sources.yaml."
    )
    local_sources_file: Path | None = Field(
        default=None,
        description="The operator's own sources and overrides of shipped ones, read by every "
        f"command on top of the shipped list; default: {LOCAL_SOURCES_NAME} in the data "
        "directory.",
    )
    operator_alerts: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Where operators hear that a source turned broken or slow (and healthy "
        "again): Apprise URLs and/or e-mail addresses (mailto:), separated by commas or spaces.",
    )

    @field_validator("allowed_private_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("allowed_private_hosts")
    @classmethod
    def _check_hosts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for host in value:
            if "/" in host:
                ipaddress.ip_network(host, strict=False)
            elif not host or any(ch in host for ch in " :@"):
                raise ValueError(f"not a host name or IP network: {host!r}")
        return value

    @field_validator("user_agent")
    @classmethod
    def _check_user_agent(cls, value: str) -> str:
        return check_user_agent(value)

    @field_validator("operator_alerts", mode="before")
    @classmethod
    def _split_targets(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part for part in re.split(r"[\s,]+", value) if part)
        return value

    @field_validator("operator_alerts")
    @classmethod
    def _check_targets(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for target in value:
            if operator_mail_address(target) is None and not _URL_SCHEME.match(target):
                raise ValueError(
                    f"not an Apprise URL (scheme://...) or an e-mail address: {target!r}"
                )
        return value

    @field_validator("secret_key")
    @classmethod
    def _check_secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            weak = weak_secret_key_reason(value.get_secret_value())
            if weak:
                raise ValueError(f"{weak}; make one with {MAKE_SECRET_KEY}")
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value is not None:
            scheme = urlsplit(value).scheme.split("+")[0]
            if scheme not in SUPPORTED_DATABASES:
                raise ValueError(f"database must be one of {', '.join(SUPPORTED_DATABASES)}")
        return value

    @field_validator("broker_url")
    @classmethod
    def _check_broker_url(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in SUPPORTED_BROKERS:
            raise ValueError(f"broker scheme must be one of {', '.join(SUPPORTED_BROKERS)}")
        return value

    @field_validator("replay_url")
    @classmethod
    def _check_replay_url(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme != "http" or not parts.hostname or parts.path not in ("", "/"):
                raise ValueError("must look like http://127.0.0.1:8765")
        return value.rstrip("/") if value else value

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("must look like smtp://[user:password@]host[:port]")
        return value

    @model_validator(mode="after")
    def _resolve_data_dir(self) -> Settings:
        object.__setattr__(self, "data_dir", self.data_dir.expanduser().resolve())
        return self

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
    """Build settings from the environment plus explicit overrides.

    A bad value raises :class:`ConfigError` naming the setting by its environment variable,
    which is what an operator has to fix.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"invalid setting ZONEWATCH_{field.upper()}: {message}") from exc
