"""HTTP plumbing for external model services (moderation models, guard models, judges).

One `ModelServiceClient` per configured service: it owns one pooled ClientSession created
in `start()` and closed in `close()`, sends the API key read from an environment variable
as a Bearer token, lets at most `max_concurrency` requests run at once, and bounds each
call (waiting for a free slot included) by `timeout_ms`.

aiohttp's exceptions, HTTP error statuses and unreadable bodies are translated here into
`ModelServiceError` / `ModelServiceTimeout`, subclasses of `CheckError` / `CheckTimeout`, so
that a check calling a service simply lets them propagate and its policy entry's
`on_error` decides. Neither the texts sent nor the key ever reach a log line or an
exception message: errors name the service, the phase, the HTTP status and the duration.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp
from pydantic import Field, field_validator

from guardproxy.checks.base import CheckOptions
from guardproxy.errors import CheckError, CheckTimeout, ConfigError

__all__ = [
    "ChatMessage",
    "ModelServiceClient",
    "ModelServiceError",
    "ModelServiceTimeout",
    "ServiceOptions",
    "api_key_from_env",
    "chat_reply_text",
]

log = logging.getLogger(__name__)

ChatMessage = Mapping[str, str]
"""One chat message as sent: ``{"role": ..., "content": ...}``."""

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# A reply larger than this is not a moderation verdict or a score; refuse to buffer it.
_MAX_RESPONSE_BYTES = 1 << 20


class ModelServiceError(CheckError):
    """A model service could not be used: unreachable, an HTTP error, or a reply of the
    wrong shape. The message never holds the texts sent or the service's body."""

    def __init__(self, service: str, reason: str, *, status: int | None = None) -> None:
        self.service = service
        self.reason = reason
        self.status = status
        super().__init__(f"{service}: {reason}")


class ModelServiceTimeout(ModelServiceError, CheckTimeout):
    """A model service call ran past its timeout_ms.

    `phase` is ``queue`` when every concurrency slot stayed busy for the whole time, and
    ``response`` when the service itself was too slow.
    """

    def __init__(self, service: str, phase: str, seconds: float) -> None:
        self.phase = phase
        self.seconds = seconds
        super().__init__(service, f"{phase} timeout after {seconds:g}s")


class ServiceOptions(CheckOptions):
    """Where a model service is and how hard guardproxy may lean on it."""

    base_url: str = Field(
        description="Base URL of the OpenAI-compatible API, up to and including its version "
        "prefix, e.g. http://127.0.0.1:8000/v1; endpoint paths are appended to it."
    )
    model: str = Field(min_length=1, description="Model name sent in every request.")
    api_key_env: str | None = Field(
        default=None,
        description="Name of the environment variable holding the API key, sent as "
        "'Authorization: Bearer <key>'. Never the key itself. Leave out for a service "
        "without authentication.",
    )
    timeout_ms: int = Field(
        default=1500,
        ge=1,
        le=600_000,
        description="Time limit of one call, waiting for a free concurrency slot included. "
        "Keep it below the policy entry's timeout_ms so the error names the service.",
    )
    max_concurrency: int = Field(
        default=8,
        ge=1,
        le=1024,
        description="Requests in flight to the service at once (also the connection pool "
        "size); further calls wait for a slot, within timeout_ms.",
    )

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urllib.parse.urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        if parts.username or parts.password:
            raise ValueError("must not carry credentials; name a variable in api_key_env")
        if parts.query or parts.fragment:
            raise ValueError("must not have a query or fragment")
        return value.strip().rstrip("/")

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        # the value is deliberately not echoed: it may be a key pasted by mistake
        if value is not None and not _ENV_NAME.match(value):
            raise ValueError(
                "must be the name of an environment variable (letters, digits, '_'), "
                "never the key itself"
            )
        return value


def api_key_from_env(service: str, name: str | None) -> str | None:
    """The key held in environment variable `name` (None when no name is configured)."""
    if name is None:
        return None
    key = os.environ.get(name, "").strip()
    if not key:
        raise ConfigError(f"{service}: the environment variable {name} (api_key_env) is not set")
    return key


def _egress_proxy(url: str) -> str | None:
    """HTTPS_PROXY / HTTP_PROXY for url unless NO_PROXY exempts its host."""
    proxies = urllib.request.getproxies_environment()
    parts = urllib.parse.urlsplit(url)
    proxy = proxies.get(parts.scheme)
    if not proxy or urllib.request.proxy_bypass_environment(parts.hostname or "", proxies):  # type: ignore[attr-defined]
        return None
    return proxy


def chat_reply_text(service: str, body: Any) -> str:
    """The assistant text of an OpenAI-compatible chat completion (choices[0])."""
    choices = body.get("choices") if isinstance(body, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise ModelServiceError(service, "unexpected response shape: no choices")
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str):
        raise ModelServiceError(service, "unexpected response shape: no message content")
    return content


class ModelServiceClient:
    """Calls one model service; create once per policy load, `start()` before use."""

    def __init__(self, service: str, options: ServiceOptions) -> None:
        self.service = service
        """A label for logs and errors (the check or component name), never user data."""
        self.options = options
        self._timeout_s = options.timeout_ms / 1000.0
        self._session: aiohttp.ClientSession | None = None
        self._gate: asyncio.Semaphore | None = None
        self._proxy: str | None = None

    @property
    def started(self) -> bool:
        return self._session is not None

    async def start(self) -> None:
        """Read the key, resolve the egress proxy, open the session. Idempotent."""
        if self._session is not None:
            return
        key = api_key_from_env(self.service, self.options.api_key_env)
        headers = {"Accept": "application/json"}
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        self._proxy = _egress_proxy(self.options.base_url)
        self._gate = asyncio.Semaphore(self.options.max_concurrency)
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(
                limit=self.options.max_concurrency, enable_cleanup_closed=True
            ),
            headers=headers,
            # the proxy is resolved once above; trust_env would re-read it on every request
            trust_env=False,
            timeout=aiohttp.ClientTimeout(total=None),
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
            self._gate = None

    async def post_json(
        self, path: str, payload: Mapping[str, Any], *, request_id: str | None = None
    ) -> Any:
        """POST payload as JSON to base_url + path and return the decoded JSON reply.

        Raises ModelServiceTimeout when no slot frees up or the reply does not arrive
        within timeout_ms, and ModelServiceError for every other failure.
        """
        session, gate = self._session, self._gate
        if session is None or gate is None:
            raise ModelServiceError(self.service, "client is not started")
        url = f"{self.options.base_url}{path}"
        started = time.perf_counter()
        phase = "queue"
        status: int | None = None
        try:
            async with asyncio.timeout(self._timeout_s), gate:
                phase = "response"
                async with session.post(
                    url, json=payload, allow_redirects=False, proxy=self._proxy
                ) as resp:
                    status = resp.status
                    raw = await _read_limited(self.service, resp, _MAX_RESPONSE_BYTES)
        except TimeoutError as exc:
            self._log_failure(path, f"{phase} timeout", status, started, request_id)
            raise ModelServiceTimeout(self.service, phase, self._timeout_s) from exc
        except aiohttp.ClientConnectorError as exc:
            self._log_failure(path, "unreachable", None, started, request_id)
            raise ModelServiceError(self.service, f"unreachable: {exc.host}:{exc.port}") from exc
        except aiohttp.ClientError as exc:
            reason = f"request failed: {type(exc).__name__}"
            self._log_failure(path, reason, status, started, request_id)
            raise ModelServiceError(self.service, reason, status=status) from exc
        except ModelServiceError as exc:
            self._log_failure(path, exc.reason, status, started, request_id)
            raise
        if not 200 <= status < 300:
            # the error body is not read into the message: services echo their input
            self._log_failure(path, "HTTP error", status, started, request_id)
            raise ModelServiceError(self.service, f"HTTP {status}", status=status)
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            self._log_failure(path, "bad JSON", status, started, request_id)
            raise ModelServiceError(
                self.service, "response is not valid JSON", status=status
            ) from exc
        log.debug(
            "%s: POST %s -> %d in %.1f ms (request %s)",
            self.service,
            path,
            status,
            (time.perf_counter() - started) * 1000,
            request_id or "-",
        )
        return body

    async def chat(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int,
        request_id: str | None = None,
    ) -> str:
        """One deterministic, non-streamed chat completion; returns the assistant text."""
        payload = {
            "model": self.options.model,
            "messages": [dict(m) for m in messages],
            "temperature": 0,
            "max_tokens": max_tokens,
            "stream": False,
        }
        body = await self.post_json("/chat/completions", payload, request_id=request_id)
        return chat_reply_text(self.service, body)

    def _log_failure(
        self,
        path: str,
        reason: str,
        status: int | None,
        started: float,
        request_id: str | None,
    ) -> None:
        log.warning(
            "%s: POST %s failed (%s, status %s) after %.1f ms (request %s)",
            self.service,
            path,
            reason,
            status if status is not None else "-",
            (time.perf_counter() - started) * 1000,
            request_id or "-",
        )


async def _read_limited(service: str, resp: aiohttp.ClientResponse, limit: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    while chunk := await resp.content.readany():
        size += len(chunk)
        if size > limit:
            raise ModelServiceError(service, f"response exceeds {limit} bytes", status=resp.status)
        parts.append(chunk)
    return b"".join(parts)
