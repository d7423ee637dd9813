#!/usr/bin/env bash
# Lighthouse (mobile preset) against nashra as production runs it: a fresh demo install in a
# throwaway var dir, collectstatic, gunicorn with production settings on 127.0.0.1:8123.
# Audits the home page, a section page and the reference article RUNS times (default 3) and
# prints the median of each category. Reports: artifacts/lighthouse/<page>-<run>.json.
#
#   bench/lighthouse.sh            # from the repository root, after `make venv`
#   RUNS=5 bench/lighthouse.sh
#
# Needs: .venv (nashra installed), Node >= 18.20 with `npm ci` done in bench/, and
# Debian's chromium at /usr/bin/chromium (CHROME_PATH to use another).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/.venv/bin"
LIGHTHOUSE="$ROOT/bench/node_modules/.bin/lighthouse"
OUT="$ROOT/artifacts/lighthouse"
HOST=127.0.0.1
PORT=${PORT:-8123}
RUNS=${RUNS:-3}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}

[ -x "$BIN/nashra" ] || { echo "lighthouse.sh: $BIN/nashra missing; run 'make venv' first" >&2; exit 2; }
[ -x "$CHROME_PATH" ] || { echo "lighthouse.sh: no browser at $CHROME_PATH" >&2; exit 2; }
if [ ! -x "$LIGHTHOUSE" ]; then
  (cd "$ROOT/bench" && npm ci --no-audit --no-fund)
fi

if curl -s -o /dev/null "http://$HOST:$PORT/" 2>/dev/null; then
  echo "lighthouse.sh: something already answers on $HOST:$PORT; set PORT=" >&2; exit 2
fi

VAR_DIR=$(mktemp -d -t nashra-lighthouse.XXXXXX)
export NASHRA_VAR_DIR="$VAR_DIR"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$VAR_DIR"
}
trap cleanup EXIT INT TERM

echo "== demo install in $VAR_DIR"
DJANGO_SETTINGS_MODULE=nashra.settings.dev "$BIN/nashra" setup --demo >/dev/null

# Production settings from here on: the manifest static storage, DEBUG off, HSTS and the
# rest. Plain http on localhost, so the https redirect is off; media served by Django.
export DJANGO_SETTINGS_MODULE=nashra.settings.production
export SECRET_KEY=bench SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=$HOST NASHRA_SERVE_MEDIA=1
export BASE_URL="http://$HOST:$PORT"
"$BIN/nashra" collectstatic --noinput -v0

echo "== gunicorn (production settings, deploy/gunicorn.conf.py, 2 workers) on http://$HOST:$PORT"
# The deployed gunicorn configuration, minus its scheduler; command-line flags win over it.
NASHRA_SCHEDULER=0 "$BIN/gunicorn" --config "$ROOT/deploy/gunicorn.conf.py" \
  --bind "$HOST:$PORT" --workers 2 \
  --access-logfile "$VAR_DIR/access.log" --error-logfile "$VAR_DIR/gunicorn.log" \
  nashra.wsgi:application 2>>"$VAR_DIR/gunicorn.log" &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://$HOST:$PORT/" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$VAR_DIR/gunicorn.log" >&2; exit 1; }
  sleep 0.2
done

# Page.url is already percent-encoded.
article_path=$("$BIN/nashra" shell -v 0 -c '
from nashra.news.demo import REFERENCE_EXTERNAL_ID
from nashra.news.models import ArticlePage
print(ArticlePage.objects.get(external_id=REFERENCE_EXTERNAL_ID).url)' | tail -n 1)
section_path=$("$BIN/python" -c 'from urllib.parse import quote; print(quote("/أخبار/"))')
declare -A PAGES=([home]="/" [section]="$section_path" [article]="$article_path")
ORDER=(home section article)

# A reader arrives at a warm site: renditions and caches filled, in both workers.
for name in "${ORDER[@]}"; do
  for _ in 1 2 3 4; do curl -fsS -o /dev/null "http://$HOST:$PORT${PAGES[$name]}"; done
done

mkdir -p "$OUT"
rm -f "$OUT"/*.json
for run in $(seq 1 "$RUNS"); do
  for name in "${ORDER[@]}"; do
    url="http://$HOST:$PORT${PAGES[$name]}"
    echo "== run $run/$RUNS: $name $url"
    # Chromium now and then fails to record a trace (NO_NAVSTART); that run is repeated
    # once, and said so, rather than dropped.
    for attempt in 1 2; do
      if "$LIGHTHOUSE" "$url" --quiet \
          --only-categories=performance,accessibility,best-practices,seo \
          --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage" \
          --output=json --output-path="$OUT/$name-$run.json"; then
        break
      fi
      [ "$attempt" = 2 ] && exit 1
      echo "== lighthouse failed on $name (run $run); trying once more"
    done
  done
done

{
  echo "machine: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(uname -sr)"
  echo "lighthouse $("$LIGHTHOUSE" --version), $("$CHROME_PATH" --version 2>/dev/null), node $(node --version)"
  "$BIN/python" "$ROOT/bench/lighthouse_summary.py" "$OUT" "${ORDER[@]}"
} | tee "$OUT/summary.txt"
exit "${PIPESTATUS[0]}"
