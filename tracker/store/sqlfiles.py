"""The store's SQL files: sql/migrations, sql/views, sql/queries and sql/store (one statement a file).

sql/ ships inside the package as tracker.sql; in a source checkout it sits beside tracker/.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Any


def sql_root() -> Any:
    """The sql/ folder: the checkout's when it has one, else the installed package's."""
    here = Path(__file__).resolve().parent.parent.parent / "sql"
    if (here / "migrations").is_dir() and (here / "queries").is_dir():
        return here
    return resources.files("tracker.sql")


def sql_files(folder: str) -> list[tuple[str, str]]:
    """(file name, text) of every .sql file of a folder of sql/, in name order."""
    root = sql_root().joinpath(folder)
    return sorted((p.name, p.read_text("utf-8")) for p in root.iterdir() if p.name.endswith(".sql"))


def views_digest() -> str:
    """A digest of sql/views: the store records it when it (re)creates its views."""
    files = sql_files("views")
    return hashlib.sha1("".join(name + text for name, text in files).encode()).hexdigest()


_STATEMENTS: dict[str, str] = {}


def statement(name: str) -> str:
    """A statement of sql/store/ by name (read once)."""
    if name not in _STATEMENTS:
        _STATEMENTS[name] = sql_root().joinpath("store").joinpath(f"{name}.sql").read_text("utf-8")
    return _STATEMENTS[name]
