"""Japanese script detection and the language (English or Japanese) a check writes in."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

Language = Literal["en", "ja"]
LanguageSetting = Literal["auto", "en", "ja"]

# Character-class bodies, for building patterns with [...].
HIRAGANA = "\u3040-\u309f"
KATAKANA = "\u30a0-\u30ff\uff66-\uff9f"
KANJI = "\u3400-\u4dbf\u4e00-\u9fff"

_JAPANESE = re.compile(f"[{HIRAGANA}{KATAKANA}{KANJI}]")


def has_japanese(text: str) -> bool:
    """The text contains hiragana, katakana (full or half width) or a common kanji."""
    return _JAPANESE.search(text) is not None


def pick_language(
    setting: LanguageSetting, text: str, detect: Callable[[str], bool] = has_japanese
) -> Language:
    """The language to write in: "en" or "ja" as configured, or for "auto" the text's own
    (Japanese when `detect` finds Japanese script in it)."""
    if setting != "auto":
        return setting
    return "ja" if detect(text) else "en"
