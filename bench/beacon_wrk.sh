#!/usr/bin/env bash
# The read beacon's rate (issue 5: ≥ 2,000 requests/s with Redis, no counts lost) with wrk as
# the client: a C load generator takes far less of the two cores than bench/beacon_load.py's
# asyncio client, so more of them is left to the server being measured.
#
#   PG_DB=nashra_latency bench/beacon_wrk.sh     # an existing database with live stories
#
# Needs wrk (Debian: apt-get install wrk). The server is `nashra serve` (granian), or gunicorn
# with deploy/gunicorn.conf.py when SERVER=gunicorn; 2 workers, 4 threads unless
# WEB_CONCURRENCY / NASHRA_THREADS say otherwise. Redis
# counts the reads (BENCH_REDIS_URL, default db 13 — emptied first), the access log goes to a
# file. Each request comes from a reader of its own (X-Forwarded-For, which nashra believes
# from 127.0.0.1, a trusted proxy), since one reader counts once per story and hour. Afterwards
# the counters are flushed and the reads in the database compared with the 2xx answers wrk
# saw. ONE_CLIENT=1 sends instead every beacon for one story from one address, as a client
# rigging «most read» would: the database then holds one read however many were answered.
# Environment: PG_DB (required), PORT (8151), LOAD_SECONDS (20), CONNECTIONS (64),
# WEB_CONCURRENCY (2), NASHRA_THREADS (4), ONE_CLIENT (0).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "beacon_wrk.sh: wrk missing (apt-get install wrk)" >&2; exit 2; }
: "${PG_DB:?set PG_DB to a database with live stories}"
PORT="${PORT:-8151}"
BIN=.venv/bin
VAR_DIR="$(mktemp -d /tmp/nashra-beaconwrk.XXXXXX)"
export DJANGO_SETTINGS_MODULE=nashra.settings.production SECRET_KEY=bench-only-not-secret \
  SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1,localhost NASHRA_VAR_DIR="$VAR_DIR" \
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$PG_DB" \
  REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/13}" LOG_LEVEL=WARNING
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$VAR_DIR"
}
trap cleanup EXIT

echo "== $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); $(wrk --version 2>&1 | head -1);" \
  "git $(git rev-parse --short HEAD); load average $(cut -d' ' -f1-3 /proc/loadavg)"
redis-cli -u "$REDIS_URL" flushdb >/dev/null
"$BIN/python" - > "$VAR_DIR/beacons.txt" <<'PY'
import django; django.setup()
from nashra.discovery.models import HourlyViews
from nashra.discovery.services import beacon_token
from nashra.news.models import ArticlePage
HourlyViews.objects.all().delete()
for pk in ArticlePage.objects.live().order_by("?").values_list("pk", flat=True)[:5000]:
    print("/discovery/v/{}/{}/{}/".format(pk, *beacon_token(pk)))
PY
if [[ "${SERVER:-serve}" == gunicorn ]]; then
  NASHRA_SCHEDULER=0 WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}" NASHRA_THREADS="${NASHRA_THREADS:-4}" \
    NASHRA_BIND="127.0.0.1:$PORT" "$BIN/gunicorn" -c deploy/gunicorn.conf.py \
    --access-logfile "$VAR_DIR/access.log" nashra.wsgi >"$VAR_DIR/gunicorn.log" 2>&1 &
else  # `nashra serve` (granian), the production server; its access log only counts here
  NASHRA_SCHEDULER=0 NASHRA_ACCESS_LOG=1 "$BIN/nashra" serve --bind "127.0.0.1:$PORT" \
    --workers "${WEB_CONCURRENCY:-2}" --threads "${NASHRA_THREADS:-4}" \
    >"$VAR_DIR/access.log" 2>&1 &
fi
SERVER_PID=$!
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/robots.txt" && break; sleep 0.2; done
export BEACON_PATHS="$VAR_DIR/beacons.txt"
export BEACON_ONE_CLIENT="${ONE_CLIENT:-0}"
# The warm-up's readers (11.x.x.x) are not the timed run's (10.x.x.x); both are counted.
BEACON_NET=11 wrk -t1 -c16 -d3s -s bench/beacon_wrk.lua "http://127.0.0.1:$PORT" >/dev/null
BEACON_NET=10 wrk -t1 -c"${CONNECTIONS:-64}" -d"${LOAD_SECONDS:-20}s" --latency \
  -s bench/beacon_wrk.lua "http://127.0.0.1:$PORT" | tee "$VAR_DIR/wrk.txt"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
answered=$(grep -c -E '" 204 |" 204$' "$VAR_DIR/access.log" || true)
"$BIN/python" - "$answered" <<'PY'
import sys
import django; django.setup()
from django.db.models import Sum
from nashra.discovery.models import HourlyViews
from nashra.discovery.services import views_flush
written = views_flush()
total = HourlyViews.objects.aggregate(n=Sum("count"))["n"] or 0
print(f"flush: {written} reads written; HourlyViews total {total}; "
      f"204 answers in the access log (warm-up + timed run): {sys.argv[1]}")
PY
