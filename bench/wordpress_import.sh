#!/usr/bin/env bash
# WordPress import benchmark (issue 8): generate a WXR export of POSTS posts and COMMENTS
# comments (bench/wordpress_wxr.py), then `nashra import-wordpress` it into a fresh
# PostgreSQL database under /usr/bin/time -v: wall time and peak RSS (issue 8 wants < 1 GB).
# Then the same file again (a second import must write nothing) for its time.
# Never run by the test suite; numbers go to docs/benchmarks.md.
#
#   bench/wordpress_import.sh                         # 50,000 posts, 200,000 comments
#   POSTS=5000 COMMENTS=20000 bench/wordpress_import.sh
#
# Environment: POSTS (50000), COMMENTS (200000), PG_HOST (127.0.0.1), PG_PORT (5432),
# PG_USER (postgres), PG_DB (nashra_wp_bench: created here, dropped on exit), BATCH (200),
# SECOND (1: time a second import of the same file; 0 to skip).
# Results: artifacts/wordpress-import/{first,second}.{log,time} and summary.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/.venv/bin"
OUT="$ROOT/artifacts/wordpress-import"
POSTS=${POSTS:-50000}
COMMENTS=${COMMENTS:-200000}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
PG_DB=${PG_DB:-nashra_wp_bench}
BATCH=${BATCH:-200}
SECOND=${SECOND:-1}

[ -x "$BIN/nashra" ] || { echo "wordpress_import.sh: run 'make venv' first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "wordpress_import.sh: needs GNU time (apt-get install time)" >&2; exit 2; }

WORK=$(mktemp -d -t nashra-wpbench.XXXXXX)
pg_created=0
cleanup() {
  rm -rf "$WORK"
  if [ "$pg_created" = 1 ]; then
    dropdb --if-exists -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM
mkdir -p "$OUT"

export DJANGO_SETTINGS_MODULE=nashra.settings.production
export SECRET_KEY=bench-only-not-secret
export DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$PG_DB"
export NASHRA_VAR_DIR="$WORK/var"
export LOG_LEVEL=WARNING
unset REDIS_URL

echo "== generating $POSTS posts, $COMMENTS comments"
export_file="$WORK/export.xml"
gen_start=$(date +%s.%N)
"$BIN/python" "$ROOT/bench/wordpress_wxr.py" "$export_file" --posts "$POSTS" --comments "$COMMENTS"
gen_end=$(date +%s.%N)
size=$(du -m "$export_file" | cut -f1)

dropdb --if-exists -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
pg_created=1
"$BIN/nashra" setup > "$OUT/setup.log" 2>&1

run_import() {  # run_import NAME
  local name=$1 status=0
  echo "== import ($name), load before: $(uptime | sed 's/.*load average: //')"
  /usr/bin/time -v -o "$OUT/$name.time" "$BIN/nashra" import-wordpress "$export_file" \
    --no-progress --batch-size "$BATCH" > "$OUT/$name.log" 2>&1 || status=$?
  # The export has attachments without files (no --media-dir): the import reports them and
  # exits 0; any other failure is shown.
  [ "$status" = 0 ] || { echo "import ($name) exited $status" >&2; tail -20 "$OUT/$name.log" >&2; }
  echo "   load after: $(uptime | sed 's/.*load average: //')"
}

run_import first
if [ "$SECOND" = 1 ]; then
  run_import second
fi

counts=$(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -At -c "
  select (select count(*) from news_articlepage) || ' stories, ' ||
         (select count(*) from comments_comment) || ' comments, ' ||
         (select count(*) from wagtailredirects_redirect) || ' redirects, ' ||
         (select count(*) from comments_trainingexample) || ' lessons'")

field() { grep -F "$1" "$OUT/$2.time" | sed 's/.*: //'; }
{
  echo "posts=$POSTS comments=$COMMENTS export=${size} MB generated in $(echo "$gen_end - $gen_start" | bc) s"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "in the database: $counts"
  for name in first second; do
    [ -f "$OUT/$name.time" ] || continue
    echo "$name import: wall $(field 'Elapsed (wall clock)' "$name"), peak RSS $(( $(field 'Maximum resident' "$name") / 1024 )) MB"
  done
} | tee "$OUT/summary.txt"
