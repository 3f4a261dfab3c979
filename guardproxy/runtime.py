"""The long-lived parts one server process shares, reachable through one typed AppKey."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from guardproxy.admission import Admission
from guardproxy.audit.writer import AuditWriter
from guardproxy.checks.base import Offloader
from guardproxy.checks.registry import CheckRegistry
from guardproxy.config import Settings
from guardproxy.manifests import TextIndex
from guardproxy.metrics import Metrics
from guardproxy.policy.compiled import Policy
from guardproxy.policy.loader import PolicyLoader, bundled_policies_dir
from guardproxy.policy.router import PolicySet
from guardproxy.provenance import KeyRing
from guardproxy.upstream import UpstreamClient

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    metrics: Metrics
    upstream: UpstreamClient
    offloader: Offloader
    audit: AuditWriter
    hmac_key: bytes
    keyring: KeyRing
    registry: CheckRegistry
    policies: PolicySet | None = None
    ready: bool = False
    draining: bool = False
    retired: list[Policy] = field(default_factory=list)
    """Replaced policies that requests in flight still use; closed when the last one ends."""
    _in_use: dict[int, int] = field(default_factory=dict)
    _closing: set[asyncio.Task[None]] = field(default_factory=set)
    text_index: TextIndex = field(default_factory=TextIndex)
    admission: Admission = field(default_factory=lambda: Admission(0))
    """Requests in flight on this worker; sheds or queues past settings.max_in_flight."""
    start_offloader: Callable[[], Awaitable[None]] | None = None
    """Starts the worker pool; called only once a loaded policy has a check that uses it."""

    @property
    def policy_dir(self) -> Path:
        return self.settings.policies or bundled_policies_dir()

    def policy_set(self) -> PolicySet:
        if self.policies is None:
            raise RuntimeError("policies are not loaded yet")
        return self.policies

    async def load_policies(self) -> PolicySet:
        """Load, start and validate every policy; the caller swaps them in."""
        loader = PolicyLoader(self.registry)
        loop = asyncio.get_running_loop()
        # file reads and check construction stay off the event loop
        policies = await loop.run_in_executor(None, loader.load_dir, self.policy_dir)
        s = self.settings
        new = PolicySet(
            policies,
            s.default_policy,
            PolicySet.parse_rules(s.policy_routes),
            frozenset(s.client_policies),
        )
        if self.start_offloader is not None and any(
            entry.check.uses_offloader
            for policy in policies.values()
            for entry in (*policy.input_checks, *policy.output_checks)
        ):
            await self.start_offloader()
        for policy in policies.values():
            await policy.start(self.offloader)
        return new

    def install(self, new: PolicySet) -> None:
        old = self.policies
        self.policies = new
        self.metrics.policy_info.clear()
        for p in new.policies.values():
            self.metrics.policy_info.labels(p.name, p.version).set(1)
        if old is not None:
            for policy in old.policies.values():
                if id(policy) in self._in_use:
                    self.retired.append(policy)  # closed when its last request ends
                else:
                    self._close_soon(policy)

    def hold(self, policy: Policy) -> None:
        """A request uses policy until release(policy)."""
        self._in_use[id(policy)] = self._in_use.get(id(policy), 0) + 1

    def release(self, policy: Policy) -> None:
        left = self._in_use.pop(id(policy)) - 1
        if left:
            self._in_use[id(policy)] = left
            return
        for i, retired in enumerate(self.retired):
            if retired is policy:
                del self.retired[i]
                self._close_soon(policy)
                return

    def _close_soon(self, policy: Policy) -> None:
        """Release a replaced policy's resources (model-service sessions) in the background."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a synchronous caller): shutdown closes it
            self.retired.append(policy)
            return
        task = loop.create_task(policy.close(), name=f"guardproxy-close-{policy.ref}")
        self._closing.add(task)
        task.add_done_callback(self._closed)

    def _closed(self, task: asyncio.Task[None]) -> None:
        self._closing.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("closing a replaced policy failed: %s", type(task.exception()).__name__)

    async def close_policies(self) -> None:
        """At shutdown: every loaded and retired policy, and closings still running."""
        loaded = list(self.policies.policies.values()) if self.policies is not None else []
        for policy in (*loaded, *self.retired):
            await policy.close()
        self.retired.clear()
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)


RUNTIME: web.AppKey[Runtime] = web.AppKey("runtime", Runtime)
