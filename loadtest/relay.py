"""A minimal aiohttp relay: the floor for any Python reverse proxy built on aiohttp.

    python -m loadtest.relay --port P --upstream http://127.0.0.1:M

One ClientSession for the process; each request is forwarded with its method, path, query,
body and headers (minus hop-by-hop ones), and the answer is streamed back chunk by chunk
as it arrives. No checks, no logs, no metrics: what remains is the cost of aiohttp itself.
``GET /healthz`` is answered locally.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator, Sequence

import aiohttp
from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

# RFC 9110 section 7.6.1, plus the framing headers the relay sets itself
HOP_BY_HOP = frozenset(
    [
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
    ]
)
SESSION = web.AppKey("relay_session", aiohttp.ClientSession)


def forwardable(headers: CIMultiDictProxy[str]) -> CIMultiDict[str]:
    """Headers without hop-by-hop ones, including any named in ``Connection``."""
    named = {t.strip().lower() for v in headers.getall("Connection", ()) for t in v.split(",")}
    return CIMultiDict((k, v) for k, v in headers.items() if k.lower() not in HOP_BY_HOP | named)


def create_app(upstream: str, max_connections: int = 0) -> web.Application:
    """``upstream`` is a base URL; the request's path and query are appended unchanged."""
    base = upstream.rstrip("/")

    async def session_ctx(app: web.Application) -> AsyncIterator[None]:
        connector = aiohttp.TCPConnector(limit=max_connections)
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=10)
        # auto_decompress off: the body goes back byte for byte, Content-Length stays true
        async with aiohttp.ClientSession(
            connector=connector, timeout=timeout, auto_decompress=False
        ) as session:
            app[SESSION] = session
            yield

    async def relay(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        try:
            up = await request.app[SESSION].request(
                request.method,
                base + request.path_qs,
                headers=forwardable(request.headers),
                data=body,
                allow_redirects=False,
            )
        except aiohttp.ClientConnectionError:
            return web.Response(status=502, text="upstream unreachable\n")
        async with up:
            response = web.StreamResponse(status=up.status, headers=forwardable(up.headers))
            await response.prepare(request)
            async for chunk in up.content.iter_any():
                await response.write(chunk)
            await response.write_eof()
            return response

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    app = web.Application(client_max_size=32 * 1024 * 1024)
    app.cleanup_ctx.append(session_ctx)
    app.router.add_get("/healthz", healthz)
    app.router.add_route("*", "/{tail:.*}", relay)
    return app


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m loadtest.relay", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True, help="base URL, e.g. http://127.0.0.1:8081")
    parser.add_argument(
        "--max-connections", type=int, default=0, help="upstream pool size (0: unlimited)"
    )
    args = parser.parse_args(argv)
    app = create_app(args.upstream, args.max_connections)
    web.run_app(app, host=args.host, port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
