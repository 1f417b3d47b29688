#!/usr/bin/env bash
# Does an edited rule pack go live while the service is busy? The service is started on a copy of rules/, its
# saturation is measured (order-sign, 16 connections), then for each load (80 % of saturation, and saturation itself)
# the pack's version is edited 10 s into a 40 s run and /admin/rules is polled until the new version is live. Prints
# the time from the save to the swap (the issue's bar: 15 s at 80 %), and the run's throughput, p50, p99 and errors.
# From the repository root (wrk from Debian's packages):
#   dotnet build -c Release src/KetamineCds.Api
#   bash deploy/loadtest/reload-under-load.sh [connections]
set -euo pipefail
connections=${1:-16}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
bin=${BIN:-src/KetamineCds.Api/bin/Release/net10.0/ketamine-cds.dll}
port=5094
base=http://127.0.0.1:$port
work=$(mktemp -d /tmp/kcds-reload.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cp -r rules "$work/rules"
export REQUEST_FILE=${REQUEST_FILE:-$root/examples/requests/order-sign-bp-crisis.json} SERVICE_PATH=/cds-services/ketamine-order-sign
ASPNETCORE_ENVIRONMENT=Development Rules__Path="$work/rules" Store__ConnectionString="Data Source=$work/audit.db" \
  Audit__JournalFolder="$work/journal" Http__RequestsPerSecondPerIssuer=100000 Http__BurstPerIssuer=100000 Logging__Format=json \
  ${SERVICE_PREFIX:-} dotnet "$bin" --urls "$base" >"$work/service.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -sf "$base/health/ready" >/dev/null && break; sleep 0.5; done
curl -sf "$base/health/ready" >/dev/null || { echo "the service did not start:"; tail -5 "$work/service.log"; exit 1; }

run() { # seconds, delay in ms: "rps p50 p99 errors"
  DELAY_MS=$2 wrk -t2 -c"$connections" -d"$1s" -s "$here/post.lua" "$base" | awk '
    /^requests/ { gsub(",", ""); errors = $4 + $7 }
    /^latency/  { gsub(",", ""); p50 = $3; p99 = $9 }
    /^throughput/ { rps = $2 }
    END { print rps, p50, p99, errors }'
}
live_version() { curl -sf "$base/admin/rules" | python3 -c 'import json,sys; print(json.load(sys.stdin)["live"]["version"])'; }

run 15 0 >/dev/null # warm-up: tiered compilation settles
read -r saturation _ _ _ < <(run 8 0)
echo "saturation: $saturation requests/s ($connections connections)"

# The delay per request that holds the load at 80 %: bisected over 4 s runs.
low=0 high=$(awk -v c="$connections" -v r="$saturation" 'BEGIN { printf "%d", 2 * c * 1000 / r + 1 }')
for _ in 1 2 3 4 5; do
  mid=$(( (low + high) / 2 ))
  read -r rps _ _ _ < <(run 4 "$mid")
  if awk -v a="$rps" -v b="$saturation" 'BEGIN { exit !(a > 0.8 * b) }'; then low=$mid; else high=$mid; fi
done
eighty=$low

version=1
for load in "80 % of saturation:$eighty" "saturation:0"; do
  name=${load%%:*} delay=${load##*:}
  version=$((version + 1))
  run 40 "$delay" >"$work/run.txt" &
  wrk_pid=$!
  sleep 10
  sed -i "0,/^version: .*/s//version: 9.9.$version/" "$work/rules/pack.yaml"
  saved=$(date +%s.%N)
  went=""
  while kill -0 "$wrk_pid" 2>/dev/null; do
    if [ "$(live_version 2>/dev/null)" = "9.9.$version" ]; then went=$(date +%s.%N); break; fi
    sleep 0.2
  done
  wait "$wrk_pid"
  read -r rps p50 p99 errors <"$work/run.txt"
  if [ -n "$went" ]; then
    swap=$(awk -v a="$went" -v b="$saved" 'BEGIN { printf "%.1f s", a - b }')
  else
    swap="not live before the load ended"
  fi
  echo "$name (delay ${delay} ms a request): $rps requests/s, p50 $p50 ms, p99 $p99 ms, non-200 $errors; edit live after $swap"
done
