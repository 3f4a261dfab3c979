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
            # in-flight requests may still hold the old checks; release them at shutdown
            self.retired.extend(old.policies.values())


RUNTIME: web.AppKey[Runtime] = web.AppKey("runtime", Runtime)
