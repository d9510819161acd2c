"""The only reader of configuration files and environment variables.

Defaults ship inside the package (tracker/data/default_config.toml). A user's TOML file overrides
only the keys it sets, and every key it sets must exist in the defaults: a typo stops at once with
the list of valid keys instead of being silently ignored. The result is a frozen Settings that the
rest of the code receives as a plain value.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from tracker.errors import ConfigError

CONFIG_ENV = "TRACKER_CONFIG"
DB_ENV = "TRACKER_DB"
DEFAULT_CONFIG_NAME = "tracker.toml"


@dataclass(frozen=True)
class Settings:
    """Everything the tool reads from configuration, resolved to absolute paths and checked types."""

    db_path: Path
    model: str = ""
    half_life_days: float = 14.0
    window_days: int = 365
    shift_min_level: float = 0.2
    shift_min_move: float = 0.5
    gazetteer_extra: tuple[Path, ...] = ()
    conflicts_extra: tuple[Path, ...] = ()
    lexicon_extra: tuple[Path, ...] = ()
    config_path: Path | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def with_db(self, path: str | os.PathLike[str] | None) -> "Settings":
        """A copy pointing at another store (used by --db)."""
        if path is None:
            return self
        return replace(self, db_path=Path(path).expanduser().resolve())


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


def load_settings(config: str | os.PathLike[str] | None = None, db: str | os.PathLike[str] | None = None) -> Settings:
    """Read defaults, the user's file and the environment into a Settings.

    Precedence for the store path: --db, then $TRACKER_DB, then the config file, then the default
    (relative to the working directory).
    """
    values = default_values()
    path = find_config_file(config)
    store_base = Path.cwd()
    base = Path.cwd()
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
    if series["half_life_days"] <= 0 or series["window_days"] <= 0:
        raise ConfigError(
            "series.half_life_days and series.window_days must be positive",
            f"Got {series['half_life_days']} and {series['window_days']}.",
        )
    return Settings(
        db_path=store_path.resolve(),
        model=values["nlp"]["model"],
        half_life_days=float(series["half_life_days"]),
        window_days=int(series["window_days"]),
        shift_min_level=float(series["shift_min_level"]),
        shift_min_move=float(series["shift_min_move"]),
        gazetteer_extra=_paths(values["gazetteer"]["extra"], base, "gazetteer.extra", path),
        conflicts_extra=_paths(values["conflicts"]["extra"], base, "conflicts.extra", path),
        lexicon_extra=_paths(values["lexicon"]["extra"], base, "lexicon.extra", path),
        config_path=path,
        raw=values,
    )
