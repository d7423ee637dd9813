"""Load the read beacon over HTTP/1.1 keep-alive and report requests per second.

    bench/beacon_load.py --port 8151 --seconds 20 --connections 64 --ids-file FILE

FILE holds one beacon path per line (/discovery/v/<id>/<hour>/<signature>/), made by
bench/discovery_bench.sh from the archive. Each request comes from a reader of its own
(X-Forwarded-For NET.x.y.z, believed from 127.0.0.1): one reader counts once per story and hour. A plain asyncio client (no third-party load tool
is installed here); it runs on the same 2 cores as the server, so the figure is a floor.
Prints the number of 204 answers, which the bench compares with the counts written to the
database after the flush ("no counts lost").
"""

import argparse
import asyncio
import collections
import itertools
import time

AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


async def worker(host, port, paths, offset, deadline, stats, readers, net):
    reader = writer = None
    i = offset
    while time.perf_counter() < deadline:
        if writer is None:
            reader, writer = await asyncio.open_connection(host, port)
        path = paths[i % len(paths)]
        i += 1
        n = next(readers)
        reader_address = f"{net}.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        writer.write(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {AGENT}\r\n"
                     f"X-Forwarded-For: {reader_address}\r\n"
                     f"Content-Length: 0\r\n\r\n".encode())
        status_line = await reader.readline()
        if not status_line:  # the server closed the connection (worker recycled): retry
            writer.close()
            writer = None
            i -= 1
            stats["reconnect"] += 1
            continue
        status = int(status_line.split()[1])
        length, close = 0, False
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and "close" in value.lower():
                close = True
        if length:
            await reader.readexactly(length)
        stats[status] += 1
        if close:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def main(args):
    paths = [p.strip() for p in open(args.ids_file, encoding="utf-8") if p.strip()]
    stats = collections.Counter()
    started = time.perf_counter()
    deadline = started + args.seconds
    readers = itertools.count()
    await asyncio.gather(*(worker(args.host, args.port, paths, n * 7919, deadline, stats,
                                  readers, args.net)
                           for n in range(args.connections)))
    elapsed = time.perf_counter() - started
    answered = sum(v for k, v in stats.items() if isinstance(k, int))
    print(f"beacon: {answered} requests in {elapsed:.1f} s = {answered / elapsed:.0f} req/s "
          f"({args.connections} keep-alive connections); status counts "
          f"{dict(sorted((k, v) for k, v in stats.items() if isinstance(k, int)))}; "
          f"reconnects {stats['reconnect']}")
    print(f"ANSWERED_204={stats[204]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8151)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--ids-file", required=True)
    parser.add_argument("--net", type=int, default=10,
                        help="first octet of the readers' addresses (another for a warm-up)")
    asyncio.run(main(parser.parse_args()))
