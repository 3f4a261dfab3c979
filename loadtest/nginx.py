"""nginx in front of the mock upstream: the native floor for a reverse proxy.

``prepare()`` writes a minimal configuration into the run's temporary directory and
returns the command line that runs nginx in the foreground (``daemon off``) with every
file it writes (pid, logs, temp bodies) inside that directory. The caller runs it as a
subprocess like the other services. It relays like the proxies under test: one upstream
keep-alive pool, no response buffering (SSE events pass as they arrive), HTTP/1.1 to the
upstream, and one worker process per CPU. ``GET /healthz`` is answered by nginx itself.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

DEFAULT_BINARY = "/usr/sbin/nginx"
KEEPALIVE_CONNECTIONS = 128  # idle upstream connections kept per worker
WORKER_CONNECTIONS = 8192  # client plus upstream sockets per worker


def find_nginx() -> str | None:
    """Path of the nginx binary, or None when it is not installed."""
    if os.access(DEFAULT_BINARY, os.X_OK):
        return DEFAULT_BINARY
    return shutil.which("nginx")


def render_config(
    *, directory: Path, host: str, port: int, upstream_port: int, workers: int
) -> str:
    """The whole nginx.conf; every path it names is inside ``directory``."""
    d = directory
    return f"""\
daemon off;
master_process on;
worker_processes {workers};
worker_rlimit_nofile {2 * WORKER_CONNECTIONS + 64};
pid {d / "nginx.pid"};
error_log {d / "nginx-error.log"} warn;

events {{
    worker_connections {WORKER_CONNECTIONS};
}}

http {{
    access_log {d / "nginx-access.log"} combined buffer=64k flush=1s;
    client_body_temp_path {d / "nginx-tmp" / "client_body"};
    proxy_temp_path {d / "nginx-tmp" / "proxy"};
    fastcgi_temp_path {d / "nginx-tmp" / "fastcgi"};
    uwsgi_temp_path {d / "nginx-tmp" / "uwsgi"};
    scgi_temp_path {d / "nginx-tmp" / "scgi"};
    client_max_body_size 32m;
    keepalive_requests 1000000;

    upstream mock {{
        server {host}:{upstream_port};
        keepalive {KEEPALIVE_CONNECTIONS};
        keepalive_requests 1000000;
    }}

    server {{
        listen {host}:{port} backlog=4096;

        location = /healthz {{
            default_type text/plain;
            return 200 "ok\\n";
        }}

        location / {{
            proxy_pass http://mock;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
            proxy_read_timeout 300s;
        }}
    }}
}}
"""


def prepare(
    binary: str, *, directory: Path, host: str, port: int, upstream_port: int, workers: int = 0
) -> list[str]:
    """Write ``directory/nginx.conf`` and return the argv that runs nginx with it.

    ``workers`` 0 means one worker per CPU.
    """
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "nginx-tmp").mkdir(exist_ok=True)
    conf = directory / "nginx.conf"
    conf.write_text(
        render_config(
            directory=directory,
            host=host,
            port=port,
            upstream_port=upstream_port,
            workers=workers or os.cpu_count() or 1,
        ),
        encoding="utf-8",
    )
    # -e: the error log from the very start (before the config names its own); -p: prefix
    return [binary, "-p", str(directory), "-e", str(directory / "nginx-error.log"), "-c", str(conf)]
