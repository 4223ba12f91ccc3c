"""An upload streamed to a temporary file and checked on the way in, never held whole in memory.

The first megabyte stays in memory; the rest goes to disk, so a 500 MB upload costs the API
process about as much as a 5 KB one.
"""

from __future__ import annotations

import codecs
import tempfile
from collections.abc import AsyncIterator
from typing import IO

from servicekit.errors import Unprocessable

SPOOL_MEMORY_BYTES = 1 << 20


async def spool(chunks: AsyncIterator[bytes]) -> IO[bytes]:
    """The whole upload, rewound, once it is known to be UTF-8 without NUL bytes."""
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        async for chunk in chunks:
            if b"\x00" in chunk:
                raise Unprocessable("upload must not contain NUL bytes", field="body")
            decoder.decode(chunk)
            file.write(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        file.close()
        raise Unprocessable("upload must be UTF-8 text", field="body") from None
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file
