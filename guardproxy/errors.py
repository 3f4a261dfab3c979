"""One small exception hierarchy; a block is a verdict, never an exception."""

from __future__ import annotations


class GuardProxyError(Exception):
    """Base of every error guardproxy raises on purpose."""


class ConfigError(GuardProxyError):
    """Server settings or a command line that cannot be used."""


class PolicyError(ConfigError):
    """A policy file that does not validate; the message names file, location and reason."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        self.file = file
        self.line = line
        where = file or "<policy>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


class UpstreamError(GuardProxyError):
    """The upstream could not be reached or broke the protocol."""


class UpstreamTimeout(UpstreamError):
    """The upstream did not connect, answer or continue a stream in time."""

    def __init__(self, phase: str, seconds: float) -> None:
        self.phase = phase
        self.seconds = seconds
        super().__init__(f"upstream {phase} timeout after {seconds:g}s")


class CheckError(GuardProxyError):
    """A check failed while running; its policy entry's on_error decides what happens."""


class CheckTimeout(CheckError):
    """A check ran past its timeout_ms."""


class BadRequest(GuardProxyError):
    """The client's request cannot be served (bad JSON, too large, forbidden policy)."""

    def __init__(self, status: int, message: str, *, code: str = "invalid_request") -> None:
        self.status = status
        self.code = code
        super().__init__(message)
