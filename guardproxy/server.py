"""The aiohttp application: routes, access rules, error mapping, lifecycle, policy reload."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import logging
import os
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry

from guardproxy import jsonutil
from guardproxy.accesslog import write_access
from guardproxy.admission import Admission, Saturated
from guardproxy.audit.keys import load_hmac_key
from guardproxy.audit.writer import AuditWriter
from guardproxy.checks.base import CheckContext, Offloader
from guardproxy.checks.registry import CheckRegistry
from guardproxy.config import Settings
from guardproxy.decisions import DecisionRecord, new_decision_id
from guardproxy.errors import BadRequest, ConfigError, UpstreamError, UpstreamTimeout
from guardproxy.grounding.extract import sources_from_conversation
from guardproxy.manifests import manifest_for, scan_for_text, unit_for
from guardproxy.metrics import create_metrics
from guardproxy.pipeline import evaluate
from guardproxy.provenance import jwks, load_keyring, verify_manifest
from guardproxy.providers.base import merge_sources, parse_sources
from guardproxy.proxy import (
    ANTHROPIC,
    AUDIT_UNAVAILABLE,
    OPENAI,
    GuardedHandler,
    audit_refuses,
    error_response,
    observe_verdict,
    parse_json,
    provider_for_path,
    read_body,
    request_id,
    write_audit,
)
from guardproxy.runtime import RUNTIME, Runtime
from guardproxy.upstream import UpstreamClient, origin, request_headers, response_headers

log = logging.getLogger(__name__)

UNGUARDED_PREFIXES = (
    "/v1/responses",
    "/v1/completions",
    "/v1/complete",
    "/v1/batches",
    "/v1/messages/batches",
    "/v1/threads",
    "/v1/realtime",
)
GUARDED: web.AppKey[dict[str, GuardedHandler]] = web.AppKey("guarded_routes", dict)


def _unguarded_label(path: str) -> str:
    """A bounded metric label for an unguarded path."""
    for prefix in (*UNGUARDED_PREFIXES, "/v1/chat/completions", "/v1/messages"):
        if path.startswith(prefix):
            return prefix.removeprefix("/v1/").replace("/", "_")
    return "other"


def canonical_path(path: str) -> str:
    """The path with empty segments and a trailing slash removed, as upstreams route it."""
    return "/" + "/".join(part for part in path.split("/") if part)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _json(data: Any, status: int = 200, **kw: Any) -> web.Response:
    return web.Response(
        body=jsonutil.dumps(data), status=status, content_type="application/json", **kw
    )


def _not_found(message: str) -> web.Response:
    return _json({"error": {"message": message, "code": "not_found"}}, 404)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The one place that maps exceptions to responses, in the provider's shape."""
    rid = request_id(request)
    provider = provider_for_path(request.path)
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except BadRequest as exc:
        return error_response(provider, exc.status, str(exc), exc.code, rid)
    except UpstreamTimeout as exc:
        return error_response(provider, 504, str(exc), "upstream_timeout", rid)
    except UpstreamError as exc:
        return error_response(provider, 502, str(exc), "upstream_unavailable", rid)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.exception("unhandled %s on %s (request %s)", type(exc).__name__, request.path, rid)
        return error_response(provider, 500, "internal error in guardproxy", "internal_error", rid)


@web.middleware
async def admission_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Proxied routes (/v1/*) pass admission control; guard, health and metric routes do not."""
    if not request.path.startswith("/v1/"):
        return await handler(request)
    rt = request.app[RUNTIME]
    try:
        async with rt.admission.slot():
            return await handler(request)
    except Saturated as exc:
        reason = "queue_timeout" if exc.waited_s else "shed"
        rt.metrics.saturation_rejections.labels(reason).inc()
        return error_response(
            provider_for_path(request.path),
            503,
            str(exc),
            "overloaded",
            request_id(request),
            {"Retry-After": str(rt.settings.retry_after_s)},
        )


def _is_loopback(remote: str | None) -> bool:
    if not remote:
        return False
    try:
        return ipaddress.ip_address(remote.split("%")[0]).is_loopback
    except ValueError:
        return False


OPEN_GUARD_ROUTES = ("/guard/provenance/keys", "/guard/provenance/verify")


@web.middleware
async def access_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """/guard/*: a bearer token when GUARDPROXY_ADMIN_TOKEN is set, else loopback only."""
    path = request.path
    if path.startswith("/guard/") and path not in OPEN_GUARD_ROUTES:
        rt = request.app[RUNTIME]
        token = rt.settings.admin_token
        rid = request_id(request)
        if token is not None:
            expected = f"Bearer {token.get_secret_value()}"
            given = request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), expected.encode()):
                return _json(
                    {
                        "error": {
                            "message": "missing or wrong bearer token for /guard/* "
                            "(server setting admin_token / GUARDPROXY_ADMIN_TOKEN)",
                            "code": "unauthorized",
                            "request_id": rid,
                        }
                    },
                    401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
        elif not _is_loopback(request.remote):
            return _json(
                {
                    "error": {
                        "message": "/guard/* answers only loopback clients unless "
                        "GUARDPROXY_ADMIN_TOKEN is set",
                        "code": "forbidden",
                        "request_id": rid,
                    }
                },
                403,
            )
    return await handler(request)


async def passthrough(request: web.Request) -> web.StreamResponse:
    """Any other /v1/ path: relayed unchanged, bytes streamed both ways."""
    rt = request.app[RUNTIME]
    rid = request_id(request)
    path = canonical_path(request.path)
    guarded = request.app[GUARDED].get(path)
    if guarded is not None and request.method == "POST":
        # /v1/chat/completions/ and the like must not slip past the checks
        return await guarded.handle(request)
    route = "passthrough"
    # other methods on a guarded path read stored completions: text nobody checked
    if guarded is not None or path.startswith(UNGUARDED_PREFIXES):
        route = "unguarded"
        if rt.settings.unguarded_generation == "block":
            rt.metrics.unguarded.labels(_unguarded_label(path), "blocked").inc()
            provider = provider_for_path(path)
            return error_response(
                provider,
                403,
                f"{path} generates text that guardproxy does not guard yet; it is blocked by the "
                "server setting unguarded_generation=block (set it to pass to allow)",
                "unguarded_generation_blocked",
                rid,
            )
        rt.metrics.unguarded.labels(_unguarded_label(path), "passed").inc()
    started = time.perf_counter()
    body = await read_body(request, rt.settings.max_body_bytes) if request.can_read_body else None
    target = rt.upstream.target(path, request.query_string, request.headers)
    headers = request_headers(request.headers, identity=False)
    policy = rt.policy_set().policies[rt.policy_set().default]
    decision_id = new_decision_id()
    guard_headers = {
        "X-AI-Generated": "true",
        "X-Guard-Decision-Id": decision_id,
        "X-Guard-Policy": policy.ref,
        "X-Guard-Action": "allow",
        "X-Request-Id": rid,
    }
    rt.metrics.in_flight.labels(route).inc()
    status = 502
    record = DecisionRecord(
        id=decision_id,
        route=route,
        provider=target.provider,
        policy_ref=policy.ref,
        policy_mode=policy.mode,
        request_id=rid,
        outcome="passthrough",
        upstream=origin(target.url),
    )
    try:
        async with rt.upstream.request(
            request.method, target.url, headers, body, decompress=False
        ) as up:
            status = record.upstream_status = up.status
            # the decision (relay this answer unchanged) is recorded before any of it is sent
            record.latency = {"total": time.perf_counter() - started}
            if audit_refuses(rt, await write_audit(rt, record)):
                status = 503
                return error_response(
                    provider_for_path(path),
                    503,
                    AUDIT_UNAVAILABLE,
                    "audit_unavailable",
                    rid,
                    guard_headers,
                )
            out_headers = response_headers(up.headers, body_rewritten=False)
            out_headers.update(guard_headers)
            resp = web.StreamResponse(status=up.status, headers=out_headers)
            if up.content_length is not None and "Transfer-Encoding" not in up.headers:
                resp.content_length = up.content_length
            await resp.prepare(request)
            try:
                while True:
                    chunk = await rt.upstream.read_chunk(up)
                    if not chunk:
                        break
                    await resp.write(chunk)
            except UpstreamError as exc:
                # the response is under way: record the failure (same request id), then cut
                # the connection so the client sees a broken body, not a complete-looking one
                rt.metrics.upstream_errors.labels(route, "protocol").inc()
                failed = replace(
                    record,
                    id=new_decision_id(),
                    outcome="upstream_error",
                    error=str(exc),
                    latency={"total": time.perf_counter() - started},
                )
                await write_audit(rt, failed)
                if request.transport is not None:
                    request.transport.close()
                return resp
            await resp.write_eof()
            return resp
    except UpstreamError as exc:
        record.outcome = "upstream_error"
        record.error = str(exc)
        await write_audit(rt, record)
        raise
    finally:
        rt.metrics.in_flight.labels(route).dec()
        rt.metrics.requests.labels(route, policy.name, f"{status // 100}xx", "allow").inc()
        elapsed = time.perf_counter() - started
        rt.metrics.request_seconds.labels(route, "false").observe(elapsed)
        write_access(
            route=route,
            request_id=rid,
            status=status,
            elapsed_s=elapsed,
            stream=False,
            record=record,
            action="allow",
        )


async def analyze(request: web.Request) -> web.Response:
    """POST /guard/analyze: the proxy's pipeline on a text, without an upstream call."""
    rt = request.app[RUNTIME]
    rid = request_id(request)
    body = parse_json(await read_body(request, rt.settings.max_body_bytes))
    text = body.get("text")
    if not isinstance(text, str):
        raise BadRequest(400, "field 'text' (string) is required")
    direction = body.get("direction", "output")
    if direction not in ("output", "input"):
        raise BadRequest(400, "field 'direction' must be 'output' or 'input'")
    context = body.get("context") or []
    if not isinstance(context, list) or not all(isinstance(c, str) for c in context):
        raise BadRequest(400, "field 'context' must be a list of strings")
    sources = parse_sources(body.get("sources") or [], "sources")
    name = body.get("policy")
    pset = rt.policy_set()
    if name is None:
        policy = pset.policies[pset.default]
    else:
        found = pset.get(str(name))
        if found is None:
            known = ", ".join(sorted(pset.policies))
            raise BadRequest(
                404, f"unknown policy {name!r}; loaded: {known}", code="policy_not_found"
            )
        policy = found
    if policy.uses_sources and direction == "output" and context:
        # context strings are conversation turns: documents in them count as sources
        documents = sources_from_conversation([{"role": "user", "content": c} for c in context])
        sources = merge_sources(sources, documents)
    ctx = CheckContext(
        direction=direction, request_id=rid, messages=tuple(context), sources=sources
    )
    entries = policy.output_checks if direction == "output" else policy.input_checks
    rt.hold(policy)
    try:
        verdict = await evaluate(policy, entries, text, ctx)
    finally:
        rt.release(policy)
    if verdict.blocked and direction == "input":
        verdict.text = policy.messages.input_blocked
    observe_verdict(rt, verdict, direction)
    record = DecisionRecord(
        id=new_decision_id(),
        route="analyze",
        provider="none",
        policy_ref=policy.ref,
        policy_mode=policy.mode,
        request_id=rid,
        direction=direction,
    )
    if direction == "output":
        record.add("0", text, verdict, rt.hmac_key)
    else:
        record.add_input("0", text, verdict, rt.hmac_key)
    if audit_refuses(rt, await write_audit(rt, record)):
        return error_response(
            OPENAI, 503, AUDIT_UNAVAILABLE, "audit_unavailable", request_id(request)
        )
    scores = {entry.id: 0.0 for entry in entries}
    scores.update({k: round(v, 4) for k, v in verdict.scores.items()})
    return _json(
        {
            "action": verdict.action.label,
            "would_action": verdict.would_action.label,
            "text": verdict.text,
            "findings": [
                {
                    "check": a.finding.check,
                    "category": a.finding.category,
                    "start": a.finding.start,
                    "end": a.finding.end,
                    "score": round(a.finding.score, 4),
                    "message": a.finding.message,
                    "detector": a.finding.detector,
                    "action": a.action.label,
                    "enforced": a.enforced,
                }
                for a in verdict.findings
            ],
            "scores": scores,
            "annotations": [
                {"check": a.check, "kind": a.kind, "text": a.text, "data": a.data}
                for a in verdict.annotations
            ],
            "errors": verdict.errors,
            "decision_id": record.id,
            "policy": policy.ref,
        },
        headers={"X-Guard-Decision-Id": record.id, "X-Guard-Policy": policy.ref},
    )


async def decision(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    found = await rt.audit.get(request.match_info["id"])
    if found is None:
        return _not_found("no decision with that id in this process's audit log")
    return _json(found)


async def decision_manifest(request: web.Request) -> web.Response:
    """The signed provenance manifest of one decision's delivered text (?choice=KEY)."""
    rt = request.app[RUNTIME]
    found = await rt.audit.get(request.match_info["id"])
    if found is None:
        return _not_found("no decision with that id in the audit log")
    choice = request.query.get("choice")
    manifest = manifest_for(found, rt.keyring.active, choice)
    if manifest is None:
        keys = [u.get("key") for u in found.get("choices") or []]
        return _json(
            {
                "error": {
                    "message": "this decision delivered no text to sign"
                    + (f"; choices: {keys}" if keys else ""),
                    "code": "no_text",
                }
            },
            404,
        )
    unit = unit_for(found, choice) or {}
    return _json({"decision_id": found["id"], "choice": unit.get("key"), "manifest": manifest})


async def provenance_keys(request: web.Request) -> web.Response:
    return _json(jwks(request.app[RUNTIME].keyring))


async def provenance_verify(request: web.Request) -> web.Response:
    """With a manifest: is it valid for this text? Without: was this text delivered here?"""
    rt = request.app[RUNTIME]
    body = parse_json(await read_body(request, rt.settings.max_body_bytes))
    text = body.get("text")
    if not isinstance(text, str):
        raise BadRequest(400, "field 'text' (string) is required")
    jws = body.get("manifest")
    if jws is not None:
        result = verify_manifest(str(jws), text=text, keys=rt.keyring.public)
        claims = result.manifest or {}
        return _json(
            {
                "valid": result.valid,
                "reason": result.reason,
                "kid": result.kid,
                "issuer": claims.get("iss"),
                "model": claims.get("model"),
                "policy": claims.get("policy"),
                "time": claims.get("time"),
                "decision_id": claims.get("decision_id"),
            }
        )
    match = rt.text_index.lookup(text)
    if match is None:
        loop = asyncio.get_running_loop()
        match = await loop.run_in_executor(None, scan_for_text, rt.settings.audit_dir, text)
    if match is None:
        return _json({"found": False})
    decision_id, how = match
    record = await rt.audit.get(decision_id) or {}
    return _json(
        {
            "found": True,
            "match": how,
            "decision_id": decision_id,
            "issuer": "guardproxy",
            "model": record.get("model"),
            "policy": record.get("policy"),
            "time": record.get("time"),
            "action": record.get("action"),
        }
    )


async def healthz(request: web.Request) -> web.Response:
    return _json({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    ready = rt.ready and rt.policies is not None and not rt.draining
    body = {
        "ready": ready,
        "policies": sorted(rt.policies.policies) if rt.policies else [],
        "draining": rt.draining,
    }
    return _json(body, 200 if ready else 503)


async def metrics_handler(request: web.Request) -> web.Response:
    metrics = request.app[RUNTIME].metrics
    if metrics.multiprocess:
        metrics.sync()
        # merges every worker's files: file reads stay off the event loop
        body = await asyncio.get_running_loop().run_in_executor(None, metrics.render)
    else:
        body = metrics.render()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def reload_policies(rt: Runtime) -> bool:
    """Build a new policy set and swap it in; a bad file keeps the running set."""
    try:
        new = await rt.load_policies()
    except (ConfigError, OSError) as exc:
        rt.metrics.policy_reloads.labels("error").inc()
        log.error("policy reload failed, keeping the running policies: %s", exc)
        return False
    rt.install(new)
    rt.metrics.policy_reloads.labels("success").inc()
    log.info("policies reloaded: %s", ", ".join(p.ref for p in new.policies.values()))
    return True


def _policy_fingerprint(directory: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for path in sorted(directory.rglob("*")):
        try:
            if path.is_file():
                st = path.stat()
                out.append((str(path), st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            # gone between listing and stat (a Kubernetes ConfigMap swaps its files that way)
            continue
    return tuple(out)


async def watch_policies(rt: Runtime, last: tuple[tuple[str, int, int], ...]) -> None:
    """Poll the policy directory; reload when any file changes."""
    directory = rt.policy_dir
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(rt.settings.watch_interval_s)
        current = await loop.run_in_executor(None, _policy_fingerprint, directory)
        if current != last:
            last = current
            await reload_policies(rt)


def _chain_id() -> str:
    host = "".join(c if c.isalnum() or c in "._-" else "-" for c in socket.gethostname())
    return f"{host or 'host'}-{os.getpid()}"


def create_app(
    settings: Settings,
    *,
    registry: CollectorRegistry | None = None,
    offloader: Offloader | None = None,
    check_registry: CheckRegistry | None = None,
) -> web.Application:
    """Build the application; long-lived resources open and close in cleanup_ctx."""
    app = web.Application(
        middlewares=[error_middleware, access_middleware, admission_middleware],
        client_max_size=settings.max_body_bytes,
    )
    metrics = create_metrics(registry)
    owns_offloader = offloader is None

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        nonlocal offloader
        if offloader is None:
            from guardproxy.nlp.pool import ProcessOffloader

            offloader = ProcessOffloader(
                settings.nlp_worker_count,
                model_name=settings.nlp_model,
                hang_timeout_s=settings.nlp_hang_timeout_s,
            )
        key_file = settings.audit_key_file or settings.audit_dir / "hmac.key"
        loop = asyncio.get_running_loop()
        hmac_key = await loop.run_in_executor(
            None, lambda: load_hmac_key(env=os.environ, key_file=key_file)
        )
        key_dir = settings.provenance_key_dir or settings.audit_dir / "provenance-keys"
        keyring = await loop.run_in_executor(
            None, lambda: load_keyring(env=os.environ, key_dir=key_dir)
        )
        if keyring.generated:
            log.warning(
                "generated a development provenance signing key in %s; manifests signed with it "
                "prove nothing to others until you publish its public key. Set "
                "GUARDPROXY_PROVENANCE_KEY or put your own active.pem there for production",
                key_dir,
            )
        audit = AuditWriter(
            settings.audit_dir,
            chain_id=_chain_id(),
            max_file_bytes=settings.audit_max_file_bytes,
            max_file_age_s=settings.audit_max_file_age_s,
            fsync=settings.audit_fsync,
            # signed checkpoints make a cut-off tail of the chain detectable
            checkpoint_signer=keyring.active.private.sign,
            checkpoint_kid=keyring.active.kid,
            retention_s=settings.audit_retention_s,
            retention_max_files=settings.audit_retention_max_files,
            write_on_loop=settings.audit_write_on_loop,
        )
        await audit.start()
        metrics.track_audit_retention(lambda: (audit.files_pruned, audit.prune_errors))
        upstream = UpstreamClient(settings)
        await upstream.start()
        rt = Runtime(
            settings=settings,
            metrics=metrics,
            upstream=upstream,
            offloader=offloader,
            audit=audit,
            hmac_key=hmac_key,
            keyring=keyring,
            registry=check_registry or CheckRegistry.discover(),
            admission=Admission(
                settings.max_in_flight, settings.saturation, settings.queue_timeout_s
            ),
        )
        app[RUNTIME] = rt
        start = getattr(offloader, "start", None)
        if start is not None and owns_offloader:
            # idempotent; a server whose policies never use the pool never starts it
            rt.start_offloader = start
        fingerprint = await loop.run_in_executor(None, _policy_fingerprint, rt.policy_dir)
        rt.install(await rt.load_policies())
        rt.ready = True
        watcher = None
        if settings.watch_policies:
            watcher = asyncio.create_task(
                watch_policies(rt, fingerprint), name="guardproxy-policy-watch"
            )
        metrics_sync = None
        if metrics.multiprocess:
            metrics_sync = asyncio.create_task(
                metrics.sync_forever(), name="guardproxy-metrics-sync"
            )
        try:
            yield
        finally:
            rt.ready = False
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            await upstream.close()
            await rt.close_policies()
            await audit.close()
            if metrics_sync is not None:
                metrics_sync.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await metrics_sync
                metrics.sync()
            close = getattr(offloader, "close", None)
            if close is not None and owns_offloader:
                await close()

    app.cleanup_ctx.append(lifecycle)
    app.on_shutdown.append(_on_shutdown)
    chat = GuardedHandler(OPENAI, "chat_completions", "/v1/chat/completions")
    messages = GuardedHandler(ANTHROPIC, "messages", "/v1/messages")
    app[GUARDED] = {chat.path: chat, messages.path: messages}
    app.router.add_post("/v1/chat/completions", chat.handle)
    app.router.add_post("/v1/messages", messages.handle)
    app.router.add_post("/guard/analyze", analyze)
    app.router.add_get("/guard/decisions/{id}", decision)
    app.router.add_get("/guard/decisions/{id}/manifest", decision_manifest)
    app.router.add_get("/guard/provenance/keys", provenance_keys)
    app.router.add_post("/guard/provenance/verify", provenance_verify)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_handler)
    app.router.add_route("*", "/v1/{tail:.*}", passthrough)
    return app


async def _on_shutdown(app: web.Application) -> None:
    app[RUNTIME].draining = True
