"""guardproxy's own recognizers, added to presidio's predefined English ones."""

from __future__ import annotations

from typing import Any

from guardproxy.nlp.phone import phone_recognizer


def install(registry: Any, *, language: str = "en") -> None:
    """Swap presidio's phone recognizer for guardproxy's and add guardproxy's recognizers."""
    registry.recognizers = [
        r for r in registry.recognizers if type(r).__name__ != "PhoneRecognizer"
    ]
    registry.add_recognizer(phone_recognizer(language))
