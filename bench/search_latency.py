"""Search benchmark helpers for bench/search_latency.sh (issue 3, item 6).

    search_latency.py note   --out FILE KEY=VALUE...             # record a fact
    search_latency.py timed  --out FILE --key KEY -- COMMAND...   # wall time of a command
    search_latency.py size   --out FILE --key KEY (--sqlite PATH | --pg-url URL)
    search_latency.py run    --out FILE --base-url URL [--repeat 5] [--queries TSV]
    search_latency.py summary --dir DIR LABEL...                  # table of LABEL.json files

Each subcommand merges what it measured into one JSON file per database (FILE), and
`summary` prints the table and writes DIR/summary.txt. `run` is the client: the 50 queries
of bench/search_latency_queries.tsv against /api/search/?q= and /search/?q=, sequentially
from one client with urllib: one warm-up pass, then REPEAT timed passes (each pass asks every
query of both endpoints in turn). Standard library only, plus psycopg for `size --pg-url`.
"""

import argparse
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "search_latency_queries.tsv"
ENDPOINTS = {"api": "/api/search/", "page": "/search/", "home": "/"}
SEARCH_ENDPOINTS = ("api", "page")
TARGET_API_P95_MS = 50.0
# The search index: Wagtail's index table, its B-tree indexes, and (SQLite) the FTS5 table
# with its shadow tables.
SQLITE_INDEX_TABLES = re.compile(r"^wagtailsearch_indexentry(_fts(_\w+)?)?$")
PG_INDEX_TABLE = "wagtailsearch_indexentry"


# --- JSON file per database --------------------------------------------------------------

def _merge(path: Path, values: dict) -> None:
    data = json.loads(path.read_text()) if path.exists() else {}
    data.update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1))


def cmd_note(args) -> int:
    values = {}
    for item in args.pairs:
        key, _, value = item.partition("=")
        values[key] = int(value) if value.isdigit() else value
    _merge(Path(args.out), values)
    return 0


def cmd_timed(args) -> int:
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    clock = time.perf_counter()
    code = subprocess.call(command)
    seconds = time.perf_counter() - clock
    print(f"  {args.key}: {seconds:.1f} s wall (exit {code})", flush=True)
    if code == 0:
        _merge(Path(args.out), {args.key: round(seconds, 2)})
    return code


# --- index size ----------------------------------------------------------------------------

def sqlite_size(path: str) -> dict:
    con = sqlite3.connect(path, timeout=60)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tables = dict(con.execute("SELECT name, tbl_name FROM sqlite_master "
                                  "WHERE type IN ('table', 'index')").fetchall())
        by_object = dict(con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"))
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        free_pages = con.execute("PRAGMA freelist_count").fetchone()[0]
        version = sqlite3.sqlite_version
    finally:
        con.close()
    parts: dict[str, int] = {}
    for name, size in by_object.items():
        if SQLITE_INDEX_TABLES.match(tables.get(name, name)):
            parts[name] = size
    files = {p.name: p.stat().st_size for p in Path(path).parent.glob(Path(path).name + "*")}
    return {
        "engine": f"SQLite {version}",
        "database_bytes": sum(files.values()),
        "files": files,
        "index_bytes": sum(parts.values()),
        "index_parts": dict(sorted(parts.items(), key=lambda kv: -kv[1])),
        "free_bytes": free_pages * page_size,
    }


def pg_size(url: str) -> dict:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        version = con.execute("SHOW server_version").fetchone()[0]
        db_bytes = con.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        total, heap, indexes, rows = con.execute(
            "SELECT pg_total_relation_size(%s::regclass), pg_relation_size(%s::regclass), "
            "pg_indexes_size(%s::regclass), (SELECT count(*) FROM " + PG_INDEX_TABLE + ")",
            (PG_INDEX_TABLE,) * 3).fetchone()
        index_rows = con.execute(
            "SELECT i.indexrelid::regclass::text, am.amname, pg_relation_size(i.indexrelid) "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am am ON am.oid = c.relam WHERE i.indrelid = %s::regclass "
            "ORDER BY 3 DESC", (PG_INDEX_TABLE,)).fetchall()
    return {
        "engine": f"PostgreSQL {version}",
        "database_bytes": db_bytes,
        "index_bytes": total,
        "index_rows": rows,
        "index_parts": {"heap": heap, "toast": total - heap - indexes, "indexes": indexes,
                        **{f"{name} ({am})": size for name, am, size in index_rows}},
        "gin_bytes": sum(size for _, am, size in index_rows if am == "gin"),
    }


def cmd_size(args) -> int:
    size = sqlite_size(args.sqlite) if args.sqlite else pg_size(args.pg_url)
    print(f"  {args.key}: database {_mb(size['database_bytes'])}, search index "
          f"{_mb(size['index_bytes'])}", flush=True)
    _merge(Path(args.out), {args.key: size})
    return 0


# --- the client ----------------------------------------------------------------------------

def load_queries(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, _, kind = line.partition("\t")
            rows.append((query.strip(), kind.strip() or "-"))
    return rows


def fetch(base_url: str, endpoint: str, query: str | None, timeout: float) -> dict:
    url = base_url + ENDPOINTS[endpoint]
    if query is not None:
        url += "?" + urllib.parse.urlencode({"q": query})
    clock = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
        ms = (time.perf_counter() - clock) * 1000
        timed_out = "timed out" in str(error) or isinstance(error, TimeoutError)
        return {"ms": max(ms, timeout * 1000) if timed_out else ms, "status": 0,
                "timeout": timed_out, "error": str(error)}
    ms = (time.perf_counter() - clock) * 1000
    result = {"ms": ms, "status": status, "bytes": len(body)}
    if status == 200 and endpoint == "api":
        data = json.loads(body)
        result.update(total=data["total"], shown=len(data["results"]))
    elif status == 200:
        result.update(shown=body.decode("utf-8").count('<li class="search-result">'))
    return result


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _prewarm(base: str) -> None:
    """Load the application in every worker: a few home pages and a rejected empty search."""
    for _ in range(4):
        for endpoint, query in (("home", None), ("api", "")):
            try:
                fetch(base, endpoint, query, 60)
            except Exception:  # noqa: BLE001 - warming only
                pass


def _restart_workers(server_pid: int, base: str) -> None:
    """After a client timeout the worker goes on computing the abandoned request (gthread
    workers are not killed by gunicorn's timeout while they heartbeat), which would slow every
    later request on two cores. Kill the workers of our own gunicorn, by pid, and wait for
    the master to start fresh ones."""
    old = _children(server_pid)
    for pid in old:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        new = _children(server_pid) - old
        if len(new) >= 2:
            break
        time.sleep(0.2)
    _prewarm(base)


def cmd_run(args) -> int:
    queries = load_queries(Path(args.queries))
    base = args.base_url.rstrip("/")
    endpoints = list(SEARCH_ENDPOINTS)
    print(f"  {len(queries)} queries x {len(endpoints)} endpoints: 1 warm-up pass + "
          f"{args.repeat} timed passes against {base} (timeout {args.timeout:g} s; a query "
          f"slower than {args.slow:g} s in the warm-up is measured once)", flush=True)
    _prewarm(base)
    warmup: dict[str, dict[str, dict]] = {e: {} for e in endpoints}
    timed: dict[str, dict[str, list]] = {e: {q: [] for q, _ in queries} for e in endpoints}
    restarts = 0
    load_start = os.getloadavg()
    clock = time.perf_counter()
    for n in range(args.repeat + 1):
        for query, _kind in queries:
            for endpoint in endpoints:
                if n and (warmup[endpoint][query]["ms"] > args.slow * 1000
                          or warmup[endpoint][query]["status"] == 0):
                    continue  # measured once: the warm-up sample stands for every pass
                r = fetch(base, endpoint, query, args.timeout)
                if r.get("timeout") and args.server_pid:
                    _restart_workers(args.server_pid, base)
                    restarts += 1
                if n == 0:
                    warmup[endpoint][query] = r
                    if args.verbose:
                        print(f"    {endpoint} {query}: {r['ms']:.0f} ms, status {r['status']}",
                              flush=True)
                else:
                    timed[endpoint][query].append(r)
        label = "warm-up" if n == 0 else f"pass {n}/{args.repeat}"
        print(f"  {label} done ({time.perf_counter() - clock:.0f} s)", flush=True)

    out = {"queries": len(queries), "repeat": args.repeat, "base_url": base,
           "timeout_s": args.timeout, "slow_s": args.slow, "worker_restarts": restarts,
           # The machine may be shared: its 1-minute load average before and after the passes.
           "load_average": [round(load_start[0], 2), round(os.getloadavg()[0], 2)],
           "endpoints": {}}
    for endpoint in endpoints:
        per_query, samples = [], []
        for query, kind in queries:
            first = warmup[endpoint][query]
            rs = timed[endpoint][query]
            once = not rs
            if once:
                rs = [first] * args.repeat
            samples += rs
            last = rs[-1]
            per_query.append({
                "query": query, "kind": kind,
                "median_ms": round(statistics.median(r["ms"] for r in rs), 1),
                "max_ms": round(max(r["ms"] for r in rs), 1),
                "warmup_ms": round(first["ms"], 1),
                "measured_once": once,
                "timeout": bool(first.get("timeout")),
                "status": sorted({r["status"] for r in rs}),
                "total": last.get("total"), "shown": last.get("shown"),
            })
        ms = [r["ms"] for r in samples]
        totals = [q["total"] for q in per_query if q["total"] is not None]
        shown = [q["shown"] for q in per_query if q["shown"] is not None]
        out["endpoints"][endpoint] = {
            "requests": len(samples),
            "ok": sum(r["status"] == 200 for r in samples),
            "statuses": {str(s): sum(r["status"] == s for r in samples)
                         for s in sorted({r["status"] for r in samples})},
            "timeouts": sum(q["timeout"] for q in per_query),
            "measured_once": sum(q["measured_once"] for q in per_query),
            "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1),
            "mean_ms": round(statistics.fmean(ms), 1),
            "max_ms": round(max(ms), 1),
            "mean_total": round(statistics.fmean(totals), 1) if totals else None,
            "mean_shown": round(statistics.fmean(shown), 2) if shown else None,
            "answered_queries": len(shown),
            "zero_result_queries": [q["query"] for q in per_query if q["shown"] == 0],
            "per_query": per_query,
        }
        e = out["endpoints"][endpoint]
        print(f"  {endpoint}: p50 {_ms(e['p50_ms'], args.timeout)}, p95 "
              f"{_ms(e['p95_ms'], args.timeout)}, {e['ok']}/{e['requests']} ok, "
              f"{e['timeouts']} queries timed out, {len(e['zero_result_queries'])} with no "
              "result", flush=True)
    _merge(Path(args.out), {"latency": out})
    return 0


def _ms(value: float, timeout_s: float) -> str:
    return f">= {timeout_s * 1000:.0f} ms (timeout)" if value >= timeout_s * 1000 else f"{value:.1f} ms"


# --- the summary ---------------------------------------------------------------------------

def _mb(n: int | None) -> str:
    return "-" if n is None else f"{n / 1e6:,.1f} MB"


def _machine() -> list[str]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        mem = f"{int(mem) / 2**20:.0f} GiB"
    except (OSError, StopIteration):
        mem = "?"
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, cwd=HERE).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, cwd=HERE).stdout.strip()
    except OSError:
        rev, dirty = "?", ""
    return [
        f"machine: {os.cpu_count()} cores, {model}, {mem}, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}",
        f"git {rev}{' (uncommitted changes in tracked files)' if dirty else ''}",
    ]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip()  # noqa: E731
    return [line(header), line(["-" * w for w in widths]), *map(line, rows)]


def cmd_summary(args) -> int:
    out_dir = Path(args.dir)
    runs = {}
    for label in args.labels:
        path = out_dir / f"{label}.json"
        if path.exists():
            runs[label] = json.loads(path.read_text())
    lines = _machine()
    first = next(iter(runs.values()), {})
    lat = first.get("latency", {})
    lines.append(
        f"{first.get('articles', '?')} articles from `nashra demo-corpus`; {lat.get('queries', '?')} "
        f"queries (bench/search_latency_queries.tsv), 1 warm-up pass + {lat.get('repeat', '?')} "
        "timed passes, one sequential urllib client; gunicorn, production settings, "
        "deploy/gunicorn.conf.py, 2 workers")
    for label, run in runs.items():
        if str(run.get("reused")) == "1":
            lines.append(f"{label}: database reused from an earlier build (REUSE=1): no setup, "
                         "corpus or index build timed in this run")
    lines.append("")

    rows = []
    for label, run in runs.items():
        engine = (run.get("size_after") or {}).get("engine", label)
        timeout = run.get("latency", {}).get("timeout_s", 30)
        for endpoint in SEARCH_ENDPOINTS:
            path = ENDPOINTS[endpoint]
            e = run.get("latency", {}).get("endpoints", {}).get(endpoint)
            if not e:
                rows.append([engine, path + "?q=", "-", "-", "-", "-", "-", "-", "-", "-"])
                continue
            mean_results = e["mean_total"] if e["mean_total"] is not None else e["mean_shown"]
            fmt = lambda v, t=timeout: f">={t * 1000:.0f}" if v >= t * 1000 else f"{v:.1f}"  # noqa: E731
            rows.append([
                engine, path + "?q=", fmt(e["p50_ms"]), fmt(e["p95_ms"]), fmt(e["max_ms"]),
                f"{e['ok']}/{e['requests']}",
                "-" if mean_results is None else (
                    f"{mean_results:,.0f}" if endpoint == "api" else f"{mean_results:.1f} shown"),
                f"{len(e['zero_result_queries'])}/{e['answered_queries']}",
                str(e["timeouts"]), str(e["measured_once"]),
            ])
    lines += _table(["database", "endpoint", "p50 ms", "p95 ms", "max ms", "200 ok",
                     "mean results", "zero-result q", "timed-out q", "measured-once q"], rows)
    lines.append("mean results: mean `total` of the JSON answers (matching stories), and mean "
                 "number of results shown on the page; zero-result q: queries answered with no "
                 "result / queries answered; timed-out q: no answer within the client timeout "
                 "(counted at the timeout); measured-once q: slower than the slow threshold in "
                 "the warm-up, so that one sample stands for every pass.")
    lines.append("")

    rows = []
    for label, run in runs.items():
        before, after = run.get("size_before") or {}, run.get("size_after") or {}
        detail = ""
        if after.get("gin_bytes") is not None:
            parts = after["index_parts"]
            detail = (f"heap {_mb(parts['heap'])} + toast {_mb(parts['toast'])} + indexes "
                      f"{_mb(parts['indexes'])} (GIN {_mb(after['gin_bytes'])})")
        elif after.get("index_parts"):
            fts = sum(v for k, v in after["index_parts"].items() if "_fts" in k)
            detail = f"FTS5 {_mb(fts)} + index table {_mb(after['index_bytes'] - fts)}"
            if before.get("database_bytes"):
                grew = after["database_bytes"] - before["database_bytes"]
                detail += f"; file grew {_mb(grew)}"
        rows.append([
            after.get("engine", label), f"{run.get('setup_s', '-')}",
            f"{run.get('corpus_s', '-')}", f"{run.get('index_build_s', '-')}",
            _mb(after.get("index_bytes")), _mb(before.get("database_bytes")),
            _mb(after.get("database_bytes")), detail,
        ])
    lines += _table(["database", "setup s", "demo-corpus s", "index build s", "index size",
                     "db before", "db after", "index detail"], rows)
    lines.append("")

    verdicts = []
    for label, run in runs.items():
        e = run.get("latency", {}).get("endpoints", {}).get("api")
        if e:
            ok = e["p95_ms"] <= TARGET_API_P95_MS
            timeout = run["latency"].get("timeout_s", 30)
            verdicts.append(f"{label}: JSON p95 {_ms(e['p95_ms'], timeout)} -> "
                            f"{'meets' if ok else 'MISSES'} the target p95 <= "
                            f"{TARGET_API_P95_MS:.0f} ms")
    lines += verdicts
    for label, run in runs.items():
        load = run.get("latency", {}).get("load_average")
        if load:
            lines.append(f"{label}: 1-minute load average {load[0]} before and {load[1]} after "
                         f"the timed passes ({os.cpu_count()} cores)")
    lines.append("")

    for label, run in runs.items():
        for endpoint in SEARCH_ENDPOINTS:
            e = run.get("latency", {}).get("endpoints", {}).get(endpoint)
            if not e:
                continue
            if e["zero_result_queries"]:
                lines.append(f"{label} {endpoint}: no result for "
                             + "، ".join(e["zero_result_queries"]))
            slow = sorted(e["per_query"], key=lambda q: -q["median_ms"])[:5]
            lines.append(f"{label} {endpoint}: slowest (median ms, results): " + "; ".join(
                f"{q['query']} {q['median_ms']:.0f}"
                f" ({'timeout' if q['timeout'] else q['total'] if q['total'] is not None else q['shown']})"
                for q in slow))
            fast = sorted(e["per_query"], key=lambda q: q["median_ms"])[:3]
            lines.append(f"{label} {endpoint}: fastest: " + "; ".join(
                f"{q['query']} {q['median_ms']:.0f}" for q in fast))
    text = "\n".join(lines).rstrip() + "\n"
    print(text, end="")
    (out_dir / "summary.txt").write_text(text, encoding="utf-8")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("note")
    p.add_argument("--out", required=True)
    p.add_argument("pairs", nargs="+", metavar="KEY=VALUE")
    p.set_defaults(func=cmd_note)
    p = sub.add_parser("timed")
    p.add_argument("--out", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("command", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_timed)
    p = sub.add_parser("size")
    p.add_argument("--out", required=True)
    p.add_argument("--key", required=True)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--sqlite")
    g.add_argument("--pg-url")
    p.set_defaults(func=cmd_size)
    p = sub.add_parser("run")
    p.add_argument("--out", required=True)
    p.add_argument("--base-url", required=True)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--timeout", type=float, default=30,
                   help="seconds before the client gives up on a request (gunicorn's timeout)")
    p.add_argument("--slow", type=float, default=2,
                   help="a query slower than this (s) in the warm-up is not repeated")
    p.add_argument("--server-pid", type=int,
                   help="gunicorn master: its workers are restarted after a client timeout")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--queries", default=str(QUERIES))
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("summary")
    p.add_argument("--dir", required=True)
    p.add_argument("labels", nargs="+")
    p.set_defaults(func=cmd_summary)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
