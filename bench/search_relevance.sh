#!/usr/bin/env bash
# The relevance set through the real search path, on SQLite and on PostgreSQL, each in a
# throwaway database.   bench/search_relevance.sh      (SKIP_PG=1 for SQLite only)
# Arguments go to search_relevance.py (--json OUT, --compare EARLIER.json); with --json, the
# PostgreSQL run writes OUT with .postgresql before its extension.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
VAR_DIR="$(mktemp -d /tmp/nashra-relevance.XXXXXX)"
cleanup() {
  rm -rf "$VAR_DIR"
  [ "${SKIP_PG:-0}" = 1 ] || dropdb -h 127.0.0.1 -U postgres --if-exists "$PG_DB" 2>/dev/null || true
}
trap cleanup EXIT

PG_DB=${PG_DB:-nashra_relevance_bench}
NASHRA_VAR_DIR="$VAR_DIR" DATABASE_URL= "$PY" bench/search_relevance.py "$@"
if [ "${SKIP_PG:-0}" != 1 ]; then
  dropdb -h 127.0.0.1 -U postgres --if-exists "$PG_DB"
  createdb -h 127.0.0.1 -U postgres "$PG_DB"
  pg_args=("${@//.json/.postgresql.json}")
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$PG_DB" "$PY" bench/search_relevance.py "${pg_args[@]}"
fi
