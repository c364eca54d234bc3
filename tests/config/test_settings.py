from __future__ import annotations

from pathlib import Path

import pytest

from zonewatch.config.settings import load_settings
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
    ],
)
def test_invalid_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=message):
        load_settings()
