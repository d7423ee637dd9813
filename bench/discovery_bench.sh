#!/usr/bin/env bash
# Discovery figures at N stories (issue 5), on PostgreSQL + Redis under production settings:
# related news for a new story, uncached home page, and the read beacon through gunicorn.
#
#   bench/discovery_bench.sh [ARTICLES]        # default 100000
#
# Environment: PG_DB (nashra_h5_bench, created here and dropped on exit), BENCH_REDIS_URL
# (redis://127.0.0.1:6379/13 — the whole Redis db is flushed), PORT (8151), LOAD_SECONDS (20).
# REUSE=1 measures an existing PG_DB (already loaded and profiled) and keeps it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES="${1:-100000}"
PG_DB="${PG_DB:-nashra_h5_bench}"
PORT="${PORT:-8151}"
SECONDS_LOAD="${LOAD_SECONDS:-20}"
REUSE="${REUSE:-0}"
BIN=.venv/bin
VAR_DIR="$(mktemp -d /tmp/nashra-discoverybench.XXXXXX)"
export DJANGO_SETTINGS_MODULE=nashra.settings.production SECRET_KEY=bench-only-not-secret \
  SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1,localhost NASHRA_VAR_DIR="$VAR_DIR" \
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$PG_DB" \
  REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/13}" LOG_LEVEL=WARNING
TIMEFORMAT='  wall %Rs'
GUNICORN_PID=""

cleanup() {
  [[ -n "$GUNICORN_PID" ]] && kill "$GUNICORN_PID" 2>/dev/null || true
  rm -rf "$VAR_DIR"
  [[ "$REUSE" == 1 ]] || dropdb --if-exists -h 127.0.0.1 -U postgres "$PG_DB" 2>/dev/null || true
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -h | awk '/^Mem:/ {print $2}');" \
  "PostgreSQL $(psql -h 127.0.0.1 -U postgres -tAc 'show server_version' | cut -d' ' -f1);" \
  "Redis $(redis-cli --version | awk '{print $2}'); git $(git rev-parse --short HEAD)"
redis-cli -u "$REDIS_URL" flushdb >/dev/null
if [[ "$REUSE" != 1 ]]; then
  dropdb --if-exists -h 127.0.0.1 -U postgres "$PG_DB"
  createdb -h 127.0.0.1 -U postgres "$PG_DB"
  "$BIN/nashra" setup >/dev/null
  echo "-- nashra demo-corpus --articles $ARTICLES"
  time "$BIN/nashra" demo-corpus --articles "$ARTICLES" >/dev/null
  echo "-- nashra related-rebuild --profiles-only"
  time "$BIN/nashra" related-rebuild --profiles-only
  # What autovacuum does on a live database after a bulk load: fresh planner statistics.
  psql -h 127.0.0.1 -U postgres -q "$PG_DB" -c ANALYZE
fi
"$BIN/nashra" collectstatic --noinput -v0
"$BIN/python" bench/discovery_speed.py

echo "-- beacon: gunicorn (deploy/gunicorn.conf.py, 2 workers x 4 threads, access log to a file)"
"$BIN/python" - > "$VAR_DIR/beacons.txt" <<'PY'
import django; django.setup()
from nashra.discovery.models import HourlyViews
from nashra.discovery.services import beacon_token
from nashra.news.models import ArticlePage
HourlyViews.objects.all().delete()
for pk in ArticlePage.objects.live().order_by("?").values_list("pk", flat=True)[:5000]:
    print("/discovery/v/{}/{}/{}/".format(pk, *beacon_token(pk)))
PY
NASHRA_SCHEDULER=0 WEB_CONCURRENCY=2 NASHRA_THREADS=4 NASHRA_BIND="127.0.0.1:$PORT" \
  "$BIN/gunicorn" -c deploy/gunicorn.conf.py --access-logfile "$VAR_DIR/access.log" \
  nashra.wsgi >"$VAR_DIR/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/robots.txt" && break; sleep 0.2; done
"$BIN/python" bench/beacon_load.py --port "$PORT" --seconds 3 --connections 16 --net 11 \
  --ids-file "$VAR_DIR/beacons.txt" >/dev/null  # warm-up (other readers), counted too
"$BIN/python" bench/beacon_load.py --port "$PORT" --seconds "$SECONDS_LOAD" --connections 64 \
  --ids-file "$VAR_DIR/beacons.txt" | tee "$VAR_DIR/load.txt"
kill "$GUNICORN_PID"; wait "$GUNICORN_PID" 2>/dev/null || true; GUNICORN_PID=""
"$BIN/python" - <<'PY'
import django; django.setup()
from django.db.models import Sum
from nashra.discovery.models import HourlyViews
from nashra.discovery.services import views_flush
written = views_flush()
total = HourlyViews.objects.aggregate(n=Sum("count"))["n"] or 0
print(f"flush: {written} reads written in one batch; HourlyViews total {total}")
PY
grep -c '" 204 ' "$VAR_DIR/access.log" | sed 's/^/access log: 204 answers (warm-up + timed run): /'
