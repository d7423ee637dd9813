#!/usr/bin/env bash
# How long a fresh install and `nashra demo-corpus --articles N` take, on SQLite and on
# PostgreSQL. Never run by the test suite; numbers go to docs/benchmarks.md.
#
#   bench/demo_corpus.sh [ARTICLES]          # default 100000
#
# Environment: PG_HOST (127.0.0.1), PG_PORT (5432), PG_USER (postgres), SKIP_PG=1 to measure
# SQLite only. The SQLite database lives in a throwaway NASHRA_VAR_DIR and the PostgreSQL
# database `nashra_corpus_bench` is created here and dropped on exit, so nothing touches var/.
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES="${1:-100000}"
NASHRA=.venv/bin/nashra
PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-5432}"
PG_USER="${PG_USER:-postgres}"
PG_DB=nashra_corpus_bench
VAR_DIR="$(mktemp -d /tmp/nashra-corpusbench.XXXXXX)"
export DJANGO_SETTINGS_MODULE=nashra.settings.dev
TIMEFORMAT='  wall %Rs  (user %Us, sys %Ss)'

cleanup() {
  rm -rf "$VAR_DIR"
  if [[ "${SKIP_PG:-0}" != 1 ]]; then
    dropdb --if-exists -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB" 2>/dev/null || true
  fi
}
trap cleanup EXIT

echo "== machine"
echo "  $(nproc) cores: $(lscpu | sed -n 's/^Model name: *//p')"
echo "  memory: $(free -h | awk '/^Mem:/ {print $2}')"
echo "  $(.venv/bin/python --version), SQLite $(.venv/bin/python -c 'import sqlite3; print(sqlite3.sqlite_version)')"
echo "  git $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (uncommitted changes)')"

run() {  # run LABEL [VAR=value...] COMMAND...: print the label, then time the command
  local label=$1; shift
  echo "-- $label"
  time env "$@"
}

echo "== SQLite ($VAR_DIR)"
run "nashra setup" NASHRA_VAR_DIR="$VAR_DIR" "$NASHRA" setup
run "nashra demo-corpus --articles $ARTICLES" NASHRA_VAR_DIR="$VAR_DIR" \
  "$NASHRA" demo-corpus --articles "$ARTICLES"
echo "  database: $(du -h "$VAR_DIR"/nashra.sqlite3* | awk '{printf "%s %s  ", $2, $1}' \
  | sed "s|$VAR_DIR/||g")"

if [[ "${SKIP_PG:-0}" != 1 ]]; then
  PG_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$PG_DB"
  echo "== PostgreSQL $(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -tAc 'show server_version')"
  dropdb --if-exists -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
  createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
  run "nashra setup" NASHRA_VAR_DIR="$VAR_DIR" DATABASE_URL="$PG_URL" "$NASHRA" setup
  run "nashra demo-corpus --articles $ARTICLES" NASHRA_VAR_DIR="$VAR_DIR" DATABASE_URL="$PG_URL" \
    "$NASHRA" demo-corpus --articles "$ARTICLES"
  echo "  database: $(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -tAc \
    "select pg_size_pretty(pg_database_size('$PG_DB'))")"
fi
