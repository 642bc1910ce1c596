"""The database-free half of a chunk: validation, payload JSON and content hashes.

It runs in a worker thread one chunk ahead of the writer, so that reading, Arrow compute and hashing
overlap with SQLite's inserts of the previous chunk (both release the GIL for most of their work).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from xinyong.ingest.payload import digest, payload_json
from xinyong.ingest.readers import Chunk
from xinyong.ingest.validate import Context, Validated, validate_chunk


@dataclass
class Prepared:
    """A validated chunk with each row's payload text and content hash."""

    chunk: Chunk
    v: Validated
    texts: list[str | None]
    hashes: list[str | None]


def prepare_chunk(ctx: Context, chunk: Chunk, mapping: Mapping[str, str]) -> Prepared:
    """Validate a chunk and build its payloads and content hashes (no database)."""
    v = validate_chunk(ctx, chunk.table, mapping)
    texts: list[str | None] = payload_json(ctx.source.item, v).to_pylist()
    return Prepared(chunk, v, texts, digest(texts))


def prepared_chunks(
    ctx: Context, chunks: Iterator[Chunk], mapping: Mapping[str, str], *, ahead: bool = True
) -> Iterator[Prepared]:
    """Yield prepared chunks in order; with ``ahead`` the next one is prepared in a worker thread."""
    if not ahead:
        for chunk in chunks:
            yield prepare_chunk(ctx, chunk, mapping)
        return

    def next_one() -> Prepared | None:
        chunk = next(chunks, None)
        return None if chunk is None else prepare_chunk(ctx, chunk, mapping)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-prepare") as pool:
        pending: Future[Prepared | None] = pool.submit(next_one)
        while True:
            done = pending.result()
            if done is None:
                return
            pending = pool.submit(next_one)
            yield done
