"""The guarded routes: parse once, pick a policy, check input, call upstream, check output.

Streaming responses are relayed event by event through the provider's StreamTranslator;
non-streamed ones are checked whole. Either way the decision is written to the audit log
before the response completes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import aiohttp
from aiohttp import web

from guardproxy import jsonutil
from guardproxy.accesslog import write_access
from guardproxy.checks.base import Action, CheckContext
from guardproxy.decisions import DecisionRecord, new_decision_id, request_id_from
from guardproxy.errors import BadRequest, UpstreamError, UpstreamTimeout
from guardproxy.manifests import manifest_for
from guardproxy.metrics import Metrics
from guardproxy.pipeline import Verdict, evaluate
from guardproxy.placeholders import Placeholders
from guardproxy.policy.compiled import Policy
from guardproxy.providers.anthropic import AnthropicProvider
from guardproxy.providers.base import (
    OutputText,
    Provider,
    RequestInfo,
    StreamRecorder,
    StreamTranslator,
    ToolScan,
)
from guardproxy.providers.openai import OpenAIProvider
from guardproxy.rawrelay import RawFramer
from guardproxy.runtime import RUNTIME, Runtime
from guardproxy.sse import SSEDecoder, SSEError
from guardproxy.streaming import StreamGuard
from guardproxy.toolscan import Judge
from guardproxy.upstream import (
    anthropic_url,
    openai_url,
    origin,
    request_headers,
    response_headers,
)

log = logging.getLogger(__name__)

OPENAI = OpenAIProvider()
ANTHROPIC = AnthropicProvider()


def provider_for_path(path: str) -> Provider:
    return ANTHROPIC if path.startswith("/v1/messages") else OPENAI


REQUEST_ID: web.RequestKey[str] = web.RequestKey("guard_request_id", str)


def request_id(request: web.Request) -> str:
    """The request's id, taken from X-Request-Id when sane, made once per request."""
    rid = request.get(REQUEST_ID)
    if rid is None:
        rid = request_id_from(request.headers)
        request[REQUEST_ID] = rid
    return rid


def error_response(
    provider: Provider,
    status: int,
    message: str,
    code: str,
    rid: str,
    headers: dict[str, str] | None = None,
) -> web.Response:
    body = provider.error_body(status, message, code, rid)
    return web.Response(
        status=status,
        body=jsonutil.dumps(body),
        content_type="application/json",
        headers={"X-Request-Id": rid, **(headers or {})},
    )


async def read_body(request: web.Request, limit: int) -> bytes:
    if request.content_length is not None and request.content_length > limit:
        raise BadRequest(
            413,
            f"request body of {request.content_length} bytes exceeds the limit of {limit} "
            "bytes (server setting max_body_bytes)",
            code="request_too_large",
        )
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = await request.content.readany()
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise BadRequest(
                413,
                f"request body exceeds the limit of {limit} bytes (server setting max_body_bytes)",
                code="request_too_large",
            )
        parts.append(chunk)
    return b"".join(parts)


def is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def parse_json(raw: bytes) -> dict[str, Any]:
    try:
        body = jsonutil.loads(raw)
    except (jsonutil.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequest(
            400, f"request body is not valid JSON ({exc.__class__.__name__})", code="invalid_json"
        ) from None
    if not isinstance(body, dict):
        raise BadRequest(400, "request body must be a JSON object", code="invalid_json")
    return body


def _ctx_factory(direction: str, rid: str, info: RequestInfo) -> Any:
    shared: dict[str, Any] = {}

    def make(partial: bool) -> CheckContext:
        return CheckContext(
            direction=direction,  # type: ignore[arg-type]
            request_id=rid,
            model=info.model,
            messages=info.messages,
            sources=info.sources,
            partial=partial,
            prior_answers=info.prior_answers,
            shared=shared,
        )

    return make


def hallucination_risk(policy: Policy, verdicts: Sequence[Verdict]) -> float | None:
    """The highest hallucination score of an answer's texts, if the policy scored them."""
    ids = [c.id for c in policy.output_checks if c.check.name == "hallucination"]
    scores = [v.scores[i] for v in verdicts for i in ids if i in v.scores]
    return max(scores) if scores else None


def tool_judge(policy: Policy, make_ctx: Callable[[bool], CheckContext]) -> Judge:
    """The checks tool-call arguments get: the stream-capable ones, nothing appended."""

    async def judge(text: str) -> Verdict:
        return await evaluate(policy, policy.stream_checks, text, make_ctx(False), annotate=False)

    return judge


def record_tool_scans(
    rt: Runtime, record: DecisionRecord, scans: Sequence[ToolScan], block_message: str
) -> dict[str, Verdict]:
    """Record each checked argument value; the units whose calls must be withheld."""
    withheld: dict[str, Verdict] = {}
    for scan in scans:
        for path, original, verdict in scan.scanned.values:
            record.add_tool(f"{scan.key}{path[1:]}", original, verdict, rt.hmac_key)
            observe_verdict(rt, verdict, "output")
        if scan.scanned.blocked:
            withheld[scan.unit] = Verdict(Action.BLOCK, Action.BLOCK, block_message)
    return withheld


def record_withheld(
    rt: Runtime,
    record: DecisionRecord,
    delivered: Sequence[OutputText],
    upstream: Sequence[OutputText],
    verdicts: dict[str, Verdict],
) -> None:
    """After a withheld tool call: record each unit as it is now delivered, blocked."""
    record.outcome = "blocked"
    originals = {t.key: t.text for t in upstream}
    now = {t.key: t.text for t in delivered}
    record.units = [u for u in record.units if u["key"] in now]
    for key, text in now.items():
        verdict = verdicts.get(key)
        if verdict is not None and verdict.text == text:
            continue
        record.units = [u for u in record.units if u["key"] != key]
        blocked = Verdict(Action.BLOCK, Action.BLOCK, text)
        record.add(key, originals.get(key, ""), blocked, rt.hmac_key)


def observe_verdict(rt: Runtime, verdict: Verdict, direction: str) -> None:
    m = rt.metrics
    for check_id, seconds in verdict.latencies.items():
        m.check_seconds.labels(check_id, direction).observe(seconds)
    for item in verdict.findings:
        m.findings.labels(item.finding.check, item.finding.category).inc()
    for check_id in verdict.errors:
        outcome = "fail_open" if check_id in verdict.fail_open else "fail_closed"
        m.check_errors.labels(check_id, outcome).inc()


AUDIT_UNAVAILABLE = (
    "the decision could not be written to the audit log, so the answer is withheld "
    "(server setting audit_on_error=fail_closed)"
)


def audit_refuses(rt: Runtime, stored: dict[str, Any] | None) -> bool:
    """A decision that could not be recorded must not be delivered (fail_closed)."""
    return stored is None and rt.settings.audit_on_error == "fail_closed"


async def write_audit(rt: Runtime, record: DecisionRecord) -> dict[str, Any] | None:
    """Append the decision to the audit log; the stored record, or None if it failed."""
    try:
        stored = await rt.audit.append(record.to_record())
    except Exception:
        rt.metrics.audit_write_errors.inc()
        log.exception("audit record %s could not be written", record.id)
        return None
    rt.text_index.remember(stored)
    return stored


_NO_FINAL_EVENT = ("protocol", "upstream ended the stream without its final event")


def _read_failure(exc: Exception) -> tuple[str, str]:
    """(metric kind, message) of a failed upstream read mid-stream."""
    return ("timeout_idle" if isinstance(exc, UpstreamTimeout) else "protocol", str(exc))


def _unreadable(exc: Exception) -> tuple[str, str]:
    why = f"upstream sent an event guardproxy could not read ({type(exc).__name__})"
    return ("protocol", why)


class RouteMetrics:
    """The label children one route touches on every request, looked up once.

    ``labels(...)`` hashes and looks up its label values on every call; these children are
    the same objects it returns, kept for one Metrics instance.
    """

    def __init__(self, metrics: Metrics, route: str) -> None:
        self.metrics = metrics
        self.route = route
        self.in_flight = metrics.in_flight.labels(route)
        self.request_seconds = {
            s: metrics.request_seconds.labels(route, s) for s in ("true", "false")
        }
        self.upstream_seconds = {
            s: metrics.upstream_seconds.labels(route, s) for s in ("true", "false")
        }
        self.overhead_seconds = {
            s: metrics.overhead_seconds.labels(route, s) for s in ("true", "false")
        }
        self.upstream_ttfb = metrics.upstream_ttfb_seconds.labels(route)
        self.delivered_ttfb = metrics.delivered_ttfb_seconds.labels(route)
        self.holdback_chars = metrics.holdback_chars.labels(route)
        self._requests: dict[tuple[str, int, str], Any] = {}

    def requests(self, policy: str, status: int, action: str) -> Any:
        key = (policy, status // 100, action)
        child = self._requests.get(key)
        if child is None:
            child = self.metrics.requests.labels(self.route, policy, f"{key[1]}xx", action)
            self._requests[key] = child
        return child


@dataclass(slots=True)
class Exchange:
    """One guarded request on its way through: what every step of it needs to know."""

    rt: Runtime
    policy: Policy
    info: RequestInfo
    rid: str
    record: DecisionRecord
    guard_headers: dict[str, str]
    started: float
    url: str = ""
    headers: Any = None
    body: bytes = b""


class GuardedHandler:
    """One instance per provider route."""

    def __init__(self, provider: Provider, route: str, path: str) -> None:
        self.provider = provider
        self.route = route
        self.path = path
        """The canonical path; variants (trailing slash, doubled slashes) arrive here too."""
        self._metrics: RouteMetrics | None = None
        self._origins: dict[str, str] = {}

    def route_metrics(self, rt: Runtime) -> RouteMetrics:
        bound = self._metrics
        if bound is None or bound.metrics is not rt.metrics:
            bound = self._metrics = RouteMetrics(rt.metrics, self.route)
        return bound

    def _origin(self, base: str) -> str:
        """origin() of the upstream base URL: the path and query never change it."""
        found = self._origins.get(base)
        if found is None:
            found = self._origins[base] = origin(base)
        return found

    async def handle(self, request: web.Request) -> web.StreamResponse:
        rt = request.app[RUNTIME]
        started = time.perf_counter()
        rid = request_id(request)
        m = rt.metrics
        rm = self.route_metrics(rt)
        rm.in_flight.inc()
        status = 500
        action = Action.ALLOW
        policy_name = "none"
        stream_label = "false"
        held: Policy | None = None
        record: DecisionRecord | None = None
        try:
            try:
                raw = await read_body(request, rt.settings.max_body_bytes)
                body = parse_json(raw)
                info = self.provider.parse_request(body)
                policy = rt.policy_set().select(
                    route=self.route,
                    model=info.model,
                    requested=request.headers.get("X-Guard-Policy"),
                )
            except BadRequest as exc:
                m.bad_requests.labels(self.route, exc.code).inc()
                status = exc.status
                return error_response(self.provider, exc.status, str(exc), exc.code, rid)
            rt.hold(policy)
            held = policy
            policy_name = policy.name
            stream_label = "true" if info.stream else "false"
            record = DecisionRecord(
                id=new_decision_id(),
                route=self.route,
                provider=self.provider.name,
                policy_ref=policy.ref,
                policy_mode=policy.mode,
                request_id=rid,
                model=info.model,
                stream=info.stream,
                stream_mode=policy.stream.mode if info.stream else None,
            )
            guard_headers = {
                "X-Guard-Decision-Id": record.id,
                "X-Guard-Policy": policy.ref,
                "X-Request-Id": rid,
                "X-AI-Generated": "true",
            }
            changed = info.had_guard_object
            blocked = await self._check_input(rt, policy, info, rid, record)
            if policy.uses_sources and blocked is None:
                # after the input checks: the documents read as the model read them, with
                # the same placeholders as its answer, and no prompt value sent anywhere
                info.add_conversation_sources()
            if blocked is not None:
                record.outcome = "input_blocked"
                action = Action.BLOCK
                await write_audit(rt, record)
                status = 400
                return error_response(
                    self.provider,
                    400,
                    blocked,
                    "content_filter",
                    rid,
                    {**guard_headers, "X-Guard-Action": "block"},
                )
            if any(u["action"] == "redact" for u in record.input_units):
                changed = True
            upstream_body = jsonutil.dumps(body) if changed else raw
            # the route decides the upstream, whatever headers the client sent
            if self.provider is ANTHROPIC:
                base = rt.settings.anthropic_upstream
                url = anthropic_url(base, self.path, request.query_string)
            else:
                base = rt.settings.upstream
                url = openai_url(base, self.path, request.query_string)
            record.upstream = self._origin(base)
            headers = request_headers(request.headers, identity=True)
            ex = Exchange(
                rt, policy, info, rid, record, guard_headers, started, url, headers, upstream_body
            )
            resp: web.StreamResponse
            if info.stream:
                resp = await self._stream(request, ex)
            else:
                try:
                    resp = await self._whole(ex)
                except asyncio.CancelledError:
                    # the client went away while we waited; leaving the context manager
                    # closed the upstream request, and the decision is still recorded
                    record.outcome = "client_disconnect"
                    m.client_disconnects.labels(self.route).inc()
                    await asyncio.shield(write_audit(rt, record))
                    raise
            status = resp.status
            action, _ = record.actions()
            return resp
        finally:
            if held is not None:
                rt.release(held)
            rm.in_flight.dec()
            elapsed = time.perf_counter() - started
            rm.requests(policy_name, status, action.label).inc()
            rm.request_seconds[stream_label].observe(elapsed)
            write_access(
                route=self.route,
                request_id=rid,
                status=status,
                elapsed_s=elapsed,
                stream=stream_label == "true",
                record=record,
                action=action.label,
            )

    async def _check_input(
        self, rt: Runtime, policy: Policy, info: RequestInfo, rid: str, record: DecisionRecord
    ) -> str | None:
        if not policy.input_checks:
            return None
        make_ctx = _ctx_factory("input", rid, info)
        placeholders = Placeholders() if any(e.restore for e in policy.input_checks) else None
        for i, slot in enumerate(info.input_slots):
            original = slot.text
            if not original:
                continue
            verdict = await evaluate(
                policy, policy.input_checks, original, make_ctx(False), placeholders
            )
            observe_verdict(rt, verdict, "input")
            record.add_input(f"{slot.role}:{i}", original, verdict, rt.hmac_key)
            if verdict.blocked:
                return policy.messages.input_blocked
            if verdict.text != original:
                slot.set(verdict.text)
        if placeholders:
            info.placeholders = placeholders
        return None

    async def _upstream_failed(self, ex: Exchange, exc: UpstreamError) -> web.Response:
        rt, rid, record, guard_headers = ex.rt, ex.rid, ex.record, ex.guard_headers
        timeout = isinstance(exc, UpstreamTimeout)
        status = 504 if timeout else 502
        kind = (
            f"timeout_{exc.phase.replace(' ', '_')}"
            if isinstance(exc, UpstreamTimeout)
            else "connect"
        )
        rt.metrics.upstream_errors.labels(self.route, kind).inc()
        record.outcome = "upstream_error"
        record.error = str(exc)
        await write_audit(rt, record)
        code = "upstream_timeout" if timeout else "upstream_unavailable"
        return error_response(self.provider, status, str(exc), code, rid, guard_headers)

    async def _whole(self, ex: Exchange) -> web.Response:
        rt, url, headers, body = ex.rt, ex.url, ex.headers, ex.body
        up_started = time.perf_counter()
        try:
            async with rt.upstream.request("POST", url, headers, body, decompress=True) as up:
                payload = await rt.upstream.read_body(up, rt.settings.max_response_bytes)
                up_status = up.status
                up_headers = up.headers
                content_type = up.content_type
        except UpstreamError as exc:
            return await self._upstream_failed(ex, exc)
        upstream_s = time.perf_counter() - up_started
        return await self._guard_body(ex, up_status, up_headers, content_type, payload, upstream_s)

    async def _unreadable(self, ex: Exchange, why: str) -> web.Response:
        """A 200 answer the proxy cannot inspect never reaches the client unchecked."""
        rt, record, rid, guard_headers = ex.rt, ex.record, ex.rid, ex.guard_headers
        record.outcome = "upstream_error"
        record.error = why
        rt.metrics.upstream_errors.labels(self.route, "protocol").inc()
        await write_audit(rt, record)
        return error_response(self.provider, 502, why, "upstream_unreadable", rid, guard_headers)

    async def _guard_body(
        self,
        ex: Exchange,
        up_status: int,
        up_headers: Any,
        content_type: str,
        payload: bytes,
        upstream_s: float,
    ) -> web.Response:
        """Check a complete upstream answer and respond with the delivered version."""
        rt, policy, info, rid, record = ex.rt, ex.policy, ex.info, ex.rid, ex.record
        guard_headers, started = ex.guard_headers, ex.started
        record.upstream_status = up_status
        if up_status != 200:
            # errors pass through in the provider's shape, still recorded
            record.outcome = "upstream_status"
            record.latency = {"upstream": upstream_s, "total": time.perf_counter() - started}
            await write_audit(rt, record)
            out_headers = response_headers(up_headers, body_rewritten=True)
            out_headers.update(guard_headers)
            out_headers["X-Guard-Action"] = "allow"
            return web.Response(status=up_status, body=payload, headers=out_headers)
        if not is_json(content_type):
            return await self._unreadable(
                ex,
                f"upstream answered 200 with content type {content_type!r}, which guardproxy "
                "cannot inspect; expected application/json",
            )
        try:
            data = jsonutil.loads(payload)
        except jsonutil.JSONDecodeError:
            data = None
        if not isinstance(data, dict):
            return await self._unreadable(
                ex,
                "upstream answered 200 with a body that is not a JSON object",
            )
        texts = self.provider.output_texts(data)
        make_ctx = _ctx_factory("output", rid, info)
        verdicts: Sequence[Verdict]
        if policy.output_checks:
            verdicts = await asyncio.gather(
                *(
                    evaluate(
                        policy,
                        policy.output_checks,
                        t.text,
                        replace(make_ctx(False), logprobs=t.logprobs)
                        if t.logprobs
                        else make_ctx(False),
                    )
                    for t in texts
                )
            )
        else:
            # what evaluate() gives with no checks: each text delivered as it came
            verdicts = [Verdict(Action.ALLOW, Action.ALLOW, t.text) for t in texts]
        by_key: dict[str, Verdict] = {}
        placeholders = info.placeholders
        for t, v in zip(texts, verdicts, strict=True):
            if placeholders is not None and not v.blocked:
                v.text = placeholders.restore(v.text)
            by_key[t.key] = v
            record.add(t.key, t.text, v, rt.hmac_key)
            observe_verdict(rt, v, "output")
        self.provider.apply_output(data, by_key, policy.messages.output_blocked)
        if policy.scan_tool_calls and policy.stream_checks:
            scans = await self.provider.scan_tool_calls(data, tool_judge(policy, make_ctx))
            withheld = record_tool_scans(rt, record, scans, policy.messages.output_blocked)
            if withheld:
                self.provider.apply_output(data, withheld, policy.messages.output_blocked)
                record_withheld(rt, record, self.provider.output_texts(data), texts, by_key)
        if placeholders is not None:
            self.provider.restore_tool_calls(data, placeholders)
        action, _ = record.actions()
        total = time.perf_counter() - started
        record.latency = {"upstream": upstream_s, "total": total, "overhead": total - upstream_s}
        stored = await write_audit(rt, record)
        if audit_refuses(rt, stored):
            return error_response(
                self.provider, 503, AUDIT_UNAVAILABLE, "audit_unavailable", rid, guard_headers
            )
        rm = self.route_metrics(rt)
        rm.upstream_seconds["false"].observe(upstream_s)
        rm.overhead_seconds["false"].observe(total - upstream_s)
        out_headers = response_headers(up_headers, body_rewritten=True)
        out_headers.update(guard_headers)
        if stored is not None:
            manifest = manifest_for(stored, rt.keyring.active)
            if manifest is not None:
                out_headers["X-Guard-Provenance"] = manifest
        out_headers["X-Guard-Action"] = action.label
        risk = hallucination_risk(policy, verdicts)
        if risk is not None:
            out_headers["X-Guard-Hallucination-Risk"] = f"{risk:.2f}"
        out_headers["Content-Type"] = "application/json"
        return web.Response(status=up_status, body=jsonutil.dumps(data), headers=out_headers)

    async def _stream(self, request: web.Request, ex: Exchange) -> web.StreamResponse:
        rt, policy, info, rid, record = ex.rt, ex.policy, ex.info, ex.rid, ex.record
        url, headers, body, guard_headers, started = (
            ex.url,
            ex.headers,
            ex.body,
            ex.guard_headers,
            ex.started,
        )
        make_ctx = _ctx_factory("output", rid, info)

        def guard_for(_key: str) -> StreamGuard:
            restorer = info.placeholders.streamer() if info.placeholders is not None else None
            return StreamGuard(policy, make_ctx, restorer)

        translator = self.provider.stream_translator(info, guard_for)
        translator.defer_checks = True
        translator.block_message = policy.messages.output_blocked
        if policy.scan_tool_calls and policy.stream.mode != "passthrough":
            # passthrough streams are for the record only: arguments flow as they come
            translator.tool_judge = tool_judge(policy, make_ctx)
        up_started = time.perf_counter()
        try:
            async with rt.upstream.request("POST", url, headers, body, decompress=True) as up:
                record.upstream_status = up.status
                self.route_metrics(rt).upstream_ttfb.observe(time.perf_counter() - up_started)
                if up.status != 200 or up.content_type != "text/event-stream":
                    # an error, or an upstream that answered a stream request in one piece:
                    # either way the whole body is checked like a non-streamed answer
                    payload = await rt.upstream.read_body(up, rt.settings.max_response_bytes)
                    return await self._guard_body(
                        ex,
                        up.status,
                        up.headers,
                        up.content_type,
                        payload,
                        time.perf_counter() - up_started,
                    )
                out_headers = response_headers(up.headers, body_rewritten=True)
                out_headers.update(guard_headers)
                out_headers["Content-Type"] = "text/event-stream; charset=utf-8"
                out_headers["Cache-Control"] = "no-cache"
                resp = web.StreamResponse(status=200, headers=out_headers)
                await resp.prepare(request)
                if not policy.output_checks and info.placeholders is None:
                    # nothing reads or changes the answer: its bytes go out as they came
                    await self._relay_recorded(
                        rt, up, resp, translator, record, started, up_started
                    )
                else:
                    # only incremental windows with stream checks release text as checks
                    # pass (StreamGuard.pump, check_runs); other modes release as events
                    # are fed
                    releases = policy.stream.mode == "incremental" and bool(policy.stream_checks)
                    await self._relay(
                        rt, up, resp, translator, record, started, up_started, releases
                    )
        except UpstreamError as exc:
            return await self._upstream_failed(ex, exc)
        self.route_metrics(rt).upstream_seconds["true"].observe(record.latency.get("upstream", 0.0))
        return resp

    async def _relay(
        self,
        rt: Runtime,
        up: aiohttp.ClientResponse,
        resp: web.StreamResponse,
        translator: StreamTranslator,
        record: DecisionRecord,
        started: float,
        up_started: float,
        releases: bool = True,
    ) -> None:
        decoder = SSEDecoder()
        first_text_at: float | None = None
        tail: list[bytes] = []
        ended = False

        def upstream_failed(kind: str, why: str) -> list[bytes]:
            return self._stream_failed(rt, up, record, translator, (kind, why))

        async def pump() -> None:
            nonlocal first_text_at, tail, ended
            while not ended:
                try:
                    chunk = await rt.upstream.read_chunk(up)
                    events = decoder.feed(chunk) if chunk else decoder.close()
                except (UpstreamError, SSEError) as exc:
                    tail = upstream_failed(*_read_failure(exc))
                    break
                out: list[bytes] = []
                try:
                    for ev in events:
                        terminal = ev.data == "[DONE]" or ev.event == "message_stop"
                        runs = translator.check_runs if releases else 0
                        produced = await translator.on_event(ev)
                        if translator.upstream_error is not None:
                            # the upstream reported an error: held text is not sent after it
                            tail = produced
                            self._upstream_reported_error(rt, up, record)
                            ended = True
                            break
                        if terminal:
                            tail = produced
                            ended = True
                            break
                        out.extend(produced)
                        if translator.blocked_all:
                            tail = translator.blocked_tail()
                            up.close()  # cancel generation upstream
                            ended = True
                            break
                        if releases and out and translator.check_runs != runs:
                            # a check just released text: send it now rather than after the
                            # rest of this read has been checked too
                            first_text_at = self._observe_first_text(
                                rt, translator, first_text_at, started
                            )
                            await resp.write(b"".join(out))
                            out = []
                    if not ended and releases:
                        # pump() releases only incremental windows; otherwise it has nothing
                        out.extend(await translator.flush())
                        if translator.blocked_all:
                            tail = translator.blocked_tail()
                            up.close()
                            ended = True
                    if not chunk and not ended:
                        tail = await translator.on_end()
                        if translator.any_blocked:
                            tail += translator.blocked_tail()
                        else:
                            tail += upstream_failed(*_NO_FINAL_EVENT)
                        ended = True
                except (ConnectionResetError, aiohttp.ClientConnectionResetError):
                    raise
                except Exception as exc:
                    # a malformed upstream event must not break the client's HTTP response
                    log.warning(
                        "unreadable upstream stream event on %s (request %s): %s",
                        self.route,
                        record.request_id,
                        type(exc).__name__,
                    )
                    tail = upstream_failed(*_unreadable(exc))
                    ended = True
                if out:
                    first_text_at = self._observe_first_text(rt, translator, first_text_at, started)
                    await resp.write(b"".join(out))

        client_gone, stored = await self._pumped(
            rt,
            up,
            record,
            up_started,
            pump(),
            lambda: self._finish_record(rt, translator, record, started),
        )
        if audit_refuses(rt, stored):
            # the text already sent cannot be recalled; the stream ends in an error instead
            tail = [translator.error_event(AUDIT_UNAVAILABLE, "audit_unavailable")]
        if not client_gone:
            await self._end_stream(rt, resp, b"".join(tail))

    async def _relay_recorded(
        self,
        rt: Runtime,
        up: aiohttp.ClientResponse,
        resp: web.StreamResponse,
        translator: StreamTranslator,
        record: DecisionRecord,
        started: float,
        up_started: float,
    ) -> None:
        """Relay an unchecked stream byte for byte, keeping back only its end.

        The events are still read, for each answer's text in the decision record and to
        find the terminal event, which waits until the record is written (rawrelay).
        """
        recorder = self.provider.stream_recorder()
        decoder = SSEDecoder()
        framer = RawFramer()
        first_text_at: float | None = None
        held = b""  # the terminal event, sent after the record
        tail: list[bytes] = []  # events the proxy adds at the end
        ended = False

        async def pump() -> None:
            nonlocal first_text_at, held, tail, ended
            while not ended:
                try:
                    chunk = await rt.upstream.read_chunk(up)
                    events = decoder.feed(chunk) if chunk else decoder.close()
                except (UpstreamError, SSEError) as exc:
                    tail = self._stream_failed(rt, up, record, translator, _read_failure(exc))
                    break
                i = 0
                try:
                    framer.feed(chunk, events)
                    out = b""
                    for i, ev in enumerate(events):
                        if recorder.on_event(ev):
                            out, held = framer.hold_from(i)
                            ended = True
                            if recorder.upstream_error is not None:
                                self._upstream_reported_error(rt, up, record)
                            break
                    else:
                        out = framer.release() if chunk else framer.rest()
                        if not chunk:
                            tail = self._stream_failed(rt, up, record, translator, _NO_FINAL_EVENT)
                            ended = True
                except Exception as exc:
                    # whatever an event did to the reader, the client gets the whole events
                    # before it, then an error event, and the decision is recorded
                    tail = self._stream_failed(rt, up, record, translator, _unreadable(exc))
                    held, out, ended = b"", framer.hold_from(i)[0], True
                if out:
                    if first_text_at is None and recorder.delivered_any:
                        first_text_at = time.perf_counter()
                        self.route_metrics(rt).delivered_ttfb.observe(first_text_at - started)
                    await resp.write(out)

        client_gone, stored = await self._pumped(
            rt,
            up,
            record,
            up_started,
            pump(),
            lambda: self._finish_recorded(rt, recorder, record, started),
        )
        if audit_refuses(rt, stored):
            # the text already sent cannot be recalled; the stream ends in an error instead
            held = b""
            tail = [translator.error_event(AUDIT_UNAVAILABLE, "audit_unavailable")]
        if not client_gone:
            await self._end_stream(rt, resp, held + b"".join(tail))

    async def _pumped(
        self,
        rt: Runtime,
        up: aiohttp.ClientResponse,
        record: DecisionRecord,
        up_started: float,
        pump: Awaitable[None],
        finish: Callable[[], Awaitable[dict[str, Any] | None]],
    ) -> tuple[bool, dict[str, Any] | None]:
        """Run a relay to its end; (client gone, stored record) once the decision is recorded.

        A client that leaves is counted and the upstream request closed; when the server
        cancels the handler for it, the decision is still recorded before the cancellation
        goes on.
        """
        client_gone = False
        try:
            await pump
        except (ConnectionResetError, aiohttp.ClientConnectionResetError):
            client_gone = True
            self._client_left(rt, up, record)
        except asyncio.CancelledError:
            # the server cancels the handler when the client goes away (handler_cancellation)
            self._client_left(rt, up, record)
            record.latency["upstream"] = time.perf_counter() - up_started
            await asyncio.shield(finish())
            raise
        record.latency["upstream"] = time.perf_counter() - up_started
        return client_gone, await finish()

    def _stream_failed(
        self,
        rt: Runtime,
        up: aiohttp.ClientResponse,
        record: DecisionRecord,
        translator: StreamTranslator,
        failure: tuple[str, str],
    ) -> list[bytes]:
        """Record an upstream failure (kind, why) mid-stream; the error event that ends it."""
        kind, why = failure
        rt.metrics.upstream_errors.labels(self.route, kind).inc()
        record.outcome = "upstream_error"
        record.error = why
        up.close()
        return [translator.error_event(why, "upstream_error")]

    def _upstream_reported_error(
        self, rt: Runtime, up: aiohttp.ClientResponse, record: DecisionRecord
    ) -> None:
        """The upstream sent an error event: the stream ends with it, nothing after."""
        rt.metrics.upstream_errors.labels(self.route, "error_event").inc()
        record.outcome = "upstream_error"
        record.error = "upstream sent an error event"
        up.close()

    def _client_left(self, rt: Runtime, up: aiohttp.ClientResponse, record: DecisionRecord) -> None:
        record.outcome = "client_disconnect"
        rt.metrics.client_disconnects.labels(self.route).inc()
        up.close()

    async def _end_stream(self, rt: Runtime, resp: web.StreamResponse, last: bytes) -> None:
        """Send the stream's last bytes and end the response (the client may be gone)."""
        try:
            if last:
                await resp.write(last)
            await resp.write_eof()
        except (ConnectionResetError, aiohttp.ClientConnectionResetError):
            rt.metrics.client_disconnects.labels(self.route).inc()

    async def _finish_recorded(
        self, rt: Runtime, recorder: StreamRecorder, record: DecisionRecord, started: float
    ) -> dict[str, Any] | None:
        rm = self.route_metrics(rt)
        for key, text in recorder.texts().items():
            record.add(key, text, Verdict(Action.ALLOW, Action.ALLOW, text), rt.hmac_key)
            rm.holdback_chars.observe(0)  # nothing was held back from the client
        record.latency["total"] = time.perf_counter() - started
        record.latency["checks"] = 0.0
        rm.overhead_seconds["true"].observe(0.0)
        return await write_audit(rt, record)

    def _observe_first_text(
        self, rt: Runtime, translator: Any, first_text_at: float | None, started: float
    ) -> float | None:
        if first_text_at is None and translator.delivered_any:
            first_text_at = time.perf_counter()
            self.route_metrics(rt).delivered_ttfb.observe(first_text_at - started)
        return first_text_at

    async def _finish_record(
        self, rt: Runtime, translator: Any, record: DecisionRecord, started: float
    ) -> dict[str, Any] | None:
        held = 0.0
        for key, guard in translator.guards.items():
            verdict = guard.verdict()
            held += sum(verdict.latencies.values())
            record.add(key, guard.raw_text, verdict, rt.hmac_key)
            observe_verdict(rt, verdict, "output")
            self.route_metrics(rt).holdback_chars.observe(guard.max_held)
        if record_tool_scans(rt, record, translator.tool_scans, translator.block_message):
            record.outcome = "blocked" if record.outcome == "ok" else record.outcome
        if any(g.blocked for g in translator.guards.values()) and record.outcome == "ok":
            record.outcome = "blocked"
        record.latency["total"] = time.perf_counter() - started
        record.latency["checks"] = held
        # for a stream, what the proxy adds is the time text waited for its checks
        self.route_metrics(rt).overhead_seconds["true"].observe(held)
        return await write_audit(rt, record)
