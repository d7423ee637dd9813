#!/usr/bin/env bash
# Search benchmark (issue 3, item 6): on SQLite and on PostgreSQL, a fresh `nashra setup`,
# `nashra demo-corpus --articles N`, then the time `nashra update-search-index` takes and the
# size of the index it builds, then p50/p95 latency of /api/search/?q= and /search/?q= for
# the 50 queries of bench/search_latency_queries.tsv, served by gunicorn as production runs
# it. Never run by the test suite; numbers go to docs/benchmarks.md.
#
#   bench/search_latency.sh                       # from the repository root
#   ARTICLES=20000 REPEAT=3 bench/search_latency.sh
#   DATABASES=sqlite bench/search_latency.sh      # or DATABASES=postgresql
#   REUSE=1 SQLITE_VAR_DIR=/srv/bench/sqlite PG_DB=nashra_latency bench/search_latency.sh
#       # measure again on databases an earlier run or the same commands built: no setup,
#       # corpus or index build, nothing dropped or deleted afterwards
#
# Environment: ARTICLES (100000), REPEAT (5 timed passes after one warm-up), PORT (8124),
# DATABASES ("sqlite postgresql"), PG_HOST (127.0.0.1), PG_PORT (5432), PG_USER (postgres),
# TIMEOUT (30: seconds the client waits for an answer, as gunicorn's timeout setting; after a
# timeout the gunicorn workers are restarted, by pid, so the abandoned request stops using the
# CPU, and PostgreSQL cancels it by statement_timeout), SLOW (2: a query slower than this many
# seconds in the warm-up pass is measured once, its one sample standing for every pass).
# Each database gets its own throwaway NASHRA_VAR_DIR; the PostgreSQL database
# `nashra_search_bench` is created here and dropped on exit. The databases run one after the
# other, never at once. Results: artifacts/search-latency/{sqlite,postgresql}.json and
# artifacts/search-latency/summary.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/.venv/bin"
NASHRA="$BIN/nashra"
HELPER=("$BIN/python" "$ROOT/bench/search_latency.py")
OUT="$ROOT/artifacts/search-latency"
HOST=127.0.0.1
PORT=${PORT:-8124}
ARTICLES=${ARTICLES:-100000}
REPEAT=${REPEAT:-5}
TIMEOUT=${TIMEOUT:-30}
SLOW=${SLOW:-2}
DATABASES=${DATABASES:-"sqlite postgresql"}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
REUSE=${REUSE:-0}
PG_DB=${PG_DB:-nashra_search_bench}
SQLITE_VAR_DIR=${SQLITE_VAR_DIR:-}
PG_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$PG_DB"

[ -x "$NASHRA" ] || { echo "search_latency.sh: $NASHRA missing; run 'make venv' first" >&2; exit 2; }
if curl -s -o /dev/null "http://$HOST:$PORT/" 2>/dev/null; then
  echo "search_latency.sh: something already answers on $HOST:$PORT; set PORT=" >&2; exit 2
fi

WORK=$(mktemp -d -t nashra-searchbench.XXXXXX)
server_pid=""
pg_created=0
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  stop_server
  rm -rf "$WORK"
  if [ "$pg_created" = 1 ]; then
    dropdb --if-exists -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM

mkdir -p "$OUT"
labels=()

bench_database() {  # bench_database LABEL: everything for one database, in $WORK/LABEL
  local label=$1 result="$OUT/$1.json" db_env=() size_args=() server_env=()
  local var_dir="$WORK/$label"
  if [ "$REUSE" = 1 ] && [ "$label" = sqlite ]; then
    [ -f "$SQLITE_VAR_DIR/nashra.sqlite3" ] || { echo "REUSE=1 needs SQLITE_VAR_DIR" >&2; exit 2; }
    var_dir=$SQLITE_VAR_DIR
  fi
  mkdir -p "$var_dir"
  rm -f "$result"
  export NASHRA_VAR_DIR="$var_dir"
  if [ "$label" = postgresql ]; then
    if [ "$REUSE" != 1 ]; then
      dropdb --if-exists -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
      createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
      pg_created=1
    fi
    db_env=(DATABASE_URL="$PG_URL")
    # For the server only: a query the client gave up on is cancelled by PostgreSQL too,
    # rather than running on after its worker is restarted.
    server_env=(PGOPTIONS="-c statement_timeout=${TIMEOUT}s")
    size_args=(--pg-url "$PG_URL")
  else
    size_args=(--sqlite "$var_dir/nashra.sqlite3")
  fi
  labels+=("$label")
  "${HELPER[@]}" note --out "$result" "articles=$ARTICLES" "label=$label" "reused=$REUSE"

  if [ "$REUSE" = 1 ]; then
    echo "== $label: reusing the database built earlier (no setup, corpus or index build)"
    env "${db_env[@]}" DJANGO_SETTINGS_MODULE=nashra.settings.dev "$NASHRA" migrate -v0
    "${HELPER[@]}" size --out "$result" --key size_after "${size_args[@]}"
  else
  echo "== $label: setup, demo-corpus --articles $ARTICLES, update-search-index (dev settings)"
  env "${db_env[@]}" DJANGO_SETTINGS_MODULE=nashra.settings.dev \
    "${HELPER[@]}" timed --out "$result" --key setup_s -- "$NASHRA" setup
  env "${db_env[@]}" DJANGO_SETTINGS_MODULE=nashra.settings.dev \
    "${HELPER[@]}" timed --out "$result" --key corpus_s -- \
    "$NASHRA" demo-corpus --articles "$ARTICLES"
  "${HELPER[@]}" size --out "$result" --key size_before "${size_args[@]}"
  env "${db_env[@]}" DJANGO_SETTINGS_MODULE=nashra.settings.dev \
    "${HELPER[@]}" timed --out "$result" --key index_build_s -- "$NASHRA" update-search-index
  if [ "$label" = postgresql ]; then
    # What autovacuum does a minute after a bulk load, done now so the planner has statistics
    # before the first query, and so the sizes below are settled.
    psql -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -c "VACUUM ANALYZE"
  fi
  "${HELPER[@]}" size --out "$result" --key size_after "${size_args[@]}"
  fi

  echo "== $label: gunicorn (production settings, deploy/gunicorn.conf.py, 2 workers) on http://$HOST:$PORT"
  # Production settings from here on, as bench/lighthouse.sh serves them: plain http on
  # localhost, so no https redirect; media served by Django.
  local prod_env=("${db_env[@]}" DJANGO_SETTINGS_MODULE=nashra.settings.production
    SECRET_KEY=bench SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=$HOST NASHRA_SERVE_MEDIA=1
    BASE_URL="http://$HOST:$PORT")
  env "${prod_env[@]}" "$NASHRA" collectstatic --noinput -v0
  env "${prod_env[@]}" "${server_env[@]}" NASHRA_SCHEDULER=0 "$BIN/gunicorn" \
    --config "$ROOT/deploy/gunicorn.conf.py" --bind "$HOST:$PORT" --workers 2 \
    --access-logfile "$var_dir/access.log" --error-logfile "$var_dir/gunicorn.log" \
    nashra.wsgi:application 2>>"$var_dir/gunicorn.log" &
  server_pid=$!
  for _ in $(seq 1 150); do
    curl -fsS -o /dev/null "http://$HOST:$PORT/" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$var_dir/gunicorn.log" >&2; exit 1; }
    sleep 0.2
  done
  "${HELPER[@]}" run --out "$result" --base-url "http://$HOST:$PORT" --repeat "$REPEAT" \
    --timeout "$TIMEOUT" --slow "$SLOW" --server-pid "$server_pid"
  stop_server
  if grep -q -E "Traceback|WORKER TIMEOUT" "$var_dir/gunicorn.log"; then
    echo "== $label: gunicorn logged errors; last lines of its log:"
    grep -E "Traceback|WORKER TIMEOUT|Error" "$var_dir/gunicorn.log" | tail -n 5
  fi

  # Free the disk before the next database.
  if [ "$REUSE" = 1 ]; then
    unset NASHRA_VAR_DIR
    return
  fi
  rm -rf "$var_dir"
  if [ "$label" = postgresql ]; then
    dropdb --if-exists -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
    pg_created=0
  fi
  unset NASHRA_VAR_DIR
}

for db in $DATABASES; do
  case "$db" in
    sqlite|postgresql) bench_database "$db" ;;
    *) echo "search_latency.sh: unknown database '$db' (sqlite, postgresql)" >&2; exit 2 ;;
  esac
done

echo "== summary"
"${HELPER[@]}" summary --dir "$OUT" "${labels[@]}"
