"""Settings come from defaults < config file < GUARDPROXY_* env < flags, errors name the source."""

from __future__ import annotations

from pathlib import Path

import pytest

from guardproxy.config import load_settings
from guardproxy.errors import ConfigError


def test_defaults() -> None:
    s = load_settings(env={})
    assert (s.host, s.port) == ("127.0.0.1", 8080)
    assert s.upstream == "https://api.openai.com/v1"
    assert s.anthropic_upstream == "https://api.anthropic.com"
    assert s.unguarded_generation == "block"
    assert s.max_body_bytes == 32 * 1024 * 1024
    assert s.client_policies == []


def test_precedence(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("port: 7000\nhost: 0.0.0.0\nclient_policies: a,b\nupstream: http://f/v1/\n")
    env = {"GUARDPROXY_PORT": "7100", "GUARDPROXY_CLIENT_POLICIES": "x, y"}
    s = load_settings(config_file=config, env=env, overrides={"port": 7200})
    assert s.port == 7200
    assert s.host == "0.0.0.0"
    assert s.client_policies == ["x", "y"]
    assert s.upstream == "http://f/v1"
    s = load_settings(config_file=config, env={})
    assert s.client_policies == ["a", "b"]


def test_config_file_from_env(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("port: 7001\n")
    assert load_settings(env={"GUARDPROXY_CONFIG": str(config)}).port == 7001


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"GUARDPROXY_PORT": "eighty"},
            "environment: GUARDPROXY_PORT: Input should be a valid integer",
        ),
        ({"GUARDPROXY_UNGUARDED_GENERATION": "maybe"}, "GUARDPROXY_UNGUARDED_GENERATION"),
        ({"GUARDPROXY_ANTHROPIC_UPSTREAM": "api.anthropic.com"}, "must start with http"),
    ],
)
def test_env_errors_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(env=env)


def test_admin_token_is_secret() -> None:
    s = load_settings(env={"GUARDPROXY_ADMIN_TOKEN": "hunter2"})
    assert s.admin_token is not None and s.admin_token.get_secret_value() == "hunter2"
    assert "hunter2" not in repr(s)


def test_audit_retention_is_off_by_default() -> None:
    s = load_settings(env={})
    assert (s.audit_retention_days, s.audit_retention_max_files) == (None, None)
    assert s.audit_retention_s is None


def test_audit_retention_precedence(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("audit_retention_days: 90\naudit-retention-max-files: 500\n")
    s = load_settings(config_file=config, env={})
    assert (s.audit_retention_days, s.audit_retention_max_files) == (90.0, 500)
    assert s.audit_retention_s == 90 * 86_400.0
    env = {"GUARDPROXY_AUDIT_RETENTION_DAYS": "30.5", "GUARDPROXY_AUDIT_RETENTION_MAX_FILES": "7"}
    s = load_settings(config_file=config, env=env)
    assert (s.audit_retention_days, s.audit_retention_max_files) == (30.5, 7)
    s = load_settings(config_file=config, env=env, overrides={"audit_retention_days": 1})
    assert s.audit_retention_days == 1.0


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"GUARDPROXY_AUDIT_RETENTION_DAYS": "0"},
            "environment: GUARDPROXY_AUDIT_RETENTION_DAYS: Input should be greater than 0",
        ),
        (
            {"GUARDPROXY_AUDIT_RETENTION_DAYS": "a month"},
            "environment: GUARDPROXY_AUDIT_RETENTION_DAYS: Input should be a valid number",
        ),
        (
            {"GUARDPROXY_AUDIT_RETENTION_MAX_FILES": "0"},
            "environment: GUARDPROXY_AUDIT_RETENTION_MAX_FILES: Input should be greater than "
            "or equal to 1",
        ),
    ],
)
def test_audit_retention_errors_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(env=env)


def test_audit_retention_errors_in_the_config_file_name_the_file(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("audit_retention_max_files: 2.5\n")
    with pytest.raises(ConfigError, match=f"config file {config}: audit_retention_max_files: "):
        load_settings(config_file=config, env={})
