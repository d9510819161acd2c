"""What leaves the store as files: the readers' snapshot (a published read-only copy) and the Parquet
export."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Callable, Iterator

from tracker.errors import StoreError
from tracker.store.connection import Connection
from tracker.store.sqlfiles import statement


class Snapshot(Connection):
    """Checkpoints, the readers' snapshot and the Parquet export."""

    @staticmethod
    def snapshot_of(path: Path) -> Path:
        """Where the readers' snapshot of a store file lives: data/tracker.snapshot.duckdb."""
        return path.with_name(path.stem + ".snapshot" + path.suffix)

    @staticmethod
    def remove_stale_snapshots(target: Path, alive: Callable[[int], bool]) -> list[Path]:
        """Remove temporary snapshot copies (`.name.<pid>.tmp`) left by processes that are gone."""
        removed = []
        for tmp in Path(target).parent.glob(f".{Path(target).name}.*.tmp"):
            pid = tmp.name[len(Path(target).name) + 2:-len(".tmp")]
            if pid.isdigit() and alive(int(pid)):
                continue
            try:
                tmp.unlink()
                removed.append(tmp)
            except FileNotFoundError:
                pass
        return removed

    def publish_snapshot(self, target: Path) -> Path:
        """Publish a read-only copy for readers: checkpoint, copy to a temporary file, rename over.

        Readers open the snapshot, never the file the writer holds, so neither blocks the other; a
        reader with the old snapshot open keeps reading it (the rename replaces only the name).
        """
        if self.read_only:
            raise StoreError("A read-only store cannot publish a snapshot")
        self.con.execute("CHECKPOINT")
        self.dirty = False
        target = Path(target)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            shutil.copyfile(self.path, tmp)
            os.replace(tmp, target)
        finally:
            if tmp.exists():
                tmp.unlink()
        return target

    def checkpoint(self) -> None:
        self.con.execute("CHECKPOINT")

    def export_parquet(self, folder: Path) -> dict[str, int]:
        """statements/ and articles/ as Parquet under folder, Hive-partitioned by month=YYYY-MM.

        Streams record batches, so memory stays flat for any store size; an existing export of the
        same month is replaced file by file (no stale part files are left behind).
        """
        import pyarrow.dataset as ds

        folder.mkdir(parents=True, exist_ok=True)
        out = {}
        for table in ("statements", "articles"):
            reader = self.con.execute(statement(f"export_{table}")).to_arrow_reader(100_000)
            counted = [0]

            def batches(reader: Any = reader, counted: list[int] = counted) -> Iterator[Any]:
                for b in reader:
                    counted[0] += b.num_rows
                    yield b

            ds.write_dataset(batches(), folder / table, schema=reader.schema, format="parquet",
                             partitioning=["month"], partitioning_flavor="hive",
                             existing_data_behavior="delete_matching", basename_template="part-{i}.parquet")
            out[table] = counted[0]
        return out
