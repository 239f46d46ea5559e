"""gettext for the rules, remembered per language: a decision has dozens of sentences and a standard change
recomputes tens of thousands of decisions, where Django's lookup (tens of microseconds) would dominate."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext as django_gettext

_batch = threading.local()


@lru_cache(maxsize=16384)
def _translated(language: str | None, message: str) -> str:
    return django_gettext(message)


def gettext(message: str) -> str:
    """Same as django's gettext for the active language (makemessages finds the ``_()`` calls as before)."""
    language = getattr(_batch, "language", None) or get_language()
    return _translated(language, message)


@contextmanager
def one_language() -> Iterator[None]:
    """For a batch of decisions in one request or job: read the active language once, not per sentence."""
    previous = getattr(_batch, "language", None)
    _batch.language = get_language()
    try:
        yield
    finally:
        _batch.language = previous
