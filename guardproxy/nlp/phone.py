"""guardproxy's phone-number recognizer (placeholder until its own implementation lands)."""

from __future__ import annotations

from typing import Any


def phone_recognizer(language: str = "en") -> Any:
    """The recognizer that finds PHONE_NUMBER in analyzers built by guardproxy."""
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    return PhoneRecognizer(supported_language=language)
