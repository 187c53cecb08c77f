"""A fast event receiver on loopback: answers every POST 200 and notes when each event came.

``python -m bench.receiver --port P --out FILE [--fail-every N]``: one asyncio process,
HTTP/1.1 keep-alive, a line ``<X-Leadcrm-Event-Id>\\t<unix time>`` per request, written to
FILE (flushed every 0.2 s and on SIGTERM). Used by the event benchmark and the worker tests,
where a threaded http.server would be the bottleneck.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import time
from pathlib import Path

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"


async def serve(port: int, out: Path, delay: float) -> None:
    lines: list[str] = []
    stop = asyncio.Event()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                headers = {}
                for line in head.decode("latin-1").split("\r\n")[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0"))
                if length:
                    await reader.readexactly(length)
                lines.append(f"{headers.get('x-leadcrm-event-id', '')}\t{time.time():.6f}\n")
                if delay:
                    await asyncio.sleep(delay)
                writer.write(OK)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def flush() -> None:
        with out.open("a") as handle:
            while not stop.is_set():
                await asyncio.sleep(0.2)
                taken = lines[:]
                del lines[: len(taken)]
                handle.writelines(taken)
                handle.flush()
            handle.writelines(lines)

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    writer_task = asyncio.create_task(flush())
    async with server:
        await stop.wait()
    await writer_task


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.receiver")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before answering")
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.out, args.delay))


if __name__ == "__main__":
    main()
