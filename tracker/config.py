"""The only reader of configuration files and environment variables.

Defaults ship inside the package (tracker/data/default_config.toml). A user's TOML file overrides
only the keys it sets, and every key it sets must exist in the defaults: a typo stops at once with
the list of valid keys instead of being silently ignored. The result is a frozen Settings that the
rest of the code receives as a plain value.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from tracker.errors import ConfigError

CONFIG_ENV = "TRACKER_CONFIG"
DB_ENV = "TRACKER_DB"
DEFAULT_CONFIG_NAME = "tracker.toml"


_FEED_KEYS = {"name", "url", "path", "interval_seconds", "language", "enabled", "fetch_pages"}


@dataclass(frozen=True)
class FeedConfig:
    """One feed to poll: a URL, or a local feed file (trusted: it comes from the user's own config)."""

    name: str
    url: str | None = None
    path: Path | None = None
    interval_seconds: int | None = None
    language: str | None = None
    enabled: bool = True
    fetch_pages: str = "auto"

    @property
    def location(self) -> str:
        return self.url or str(self.path)


@dataclass(frozen=True)
class FetchSettings:
    timeout_seconds: float = 20.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    user_agent: str = "stance-tracker"
    allow_hosts: tuple[str, ...] = ()
    per_host_concurrency: int = 2
    per_host_delay_seconds: float = 1.0
    concurrency: int = 8
    slot_wait_seconds: float = 60.0       # waiting for a host's slot is bounded apart from the request's deadline
    host_pause_after: int = 3             # this many timeouts in a row from one host pause the host...
    host_pause_seconds: float = 600.0     # ...for this long (its pages wait for a later cycle)


@dataclass(frozen=True)
class DaemonSettings:
    poll_interval_seconds: int = 900
    max_backoff_seconds: int = 21600
    maintenance_hour_utc: int = 3
    batch_size: int = 256
    store_wait_seconds: float = 30.0
    cycle_fetch_seconds: float = 120.0    # a daemon cycle starts no new page fetch after this; the rest waits
    refusal_retry_hours: float = 24.0     # a page refused for a reason that may pass is fetched again after this


@dataclass(frozen=True)
class Settings:
    """Everything the tool reads from configuration, resolved to absolute paths and checked types."""

    db_path: Path
    memory_limit: str = "4GB"
    model: str = ""
    half_life_days: float = 14.0
    window_days: int = 365
    shift_min_level: float = 0.2
    shift_min_move: float = 0.5
    gazetteer_extra: tuple[Path, ...] = ()
    conflicts_extra: tuple[Path, ...] = ()
    lexicon_extra: tuple[Path, ...] = ()
    decide_extra: tuple[Path, ...] = ()
    feeds: tuple[FeedConfig, ...] = ()
    fetch: FetchSettings = field(default_factory=FetchSettings)
    daemon: DaemonSettings = field(default_factory=DaemonSettings)
    config_path: Path | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def with_db(self, path: str | os.PathLike[str] | None) -> "Settings":
        """A copy pointing at another store (used by --db)."""
        if path is None:
            return self
        return replace(self, db_path=Path(path).expanduser().resolve())

    def with_overrides(self, feeds: list[str] | None = None, interval: int | None = None,
                       allow_hosts: list[str] | None = None) -> "Settings":
        """A copy with the command line's --feed, --interval and --allow-host applied."""
        out = self
        if feeds:
            out = replace(out, feeds=tuple(FeedConfig(name=u, url=u) for u in feeds))
        if interval is not None:
            if interval <= 0:
                raise ConfigError("--interval must be a positive number of seconds", f"Got {interval}.")
            out = replace(out, daemon=replace(out.daemon, poll_interval_seconds=interval),
                          feeds=tuple(replace(f, interval_seconds=None) for f in out.feeds))
        if allow_hosts:
            out = replace(out, fetch=replace(out.fetch, allow_hosts=tuple(out.fetch.allow_hosts) + tuple(allow_hosts)))
        return out

    @property
    def snapshot_path(self) -> Path:
        """The read-only copy readers open while the daemon writes the main file (see README)."""
        return self.db_path.with_name(self.db_path.stem + ".snapshot" + self.db_path.suffix)


def default_values() -> dict[str, Any]:
    """The packaged defaults as a nested dict (also the schema of valid keys and types)."""
    text = resources.files("tracker").joinpath("data/default_config.toml").read_text("utf-8")
    return tomllib.loads(text)


def _merge(defaults: dict[str, Any], user: Mapping[str, Any], where: str, path: Path) -> dict[str, Any]:
    merged = dict(defaults)
    for key, value in user.items():
        dotted = f"{where}.{key}" if where else key
        if key not in defaults:
            valid = ", ".join(sorted(defaults)) or "(none)"
            raise ConfigError(
                f"Unknown configuration key '{dotted}' in {path}",
                f"Valid keys{' in [' + where + ']' if where else ''}: {valid}.",
                "fix the spelling or remove the key; see the Configuration section of the README",
            )
        expected = defaults[key]
        if isinstance(expected, dict):
            if not isinstance(value, Mapping):
                raise ConfigError(f"'{dotted}' in {path} must be a table", f"Got {type(value).__name__}.")
            merged[key] = _merge(expected, value, dotted, path)
            continue
        if isinstance(expected, bool) != isinstance(value, bool):
            ok = False
        elif isinstance(expected, float):
            ok = isinstance(value, (int, float))
        else:
            ok = isinstance(value, type(expected))
        if not ok:
            raise ConfigError(
                f"'{dotted}' in {path} has the wrong type",
                f"Expected {type(expected).__name__}, got {type(value).__name__} ({value!r}).",
                f"write it like the default: {dotted} = {expected!r}",
            )
        merged[key] = float(value) if isinstance(expected, float) else value
    return merged


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"Config file not found: {path}", hint=f"create it or unset {CONFIG_ENV}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Config file {path} is not valid TOML", str(exc), "fix the line named above") from None
    except OSError as exc:
        raise ConfigError(f"Config file {path} cannot be read", str(exc)) from None


def find_config_file(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The user's config: --config, else $TRACKER_CONFIG, else ./tracker.toml if present."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser().resolve()
    local = Path.cwd() / DEFAULT_CONFIG_NAME
    return local.resolve() if local.is_file() else None


def _paths(values: list[Any], base: Path, key: str, source: Path | None) -> tuple[Path, ...]:
    out = []
    for item in values:
        if not isinstance(item, str) or not item:
            raise ConfigError(f"'{key}' must be a list of paths", f"Bad entry {item!r} in {source or 'defaults'}.")
        p = Path(item).expanduser()
        out.append((p if p.is_absolute() else base / p).resolve())
    return tuple(out)


def _feeds(raw: list[Any], base: Path | None, source: Path | None) -> tuple[FeedConfig, ...]:
    """Validate [[feeds]]: each has a name and exactly one of url or path; 'package:' paths are packaged data."""
    where = str(source) if source else "the default config"
    out = []
    seen: set[str] = set()
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise ConfigError(f"Feed #{i} in {where} must be a table ([[feeds]])")
        unknown = set(item) - _FEED_KEYS
        if unknown:
            raise ConfigError(f"Feed #{i} in {where} has unknown key(s): {', '.join(sorted(unknown))}",
                              f"Valid keys: {', '.join(sorted(_FEED_KEYS))}.")
        name = item.get("name")
        url, fpath = item.get("url"), item.get("path")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"Feed #{i} in {where} needs a name")
        if (url is None) == (fpath is None):
            raise ConfigError(f"Feed '{name}' in {where} needs exactly one of url and path")
        if url is not None and (not isinstance(url, str) or not url.lower().startswith(("http://", "https://"))):
            raise ConfigError(f"Feed '{name}' in {where}: url must start with http:// or https://", f"Got {url!r}.",
                              "use path = \"...\" for a local feed file")
        resolved: Path | None = None
        if fpath is not None:
            if not isinstance(fpath, str) or not fpath:
                raise ConfigError(f"Feed '{name}' in {where}: path must be a string")
            if fpath.startswith("package:"):
                resolved = Path(str(resources.files("tracker").joinpath(fpath[len("package:"):])))
            else:
                p = Path(fpath).expanduser()
                resolved = p if p.is_absolute() else (base or Path.cwd()) / p
        interval = item.get("interval_seconds")
        if interval is not None and (not isinstance(interval, int) or interval <= 0):
            raise ConfigError(f"Feed '{name}' in {where}: interval_seconds must be a positive integer")
        fetch_pages = item.get("fetch_pages", "auto")
        if fetch_pages not in ("auto", "always", "never"):
            raise ConfigError(f"Feed '{name}' in {where}: fetch_pages must be auto, always or never")
        enabled = item.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ConfigError(f"Feed '{name}' in {where}: enabled must be true or false")
        key = url or str(resolved)
        if key in seen:
            raise ConfigError(f"Feed '{name}' in {where} repeats {key}")
        seen.add(key)
        out.append(FeedConfig(name=name.strip(), url=url, path=resolved, interval_seconds=interval,
                              language=item.get("language"), enabled=enabled, fetch_pages=fetch_pages))
    return tuple(out)


def load_settings(config: str | os.PathLike[str] | None = None, db: str | os.PathLike[str] | None = None) -> Settings:
    """Read defaults, the user's file and the environment into a Settings.

    Precedence for the store path: --db, then $TRACKER_DB, then the config file, then the default
    (relative to the working directory).
    """
    values = default_values()
    path = find_config_file(config)
    store_base = Path.cwd()
    base = Path.cwd()
    user: dict[str, Any] = {}
    if path is not None:
        user = _read_toml(path)
        values = _merge(values, user, "", path)
        base = path.parent
        if "path" in user.get("store", {}):
            store_base = base
    store_path = Path(values["store"]["path"]).expanduser()
    if not store_path.is_absolute():
        store_path = store_base / store_path
    env_db = os.environ.get(DB_ENV)
    if env_db:
        store_path = Path(env_db).expanduser()
    if db:
        store_path = Path(db).expanduser()
    series = values["series"]
    feeds = _feeds(values.get("feeds", []), base if path is not None and "feeds" in user else None, path)
    fetch = values["fetch"]
    daemon = values["daemon"]
    for section, key in (("fetch", "timeout_seconds"), ("fetch", "max_bytes"), ("fetch", "per_host_concurrency"),
                         ("fetch", "concurrency"), ("daemon", "poll_interval_seconds"), ("daemon", "batch_size"),
                         ("daemon", "max_backoff_seconds"), ("fetch", "slot_wait_seconds"),
                         ("fetch", "host_pause_after"), ("daemon", "cycle_fetch_seconds")):
        if values[section][key] <= 0:
            raise ConfigError(f"{section}.{key} must be positive", f"Got {values[section][key]}.")
    if series["half_life_days"] <= 0 or series["window_days"] <= 0:
        raise ConfigError(
            "series.half_life_days and series.window_days must be positive",
            f"Got {series['half_life_days']} and {series['window_days']}.",
        )
    memory_limit = str(values["store"].get("memory_limit", "4GB")).strip()
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", memory_limit, re.I):
        raise ConfigError("store.memory_limit must be a size such as \"4GB\" or \"512MB\"", f"Got {memory_limit!r}.")
    return Settings(
        db_path=store_path.resolve(),
        memory_limit=memory_limit,
        model=values["nlp"]["model"],
        half_life_days=float(series["half_life_days"]),
        window_days=int(series["window_days"]),
        shift_min_level=float(series["shift_min_level"]),
        shift_min_move=float(series["shift_min_move"]),
        gazetteer_extra=_paths(values["gazetteer"]["extra"], base, "gazetteer.extra", path),
        conflicts_extra=_paths(values["conflicts"]["extra"], base, "conflicts.extra", path),
        lexicon_extra=_paths(values["lexicon"]["extra"], base, "lexicon.extra", path),
        decide_extra=_paths(values["decide"]["extra"], base, "decide.extra", path),
        feeds=feeds,
        fetch=FetchSettings(
            timeout_seconds=float(fetch["timeout_seconds"]), max_bytes=int(fetch["max_bytes"]),
            max_redirects=int(fetch["max_redirects"]), user_agent=str(fetch["user_agent"]),
            allow_hosts=tuple(str(h) for h in fetch["allow_hosts"]),
            per_host_concurrency=int(fetch["per_host_concurrency"]),
            per_host_delay_seconds=float(fetch["per_host_delay_seconds"]), concurrency=int(fetch["concurrency"]),
            slot_wait_seconds=float(fetch["slot_wait_seconds"]), host_pause_after=int(fetch["host_pause_after"]),
            host_pause_seconds=float(fetch["host_pause_seconds"])),
        daemon=DaemonSettings(
            poll_interval_seconds=int(daemon["poll_interval_seconds"]),
            max_backoff_seconds=int(daemon["max_backoff_seconds"]),
            maintenance_hour_utc=int(daemon["maintenance_hour_utc"]), batch_size=int(daemon["batch_size"]),
            store_wait_seconds=float(daemon["store_wait_seconds"]),
            cycle_fetch_seconds=float(daemon["cycle_fetch_seconds"]),
            refusal_retry_hours=float(daemon["refusal_retry_hours"])),
        config_path=path,
        raw=values,
    )


# --- editing the [[feeds]] list of a user's config file (tracker feeds add/remove) -----------------

def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    import json

    return json.dumps(str(value), ensure_ascii=False)


def write_feeds(path: Path, feeds: list[dict[str, Any]]) -> None:
    """Replace the [[feeds]] tables of a config file (creating it if needed), keeping everything else.

    Comments inside the old [[feeds]] tables are not kept; the rest of the file is untouched.
    """
    text = path.read_text("utf-8") if path.exists() else ""
    kept: list[str] = []
    skipping = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            skipping = stripped.replace(" ", "") == "[[feeds]]"
        if not skipping:
            kept.append(line)
    body = "\n".join(kept).rstrip()
    blocks = []
    for f in feeds:
        lines = ["[[feeds]]"] + [f"{k} = {_toml_value(v)}" for k, v in f.items() if v is not None]
        blocks.append("\n".join(lines))
    new = (body + "\n\n" if body else "") + "\n\n".join(blocks) + ("\n" if blocks else "")
    tomllib.loads(new)   # never write a file we could not read back
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(new, "utf-8")
    tmp.replace(path)


def user_feeds(path: Path) -> list[dict[str, Any]]:
    """The [[feeds]] tables of a config file, as written (empty when the file has none)."""
    if not path.exists():
        return []
    return list(_read_toml(path).get("feeds", []))
