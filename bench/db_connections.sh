#!/usr/bin/env bash
# How `nashra serve` should hold its PostgreSQL connections (issue 7): a new connection per
# request (CONN_MAX_AGE=0), persistent connections checked before reuse (CONN_MAX_AGE=60 +
# CONN_HEALTH_CHECKS, the shipped setting) or psycopg's pool (OPTIONS["pool"]).
#
#   bench/db_connections.sh        # builds its own demo database, then wrk per mode and page
#
# Each mode is a two-line settings module written to a temporary directory on top of
# nashra.settings.production, so nothing but DATABASES differs. Pages: /robots.txt (one
# site lookup: the connection's cost dominates) and a demo story (a real render, no page
# cache). Needs wrk and psycopg-pool (in the `test` extra). Environment: PG_DB
# (nashra_dbconn_bench, dropped and made again), PORT (8152), LOAD_SECONDS (10),
# CONNECTIONS (16), WEB_CONCURRENCY (2), NASHRA_THREADS (4).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "db_connections.sh: wrk missing (apt-get install wrk)" >&2; exit 2; }
PG_DB="${PG_DB:-nashra_dbconn_bench}"
PORT="${PORT:-8152}"
BIN="$PWD/.venv/bin"
TMP="$(mktemp -d /tmp/nashra-dbconn.XXXXXX)"
export DJANGO_SETTINGS_MODULE=nashra.settings.production SECRET_KEY=bench-only-not-secret \
  SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1,localhost NASHRA_VAR_DIR="$TMP" \
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$PG_DB" LOG_LEVEL=WARNING \
  NASHRA_SCHEDULER=0 PYTHONPATH="$TMP${PYTHONPATH:+:$PYTHONPATH}"
unset REDIS_URL  # the database alone: no cache in another process between the page and it
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

echo "== $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); $(wrk --version 2>&1 | head -1);" \
  "git $(git rev-parse --short HEAD); load average $(cut -d' ' -f1-3 /proc/loadavg)"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
"$BIN/nashra" setup --demo >/dev/null
"$BIN/nashra" collectstatic --noinput >/dev/null
STORY="$("$BIN/python" -c '
import django; django.setup()
from nashra.news.models import ArticlePage
print(ArticlePage.objects.live().order_by("pk").first().url)')"

write_mode() {  # name, then the lines that change DATABASES["default"]
  local name=$1; shift
  { echo "from nashra.settings.production import *  # noqa"; printf '%s\n' "$@"; } \
    > "$TMP/dbconn_$name.py"
}
write_mode per_request 'DATABASES["default"].update(CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=False)'
write_mode persistent 'DATABASES["default"].update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)'
write_mode pool 'DATABASES["default"].update(CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=False)' \
  'DATABASES["default"]["OPTIONS"] = {"pool": {"min_size": 4, "max_size": 8}}'

printf '\n| mode | page | requests/s | p50 | p99 | PostgreSQL backends |\n|---|---|---|---|---|---|\n'
for mode in per_request persistent pool; do
  DJANGO_SETTINGS_MODULE="dbconn_$mode" "$BIN/nashra" serve --bind "127.0.0.1:$PORT" \
    --workers "${WEB_CONCURRENCY:-2}" --threads "${NASHRA_THREADS:-4}" >"$TMP/$mode.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/robots.txt" && break; sleep 0.2; done
  for page in /robots.txt "$STORY"; do
    url="http://127.0.0.1:$PORT$page"
    curl -fs -o /dev/null "$url"
    wrk -t1 -c"${CONNECTIONS:-16}" -d3s "$url" >/dev/null  # warm-up
    wrk -t1 -c"${CONNECTIONS:-16}" -d"${LOAD_SECONDS:-10}s" --latency "$url" > "$TMP/wrk.txt"
    backends=$(psql -h 127.0.0.1 -U postgres -tAc \
      "SELECT count(*) FROM pg_stat_activity WHERE datname = '$PG_DB'")
    "$BIN/python" - "$mode" "$page" "$backends" "$TMP/wrk.txt" <<'PY'
import re, sys
mode, page, backends, path = sys.argv[1:]
text = open(path).read()
def ms(label):
    value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
note = f" ({errors.group(1)} errors)" if errors else ""
page = "story" if page != "/robots.txt" else page
print(f"| {mode} | {page} | {rps:,.0f}{note} | {ms(50):.1f} ms | {ms(99):.1f} ms | {backends} |")
PY
  done
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
done
echo; echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $PG_DB"
