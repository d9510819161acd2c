"""Named queries (sql/queries, each with a header naming its parameters and columns) and running SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import duckdb
import polars as pl

from tracker.config import Settings
from tracker.errors import StoreError
from tracker.store.derived import Derived
from tracker.store.sqlfiles import sql_files


@dataclass(frozen=True)
class QueryParam:
    name: str
    type: str
    default: str
    description: str

    def default_value(self, settings: Settings | None) -> Any:
        text = self.default.strip()
        if text.upper() == "NULL":
            return None
        if text.startswith("@"):
            if settings is None:
                raise StoreError(f"Query parameter {self.name} needs settings for its default")
            return getattr(settings, text[1:])
        if text.startswith("'") and text.endswith("'"):
            return text[1:-1]
        return float(text) if "." in text else int(text)


@dataclass(frozen=True)
class NamedQuery:
    """A query file of sql/queries: its header documents parameters and result columns."""

    name: str
    summary: str
    params: tuple[QueryParam, ...]
    columns: tuple[str, ...]
    sql: str

    def bind(self, given: Mapping[str, Any], settings: Settings | None) -> dict[str, Any]:
        known = {p.name for p in self.params}
        unknown = sorted(set(given) - known)
        if unknown:
            raise StoreError(
                f"Unknown parameter(s) for query '{self.name}': {', '.join(unknown)}",
                f"Valid parameters: {', '.join(sorted(known)) or '(none)'}.",
            )
        values = {}
        for p in self.params:
            values[p.name] = given[p.name] if given.get(p.name) is not None else p.default_value(settings)
        return values


_HEADER = re.compile(r"^--\s*(name|summary|param|columns):\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(\w+)\s*=\s*(NULL|@\w+|'[^']*'|-?[\d.]+)\s*(?:--\s*(.*))?$", re.I)


def parse_named_query(filename: str, text: str) -> NamedQuery:
    """Read a query file's header; a file without name, columns or well-formed params is an error."""
    name = summary = ""
    params: list[QueryParam] = []
    columns: list[str] = []
    for line in text.splitlines():
        m = _HEADER.match(line.strip())
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "name":
            name = value
        elif key == "summary":
            summary = value
        elif key == "columns":
            columns.extend(c.strip() for c in value.split(",") if c.strip())
        else:
            pm = _PARAM.match(value)
            if not pm:
                raise StoreError(f"sql/queries/{filename}: bad param header", f"'{value}'",
                                 "write it as: -- param: name TYPE = default  -- description")
            params.append(QueryParam(pm.group(1), pm.group(2).upper(), pm.group(3), pm.group(4) or ""))
    if not name or not columns:
        raise StoreError(f"sql/queries/{filename}: header must name the query and its columns")
    return NamedQuery(name, summary, tuple(params), tuple(columns), text)


def named_queries() -> dict[str, NamedQuery]:
    """Every named query shipped in sql/queries, by name."""
    out = {}
    for filename, text in sql_files("queries"):
        q = parse_named_query(filename, text)
        out[q.name] = q
    return out


class Queries(Derived):
    """Reading: any SQL with bound parameters, and the named queries, over fresh derived tables."""

    def sql(self, query: str, params: Mapping[str, Any] | Sequence[Any] | None = None) -> pl.DataFrame:
        """Run any SQL with bound parameters ($name or ?) and return a polars DataFrame."""
        if self.derived_stale and not self.read_only:
            self.refresh_derived()
        try:
            rel = self.con.execute(query, params) if params else self.con.execute(query)
            if rel.description is None:
                return pl.DataFrame()
            return rel.pl()
        except duckdb.Error as exc:
            raise StoreError("The query failed", str(exc).strip(),
                             "check the SQL; `tracker sql \"SHOW TABLES\"` lists the tables and views, "
                             "`tracker sql \"DESCRIBE statements\"` the columns of one") from None

    def query(self, name: str, **params: Any) -> pl.DataFrame:
        """Run a named query of sql/queries with its documented parameters."""
        queries = named_queries()
        if name not in queries:
            raise StoreError(f"No named query '{name}'", f"Available: {', '.join(sorted(queries))}.")
        q = queries[name]
        try:
            return self.sql(q.sql, q.bind(params, self.settings))
        except StoreError as exc:
            if exc.title != "The query failed":
                raise
            raise StoreError(f"The {name} query failed", exc.detail,
                             "check the values given to it (dates as YYYY-MM-DD, numbers as numbers)") from None
