"""Folders under the var directory: created private (0700), so uploads, exports and imports are the service's only.

The process also runs with umask 077 (set in settings before anything is created), which makes every file it
writes there — the SQLite database and its journal, documents, bank files, pending imports — 0600.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

PRIVATE_UMASK = 0o077


def private_dir(path: Path) -> Path:
    """``path`` created (with its parents) as 0700, and tightened to 0700 if it was opened wider before."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o700)
    return path


def var_dir(name: str) -> Path:
    """A private folder under MINZHENG_VAR_DIR (documents, exports, imports)."""
    return private_dir(private_dir(Path(settings.VAR_DIR)) / name)
