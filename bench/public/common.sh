# Shared by rps.sh and lighthouse.sh (sourced, not run): production settings, a prepared
# PostgreSQL database and a gunicorn server on 127.0.0.1:$BENCH_PORT.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"

: "${DATABASE_URL:?set DATABASE_URL=postgres://postgres@127.0.0.1:5432/<database> (see README.md)}"
BENCH_PORT="${BENCH_PORT:-8404}"
BENCH_WORKERS="${BENCH_WORKERS:-2}"
BENCH_THREADS="${BENCH_THREADS:-1}"
BENCH_DIR="${BENCH_DIR:-$ROOT/data/bench-public}"
mkdir -p "$BENCH_DIR"

# Production settings. The secrets are generated once per BENCH_DIR and kept there, so that the
# data loaded under one run's keys can be read by the next.
if [ ! -f "$BENCH_DIR/secrets.env" ]; then
  "$PY" - >"$BENCH_DIR/secrets.env" <<'PYEOF'
import secrets
from cryptography.fernet import Fernet
print(f"SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"DATA_ENCRYPTION_KEYS={Fernet.generate_key().decode()}")
PYEOF
fi
set -a
# shellcheck disable=SC1091
. "$BENCH_DIR/secrets.env"
set +a
export DONGHANH_ENV=production
export DJANGO_SETTINGS_MODULE=bench.public.settings
export ALLOWED_HOSTS=127.0.0.1,localhost
export DATA_DIR="$BENCH_DIR"
# Empty CACHE_URL: the production fallback, files under $DATA_DIR/cache.
export CACHE_URL="${CACHE_URL-redis://127.0.0.1:6379/4}"
# As behind a TLS-terminating proxy: requests carrying X-Forwarded-Proto: https count as HTTPS,
# so SECURE_SSL_REDIRECT and HSTS stay as in production.
export BEHIND_TLS_PROXY=true
export LOG_LEVEL=WARNING

# Production refuses to serve as a role that could empty the audit log (docs/deployment.md): the
# server runs as a platform role of its own, DATABASE_URL stays the owner (migrations, loaders).
BENCH_APP_ROLE="${BENCH_APP_ROLE:-dh_bench_app}"
BENCH_APP_URL=$(echo "$DATABASE_URL" | sed -E "s#^(postgres(ql)?://)[^@/]*@#\1$BENCH_APP_ROLE@#")

bench_prepare() {
  "$PY" manage.py migrate -v0
  psql "$DATABASE_URL" -qtAc "SELECT 1 FROM pg_roles WHERE rolname = '$BENCH_APP_ROLE'" | grep -q 1 ||
    psql "$DATABASE_URL" -qc "CREATE ROLE $BENCH_APP_ROLE LOGIN NOSUPERUSER"
  "$PY" manage.py grant_app_role "$BENCH_APP_ROLE" --apply >/dev/null
  # The demo loaders refuse to run on a production system (the demo accounts' passwords are
  # public): they run with development settings, against the same database and keys.
  DONGHANH_ENV=development "$PY" manage.py load_demo >/dev/null
  DONGHANH_ENV=development "$PY" manage.py load_directory_demo >/dev/null
  "$PY" manage.py load_articles >/dev/null
  "$PY" manage.py collectstatic --noinput -v0
  # A fresh start for the page cache: every page is rendered again on its first request.
  "$PY" -c "import django; django.setup(); from donghanh.core.page_cache import invalidate_public_pages as i; i()"
}

GUNICORN_PID=""
WORKER_PID=""

bench_server_start() {
  if curl -fs -o /dev/null "http://127.0.0.1:$BENCH_PORT/healthz"; then
    echo "something already answers on port $BENCH_PORT: stop it or set BENCH_PORT" >&2
    return 1
  fi
  DATABASE_URL="$BENCH_APP_URL" "$ROOT/.venv/bin/gunicorn" donghanh.wsgi \
    --bind "127.0.0.1:$BENCH_PORT" --workers "$BENCH_WORKERS" --threads "$BENCH_THREADS" \
    --log-level warning --pid "$BENCH_DIR/gunicorn.pid" &
  GUNICORN_PID=$!
  trap bench_server_stop EXIT
  # A jobs worker beside it, as in production (docs/jobs.md: at a lower CPU priority than the
  # web processes): it builds the search index after a publication.
  if [ "${BENCH_JOBS_WORKER:-1}" = 1 ]; then
    DATABASE_URL="$BENCH_APP_URL" nice -n 10 "$PY" manage.py run_jobs_worker --no-housekeeping \
      --worker-id "bench-$$" &
    WORKER_PID=$!
  fi
  for _ in $(seq 100); do
    if curl -fs -o /dev/null -H "X-Forwarded-Proto: https" "http://127.0.0.1:$BENCH_PORT/healthz"; then
      return 0
    fi
    sleep 0.2
  done
  echo "gunicorn did not answer on port $BENCH_PORT" >&2
  return 1
}

# A few requests per page, so that every worker has loaded its templates and translations and
# the page cache holds the page: the figures are those of a server in service.
bench_warm() {
  for path in "$@"; do
    for _ in $(seq $((BENCH_WORKERS * 10))); do
      curl -fsS -o /dev/null -H "X-Forwarded-Proto: https" "http://127.0.0.1:$BENCH_PORT$path"
    done
  done
}

bench_server_stop() {
  if [ -n "$WORKER_PID" ] && kill -0 "$WORKER_PID" 2>/dev/null; then
    kill "$WORKER_PID"
    wait "$WORKER_PID" 2>/dev/null || true
  fi
  WORKER_PID=""
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill "$GUNICORN_PID"
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  GUNICORN_PID=""
}
