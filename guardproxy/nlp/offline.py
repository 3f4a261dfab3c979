"""Make the NLP stack run without network access.

presidio's EmailRecognizer calls the module-level `tldextract.extract`, whose default
extractor fetches the public suffix list over HTTP on first use. Production and CI
networks often cannot reach it, so the fetch would hang or fail at request time. We
swap that extractor for one that reads only the snapshot bundled with tldextract.
"""

from __future__ import annotations

import logging
import os

import tldextract.tldextract as _tldextract_module
from tldextract import TLDExtract

logger = logging.getLogger(__name__)


class _SnapshotOnlyTLDExtract(TLDExtract):
    """A TLDExtract that never fetches: no suffix list URLs, no disk cache."""

    def __init__(self) -> None:
        super().__init__(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


def configure_offline() -> None:
    """Keep presidio, tldextract and Hugging Face libraries from downloading anything.

    Idempotent; call it in every process before presidio is imported or used.
    """
    # Nothing we run uses Hugging Face models; these stop any library that would.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    # An empty value disables fetching in TLDExtract instances created later by others.
    # An operator who points it at a local copy of the list keeps that choice.
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

    if isinstance(_tldextract_module.TLD_EXTRACTOR, _SnapshotOnlyTLDExtract):
        return
    extractor = _SnapshotOnlyTLDExtract()
    # Parse the bundled snapshot now, not on the first e-mail found in a response.
    extractor("example.com")
    # `tldextract.extract` looks this global up on every call.
    _tldextract_module.TLD_EXTRACTOR = extractor
    logger.debug("tldextract set to its bundled public suffix snapshot")
