"""Files on any filesystem Spark reads (local, HDFS, S3 through s3a, GCS), through Hadoop's
FileSystem API in the driver's JVM: listing inputs, and the small files and renames the job's
commits need. Only the driver uses it; executors read inputs through Spark itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Listed", "Files", "display_name", "escape_path"]

_HIDDEN = (".", "_")
_SPECIAL = "\\,{}[]*?"


@dataclass(frozen=True, slots=True)
class Listed:
    """One input file: its full URI, size and modification time (ms)."""

    uri: str
    size: int
    modified: int


def display_name(uri: str) -> str:
    """How an input is named to the user and in origins: a local file by its path (as the
    local pipeline names it), anything else by its URI."""
    if uri.startswith("file:"):
        path = uri[len("file:") :]
        while path.startswith("//"):
            path = path[1:]
        return path
    return uri


def escape_path(uri: str) -> str:
    """A path as one element of Spark's comma-separated input list, its glob characters and
    commas taken literally."""
    return "".join("\\" + c if c in _SPECIAL else c for c in uri)


class Files:
    """Hadoop filesystem operations through a SparkSession's JVM."""

    def __init__(self, spark: Any) -> None:
        self._jvm = spark.sparkContext._jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()

    def _path(self, uri: str) -> tuple[Any, Any]:
        path = self._jvm.org.apache.hadoop.fs.Path(uri)
        return path, path.getFileSystem(self._conf)

    def qualified(self, uri: str) -> str:
        """The full URI of a path (a relative local path made absolute, with its scheme)."""
        path, fs = self._path(uri)
        return str(fs.makeQualified(path).toString())

    def expand(self, item: str) -> tuple[list[Listed], str | None]:
        """The files an input names: itself, the files under a folder (recursively, hidden
        ones left out) or a glob's matches, in name order; or the reason it names none."""
        path, fs = self._path(item)
        statuses = fs.globStatus(path)
        if statuses is None or len(statuses) == 0:
            has_glob = any(c in item for c in "*?[{")
            return [], "no files match this pattern" if has_glob else "no such file or folder"
        found: list[Listed] = []
        for status in statuses:
            if status.isDirectory():
                found.extend(self._walk(fs, status.getPath()))
            else:
                found.append(_listed(status))
        return sorted(found, key=lambda f: f.uri.split("/")), None

    def _walk(self, fs: Any, folder: Any) -> list[Listed]:
        found = []
        for status in fs.listStatus(folder):
            if status.getPath().getName().startswith(_HIDDEN):
                continue
            if status.isDirectory():
                found.extend(self._walk(fs, status.getPath()))
            else:
                found.append(_listed(status))
        return found

    def exists(self, uri: str) -> bool:
        path, fs = self._path(uri)
        return bool(fs.exists(path))

    def children(self, uri: str) -> list[str]:
        """Names of the entries of a folder (none when it does not exist)."""
        path, fs = self._path(uri)
        if not fs.exists(path):
            return []
        return sorted(str(s.getPath().getName()) for s in fs.listStatus(path))

    def delete(self, uri: str) -> None:
        path, fs = self._path(uri)
        fs.delete(path, True)

    def rename(self, source: str, target: str) -> None:
        """Move `source` to `target` (whose parent is made first)."""
        path, fs = self._path(source)
        target_path, _ = self._path(target)
        fs.mkdirs(target_path.getParent())
        if not fs.rename(path, target_path):
            raise OSError(f"could not move {source} to {target}")

    def write_text(self, uri: str, text: str) -> None:
        """Write a small file (a manifest, a marker) whole: into a `.partial` file beside it,
        then renamed into place, so a process killed meanwhile never leaves half of it under
        its name. A file already there is replaced."""
        partial = uri + ".partial"
        path, fs = self._path(partial)
        stream = fs.create(path, True)
        try:
            stream.write(bytearray(text.encode("utf-8")))
        finally:
            stream.close()
        if self.exists(uri):
            self.delete(uri)
        self.rename(partial, uri)

    def read_text(self, uri: str) -> str | None:
        """A small file's text, or None when it does not exist."""
        path, fs = self._path(uri)
        if not fs.exists(path):
            return None
        stream = fs.open(path)
        try:
            reader = self._jvm.java.io.BufferedReader(self._jvm.java.io.InputStreamReader(stream))
            lines = []
            while (line := reader.readLine()) is not None:
                lines.append(str(line))
            return "\n".join(lines)
        finally:
            stream.close()


def _listed(status: Any) -> Listed:
    return Listed(
        str(status.getPath().toString()), int(status.getLen()), int(status.getModificationTime())
    )
