"""The upstream side: URL mapping, header hygiene, one pooled session, separate timeouts.

aiohttp's exceptions are translated here into UpstreamError / UpstreamTimeout so that the
rest of the proxy never needs to know them.
"""

from __future__ import annotations

import asyncio
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy

from guardproxy.config import Settings
from guardproxy.errors import UpstreamError, UpstreamTimeout

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "proxy-connection",
    }
)
# recomputed by aiohttp for the new body, or set per hop
_NOT_FORWARDED = frozenset({"host", "content-length"})


def _connection_tokens(headers: Mapping[str, str]) -> set[str]:
    value = headers.get("Connection", "")
    return {t.strip().lower() for t in value.split(",") if t.strip()}


def request_headers(incoming: CIMultiDictProxy[str], *, identity: bool) -> CIMultiDict[str]:
    """End-to-end headers for the upstream: no hop-by-hop, no X-Guard-*, no Host."""
    drop = HOP_BY_HOP | _NOT_FORWARDED | _connection_tokens(incoming)
    out: CIMultiDict[str] = CIMultiDict()
    for name, value in incoming.items():
        lower = name.lower()
        if lower in drop or lower.startswith("x-guard-"):
            continue
        if identity and lower == "accept-encoding":
            continue
        out.add(name, value)
    if identity:
        out["Accept-Encoding"] = "identity"
    return out


def response_headers(upstream: CIMultiDictProxy[str], *, body_rewritten: bool) -> CIMultiDict[str]:
    """Headers to pass back to the client: no hop-by-hop, no upstream X-Guard-*."""
    drop = HOP_BY_HOP | _connection_tokens(upstream) | {"content-length"}
    if body_rewritten:
        drop = drop | {"content-encoding", "content-md5", "etag", "digest"}
    out: CIMultiDict[str] = CIMultiDict()
    for name, value in upstream.items():
        lower = name.lower()
        if lower in drop or lower.startswith("x-guard-"):
            continue
        out.add(name, value)
    return out


@dataclass(frozen=True, slots=True)
class Target:
    provider: str
    url: str


def openai_url(base: str, path: str, query: str) -> str:
    rest = path[len("/v1") :] if path.startswith("/v1") else path
    return f"{base}{rest}" + (f"?{query}" if query else "")


def anthropic_url(base: str, path: str, query: str) -> str:
    return f"{base}{path}" + (f"?{query}" if query else "")


class UpstreamClient:
    """One pooled ClientSession for every upstream request of this process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._session: aiohttp.ClientSession | None = None
        self._proxy_by_origin: dict[str, str | None] = {}
        self._proxy_by_base: dict[str, str | None] = {}

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(
            limit=self.settings.upstream_max_connections, enable_cleanup_closed=True
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            # proxies are resolved once below; trust_env would re-read the environment and
            # ~/.netrc in a thread on every request. OpenSSL reads SSL_CERT_FILE itself.
            trust_env=False,
            auto_decompress=False,
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.settings.connect_timeout_s),
            skip_auto_headers=("User-Agent", "Content-Type", "Accept-Encoding"),
        )

        env_proxies = urllib.request.getproxies_environment()
        for base in (self.settings.upstream, self.settings.anthropic_upstream):
            self._proxy_by_origin[origin(base)] = _env_proxy(base, env_proxies)
            self._proxy_by_base[base] = self._proxy_by_origin[origin(base)]

    def proxy_for(self, url: str) -> str | None:
        """The egress proxy (HTTPS_PROXY / HTTP_PROXY minus NO_PROXY) for an upstream URL."""
        for base in (self.settings.upstream, self.settings.anthropic_upstream):
            # a URL under a configured upstream has its origin: no URL parsing per request
            if (
                url.startswith(base)
                and url[len(base) : len(base) + 1] in ("", "/", "?")
                and base in self._proxy_by_base
            ):
                return self._proxy_by_base[base]
        key = origin(url)
        if key not in self._proxy_by_origin:
            self._proxy_by_origin[key] = _env_proxy(url, urllib.request.getproxies_environment())
        return self._proxy_by_origin[key]

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def target(self, path: str, query: str, headers: Mapping[str, str]) -> Target:
        s = self.settings
        if path.startswith("/v1/messages") or "anthropic-version" in headers:
            return Target("anthropic", anthropic_url(s.anthropic_upstream, path, query))
        return Target("openai", openai_url(s.upstream, path, query))

    @asynccontextmanager
    async def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        *,
        decompress: bool,
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """Send a request; its response headers must arrive within first_byte_timeout_s of now."""
        if self._session is None:
            raise UpstreamError("upstream client is not started")
        s = self.settings
        ctx = self._session.request(
            method,
            url,
            headers=headers,
            data=body,
            auto_decompress=decompress,
            allow_redirects=False,
            proxy=self.proxy_for(url),
        )
        try:
            async with asyncio.timeout(s.first_byte_timeout_s):
                resp = await ctx.__aenter__()
        except TimeoutError as exc:
            raise UpstreamTimeout("first byte", s.first_byte_timeout_s) from exc
        except aiohttp.ConnectionTimeoutError as exc:
            raise UpstreamTimeout("connect", s.connect_timeout_s) from exc
        except aiohttp.ServerTimeoutError as exc:
            raise UpstreamTimeout("first byte", s.first_byte_timeout_s) from exc
        except aiohttp.ClientConnectorError as exc:
            raise UpstreamError(
                f"upstream unreachable: {exc.host}:{exc.port} ({exc.os_error.strerror or 'error'})"
            ) from exc
        except aiohttp.ClientError as exc:
            raise UpstreamError(f"upstream request failed: {type(exc).__name__}") from exc
        try:
            yield resp
        finally:
            await ctx.__aexit__(None, None, None)

    async def read_chunk(self, resp: aiohttp.ClientResponse) -> bytes:
        """The next body bytes (b"" at the end), failing if the upstream goes silent."""
        idle = self.settings.idle_timeout_s
        content = resp.content
        try:
            # what has already arrived needs no timer (a small answer is often all there)
            chunk = content.read_nowait()
            if chunk or content.at_eof():
                return chunk
            async with asyncio.timeout(idle):
                return await content.readany()
        except TimeoutError as exc:
            raise UpstreamTimeout("idle", idle) from exc
        except aiohttp.ClientPayloadError as exc:
            raise UpstreamError("upstream closed the connection mid-response") from exc
        except aiohttp.ClientError as exc:
            raise UpstreamError(f"upstream read failed: {type(exc).__name__}") from exc

    async def read_body(self, resp: aiohttp.ClientResponse, limit: int) -> bytes:
        parts: list[bytes] = []
        size = 0
        while True:
            chunk = await self.read_chunk(resp)
            if not chunk:
                return b"".join(parts)
            size += len(chunk)
            if size > limit:
                raise UpstreamError(f"upstream body exceeds max_response_bytes ({limit} bytes)")
            parts.append(chunk)


def origin(url: str) -> str:
    """scheme://host[:port] of a URL: what records name as the upstream, never its path."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def _env_proxy(url: str, proxies: Mapping[str, str]) -> str | None:
    parts = urllib.parse.urlsplit(url)
    proxy = proxies.get(parts.scheme)
    if not proxy or urllib.request.proxy_bypass_environment(parts.hostname or "", proxies):  # type: ignore[attr-defined]
        return None
    return proxy
