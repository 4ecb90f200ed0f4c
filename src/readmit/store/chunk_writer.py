"""A process of its own that commits an import's chunks, while the importer prepares the next.

The importer computes a chunk on a read connection, with its writes staged (``store/staging``),
and hands them over as a ``Chunk``. This process replays them in one transaction, after
checking, under the write lock, that the ledger head and the import's position are still the
ones the chunk was computed on. If another writer got in meanwhile, nothing is written and the
importer is told so (``committed`` returns False), to redo the chunk the direct way. A chunk is
therefore committed whole, with its position, or not at all, as a direct write is. The chunk's
events are sealed onto the chain here: hashing is a sizeable part of an import's work, and the
two halves are about equal with it on this side (bench/README.md). So is the Merkle tree's
frontier over them (``Leaves``), extended once the chunk's reply is sent, while the importer
hands over the next: the head signed once the import ends extends it instead of reading every
leaf again.

The two processes talk over this process's standard input and output, one message each way
per chunk. A chunk is sent from a thread of the importer's (the pipe's copying waits on this
process, not on the importer's next chunk). The process dies with the importer (on Linux,
even on SIGKILL), so a re-run never finds a writer of an earlier run still at work; a chunk
it had not committed is rolled back by the database.
"""

from __future__ import annotations

import ctypes
import gc
import marshal
import os
import pickle
import signal
import struct
import subprocess
import sys
import tempfile
import threading
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DBAPIError

import readmit
from readmit.domain.errors import StoreFailed
from readmit.domain.merkle import Frontier
from readmit.store import merkle_store
from readmit.store.bulk import replay_many
from readmit.store.db import Checkpoints, make_engine
from readmit.store.event_rows import PlainRow
from readmit.store.ledger import Ledger
from readmit.store.schema import imports
from readmit.store.staging import Statement

RESUME = "run the same import again: it resumes after the last chunk that was committed"


@dataclass(frozen=True)
class Chunk:
    """One chunk's writes, and the state of the store they were computed on."""

    head: int  # the ledger head (its seq) the chunk was decided on, its events numbered after
    digest: str  # the import (its file's digest) and its position before the chunk
    start: int
    events: list[PlainRow]  # unsealed (``Staged.events``), to seal here (Ledger.append_rows)
    statements: list[Statement]  # every other write, in order


@dataclass(frozen=True)
class _Reply:
    committed: bool
    error: BaseException | None = None
    statement: str | None = None
    frontier: Frontier | None = None  # at the end: the tree of the log as last committed


class Leaves:
    """The Merkle frontier of the log up to the last chunk this process committed; None when
    it could not be had (the sign at the end then reads the leaves, and finds what is wrong)."""

    def __init__(self) -> None:
        self.frontier: Frontier | None = None

    def before(self, conn: Connection, head: int) -> None:
        """Have the frontier at ``head``, where the next chunk's events begin (read under the
        write lock: from the last head signed, or where the last chunk left it)."""
        try:
            start = self.frontier if self.frontier and self.frontier.size <= head else None
            self.frontier = merkle_store.frontier_at(conn, head, start)
        except (LookupError, ValueError):
            self.frontier = None

    def add(self, hashes: list[str]) -> None:
        """Extend it with the events of a chunk just committed."""
        if self.frontier is not None:
            self.frontier.extend_data([bytes.fromhex(h) for h in hashes])


class ChunkWriter:
    """The importer's side: start the process, hand it chunks, hear what became of each."""

    def __init__(self, engine: Engine) -> None:
        self._dbapi_error: type[Exception] = engine.dialect.loaded_dbapi.Error
        # Its standard error, for a message if it dies; closed by close() or abandon().
        self._log = tempfile.TemporaryFile()  # noqa: SIM115
        self._sending: threading.Thread | None = None  # the chunk being sent, if any
        self._send_failed = False  # the process was gone when a chunk was sent
        self._process = subprocess.Popen(
            # Not ``-m``: the messages' classes must pickle under this module's own name. ``-P``:
            # nothing is imported from the working directory (a stray struct.py, say).
            [sys.executable, "-P", "-c", f"from {__name__} import main; main()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=_environment(),
        )
        try:
            # Over the pipe, not the command line: the URL may hold a password.
            self._send((engine.url.render_as_string(hide_password=False), os.getpid()))
        except BaseException:
            self.abandon()
            raise

    def submit(self, chunk: Chunk) -> None:
        """Hand over a chunk; ``committed`` says what became of it. Encoded here, sent from a
        thread of its own while the caller goes on (writing to the pipe waits on the process,
        which reads a chunk only once it has committed the last one)."""
        self._sent()
        frame = _encode(chunk)
        self._sending = threading.Thread(
            target=self._send_frame, args=(frame,), name="readmit-chunk-send", daemon=True
        )
        self._sending.start()

    def _send_frame(self, frame: tuple[bytes, bytes]) -> None:
        pipe = self._process.stdin
        assert pipe is not None
        try:
            _write_frame(pipe, frame)
        except (BrokenPipeError, ValueError):  # the process died (or was killed: abandon)
            self._send_failed = True

    def _sent(self) -> None:
        """Wait for the chunk being sent; raise if the process was gone."""
        sending, self._sending = self._sending, None
        if sending is not None:
            sending.join()
        if self._send_failed:
            raise self._stopped()

    def committed(self) -> bool:
        """Wait for the chunk handed over last: True once committed, False if the store had
        moved on (nothing written); raise the database's error if it failed (nothing written)."""
        reply = self._receive()
        if reply.error is not None:
            raise self._raised(reply)
        return reply.committed

    def close(self) -> Frontier | None:
        """Stop the process once it has copied its last commits back (SQLite's log); return
        the Merkle frontier of the log as it last committed (None if it could not tell)."""
        self._send(None)
        reply = self._receive()
        self._end()
        if reply.error is not None:
            raise self._raised(reply)
        return reply.frontier

    def abandon(self) -> None:
        """Stop the process now: a chunk it has not committed is rolled back."""
        self._process.kill()
        with suppress(StoreFailed):  # a chunk being sent stops with the process
            self._sent()
        self._end()

    def _end(self) -> None:
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                with suppress(OSError):  # what was left unsent to a process that has died
                    pipe.close()
        self._log.close()

    def _send(self, message: object) -> None:
        self._sent()
        pipe = self._process.stdin
        assert pipe is not None
        try:
            _write_message(pipe, message)
        except BrokenPipeError:
            raise self._stopped() from None

    def _receive(self) -> _Reply:
        self._sent()
        pipe = self._process.stdout
        assert pipe is not None
        try:
            reply = _read_message(pipe)
        except (EOFError, pickle.UnpicklingError):  # it died, or died while replying
            raise self._stopped() from None
        assert isinstance(reply, _Reply)
        return reply

    def _stopped(self) -> StoreFailed:
        code = self._process.wait()
        self._log.seek(0)
        lines = self._log.read().decode(errors="replace").strip().splitlines()
        last = f": {lines[-1]}" if lines else ""
        return StoreFailed(
            f"the process writing this import stopped unexpectedly (exit code {code}){last}; "
            f"{RESUME}"
        )

    def _raised(self, reply: _Reply) -> Exception:
        error = reply.error
        if isinstance(error, self._dbapi_error):
            # As a direct write would raise it (an API or CLI edge maps it the same way).
            return DBAPIError.instance(reply.statement, None, error, self._dbapi_error)
        return StoreFailed(f"the process writing this import failed: {error}; {RESUME}")


def _environment() -> dict[str, str]:
    """This process's environment, with readmit found where this process found it (however
    that was set: an installation, a source tree on the path)."""
    package = Path(readmit.__file__).resolve().parent.parent
    paths = [str(package), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def main() -> None:
    """The writer process: commit each chunk that arrives on standard input, in order."""
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to standard error, never among the replies
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the importer's to handle
    gc.disable()  # its few cycles die with it; collecting would walk every chunk's rows again
    requests = sys.stdin.buffer
    opening = _read_message(requests)
    assert isinstance(opening, tuple)
    url, importer = opening
    _die_with(importer)
    engine = make_engine(url)
    checkpoints, leaves = Checkpoints(engine), Leaves()
    try:
        while True:
            try:
                chunk = _read_message(requests)
            except EOFError:  # the importer is gone: what it handed over is committed
                return
            assert chunk is None or isinstance(chunk, Chunk)
            if chunk is None:
                _write_message(replies, _finish(checkpoints, leaves))
                return
            reply, hashes = _commit(engine, checkpoints, leaves, chunk)
            _write_message(replies, reply)
            # After the reply: the importer hands over the next chunk meanwhile.
            leaves.add(hashes)
    finally:
        checkpoints.stop()
        engine.dispose()


def _commit(
    engine: Engine, checkpoints: Checkpoints, leaves: Leaves, chunk: Chunk
) -> tuple[_Reply, list[str]]:
    """Commit a chunk; return the reply and the hashes of the events it committed (none if
    it did not), for the Merkle frontier."""
    statement: str | None = None
    try:
        checkpoints.wait()  # the last chunk's pages, copied back while this one arrived
        with (
            engine.connect().execution_options(readmit_write=True) as conn,
            checkpoints.without_copy(conn),
        ):
            conn.begin()  # on SQLite, BEGIN IMMEDIATE: the write lock, as every writer takes
            if not _still_current(conn, chunk):
                return _Reply(committed=False), []
            leaves.before(conn, chunk.head)
            hashes = Ledger(conn).append_rows(chunk.events)
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            for statement, parameters, many in chunk.statements:
                if many:  # a plain INSERT as a COPY on PostgreSQL
                    replay_many(cursor, statement, parameters, engine)
                elif parameters is None:
                    cursor.execute(statement)
                else:
                    cursor.execute(statement, parameters)
            statement = None
            conn.commit()
        checkpoints.start()
        return _Reply(committed=True), hashes
    except Exception as error:  # handed to the importer, which raises it
        if isinstance(error, DBAPIError):
            statement, error = error.statement, error.orig  # type: ignore[assignment]
        return _Reply(committed=False, error=_portable(error), statement=statement), []


def _still_current(conn: Connection, chunk: Chunk) -> bool:
    """Tell whether no other writer has moved the ledger or this import on since the chunk was
    computed (read under the write lock, so it stays true until the commit)."""
    head, _ = Ledger(conn).lock_head()
    position = conn.execute(
        select(imports.c.position).where(imports.c.digest == chunk.digest)
    ).scalar_one_or_none()
    return head == chunk.head and position == chunk.start


def _finish(checkpoints: Checkpoints, leaves: Leaves) -> _Reply:
    try:
        checkpoints.wait()
    except Exception as error:
        return _Reply(committed=False, error=_portable(error))
    return _Reply(committed=True, frontier=leaves.frontier)


# A message: a kind (marshal or pickle) and the payload's length, then the payload.
_FRAME = struct.Struct("<cQ")
_MARSHAL, _PICKLE = b"m", b"p"


def _write_message(pipe: IO[bytes], message: object) -> None:
    """Write one message (``_encode``)."""
    _write_frame(pipe, _encode(message))


def _write_frame(pipe: IO[bytes], frame: tuple[bytes, bytes]) -> None:
    for part in frame:
        pipe.write(part)
    pipe.flush()


def _encode(message: object) -> tuple[bytes, bytes]:
    """One message as its header and payload. A chunk goes as marshal, four times faster to
    write than pickle (its rows are tuples of text and numbers) and the importer's to pay;
    pickle carries the rest, and a chunk holding what marshal cannot (a date, as PostgreSQL's
    driver is given)."""
    kind, payload = _PICKLE, b""
    if isinstance(message, Chunk):
        fields = (message.head, message.digest, message.start, message.events, message.statements)
        with suppress(ValueError):
            kind, payload = _MARSHAL, marshal.dumps(fields)
    if kind == _PICKLE:
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _FRAME.pack(kind, len(payload)), payload


def _read_message(pipe: IO[bytes]) -> object:
    """Read one message; EOFError if the other side is gone (or went mid-message)."""
    header = pipe.read(_FRAME.size)
    if len(header) < _FRAME.size:
        raise EOFError
    kind, size = _FRAME.unpack(header)
    payload = pipe.read(size)
    if len(payload) < size:
        raise EOFError
    if kind == _MARSHAL:
        return Chunk(*marshal.loads(payload))
    return pickle.loads(payload)


def _portable(error: BaseException) -> BaseException:
    """The error itself if it survives pickling, else its text (a driver's may not)."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def _die_with(importer: int) -> None:
    """Have the kernel kill this process when the importer dies, however it dies (Linux)."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere an orphan finishes the chunk it holds, then reads the end of input
    pr_set_pdeathsig = 1
    libc: Any = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != importer:  # it died before the request took effect
        os._exit(1)
