"""The Docker daemon ends its ``docker save`` stream only after cleaning up the export (tenths of a
second for a big image), long after the archive's last byte: the reader must get that byte, and
the image be read, without waiting for the end of the stream. And it sends the first byte only
after writing the whole export (seconds): the caller must be free meanwhile."""

from __future__ import annotations

import io
import threading
import time

import pytest

from imagelint.image.archive import read_saved_image
from imagelint.image.streams import AwaitedStream, ChunkStream
from tests.support.image_archives import docker_save

_SENDER_CLEANUP_SECONDS = 10  # far longer than any reader may wait

STREAMS = [pytest.param(ChunkStream, id="ChunkStream"), pytest.param(AwaitedStream, id="AwaitedStream")]


def _sender(data: bytes, done: threading.Event, chunk: int = 32 << 10):
    """``data`` in the daemon's chunks, then a wait before the stream ends (until ``done`` is set)."""
    for start in range(0, len(data), chunk):
        yield data[start : start + chunk]
    done.wait(_SENDER_CLEANUP_SECONDS)


@pytest.mark.parametrize("stream_type", STREAMS)
def test_the_last_chunks_reach_the_reader_before_the_stream_ends(stream_type):
    done = threading.Event()
    stream = stream_type(_sender(b"x" * 100_000, done))
    started = time.monotonic()
    received = bytearray()
    buffer = bytearray(1 << 16)
    while len(received) < 100_000:
        count = stream.readinto(buffer)
        assert count, "the stream ended early"
        received += buffer[:count]
    assert time.monotonic() - started < _SENDER_CLEANUP_SECONDS / 2
    assert bytes(received) == b"x" * 100_000
    done.set()
    assert stream.readinto(buffer) == 0  # then the end, once the sender ends the stream
    stream.close()


@pytest.mark.parametrize("stream_type", STREAMS)
def test_an_image_is_read_before_its_stream_ends(stream_type):
    archive = docker_save([[("dir", "app"), ("file", "app/a", 3000)], [("file", "app/b", 70_000), ("whiteout", "app/a")]])
    done = threading.Event()
    stream = stream_type(_sender(archive, done))
    started = time.monotonic()
    try:
        image = read_saved_image(io.BufferedReader(stream, buffer_size=1 << 20), origin="test")
    finally:
        done.set()
        stream.close()
    assert time.monotonic() - started < _SENDER_CLEANUP_SECONDS / 2
    assert [len(layer.entries) for layer in image.layers] == [2, 2]
    assert [layer.size for layer in image.layers] == [3000, 70_000]


def test_chunks_are_kept_in_order_while_the_reader_is_slow():
    done = threading.Event()
    done.set()
    pieces = [bytes([n % 256]) * (32 << 10) for n in range(200)]
    stream = ChunkStream(_sender(b"".join(pieces), done), prefetch=2)
    reader = io.BufferedReader(stream, buffer_size=1 << 20)
    received = bytearray()
    while True:
        time.sleep(0.001)  # slower than the sender: the queue is full, none is taken out of order
        data = reader.read(100_000)
        if not data:
            break
        received += data
    assert bytes(received) == b"".join(pieces)


def _export(first_byte: threading.Event, events: list[str], fail_after: int | None = None):
    """A daemon's export: nothing until ``first_byte`` is set, then three chunks (or an error after
    ``fail_after`` of them); ``events`` records how it ended."""
    try:
        first_byte.wait(_SENDER_CLEANUP_SECONDS)
        for number in range(3):
            if number == fail_after:
                raise ConnectionError("the daemon went away")
            yield bytes([number]) * 1000
        events.append("ended")
    finally:
        events.append("cleaned up")


def test_the_export_is_awaited_in_the_background_and_then_read_in_order():
    first_byte, events = threading.Event(), []
    started = time.monotonic()
    stream = AwaitedStream(_export(first_byte, events))
    assert time.monotonic() - started < _SENDER_CLEANUP_SECONDS / 2  # the caller is free meanwhile
    first_byte.set()
    assert io.BufferedReader(stream).read() == bytes(1000) + bytes([1]) * 1000 + bytes([2]) * 1000
    assert events == ["ended", "cleaned up"]


@pytest.mark.parametrize("fail_after", [0, 2])
def test_an_error_of_the_export_reaches_the_reader(fail_after):
    first_byte, events = threading.Event(), []
    first_byte.set()
    stream = AwaitedStream(_export(first_byte, events, fail_after))
    with pytest.raises(ConnectionError, match="went away"):
        io.BufferedReader(stream).read()
    assert stream.readinto(bytearray(10)) == 0  # and the stream is over
    assert events == ["cleaned up"]


def test_closing_a_stream_read_in_part_cleans_up_the_export_at_once():
    first_byte, events = threading.Event(), []
    first_byte.set()
    stream = AwaitedStream(_export(first_byte, events))
    assert stream.readinto(bytearray(10)) == 10
    assert events == []
    stream.close()
    assert events == ["cleaned up"]
