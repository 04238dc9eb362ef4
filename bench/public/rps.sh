#!/usr/bin/env bash
# Requests per second of the public home page and an article page, against a static file and a
# minimal Django view served by the same server, with wrk on this machine; then a publication
# followed by searches, none of which may wait for the index to be rebuilt. See README.md.
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

BENCH_DURATION="${BENCH_DURATION:-15s}"
BENCH_CONNECTIONS="${BENCH_CONNECTIONS:-8}"
BENCH_WRK_THREADS="${BENCH_WRK_THREADS:-1}"
BENCH_ROUNDS="${BENCH_ROUNDS:-3}"
ARTICLE="${BENCH_ARTICLE:-/articles/lua-dao-viec-lam-tren-mang/}"

if [ "${BENCH_RPS:-1}" = 1 ] && ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else
    echo "wrk is missing: sudo apt-get install wrk" >&2
    exit 1
  fi
fi

if [ "${BENCH_SKIP_PREPARE:-}" != 1 ]; then
  bench_prepare
  if [ "${BENCH_SEARCH_CORPUS:-1}" = 1 ]; then
    # bench/search's 5,000 articles (vi + en) and 20,000 providers beside the demo content, so
    # that a rebuild of the search index costs what it costs on a large platform.
    "$PY" -c "import bench.search.run as r; r.generate(replace=False)"
    # Written in bulk, not through the services: a new generation by hand, as a publication.
    "$PY" -c "import django; django.setup(); from donghanh.core.page_cache import invalidate_public_pages as i; i()"
  fi
  "$PY" manage.py build_search_indexes -v0 >/dev/null
fi
bench_server_start

# The floor of a cached page: a static file, served by WhiteNoise in the same server.
STATIC=$(curl -fsS -H "X-Forwarded-Proto: https" "http://127.0.0.1:$BENCH_PORT/" |
  grep -o 'href="/static/[^"]*\.css"' | head -1 | cut -d'"' -f2)
declare -A PATHS=([static]="$STATIC" [minimal]=/bench/minimal [home]=/ [article]="$ARTICLE")
for name in static minimal home article; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Forwarded-Proto: https" \
    "http://127.0.0.1:$BENCH_PORT${PATHS[$name]}")
  if [ "$status" != 200 ]; then
    echo "${PATHS[$name]} answered $status, not 200" >&2
    exit 1
  fi
done

bench_warm "${PATHS[@]}"

if [ "${BENCH_RPS:-1}" = 1 ]; then
  declare -A RESULTS=()
  for round in $(seq "$BENCH_ROUNDS"); do
    for name in static minimal home article; do
      rps=$(wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_CONNECTIONS" -d"$BENCH_DURATION" \
        -H "X-Forwarded-Proto: https" -H "Accept-Encoding: gzip" \
        "http://127.0.0.1:$BENCH_PORT${PATHS[$name]}" | awk '/Requests\/sec/ {print $2}')
      echo "round $round  $name  $rps req/s"
      RESULTS[$name]="${RESULTS[$name]:-} $rps"
    done
  done

  median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  echo
  echo "gunicorn: $BENCH_WORKERS workers x $BENCH_THREADS thread(s) (sync workers when 1 thread, else gthread); cache: ${CACHE_URL:-files under $DATA_DIR/cache}"
  echo "wrk: -t$BENCH_WRK_THREADS -c$BENCH_CONNECTIONS -d$BENCH_DURATION, median of $BENCH_ROUNDS rounds"
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
  static=$(echo "${RESULTS[static]}" | median)
  minimal=$(echo "${RESULTS[minimal]}" | median)
  printf '%-44s %10s %12s %12s\n' page "req/s" "/ static" "/ minimal"
  for name in static minimal home article; do
    rps=$(echo "${RESULTS[$name]}" | median)
    printf '%-44s %10s %12s %12s\n' "$name ${PATHS[$name]}" "$rps" "$(ratio "$rps" "$static")" \
      "$(ratio "$rps" "$minimal")"
  done
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

# A publication, then searches: none may wait for the index (rebuilt off the request path).
echo
"$PY" bench/public/search_after_publish.py --port "$BENCH_PORT" \
  --searches "${BENCH_SEARCHES:-200}" --concurrency "${BENCH_SEARCH_CONCURRENCY:-$BENCH_CONNECTIONS}" \
  --budget "${BENCH_SEARCH_BUDGET_MS:-100}" --quiet-searches "${BENCH_QUIET_SEARCHES:-0}" || status=$?
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "${status:-0}"
