from __future__ import annotations

from pathlib import Path

import pytest

from tests.testkit.keys import PLACEHOLDER_KEY, TEST_SECRET_KEY
from zonewatch import __version__
from zonewatch.config.settings import PROJECT_URL, load_settings
from zonewatch.errors import ConfigError


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(__import__("os").environ):
        if name.startswith("ZONEWATCH_"):
            monkeypatch.delenv(name)


def test_defaults_need_no_server(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'zonewatch.sqlite'}"
    assert settings.effective_broker_url.startswith("sqla+sqlite:///")
    assert settings.timezone == "Asia/Seoul"
    assert settings.allowed_private_hosts == ()


def test_environment_prefix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ZONEWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ZONEWATCH_ALLOWED_PRIVATE_HOSTS", "127.0.0.1, 10.0.0.0/8")
    monkeypatch.setenv("ZONEWATCH_BROKER_URL", "redis://127.0.0.1:6379/0")
    settings = load_settings()
    assert settings.data_dir == tmp_path
    assert settings.allowed_private_hosts == ("127.0.0.1", "10.0.0.0/8")
    assert settings.effective_broker_url == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ZONEWATCH_DATABASE_URL", "mysql://x/y", "ZONEWATCH_DATABASE_URL"),
        ("ZONEWATCH_BROKER_URL", "amqp://guest@localhost//", "ZONEWATCH_BROKER_URL"),
        ("ZONEWATCH_TIMEZONE", "Mars/Olympus", "ZONEWATCH_TIMEZONE"),
        ("ZONEWATCH_SMTP_URL", "http://mail", "ZONEWATCH_SMTP_URL"),
        ("ZONEWATCH_ALLOWED_PRIVATE_HOSTS", "10.0.0.0/99", "ZONEWATCH_ALLOWED_PRIVATE_HOSTS"),
        ("ZONEWATCH_SECRET_KEY", "short", "ZONEWATCH_SECRET_KEY"),
        ("ZONEWATCH_WEB_TIMEOUT_SECONDS", "0", "ZONEWATCH_WEB_TIMEOUT_SECONDS"),
        ("ZONEWATCH_WEB_MAX_CONNECTIONS", "0", "ZONEWATCH_WEB_MAX_CONNECTIONS"),
        ("ZONEWATCH_UNSUBSCRIBE_MAX_AGE_DAYS", "0", "ZONEWATCH_UNSUBSCRIBE_MAX_AGE_DAYS"),
        ("ZONEWATCH_USER_AGENT", "  ", "ZONEWATCH_USER_AGENT: must not be empty"),
        ("ZONEWATCH_USER_AGENT", "bot\r\nX-Injected: 1", "ZONEWATCH_USER_AGENT: must be printable"),
        ("ZONEWATCH_USER_AGENT", "bot\x07", "ZONEWATCH_USER_AGENT: must be printable"),
        ("ZONEWATCH_USER_AGENT", "봇/1.0", "ZONEWATCH_USER_AGENT: must be printable"),
        ("ZONEWATCH_USER_AGENT", "b" * 513, "ZONEWATCH_USER_AGENT: longer than 512"),
    ],
)
def test_invalid_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=message):
        load_settings()


def test_there_is_no_default_secret_key_and_asking_for_it_says_how_to_make_one(
    tmp_path: Path,
) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert settings.secret_key is None
    with pytest.raises(ConfigError) as caught:
        _ = settings.signing_key
    message = str(caught.value)
    assert "ZONEWATCH_SECRET_KEY is not set" in message
    assert 'python -c "import secrets; print(secrets.token_urlsafe(32))"' in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("key", "why"),
    [
        (PLACEHOLDER_KEY, "published placeholder"),
        (f"  {PLACEHOLDER_KEY.upper()} ", "published placeholder"),
        ("test-secret-key", "published placeholder"),
        ("s3cr3t-but-only-24-chars", "shorter than 32"),
        ("a" * 64, "too repetitive"),
        ("abababababababababababababababab", "too repetitive"),
    ],
)
def test_weak_secret_keys_are_refused_with_the_way_to_make_one(
    monkeypatch: pytest.MonkeyPatch, key: str, why: str
) -> None:
    monkeypatch.setenv("ZONEWATCH_SECRET_KEY", key)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("invalid setting ZONEWATCH_SECRET_KEY: ")
    assert why in message
    assert "secrets.token_urlsafe(32)" in message
    assert key.strip() not in message, "the refused key is not echoed"


def test_a_strong_key_is_kept_secret_in_reprs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZONEWATCH_SECRET_KEY", TEST_SECRET_KEY)
    settings = load_settings()
    assert settings.signing_key == TEST_SECRET_KEY
    assert TEST_SECRET_KEY not in repr(settings)


def test_endpoint_and_token_limits_have_safe_defaults(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert settings.unsubscribe_max_age_days == 400
    assert settings.web_timeout_seconds == 10
    assert settings.web_max_connections == 64


def test_child_processes_get_the_key_itself_not_asterisks(tmp_path: Path) -> None:
    from zonewatch.config.settings import settings_environment

    env = settings_environment(load_settings(data_dir=tmp_path, secret_key=TEST_SECRET_KEY))
    assert env["ZONEWATCH_SECRET_KEY"] == TEST_SECRET_KEY


def test_the_user_agent_is_browser_compatible_and_can_be_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """KICOX answers 400 and korea.kr resets the connection for a bare bot name."""
    assert load_settings().user_agent == (
        f"Mozilla/5.0 (compatible; zonewatch/{__version__}; +{PROJECT_URL})"
    )
    monkeypatch.setenv("ZONEWATCH_USER_AGENT", "  Mozilla/5.0 (compatible; ops/1; +https://x.kr) ")
    assert load_settings().user_agent == "Mozilla/5.0 (compatible; ops/1; +https://x.kr)"
