"""Errors that say what happened and what to do next.

Every error the tool raises on purpose is a TrackerError: it carries a short title (what failed), a
detail (why), and a hint (what to try). The CLI prints the three to stderr and exits non-zero; the
library lets them propagate so notebooks see the same message. One subclass per area, so callers can
catch a bad data file without catching a broken store.
"""

from __future__ import annotations


class TrackerError(Exception):
    """Base of the tool's own errors: a title, an optional detail and a next step."""

    exit_code = 1

    def __init__(self, title: str, detail: str = "", hint: str = "") -> None:
        self.title = title
        self.detail = detail
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        lines = [self.title]
        if self.detail:
            lines.append(self.detail)
        if self.hint:
            lines.append(f"Try: {self.hint}")
        return "\n".join(lines)


class ConfigError(TrackerError):
    """The configuration file or an environment variable is wrong; nothing has been done."""

    exit_code = 2


class DataFileError(TrackerError):
    """A gazetteer, conflict or lexicon file failed validation (the message names file and line)."""

    exit_code = 2


class ModelError(TrackerError):
    """No usable spaCy model could be loaded."""

    exit_code = 3


class StoreError(TrackerError):
    """The DuckDB store could not be opened, migrated, read or written."""

    exit_code = 4


class StoreBusyError(StoreError):
    """Another process holds the store's write lock; the caller may wait and retry."""


class ArgumentError(TrackerError):
    """A value given to a command or an API call is not valid (a date, a country, a conflict, an
    actor); the message names the value and the valid choices, and nothing has been done."""

    exit_code = 2


class InputError(TrackerError):
    """An input item (article file, JSON line, page) is unusable; it is skipped and counted."""

    exit_code = 5


class FetchError(TrackerError):
    """A network fetch was refused or failed (SSRF guard, size cap, timeout, HTTP error)."""

    exit_code = 6

    def __init__(self, title: str, detail: str = "", hint: str = "", reason: str = "fetch_error") -> None:
        self.reason = reason
        super().__init__(title, detail, hint)


class ExtraMissingError(TrackerError):
    """A command needs an optional extra that is not installed (e.g. Ray for `tracker backfill`)."""

    exit_code = 3
