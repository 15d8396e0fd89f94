"""A small, fast reader of tar headers, for the hot path of image analysis.

An image's layers hold tens of thousands of entries and imagelint needs only each entry's name, type,
size, mode, numeric owner (uid, gid) and link target, never its bytes. :mod:`tarfile` decodes every
field of every header (mtime, uname, gname, device numbers too, with two checksums each time) and, in
stream mode, copies its buffer on each 512-byte read: that parsing was most of the cost of
``imagelint analyze``.

This reader decodes just those seven fields and keeps :mod:`tarfile`'s meaning for them:

- ustar names joined with their ``prefix`` field; GNU ``L``/``K`` long name and long link records;
  PAX extended (``x``) and global (``g``) records ``path``, ``linkpath``, ``size``, ``uid`` and
  ``gid`` (and GNU's PAX sparse ``GNU.sparse.name``/``size``/``realsize``); old GNU sparse (``S``)
  real sizes; a uid or gid field that is not a number reads as 0 (shown only, never trusted);
- octal or base-256 numbers; the header checksum checked (unsigned or signed sum, like tarfile);
- a negative size, or a PAX size record that is not a decimal number, is an error (:class:`SizeError`,
  naming the entry), where tarfile reads 0: a forged size must not make an image look smaller;
- a trailing ``/`` dropped from directory names; an old-style regular file whose name ends in ``/``
  is a directory;
- data follows regular files and unknown types only (links, directories, devices and fifos carry
  none, whatever their size field says), padded to 512 bytes;
- the archive ends at the first all-zero block, or at the end of the data on a block boundary.

Unlike tarfile, a damaged header anywhere (not only in first place) is an error rather than a silent
end of the archive: a corrupt image must not look like a smaller one.

Headers are parsed out of a read-ahead buffer, and a chain of extended headers is merged in place
keeping only the records above, so the time is linear in the archive's size and the memory bounded
whatever the headers hold. Data is skipped with ``seek`` when the source is a file on disk, and
otherwise read in large chunks and dropped. :class:`Window` gives a member's data as a file object
(a nested layer tar, a JSON document) without copying it.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import BinaryIO
from zlib import adler32

BLOCK = 512
_ZERO_BLOCK = bytes(BLOCK)
_SKIP_CHUNK = 1 << 20
_READ_AHEAD = 64 << 10  # header bytes parsed per read from the source
_SMALL_SKIP = 64 << 10  # below this, one read() beats filling a scratch buffer
_MAX_META_BYTES = 1 << 20  # a long name, long link or PAX record set larger than this is not one

# Type flags (POSIX ustar, GNU and PAX).
REGULAR, REGULAR_OLD, CONTIGUOUS = b"0", b"\0", b"7"
HARDLINK, SYMLINK, CHAR, BLOCK_DEVICE, DIRECTORY, FIFO = b"1", b"2", b"3", b"4", b"5", b"6"
GNU_LONGNAME, GNU_LONGLINK, GNU_SPARSE = b"L", b"K", b"S"
PAX_EXTENDED, PAX_GLOBAL, SOLARIS_EXTENDED = b"x", b"g", b"X"

_REGULAR_TYPES = frozenset((REGULAR, REGULAR_OLD, CONTIGUOUS, GNU_SPARSE))
_EXTENSIONS = frozenset((GNU_LONGNAME, GNU_LONGLINK, PAX_EXTENDED, PAX_GLOBAL, SOLARIS_EXTENDED))
# Types whose header is all there is: no data blocks follow, whatever the size field says.
_HEADER_ONLY = frozenset((HARDLINK, SYMLINK, CHAR, BLOCK_DEVICE, DIRECTORY, FIFO))
_ENCODING, _ERRORS = "utf-8", "surrogateescape"  # what tarfile uses on a UTF-8 system
# The PAX records that change the fields imagelint reads; the rest (times, owner names, xattrs) are dropped.
_PAX_KEYS = frozenset(("path", "linkpath", "size", "uid", "gid", "GNU.sparse.name", "GNU.sparse.size",
                       "GNU.sparse.realsize"))


class TarError(Exception):
    """The tar stream is truncated or damaged."""


class SizeError(TarError):
    """An entry's size is negative or not a number (``entry`` names it)."""

    def __init__(self, entry: str, value: object) -> None:
        super().__init__(f"entry {entry}: invalid size {value!r}")
        self.entry = entry
        self.value = value


class Member:
    """One archive entry: the fields imagelint reads, with tarfile's meaning."""

    __slots__ = ("name", "type", "size", "mode", "linkname", "uid", "gid")

    def __init__(self, name: str, type: bytes, size: int, mode: int, linkname: str, uid: int = 0, gid: int = 0) -> None:
        self.name = name
        self.type = type  # the one-byte type flag, as tarfile's TarInfo.type
        self.size = size  # the header's size (a sparse file's real size)
        self.mode = mode
        self.linkname = linkname
        self.uid = uid  # numeric owner, from the header or a PAX record (names are not read)
        self.gid = gid

    def isreg(self) -> bool:
        return self.type in _REGULAR_TYPES

    def isdir(self) -> bool:
        return self.type == DIRECTORY

    def issym(self) -> bool:
        return self.type == SYMLINK

    def islnk(self) -> bool:
        return self.type == HARDLINK

    def __repr__(self) -> str:
        return f"Member({self.name!r}, type={self.type!r}, size={self.size}, mode={self.mode:o}, linkname={self.linkname!r})"


class Window(io.RawIOBase):
    """At most ``length`` bytes of ``source`` from where it stands now (all of it when ``None``).

    ``head``: bytes already taken from ``source`` that come first (a :class:`TarReader` hands over
    what it read ahead). ``skip`` moves forward with a real ``seek`` when the source is a file on
    disk (or a window over one), and otherwise reads and drops. ``peek`` reads ahead into the head,
    so it works on any source. Reading never goes past the window, so a nested archive cannot eat
    its parent's bytes.
    """

    def __init__(self, source: BinaryIO, length: int | None = None, head: bytes = b"") -> None:
        super().__init__()
        self._source = source
        self._seekable = False
        self._head = head
        self._head_offset = 0
        if isinstance(source, Window):
            self._seekable = source._seekable
            if length is None and source.remaining is not None:
                length = source.remaining + len(head)
        elif isinstance(source, io.BufferedReader) and isinstance(source.raw, io.FileIO):
            self._seekable = True  # a file on disk: skipping is a seek, not a read
            if length is None:
                length = os.fstat(source.fileno()).st_size - source.tell() + len(head)
        self.remaining = length  # None: unknown (a stream), read until the source ends
        self.consumed = 0  # bytes read or skipped through this window so far
        self._scratch: bytearray | None = None

    def readable(self) -> bool:
        return True

    def _from_head(self, size: int) -> bytes:
        start = self._head_offset
        data = self._head[start : start + size]
        self._head_offset = start + len(data)
        if self._head_offset == len(self._head):
            self._head, self._head_offset = b"", 0
        return data

    def read(self, size: int = -1) -> bytes:
        remaining = self.remaining
        if size is None or size < 0:
            size = -1 if remaining is None else remaining
        elif remaining is not None and size > remaining:
            size = remaining
        if self._head:
            data = self._from_head(len(self._head) if size < 0 else size)
            if size < 0:
                data += self._source.read()
            elif len(data) < size:
                data += self._source.read(size - len(data))
        else:
            data = self._source.read(size) if size >= 0 else self._source.read()
        self.consumed += len(data)
        if remaining is not None:
            self.remaining = remaining - len(data)
        return data

    def read1(self, size: int) -> bytes:
        """At most ``size`` bytes, and only those the source has at hand when it can tell (its own
        ``read1``): the reader of a stream gets the bytes that came, without waiting for more."""
        if self.remaining is not None:
            size = min(size, self.remaining)
        if size <= 0:
            return b""
        if self._head:
            data = self._from_head(size)
        else:
            read1 = getattr(self._source, "read1", None)
            data = read1(size) if read1 is not None else self._source.read(size)
        self.consumed += len(data)
        if self.remaining is not None:
            self.remaining -= len(data)
        return data

    def readinto(self, buffer) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        if self.remaining is not None and len(view) > self.remaining:
            view = view[: self.remaining]
        if not view:
            return 0
        if self._head:
            data = self._from_head(len(view))
            count = len(data)
            view[:count] = data
        else:
            count = self._source.readinto(view) or 0  # type: ignore[attr-defined]
        self.consumed += count
        if self.remaining is not None:
            self.remaining -= count
        return count

    def peek(self, size: int = 1) -> bytes:
        """At least ``size`` bytes when the window holds them, none consumed."""
        if self.remaining is not None:
            size = min(size, self.remaining)
        have = len(self._head) - self._head_offset
        if have < size:
            more = self._source.read(size - have)
            self._head = self._head[self._head_offset :] + more
            self._head_offset = 0
        return self._head[self._head_offset :]

    def skip(self, count: int) -> None:
        """Move ``count`` bytes forward; :class:`TarError` when fewer are left."""
        if count <= 0:
            return
        if self.remaining is not None and count > self.remaining:
            raise TarError("unexpected end of data")
        if self._head:
            taken = len(self._from_head(count))
            self.consumed += taken
            if self.remaining is not None:
                self.remaining -= taken
            count -= taken
            if not count:
                return
        if self._seekable:
            if isinstance(self._source, Window):
                self._source.skip(count)
            else:
                self._source.seek(count, os.SEEK_CUR)
            self.remaining -= count  # type: ignore[operator]
            self.consumed += count
            return
        if count <= _SMALL_SKIP:
            if len(self.read(count)) != count:
                raise TarError("unexpected end of data")
            return
        if self._scratch is None:
            self._scratch = bytearray(_SKIP_CHUNK)
        view = memoryview(self._scratch)
        while count:
            got = self.readinto(view[: min(count, _SKIP_CHUNK)])
            if not got:
                raise TarError("unexpected end of data")
            count -= got

    def drain(self) -> None:
        """Skip to the end of the window (or of the source)."""
        if self.remaining is not None:
            self.skip(self.remaining)
            return
        while self.read(_SKIP_CHUNK):
            pass


class TarReader:
    """Iterate over the members of a tar stream, front to back, once.

    While a member is current, :meth:`data` gives its bytes as a :class:`Window`; whatever is left
    unread is skipped when the iteration moves on. ``source`` needs ``read`` (and ``readinto`` for
    big skips); use a :class:`Window` to bound it or to seek over data in a file on disk.

    Headers are parsed out of a read-ahead buffer (:data:`_READ_AHEAD` bytes at a time), so the many
    small members of a layer cost no call to the source each.
    """

    def __init__(self, source: BinaryIO | Window) -> None:
        self._source = source if isinstance(source, Window) else Window(source)
        self._buffer = b""  # read ahead from the source, not parsed yet (from _offset on)
        self._offset = 0
        # The current member's data: its size, and a window over it once asked for (most members
        # are only skipped, and one object fewer per entry counts with millions of them).
        self._data_size = 0
        self._data: Window | None = None
        self._padding = 0  # bytes after the current member's data, up to the next block
        self._global: dict[str, str] = {}  # PAX global records imagelint reads, for every later member

    @property
    def bytes_read(self) -> int:
        """The bytes of the tar stream read or skipped so far: where the current member's data
        starts, right after it was yielded."""
        return self._source.consumed - (len(self._buffer) - self._offset)

    def data(self) -> Window:
        """The current member's data (empty for links, directories and devices)."""
        if self._data is None:
            size = self._data_size
            head = self._buffer[self._offset : self._offset + size]
            self._offset += len(head)
            self._data = Window(self._source, size, head)
            self._data_size = 0
        return self._data

    def __iter__(self) -> Iterator[Member]:
        first = True
        while True:
            block = self._next_block()
            if len(block) < BLOCK:
                if block:
                    raise TarError("truncated header" if not first else "not a tar archive (too short)")
                return  # the data ended on a block boundary: tarfile also takes this as the end
            if block == _ZERO_BLOCK:
                return
            member = self._member(block, first)
            first = False
            yield member

    # --- the read-ahead buffer -------------------------------------------------------------------

    def _block(self) -> bytes:
        """The next 512 bytes (fewer at the end of the stream)."""
        offset = self._offset
        end = offset + BLOCK
        if end > len(self._buffer):
            self._fill(BLOCK)
            offset, end = 0, BLOCK
        self._offset = end
        return self._buffer[offset:end]

    def _take(self, count: int) -> bytes:
        if self._offset + count > len(self._buffer):
            self._fill(count)
        data = self._buffer[self._offset : self._offset + count]
        self._offset += len(data)
        return data

    def _fill(self, count: int) -> None:
        """Make at least ``count`` unparsed bytes buffered, unless the stream ends first."""
        pieces = [self._buffer[self._offset :]]
        have = len(pieces[0])
        want = max(count - have, _READ_AHEAD)
        while have < count:
            # Only what has come: the end of an archive must not wait for the end of its stream.
            data = self._source.read1(want)
            if not data:
                break
            pieces.append(data)
            have += len(data)
            want = count - have
        self._buffer = b"".join(pieces)
        self._offset = 0

    def _skip(self, count: int) -> None:
        buffered = len(self._buffer) - self._offset
        if count <= buffered:
            self._offset += count
            return
        self._buffer, self._offset = b"", 0
        self._source.skip(count - buffered)

    # --- one member ----------------------------------------------------------------------------

    def _next_block(self) -> bytes:
        """Skip what is left of the current member, then the next header block (the hot path: with
        small members both are in the read-ahead buffer)."""
        if self._data is not None:
            self._data.drain()
            self._data = None
        offset = self._offset + self._data_size + self._padding
        self._data_size = self._padding = 0
        end = offset + BLOCK
        if end <= len(self._buffer):
            self._offset = end
            return self._buffer[offset:end]
        self._skip(offset - self._offset)
        return self._block()

    def _member(self, block: bytes, first: bool) -> Member:
        typeflag, size = _check(block, first)
        if typeflag in _EXTENSIONS or self._global or typeflag == GNU_SPARSE or size < 0:
            return self._extended_member(block, first)
        # A plain header, as nearly every one is: the fields straight from the block.
        end = block.find(0, 0, 100)
        name = block[: end if end >= 0 else 100].decode(_ENCODING, _ERRORS)
        if block[345] and block[257:263] == b"ustar\0":
            name = _nts(block[345:500]) + "/" + name  # POSIX ustar splits long names in two
        linkname = _nts(block[157:257]) if block[157] else ""
        if typeflag == REGULAR_OLD and name.endswith("/"):
            typeflag = DIRECTORY  # old V7 tar writes directories as regular files named "dir/"
        if typeflag == DIRECTORY:
            name = name.rstrip("/")
        elif typeflag not in _HEADER_ONLY:
            self._data_size = size
            self._padding = -size % BLOCK
        uid, gid = _owners(block[108:124])
        return Member(name, typeflag, size, _number(block[100:108]), linkname, uid, gid)

    def _extended_member(self, block: bytes, first: bool) -> Member:
        """A member with extended headers before it (long names, PAX records), or any other case."""
        long_name = long_link = None
        pax: dict[str, str] | None = None
        while True:
            typeflag, size = _check(block, first)
            if typeflag in (GNU_LONGNAME, GNU_LONGLINK):
                text = _nts(self._meta(size))
                if typeflag == GNU_LONGNAME:
                    long_name = text
                else:
                    long_link = text
            elif typeflag in (PAX_EXTENDED, SOLARIS_EXTENDED, PAX_GLOBAL):
                records = _pax_records(self._meta(size))
                if typeflag == PAX_GLOBAL:
                    self._global.update(records)
                elif pax is None:
                    pax = records
                else:
                    pax.update(records)  # in place: a chain of extended headers costs its length once
            else:
                break
            block = self._block()  # the header these records describe comes next
            if len(block) < BLOCK or block == _ZERO_BLOCK:
                raise TarError("missing header after an extended header")
            first = False
        return self._regular_header(block, typeflag, size, long_name, long_link, pax)

    def _regular_header(self, block, typeflag, size, long_name, long_link, pax) -> Member:
        stored = size  # the data blocks that follow (a sparse file's real size may differ)
        name = long_name if long_name is not None else _nts(block[0:100])
        if long_name is None and block[257:263] == b"ustar\0" and block[345] != 0:
            name = _nts(block[345:500]) + "/" + name  # POSIX ustar splits long names in two
        linkname = long_link if long_link is not None else _nts(block[157:257])
        records = self._global
        if pax is not None:
            records = {**records, **pax} if records else pax
        if records:
            name = records.get("GNU.sparse.name", records.get("path", name))
            linkname = records.get("linkpath", linkname)
        if size < 0:
            raise SizeError(name, size)
        if typeflag == GNU_SPARSE:
            size = _number(block[483:495])  # the real size; the data holds only the stored parts
            if size < 0:
                raise SizeError(name, size)
            if block[482]:
                self._skip_sparse_extensions()
        if records:
            if "size" in records:
                size = stored = _pax_number(records["size"], name)
            for key in ("GNU.sparse.size", "GNU.sparse.realsize"):
                if key in records:
                    size = _pax_number(records[key], name)
        if typeflag == REGULAR_OLD and name.endswith("/"):
            typeflag = DIRECTORY  # old V7 tar writes directories as regular files named "dir/"
        if typeflag == DIRECTORY:
            name = name.rstrip("/")
        if typeflag not in _HEADER_ONLY:
            self._data_size = stored
            self._padding = -stored % BLOCK
        uid, gid = _owners(block[108:124])
        if records:
            # PAX carries owners too big for the 8-byte fields; a record that is not a number is ignored.
            uid = _pax_owner(records.get("uid"), uid)
            gid = _pax_owner(records.get("gid"), gid)
        return Member(name, typeflag, size, _number(block[100:108]), linkname, uid, gid)

    def _meta(self, size: int) -> bytes:
        """The data of a long-name or PAX record member (small, read whole)."""
        if size > _MAX_META_BYTES or size < 0:
            raise TarError(f"extended header of {size} bytes")
        padded = size + (-size % BLOCK)
        data = self._take(padded)
        if len(data) != padded:
            raise TarError("unexpected end of data")
        return data[:size]

    def _skip_sparse_extensions(self) -> None:
        while True:
            block = self._block()
            if len(block) < BLOCK:
                raise TarError("unexpected end of data")
            if not block[504]:
                return


def iter_members(source: BinaryIO | Window) -> Iterator[Member]:
    """Every member of a tar stream, data skipped."""
    return iter(TarReader(source))


# --- fields ------------------------------------------------------------------------------------


def _check(block: bytes, first: bool) -> tuple[bytes, int]:
    """The type flag and size of a header block whose checksum is right; else :class:`TarError`."""
    try:
        recorded = _number(block[148:156])
    except TarError:
        raise TarError("not a tar archive" if first else "invalid header") from None
    # The checksum field counts as eight spaces (8 * 32 = 256). The byte sum comes from Adler-32, in C
    # (``sum(block)`` walks the bytes one Python integer at a time, four times slower): its low half
    # is 1 + the sum modulo 65521, which is the sum itself when that stays below 65521, as it does
    # for ASCII bytes (512 * 127) and for any half block (256 * 255).
    if block.isascii():
        total = (adler32(block) & 0xFFFF) - 1
    else:
        total = (adler32(block[:256]) & 0xFFFF) + (adler32(block[256:]) & 0xFFFF) - 2
    if recorded != total - sum(block[148:156]) + 256 and recorded != _signed_sum(block):
        raise TarError("not a tar archive (bad checksum)" if first else "bad checksum")
    return block[156:157], _number(block[124:136])


def _signed_sum(block: bytes) -> int:
    """Some old tars (Sun, NeXT) sum the header as signed chars."""
    total = 256
    for index, value in enumerate(block):
        if 148 <= index < 156:
            continue
        total += value - 256 if value > 127 else value
    return total


def _number(field: bytes) -> int:
    """An octal number, or GNU's base-256 form for big values (first byte 0x80, or 0xff if negative)."""
    if field[:1] in (b"\x80", b"\xff"):
        value = int.from_bytes(field[1:], "big")
        if field[0] == 0xFF:
            value -= 256 ** (len(field) - 1)
        return value
    try:
        return int(field.rstrip(b"\0 "), 8)  # the usual "0000644\0": one call
    except ValueError:
        pass
    text = field.split(b"\0", 1)[0].strip()
    try:
        return int(text, 8) if text else 0
    except ValueError:
        raise TarError("invalid number in header") from None


_OWNERS: dict[bytes, tuple[int, int]] = {}
_MAX_OWNERS = 4096  # distinct uid/gid fields remembered: a layer has a handful, a forged one many


def _owners(fields: bytes) -> tuple[int, int]:
    """(uid, gid) from the header's two 8-byte fields. A layer repeats a few owners over thousands
    of entries, so the pair is looked up rather than parsed each time."""
    owners = _OWNERS.get(fields)
    if owners is None:
        owners = (_owner(fields[:8]), _owner(fields[8:]))
        if len(_OWNERS) < _MAX_OWNERS:
            _OWNERS[fields] = owners
    return owners


def _owner(field: bytes) -> int:
    """A uid or gid field; 0 when it is not a number. The owner is only shown, never trusted, so a
    garbled one must not make an image unreadable that was readable before owners were read."""
    try:
        return _number(field)
    except TarError:
        return 0


def _pax_owner(text: str | None, default: int) -> int:
    if text is None or not text.isascii() or not text.isdigit():
        return default
    return int(text)


def _nts(field: bytes) -> str:
    """A NUL-terminated string field."""
    end = field.find(b"\0")
    return (field if end < 0 else field[:end]).decode(_ENCODING, _ERRORS)


def _pax_records(data: bytes) -> dict[str, str]:
    """``"%d %s=%s\\n"`` records: length (the whole record, itself included), keyword, value."""
    records: dict[str, str] = {}
    position = 0
    while position < len(data):
        space = data.find(b" ", position)
        if space < 0:
            break
        length_text = data[position:space]
        if not length_text.isdigit():
            break  # tarfile also stops at the first record it cannot read
        length = int(length_text)
        if length <= 0 or position + length > len(data):
            raise TarError("invalid PAX header")
        record = data[space + 1 : position + length - 1]  # without the trailing newline
        keyword, sep, value = record.partition(b"=")
        if not sep:
            raise TarError("invalid PAX header")
        key = keyword.decode(_ENCODING, _ERRORS)
        if key in _PAX_KEYS:  # the others are dropped: a chain of headers full of them costs no memory
            records[key] = value.decode(_ENCODING, _ERRORS)
        position += length
    return records


def _pax_number(text: str, entry: str) -> int:
    """A PAX size record: a non-negative decimal number (tarfile would read anything else as 0, which
    makes a damaged entry look empty)."""
    if not text.isascii() or not text.isdigit():
        raise SizeError(entry, text)
    return int(text)
