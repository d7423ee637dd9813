#!/usr/bin/env bash
# HTTP benchmark (issue 7, `make bench-http`): at 100,000 stories in PostgreSQL, wrk on loopback,
# LOAD_SECONDS (20) per case at 16 and 64 connections, one case after the other:
#   (a) nginx serving a saved copy of the article's HTML as a static file (the physical limit)
#   (b) the article through the shipped nginx configuration (deploy/nginx), cache warm
#   (b+side) (b) at 64 connections again while a side process (bench/http_bench.py side) plays
#       an editor publishing and editing stories and readers posting comments as a browser does
#       (page, /comments/token/, the form after the minimum fill time), counting their errors
#       and how long each edit takes to show through nginx
#   (b+comments) (b) at 64 connections again while bench/comments_load.py posts COMMENT_RATE (50)
#       comments a second through nginx on the next newest story (its cached page is refreshed
#       as they are approved), checks each is stored, waits for the filter's queue to score them
#       all, then deletes them (issue 15)
#   (c) the article through `nashra serve` with its own page cache warm
#   (d) the article through `nashra serve` with NASHRA_PAGE_CACHE=off
#   (d-many) the same over the 20,000 newest stories in turn (the long tail: what is kept per
#       story between renders rarely helps; what every page shares still does)
#   (e) the home page, cache off      (f) /search/?q= over 50 queries in turn, cache off
# plus the RSS of every worker and a single uncached render (median of 100 sequential
# requests, nothing else running: of the article, and of 100 different stories each once). Table and targets: artifacts/http-bench/summary.txt.
#
#   make bench-http                                   # build the database, measure, drop it
#   KEEP=1 make bench-http                            # ... and keep the database
#   REUSE=1 PG_DB=nashra_http_bench bench/http_bench.sh   # measure again on a kept database
#   REUSE=1 CASES="b b+side" CONNECTIONS=64 bench/http_bench.sh   # only these cases
#
# Environment: PG_DB (nashra_http_bench), PG_HOST/PG_PORT/PG_USER (127.0.0.1/5432/postgres),
# ARTICLES (100000), LOAD_SECONDS (20), CONNECTIONS ("16 64"), CASES (all: "a b b+side b+comments c d
# d-many e f"; the single renders and memory go with (c) and (d)), WRK_THREADS (1), WORKERS (2)
# and THREADS (4) for `nashra serve`, BENCH_REDIS_URL (redis://127.0.0.1:6379/10, emptied
# first), PORT_BASE (8130: app +0, nginx loopback listener +2, static file server +3).
# Building runs `nashra setup`, `nashra demo-corpus`, `nashra update-search-index` (about 9 min
# at 100,000) and VACUUM ANALYZE with the dev settings; measuring uses the production settings
# over plain http on loopback (SECURE_SSL_REDIRECT=0). Needs wrk and Debian's nginx with the
# cache-purge module (the Makefile target installs them with apt-get when missing).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BIN="$ROOT/.venv/bin"
NASHRA="$BIN/nashra"
HELPER=("$BIN/python" "$ROOT/bench/http_bench.py")
RENDER=("$BIN/python" "$ROOT/deploy/nginx/render.py")
OUT="$ROOT/artifacts/http-bench"
PG_DB=${PG_DB:-nashra_http_bench}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
ARTICLES=${ARTICLES:-100000}
REUSE=${REUSE:-0}
KEEP=${KEEP:-0}
LOAD_SECONDS=${LOAD_SECONDS:-20}
CONNECTIONS=${CONNECTIONS:-"16 64"}
CASES=${CASES:-"a b b+side b+comments c d d-many e f"}
WRK_THREADS=${WRK_THREADS:-1}
WORKERS=${WORKERS:-2}
THREADS=${THREADS:-4}
PORT_BASE=${PORT_BASE:-8130}
APP_PORT=$PORT_BASE
NGINX_PORT=$((PORT_BASE + 2))
STATIC_PORT=$((PORT_BASE + 3))
HOST=localhost  # the Wagtail site's host: pages are stored under it and purged under it
PG_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$PG_DB"

[ -x "$NASHRA" ] || { echo "http_bench.sh: $NASHRA missing; run 'make venv' first" >&2; exit 2; }
command -v wrk >/dev/null || { echo "http_bench.sh: wrk missing (apt-get install wrk)" >&2; exit 2; }
why=$("$BIN/python" -c "import sys; sys.path.insert(0, 'deploy/nginx'); import render; print(render.missing())")
[ -z "$why" ] || { echo "http_bench.sh: $why" >&2; exit 2; }
for port in $APP_PORT $NGINX_PORT $STATIC_PORT; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
    echo "http_bench.sh: something already answers on 127.0.0.1:$port; set PORT_BASE=" >&2; exit 2
  fi
done

WORK=$(mktemp -d -t nashra-httpbench.XXXXXX)
app_pid="" nginx_pid="" pg_created=0
stop_app() {
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    kill "$app_pid"; wait "$app_pid" 2>/dev/null || true
  fi
  app_pid=""
}
cleanup() {
  stop_app
  if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  if [ "$pg_created" = 1 ] && [ "$KEEP" != 1 ]; then
    dropdb --if-exists -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM
loadavg() { cut -d' ' -f1 /proc/loadavg; }
want() { [[ " $CASES " == *" $1 "* ]]; }  # want CASE: is CASE among those asked for
rm -rf "$OUT"; mkdir -p "$OUT"

# --- the database ------------------------------------------------------------------------------
TIMEFORMAT='  wall %Rs'
if [ "$REUSE" = 1 ]; then
  echo "== reusing $PG_DB (no setup, corpus or index build)"
  DATABASE_URL="$PG_URL" DJANGO_SETTINGS_MODULE=nashra.settings.dev NASHRA_VAR_DIR="$WORK/var" \
    "$NASHRA" migrate -v0
else
  echo "== building $PG_DB: setup, demo-corpus --articles $ARTICLES, update-search-index (dev settings)"
  dropdb --if-exists -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
  createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
  pg_created=1
  for step in "setup" "demo-corpus --articles $ARTICLES" "update-search-index"; do
    echo "-- nashra $step (load $(loadavg))"
    # shellcheck disable=SC2086
    time DATABASE_URL="$PG_URL" DJANGO_SETTINGS_MODULE=nashra.settings.dev \
      NASHRA_VAR_DIR="$WORK/var" "$NASHRA" $step
  done
  psql -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -c "VACUUM ANALYZE"
fi

# --- production settings from here on -----------------------------------------------------------
export DJANGO_SETTINGS_MODULE=nashra.settings.production SECRET_KEY=bench-only-not-secret \
  SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1,localhost DATABASE_URL="$PG_URL" \
  REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/10}" NASHRA_VAR_DIR="$WORK/var" \
  STATIC_ROOT="$WORK/static" MEDIA_ROOT="$WORK/media" NASHRA_SERVE_MEDIA=0 \
  NASHRA_PURGE_URLS="http://127.0.0.1:$NGINX_PORT" NASHRA_SCHEDULER=0 LOG_LEVEL=WARNING \
  BENCH_HOST=$HOST
mkdir -p "$WORK/var" "$WORK/media" "$WORK/static-a"
redis-cli -u "$REDIS_URL" flushdb >/dev/null
"$NASHRA" collectstatic --noinput -v0
# nginx is not up yet: what prepare deletes needs no front purge.
NASHRA_PURGE_URLS="" "${HELPER[@]}" prepare --out "$WORK"
ARTICLE_PATH=$("$BIN/python" -c "import json,sys; print(json.load(open(sys.argv[1]))['path'])" "$WORK/article.json")
ARTICLE_ID=$("$BIN/python" -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$WORK/article.json")

start_app() {  # start_app on|off: `nashra serve` with the page cache on or off
  NASHRA_PAGE_CACHE=$1 "$NASHRA" serve --bind "127.0.0.1:$APP_PORT" --workers "$WORKERS" \
    --threads "$THREADS" >"$WORK/serve-$1.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 150); do
    curl -fs -o /dev/null "http://127.0.0.1:$APP_PORT/robots.txt" && return 0
    kill -0 "$app_pid" 2>/dev/null || { cat "$WORK/serve-$1.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "nashra serve did not answer" >&2; exit 1
}
rss() {  # rss LABEL PID: resident memory of a server's main process and each of its workers
  local label=$1 pid=$2 line p
  line="memory ($label): main $(($(ps -o rss= -p "$pid") / 1024)) MB; workers"
  for p in $(pgrep -P "$pid" || true); do
    line+=" $(($(ps -o rss= -p "$p") / 1024)) MB"
  done
  echo "$line" >"$OUT/rss_$label.txt"
  echo "$line"
}
cpu_ms() {  # cpu_ms PID: CPU time (user + system) of PID and its children so far, in ms
  local total=0 p ticks
  for p in "$1" $(pgrep -P "$1" || true); do
    ticks=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    total=$((total + ticks))
  done
  echo $((total * 1000 / $(getconf CLK_TCK)))
}
case_run() {  # case_run LABEL CONNECTIONS URL [PATHS_FILE]
  local label=$1 conns=$2 url=$3 paths=${4:-} before app0 app1 nginx0 nginx1
  before=$(loadavg)
  # CPU the servers spend per answer: unlike requests/s, it hardly moves with what else runs.
  app0=$(cpu_ms "$app_pid"); nginx0=$(cpu_ms "$nginx_pid")
  BENCH_PATHS="$paths" wrk -t"$WRK_THREADS" -c"$conns" -d"${LOAD_SECONDS}s" --timeout 10s \
    --latency -s bench/http_bench.lua "$url" >"$OUT/$label-c$conns.txt"
  app1=$(cpu_ms "$app_pid"); nginx1=$(cpu_ms "$nginx_pid")
  "$BIN/python" - "$label" "$conns" "$before" "$(loadavg)" "$OUT/$label-c$conns.txt" \
    "$((app1 - app0))" "$((nginx1 - nginx0))" >>"$OUT/cases.jsonl" <<'PY'
import json, sys
label, conns, before, after, path, app_ms, nginx_ms = sys.argv[1:]
line = next(l for l in open(path) if l.startswith("WRK_JSON "))
data = json.loads(line[len("WRK_JSON "):])
data.update(label=label, conns=int(conns), load_before=float(before), load_after=float(after),
            app_cpu_ms=int(app_ms), nginx_cpu_ms=int(nginx_ms))
print(json.dumps(data))
PY
  tail -n1 "$OUT/cases.jsonl" | "$BIN/python" -c "import json,sys; c=json.load(sys.stdin); print(f\"  ({c['label']}) {c['conns']} connections: {c['requests']/c['seconds']:,.0f} req/s, p50 {c['p50_us']/1000:.1f} ms, p99 {c['p99_us']/1000:.1f} ms, errors {c['http_errors']+c['socket_errors']+c['timeouts']} (load {c['load_before']})\")"
}

# --- nashra with its page cache, nginx in front -----------------------------------------------------
echo "== nashra serve ($WORKERS workers x $THREADS threads, page cache on) on :$APP_PORT; nginx on :$NGINX_PORT and :$STATIC_PORT"
start_app on
cat >"$WORK/static-server.conf" <<EOF
    # (a): the same nginx, the article's HTML as a file.
    server {
        listen 127.0.0.1:$STATIC_PORT;
        root $WORK/static-a;
        default_type text/html;
    }
EOF
NGINX_CMD=$("${RENDER[@]}" "$WORK/nginx" --upstream "127.0.0.1:$APP_PORT" \
  --loopback "127.0.0.1:$NGINX_PORT" --static-root "$WORK/static" --media-root "$WORK/media" \
  --workers auto --extra-http "$WORK/static-server.conf")
$NGINX_CMD &
nginx_pid=$!
sleep 0.5
curl -fs -H "Host: $HOST" "http://127.0.0.1:$APP_PORT$ARTICLE_PATH" -o "$WORK/static-a/article.html"
ARTICLE_BYTES=$(stat -c %s "$WORK/static-a/article.html")
for _ in 1 2 3; do  # warm both caches
  curl -fs -o /dev/null -H "Host: $HOST" "http://127.0.0.1:$NGINX_PORT$ARTICLE_PATH"
  curl -fs -o /dev/null -H "Host: $HOST" "http://127.0.0.1:$APP_PORT$ARTICLE_PATH"
done
echo "  article $ARTICLE_PATH: $ARTICLE_BYTES bytes; through nginx:" \
  "$(curl -s -o /dev/null -D - -H "Host: $HOST" "http://127.0.0.1:$NGINX_PORT$ARTICLE_PATH" \
     | grep -i -E '^(x-cache-status|cache-control):' | tr -d '\r' | tr '\n' ' ')"
"$BIN/python" - "$OUT/notes.json" <<PY
import json, sys
json.dump({"when": "$(date -u '+%Y-%m-%d %H:%M UTC')",
           "machine": "$(nproc) cores $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GiB; $(nginx -v 2>&1 | sed 's/.*: //'); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2); PostgreSQL $(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -tAc 'show server_version')",
           "git": "$(git rev-parse --short HEAD)$(git diff --quiet || echo ' (uncommitted changes)')",
           "setup": "$PG_DB ($ARTICLES stories), nashra serve $WORKERS workers x $THREADS threads, nginx worker_processes auto, wrk -t$WRK_THREADS ${LOAD_SECONDS}s per case",
           "article": "$ARTICLE_PATH", "article_bytes": $ARTICLE_BYTES},
          open(sys.argv[1], "w"), ensure_ascii=False)
PY

if want a; then
  for conns in $CONNECTIONS; do case_run a "$conns" "http://127.0.0.1:$STATIC_PORT/article.html"; done
fi
if want b; then
  for conns in $CONNECTIONS; do case_run b "$conns" "http://127.0.0.1:$NGINX_PORT$ARTICLE_PATH"; done
fi
if want b+side; then
  echo "-- (b) at 64 connections again, with the side process (editor and 2 readers commenting)"
  "${HELPER[@]}" side --base "http://127.0.0.1:$NGINX_PORT" --host "$HOST" \
    --article-id "$ARTICLE_ID" --article-path "$ARTICLE_PATH" --seconds "$LOAD_SECONDS" \
    --out "$OUT/side.json" >"$OUT/side.txt" 2>&1 &
  side_pid=$!
  case_run b+side 64 "http://127.0.0.1:$NGINX_PORT$ARTICLE_PATH"
  wait "$side_pid" || echo "  side process exited with an error (see $OUT/side.txt)"
  cat "$OUT/side.txt"
fi
if want b+comments; then
  echo "-- (b) at 64 connections again while readers post ${COMMENT_RATE:-50} comments a second (bench/comments_load.py)"
  "$BIN/python" bench/comments_load.py --base "http://127.0.0.1:$NGINX_PORT" --host "$HOST" \
    --origin "https://$HOST" --other-than "$ARTICLE_ID" --rate "${COMMENT_RATE:-50}" \
    --seconds "$LOAD_SECONDS" >"$OUT/comments.txt" 2>&1 &
  comments_pid=$!
  case_run b+comments 64 "http://127.0.0.1:$NGINX_PORT$ARTICLE_PATH"
  wait "$comments_pid" || echo "  comment load exited with an error (see $OUT/comments.txt)"
  cat "$OUT/comments.txt"
fi
if want c; then
  for _ in 1 2 3; do curl -fs -o /dev/null -H "Host: $HOST" "http://127.0.0.1:$APP_PORT$ARTICLE_PATH"; done
  for conns in $CONNECTIONS; do case_run c "$conns" "http://127.0.0.1:$APP_PORT$ARTICLE_PATH"; done
  rss cached "$app_pid"
fi
rss nginx "$nginx_pid"
stop_app

# --- nashra without its page cache ---------------------------------------------------------------
if want d || want d-many || want e || want f; then
  echo "== nashra serve, NASHRA_PAGE_CACHE=off"
  start_app off
  if want d; then
    "${HELPER[@]}" render-time --base "http://127.0.0.1:$APP_PORT" --host "$HOST" \
      --path "$ARTICLE_PATH" --n 100 --out "$OUT/render.json"
    "${HELPER[@]}" render-time --base "http://127.0.0.1:$APP_PORT" --host "$HOST" \
      --path "$ARTICLE_PATH" --n 100 --paths-file "$WORK/story_paths.txt" \
      --out "$OUT/render_many.json"
    for conns in $CONNECTIONS; do case_run d "$conns" "http://127.0.0.1:$APP_PORT$ARTICLE_PATH"; done
  fi
  if want d-many; then
    for conns in $CONNECTIONS; do
      case_run d-many "$conns" "http://127.0.0.1:$APP_PORT/" "$WORK/story_paths.txt"
    done
  fi
  if want e; then
    for conns in $CONNECTIONS; do case_run e "$conns" "http://127.0.0.1:$APP_PORT/"; done
  fi
  if want f; then
    for conns in $CONNECTIONS; do
      case_run f "$conns" "http://127.0.0.1:$APP_PORT/search/" "$WORK/search_paths.txt"
    done
  fi
  rss uncached "$app_pid"
  stop_app
fi

echo "== summary"
"${HELPER[@]}" summary --dir "$OUT"
