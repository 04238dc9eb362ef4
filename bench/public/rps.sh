#!/usr/bin/env bash
# Requests per second of the public home page and an article page, and of a minimal Django view
# under the same server, with wrk on this machine. See README.md.
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

BENCH_DURATION="${BENCH_DURATION:-15s}"
BENCH_CONNECTIONS="${BENCH_CONNECTIONS:-8}"
BENCH_WRK_THREADS="${BENCH_WRK_THREADS:-1}"
BENCH_ROUNDS="${BENCH_ROUNDS:-3}"
ARTICLE="${BENCH_ARTICLE:-/articles/lua-dao-viec-lam-tren-mang/}"

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else
    echo "wrk is missing: sudo apt-get install wrk" >&2
    exit 1
  fi
fi

[ "${BENCH_SKIP_PREPARE:-}" = 1 ] || bench_prepare
bench_server_start

declare -A PATHS=([minimal]=/bench/minimal [home]=/ [article]="$ARTICLE")
for name in minimal home article; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Forwarded-Proto: https" \
    "http://127.0.0.1:$BENCH_PORT${PATHS[$name]}")
  if [ "$status" != 200 ]; then
    echo "${PATHS[$name]} answered $status, not 200" >&2
    exit 1
  fi
done

bench_warm "${PATHS[@]}"

declare -A RESULTS=()
for round in $(seq "$BENCH_ROUNDS"); do
  for name in minimal home article; do
    rps=$(wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_CONNECTIONS" -d"$BENCH_DURATION" \
      -H "X-Forwarded-Proto: https" -H "Accept-Encoding: gzip" \
      "http://127.0.0.1:$BENCH_PORT${PATHS[$name]}" | awk '/Requests\/sec/ {print $2}')
    echo "round $round  $name  $rps req/s"
    RESULTS[$name]="${RESULTS[$name]:-} $rps"
  done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
minimal=$(echo "${RESULTS[minimal]}" | median)
home=$(echo "${RESULTS[home]}" | median)
article=$(echo "${RESULTS[article]}" | median)
echo
echo "gunicorn: $BENCH_WORKERS workers x $BENCH_THREADS thread(s) (sync workers when 1 thread, else gthread); cache: ${CACHE_URL:-files under $DATA_DIR/cache}"
echo "wrk: -t$BENCH_WRK_THREADS -c$BENCH_CONNECTIONS -d$BENCH_DURATION, median of $BENCH_ROUNDS rounds"
printf '%-28s %10s %8s\n' page "req/s" ratio
printf '%-28s %10s %8s\n' "minimal view" "$minimal" "1.00"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
printf '%-28s %10s %8s\n' "home /" "$home" "$(ratio "$home" "$minimal")"
printf '%-28s %10s %8s\n' "article $ARTICLE" "$article" "$(ratio "$article" "$minimal")"
