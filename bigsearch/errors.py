"""One exception tree. Every message names the fix."""


class BigsearchError(Exception):
    """Base of all errors bigsearch reports to users (exit code 2 on the command line)."""

    exit_code = 2


class ConfigError(BigsearchError):
    """A path, flag or environment variable is unusable."""


class ReadError(BigsearchError):
    """A source file cannot be read or is not a protocol; it is skipped with a warning."""


class IndexMissingError(BigsearchError):
    """No index at the configured location."""


class IndexBusyError(BigsearchError):
    """Another process is writing the index."""


class IndexReadOnlyError(BigsearchError):
    """The index directory cannot be written."""


class IndexCorruptError(BigsearchError):
    """The index files are damaged or of another version; the message names the file and the fix
    (`bigsearch index --rebuild`). `path` is the damaged file, when one is known."""

    def __init__(self, message: str, path=None) -> None:
        super().__init__(message)
        self.path = path


class IndexDiskFullError(BigsearchError):
    """The disk filled up while the index was written; the previous index is kept."""


class IndexWriteError(BigsearchError):
    """Writing the index failed (other than a full disk); the previous index is kept."""


class QueryError(BigsearchError):
    """The query or a filter cannot be understood."""


class WatchStoreError(BigsearchError):
    """The saved searches' file cannot be read or written (a full disk, a read-only or busy file)."""


class RemovalRefusedError(BigsearchError):
    """A run would remove more of the index than it may without being asked (--yes)."""
