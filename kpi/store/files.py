"""Private files on disk: the umask and modes, flushed copies, the paths beside a database file
and what a failure to open one means."""

import contextlib
import errno
import os
import shutil
import stat
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


class StoreError(RuntimeError):
    """A database problem a person can act on; `kind` selects the translated explanation."""

    def __init__(self, kind: str, path: Path, detail: str):
        super().__init__(f"{kind}: {path}: {detail}")
        self.kind = kind
        self.path = path
        self.detail = detail


def keep_files_private() -> None:
    """From now on this process creates files 0600 and folders 0700.

    DuckDB creates the database and `.wal` files itself, with the process umask, so the umask is
    the only way to make them private from their first byte. It is set once and never restored:
    restoring it would open a window in which another thread creates a readable file.
    """
    os.umask(0o077)


def make_private(path: Path | str) -> None:
    """Set an existing file to 0600 (files written before Brújula made them private)."""
    # A file another account owns may still be readable; its owner decides its mode.
    with contextlib.suppress(FileNotFoundError, PermissionError):
        os.chmod(path, PRIVATE_FILE)


def copy_private(source: Path | str, target: Path | str, *, follow_symlinks: bool = True) -> None:
    """Copy a regular file into a new 0600 file, flushed to disk; never overwrites `target`.

    With `follow_symlinks=False` a source that is a symbolic link fails (ELOOP) instead of being
    read, so a link swapped in after a check is refused too.
    """
    # O_NONBLOCK: opening a FIFO planted in place of a file must not hang.
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow_symlinks else os.O_NOFOLLOW)
    src = os.open(source, flags)
    try:
        if not stat.S_ISREG(os.fstat(src).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(source))
        dst = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        try:
            _copy_descriptor(src, dst)
            os.fsync(dst)
        finally:
            os.close(dst)
    finally:
        os.close(src)


def _copy_descriptor(src: int, dst: int) -> None:
    try:
        while os.sendfile(dst, src, None, 1 << 24):
            pass
    except OSError as exc:
        # sendfile between two files is Linux only; elsewhere the first call fails: read-write.
        if exc.errno not in (errno.EINVAL, errno.ENOTSOCK, errno.ENOSYS):
            raise
        reader = os.fdopen(src, "rb", closefd=False)
        writer = os.fdopen(dst, "wb", closefd=False)
        with reader, writer:
            shutil.copyfileobj(reader, writer, 1 << 22)


def is_lock_error(exc: Exception) -> bool:
    """DuckDB refused the file because another process holds it."""
    return "Could not set lock" in str(exc)


def is_disk_full(exc: Exception) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return "No space left on device" in str(exc)


def open_error_kind(exc: Exception) -> str:
    """Which explanation a failure to open a database file needs (see StoreError.kind)."""
    if is_lock_error(exc):
        return "locked"
    if is_disk_full(exc):
        return "full"
    if isinstance(exc, PermissionError) or "Permission denied" in str(exc):
        return "denied"
    return "damaged"


def state_path_for(path: Path | str) -> Path:
    path = Path(path)
    return path.with_name(path.stem + ".state.duckdb")


def lock_path_for(path: Path | str) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".lock")


def wal_path_for(path: Path | str) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".wal")


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
