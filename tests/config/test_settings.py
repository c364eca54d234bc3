from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from tests.testkit.keys import PLACEHOLDER_KEY, TEST_SECRET_KEY
from zonewatch import __version__
from zonewatch.config.settings import (
    PROJECT_URL,
    PasswordHashing,
    Settings,
    load_settings,
    settings_environment,
)
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


@pytest.mark.parametrize(
    ("variable", "value", "error"),
    [
        (
            "ZONEWATCH_WEB_MAX_CONNECTIONS",
            "many",
            "ZONEWATCH_WEB_MAX_CONNECTIONS: must be a whole number, not 'many'",
        ),
        ("ZONEWATCH_WEB_MAX_CONNECTIONS", "2.5", "must be a whole number, not '2.5'"),
        ("ZONEWATCH_WEB_MAX_CONNECTIONS", "0", "ZONEWATCH_WEB_MAX_CONNECTIONS: must be at least 1"),
        ("ZONEWATCH_WEB_MAX_CONNECTIONS", "4097", "must be at most 4096, not 4097"),
        ("ZONEWATCH_SNAPSHOT_RETENTION_DAYS", "", "ZONEWATCH_SNAPSHOT_RETENTION_DAYS: must be a"),
        ("ZONEWATCH_WEB_TIMEOUT_SECONDS", "soon", "must be a number, not 'soon'"),
        ("ZONEWATCH_WEB_TIMEOUT_SECONDS", "0", "ZONEWATCH_WEB_TIMEOUT_SECONDS: must be greater"),
        ("ZONEWATCH_CRAWL_TIMEOUT_SECONDS", "inf", "must be a finite number"),
        ("ZONEWATCH_CRAWL_TIMEOUT_SECONDS", "nan", "must be a finite number"),
        ("ZONEWATCH_BROKER_CLAIM_TIMEOUT_SECONDS", "4.5", "must be at least 5, not 4.5"),
        ("ZONEWATCH_DATABASE_URL", "mysql://x/y", "database must be one of sqlite, postgresql"),
        ("ZONEWATCH_BROKER_URL", "amqp://guest@localhost//", "broker scheme must be one of"),
        ("ZONEWATCH_REPLAY_URL", "https://127.0.0.1:8765", "must look like http://127.0.0.1"),
        ("ZONEWATCH_TIMEZONE", "../../etc/passwd", "unknown time zone"),
        ("ZONEWATCH_OPERATOR_ALERTS", "ops, slack://x", "not an Apprise URL (scheme://...)"),
        ("ZONEWATCH_ALLOWED_PRIVATE_HOSTS", "user@host", "not a host name or IP network"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable_and_what_it_must_be(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, error: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"invalid setting {variable}: ")
    assert error in message
    assert "\n" not in message


def test_a_refused_url_does_not_echo_its_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZONEWATCH_SMTP_URL", "http://mailer:hunter2-secret@mail.example.kr")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value) == (
        "invalid setting ZONEWATCH_SMTP_URL: must look like smtp://[user:password@]host[:port]"
    )


def test_values_are_typed_and_unknown_variables_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names match whatever their case (as pydantic-settings did); other ZONEWATCH_* names,
    such as the test kit's own, are no setting and are ignored."""
    monkeypatch.setenv("zonewatch_web_max_connections", " 12 ")
    monkeypatch.setenv("ZONEWATCH_CRAWL_DELAY_SCALE", "0")
    monkeypatch.setenv("ZONEWATCH_SNAPSHOT_RETENTION_DAYS", "30")
    monkeypatch.setenv("ZONEWATCH_OPERATOR_ALERTS", "ops@example.kr slack://a/b,mailto:x@y.kr")
    monkeypatch.setenv("ZONEWATCH_REPLAY_URL", "http://127.0.0.1:8765/")
    monkeypatch.setenv("ZONEWATCH_ZONES_FILE", "~/zones.yaml")
    monkeypatch.setenv("ZONEWATCH_NO_SUCH_THING", "whatever")
    settings = load_settings()
    assert settings.web_max_connections == 12
    assert settings.crawl_delay_scale == 0.0
    assert isinstance(settings.crawl_delay_scale, float)
    assert settings.snapshot_retention_days == 30
    assert settings.operator_alerts == ("ops@example.kr", "slack://a/b", "mailto:x@y.kr")
    assert settings.replay_url == "http://127.0.0.1:8765"
    assert settings.zones_file == Path("~/zones.yaml")


def test_overrides_win_over_the_environment_and_are_checked_alike(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ZONEWATCH_PIPELINE_BATCH_SIZE", "20")
    monkeypatch.setenv("ZONEWATCH_DATABASE_URL", "postgresql+psycopg://db/zw")
    settings = load_settings(pipeline_batch_size="30", database_url=None, data_dir=str(tmp_path))
    assert settings.pipeline_batch_size == 30
    assert settings.database_url is None
    assert settings.data_dir == tmp_path
    with pytest.raises(ConfigError, match="ZONEWATCH_PIPELINE_BATCH_SIZE: must be at most 500"):
        load_settings(pipeline_batch_size=501)
    with pytest.raises(TypeError, match="no such setting: pipeline_batch"):
        load_settings(pipeline_batch=5)


def test_settings_built_in_code_and_replaced_are_checked_too(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, allowed_private_hosts=["127.0.0.1"])  # type: ignore[arg-type]
    assert settings.allowed_private_hosts == ("127.0.0.1",)
    assert settings.replace(crawl_delay_scale="0.5").crawl_delay_scale == 0.5
    assert settings.replace(user_agent=" ops/1 ").user_agent == "ops/1"
    with pytest.raises(ConfigError, match="ZONEWATCH_CRAWL_DELAY_SCALE: must be at most 10"):
        settings.replace(crawl_delay_scale=11)
    with pytest.raises(ConfigError, match="ZONEWATCH_WEB_MAX_CONNECTIONS: must be a whole"):
        Settings(web_max_connections=True)
    with pytest.raises(TypeError, match="no such setting: colour"):
        settings.replace(colour="blue")
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.timezone = "UTC"  # type: ignore[misc]


def test_a_child_process_environment_loads_the_same_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = load_settings(
        data_dir=tmp_path,
        secret_key=TEST_SECRET_KEY,
        allowed_private_hosts="127.0.0.1, 10.0.0.0/8",
        operator_alerts="ops@example.kr slack://a/b",
        broker_polling_interval_seconds=0.25,
        snapshot_retention_days=7,
        sources_file=tmp_path / "sources.yaml",
    )
    env = settings_environment(settings)
    assert "ZONEWATCH_DATABASE_URL" not in env, "unset settings stay unset"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert load_settings() == settings


def test_the_secret_is_masked_wherever_it_is_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZONEWATCH_SECRET_KEY", TEST_SECRET_KEY)
    secret = load_settings().secret_key
    assert secret is not None
    assert TEST_SECRET_KEY not in f"{secret} {secret!r} {[secret]}"
    assert secret.get_secret_value() == TEST_SECRET_KEY


def test_password_hashing_cost_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().password_hashing == PasswordHashing(
        time_cost=3, memory_cost=65536, parallelism=4
    )
    monkeypatch.setenv("ZONEWATCH_PASSWORD_HASH_TIME_COST", "1")
    monkeypatch.setenv("ZONEWATCH_PASSWORD_HASH_MEMORY_KIB", "16")
    monkeypatch.setenv("ZONEWATCH_PASSWORD_HASH_PARALLELISM", "2")
    assert load_settings().password_hashing == PasswordHashing(1, 16, 2)
    monkeypatch.setenv("ZONEWATCH_PASSWORD_HASH_PARALLELISM", "4")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value) == (
        "invalid setting ZONEWATCH_PASSWORD_HASH_MEMORY_KIB: must be at least 8 per lane of "
        "ZONEWATCH_PASSWORD_HASH_PARALLELISM (32)"
    )


def _loaded_after(script: str) -> set[str]:
    """The root packages a fresh interpreter holds after running ``script``."""
    done = subprocess.run(
        [sys.executable, "-c", f"{script}\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return {name.split(".")[0] for name in done.stdout.split()}


def test_loading_settings_imports_no_validation_library() -> None:
    """Every command that touches the database loads the settings first: pydantic and
    pydantic-settings cost 0.1-0.2 s of its start-up (structure only; the time is in
    `python -m bench startup`)."""
    loaded = _loaded_after("from zonewatch.config.settings import load_settings; load_settings()")
    assert loaded.isdisjoint({"pydantic", "pydantic_settings", "pydantic_core", "sqlalchemy"})


def test_the_app_type_imports_no_database_layer() -> None:
    """Modules import App to pass it on; the engine and the ORM come with configure()."""
    assert "sqlalchemy" not in _loaded_after("import zonewatch.app")
