"""The seams hold: DuckDB only inside the store package (tracker.store and its modules), spaCy only in nlp and the scorer, the network only in
fetch, and nothing below the entry points (cli, api, daemon, jobs/) imports them.

Two checks, each cheap: a static one reads every module's imports (function-level imports included,
`if TYPE_CHECKING:` blocks left out since they load nothing), and a dynamic one imports each module in
a fresh interpreter and looks at what got loaded, which catches a seam crossed through a chain of
imports. A new module is checked by the same rules without being listed; if it belongs to the store's
users or the entry points by design, name it in the sets below with the reason.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# --- the rules ---------------------------------------------------------------------------------------

NETWORK = ("socket", "ssl", "http.client", "urllib.request", "urllib3", "requests", "httpx", "aiohttp")
SPACY = ("spacy", "thinc")
ENTRY_POINTS = ("tracker.cli", "tracker.api", "tracker.daemon", "jobs")

# Who may import what (static: the import statements in a module's own file).
STATIC_ALLOWED: dict[tuple[str, ...], tuple[str, ...]] = {
    ("duckdb",): ("tracker.store",),            # the package: tracker.store and every tracker.store.* module
    SPACY: ("tracker.nlp", "tracker.stance"),
    NETWORK: ("tracker.fetch",),
    # The entry points: the CLI runs the API and the daemon; jobs/ call the CLI or the API; the package's
    # top level re-exports the API (lazily, see tracker/__init__.py); the daemon may call the API.
    ("tracker.cli",): ("tracker.cli", "jobs"),
    ("tracker.api",): ("tracker", "tracker.api", "tracker.cli", "tracker.daemon", "jobs"),
    ("tracker.daemon",): ("tracker.daemon", "tracker.cli", "jobs"),
    ("jobs",): ("jobs",),
}

# The layers below the store: plain values in and out. Importing one of them must load neither the store
# (nor DuckDB) nor an entry point. (The store's users by design: pipeline, poll, daemon, api, cli, jobs/.)
BELOW_STORE = (
    "tracker", "tracker.actor_records", "tracker.actors", "tracker.charts", "tracker.config", "tracker.conflicts",
    "tracker.datafiles", "tracker.dedup", "tracker.errors", "tracker.extract", "tracker.feeds", "tracker.fetch",
    "tracker.files", "tracker.gazetteer_files", "tracker.hygiene", "tracker.lexicon", "tracker.models", "tracker.nlp",
    "tracker.quality", "tracker.tables", "tracker.stance",
)                                       # and everything in tracker/stance/


def below_store(module: str) -> bool:
    return module in BELOW_STORE or module.startswith("tracker.stance.")


def _within(module: str, owners: tuple[str, ...]) -> bool:
    return any(module == o or module.startswith(o + ".") for o in owners)


# --- static: the import statements of each file --------------------------------------------------------

def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or \
        (isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def imports_of(source: str, module: str) -> set[str]:
    """Every module a file imports at run time (absolute names; relative imports resolved)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = module.split(".")[: -node.level] if node.level else []
                base = ".".join(pkg + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)      # `from tracker import api`
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def static_violations(root: Path, folders: tuple[str, ...] = ("tracker", "jobs")) -> list[str]:
    out = []
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            module = module_name(path, root)
            for imported in sorted(imports_of(path.read_text("utf-8"), module)):
                for targets, owners in STATIC_ALLOWED.items():
                    if _within(imported, targets) and not _within(module, owners):
                        out.append(f"{module} imports {imported} (allowed only in {', '.join(owners)})")
    return out


# --- dynamic: what importing a module loads -----------------------------------------------------------

_PROBE = textwrap.dedent("""
    import importlib, json, sys
    importlib.import_module(sys.argv[1])
    print(json.dumps(sorted(sys.modules)))
""")


def loaded_by(module: str, path: Path = REPO) -> set[str]:
    """The modules a fresh interpreter holds after importing `module` (from the folder `path`)."""
    r = subprocess.run([sys.executable, "-c", _PROBE, module], capture_output=True, text=True, cwd=path,
                       env={"PYTHONPATH": str(path), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert r.returncode == 0, f"importing {module} failed:\n{r.stderr[-2000:]}"
    return set(json.loads(r.stdout))


@dataclass(frozen=True)
class Rule:
    what: tuple[str, ...]          # loading any of these ...
    through: tuple[str, ...]       # ... is allowed only when one of these is loaded too (the seam)
    why: str


RULES = (
    Rule(("duckdb",), ("tracker.store",), "DuckDB only inside the tracker.store package"),
    Rule(SPACY, ("tracker.nlp", "tracker.stance.scorer"), "spaCy only through tracker.nlp and the scorer"),
    # spaCy itself loads requests and httpx (for its model downloads), hence nlp among the seams.
    Rule(NETWORK[1:], ("tracker.fetch", "tracker.nlp"), "network clients only through tracker.fetch"),
)


def dynamic_violations(module: str, loaded: set[str]) -> list[str]:
    out = []
    for rule in RULES:
        crossed = sorted(m for m in loaded if _within(m, rule.what))
        if crossed and not any(m in loaded for m in rule.through):
            out.append(f"{module} loads {', '.join(crossed[:3])} without {' or '.join(rule.through)}: {rule.why}")
    if below_store(module):
        above = sorted(m for m in loaded if m in ("duckdb", "tracker.store", *ENTRY_POINTS) or m.startswith("jobs."))
        if above:
            out.append(f"{module} is below the store but loads {', '.join(above)}")
    entries = sorted(m for m in loaded if _within(m, ENTRY_POINTS) and m != module)
    allowed_by = {e: owners for (e,), owners in ((k, v) for k, v in STATIC_ALLOWED.items() if len(k) == 1)}
    for e in entries:
        # An entry point's own modules (jobs.run, tracker.cli.parser) count as the entry point.
        owners = allowed_by.get(next(p for p in ENTRY_POINTS if _within(e, (p,))), ())
        if not _within(module, owners):
            out.append(f"{module} loads the entry point {e}")
    return out


def all_modules(root: Path = REPO) -> list[str]:
    return sorted(module_name(p, root) for folder in ("tracker", "jobs") for p in (root / folder).rglob("*.py")
                  if p.parent.name != "__pycache__")


# --- the checks ----------------------------------------------------------------------------------------

def test_imports_cross_no_seam() -> None:
    assert static_violations(REPO) == []


def test_importing_each_module_loads_only_what_its_layer_may() -> None:
    modules = all_modules()
    with ThreadPoolExecutor(max_workers=4) as pool:
        loads = dict(zip(modules, pool.map(loaded_by, modules), strict=True))
    problems = [v for m in modules for v in dynamic_violations(m, loads[m])]
    assert problems == []
    # The layers the rules speak of are what they say: the store does load DuckDB, nlp spaCy.
    assert "duckdb" in loads["tracker.store"] and "spacy" in loads["tracker.nlp"]
    assert "http.client" in loads["tracker.fetch"]


# --- the checker catches a crossed seam ----------------------------------------------------------------

@pytest.fixture
def crafted(tmp_path: Path) -> Path:
    """A small tree shaped like ours whose lower layers cross every seam."""
    pkg = tmp_path / "tracker"
    (pkg / "stance").mkdir(parents=True)
    (pkg / "store").mkdir()
    (tmp_path / "jobs").mkdir()
    files = {
        "tracker/__init__.py": "",
        "tracker/store/__init__.py": "from tracker.store.articles import *\n",
        "tracker/store/articles.py": "import duckdb\n",                         # allowed: inside the package
        "tracker/api.py": "from tracker.store import *\n",
        "tracker/cli.py": "from tracker import api\n",
        "tracker/fetch.py": "import http.client\n",
        "tracker/nlp.py": "",
        "tracker/models.py": "def f():\n    import duckdb\n",                 # DuckDB outside the store
        "tracker/hygiene.py": "from tracker import cli\n",                      # an entry point from below
        "tracker/feeds.py": "from urllib.request import urlopen\n",             # network outside fetch
        "tracker/config.py": "from tracker.store import *\n",                   # the store from below it
        "tracker/stance/__init__.py": "",
        "tracker/stance/rules.py": "import typing\nif typing.TYPE_CHECKING:\n    import duckdb\n",  # allowed
        "jobs/__init__.py": "",
        "jobs/run.py": "from tracker import cli\n",                             # allowed
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_the_static_check_catches_crossed_seams(crafted: Path) -> None:
    found = static_violations(crafted)
    assert any(v.startswith("tracker.models imports duckdb") for v in found)
    assert any(v.startswith("tracker.hygiene imports tracker.cli") for v in found)
    assert any(v.startswith("tracker.feeds imports urllib.request") for v in found)
    assert not any(v.startswith(("tracker.stance.rules", "jobs.run", "tracker.cli ", "tracker.api ")) for v in found)
    assert not any(v.startswith("tracker.store") for v in found)


def test_the_dynamic_check_catches_crossed_seams(crafted: Path) -> None:
    # Loading duckdb is faked by a stub module, so the crafted tree needs no real store.
    (crafted / "duckdb.py").write_text("")
    (crafted / "tracker" / "models.py").write_text("import duckdb\n")
    (crafted / "tracker" / "errors.py").write_text("import http.client\n")
    assert dynamic_violations("tracker.models", loaded_by("tracker.models", crafted))[0].startswith(
        "tracker.models loads duckdb without tracker.store")
    assert any("network clients only through tracker.fetch" in v
               for v in dynamic_violations("tracker.errors", loaded_by("tracker.errors", crafted)))
    config = dynamic_violations("tracker.config", loaded_by("tracker.config", crafted))
    assert config == ["tracker.config is below the store but loads duckdb, tracker.store"]
    hygiene = dynamic_violations("tracker.hygiene", loaded_by("tracker.hygiene", crafted))
    assert "tracker.hygiene loads the entry point tracker.cli" in hygiene
    assert dynamic_violations("jobs.run", loaded_by("jobs.run", crafted)) == []
