#!/usr/bin/env bash
# Lighthouse (mobile profile, Debian's chromium, headless) for the home page, an article and the
# self-check, served by gunicorn and WhiteNoise with production settings. See README.md.
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

BENCH_LH_RUNS="${BENCH_LH_RUNS:-3}"
ARTICLE="${BENCH_ARTICLE:-/articles/lua-dao-viec-lam-tren-mang/}"
RESULTS="${BENCH_RESULTS:-$ROOT/bench/results}"
mkdir -p "$RESULTS"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"

[ -x bench/public/node_modules/.bin/lighthouse ] || npm ci --prefix bench/public --no-audit --no-fund
# Chromium fetches robots.txt without the proxy header below: here, as when the TLS proxy itself
# sends http:// to https://, Django leaves that redirect to the proxy (HSTS stays on).
export SECURE_SSL_REDIRECT=false
[ "${BENCH_SKIP_PREPARE:-}" = 1 ] || bench_prepare
bench_server_start

# localhost is a secure context, as the real site behind its TLS proxy; the proxy's header is
# sent with every request so that the production HTTPS redirect stays on.
CHROME_FLAGS="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
--disable-background-networking --disable-component-update --disable-sync --no-first-run \
--disable-default-apps --disable-extensions --metrics-recording-only --mute-audio"

declare -A PAGES=([home]=/ [article]="$ARTICLE" [self-check]=/self-check/)
bench_warm "${PAGES[@]}"
for run in $(seq "$BENCH_LH_RUNS"); do for name in home article self-check; do
  bench/public/node_modules/.bin/lighthouse "http://localhost:$BENCH_PORT${PAGES[$name]}" \
    --form-factor=mobile --screenEmulation.mobile \
    --only-categories=performance,accessibility,best-practices,seo \
    --extra-headers='{"X-Forwarded-Proto": "https"}' \
    --chrome-flags="$CHROME_FLAGS" --max-wait-for-load=30000 \
    --output=json --output=html --output-path="$RESULTS/lighthouse-$name-$run" --quiet
done; done

# Scores move from run to run with the machine's load: each is the median of the runs.
node - "$RESULTS" "$BENCH_LH_RUNS" <<'JSEOF'
const fs = require("fs");
const [dir, runs] = [process.argv[2], Number(process.argv[3])];
const categories = ["performance", "accessibility", "best-practices", "seo"];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
console.log(`median of ${runs} run(s) per page`);
console.log(["page".padEnd(12), ...categories.map((c) => c.padStart(15))].join(""));
for (const name of ["home", "article", "self-check"]) {
  const reports = [];
  for (let run = 1; run <= runs; run++) {
    reports.push(JSON.parse(fs.readFileSync(`${dir}/lighthouse-${name}-${run}.report.json`)));
  }
  const score = (r, c) => Math.round(r.categories[c].score * 100);
  const scores = categories.map((c) => median(reports.map((r) => score(r, c))));
  const all = reports.map((r) => categories.map((c) => score(r, c)).join("/")).join("  ");
  console.log([name.padEnd(12), ...scores.map((s) => String(s).padStart(15))].join("") + `   runs: ${all}`);
  const performance = median(reports.map((r) => score(r, "performance")));
  const report = reports.find((r) => score(r, "performance") === performance);
  for (const audit of Object.values(report.audits)) {
    if (audit.score !== null && audit.score < 1 && audit.scoreDisplayMode !== "informative" &&
        audit.scoreDisplayMode !== "manual" && audit.scoreDisplayMode !== "notApplicable") {
      console.log(`    ${audit.id}: ${audit.score} ${audit.displayValue || ""}`);
    }
  }
}
JSEOF
