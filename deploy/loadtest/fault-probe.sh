#!/usr/bin/env bash
# Probes a running replica (a staging one, or a local one) as an attacker and as an operator on a bad day:
#   1. readiness, as JSON (Healthy / Degraded with the reason / Unhealthy);
#   2. admin key guessing: 30 wrong keys from this address; the replica must answer 429 after the first few
#      (Admin:MaxFailedAttempts). This locks THIS address out of the admin API for Admin:LockoutSeconds (5 min);
#   3. load: order-sign calls from CONNECTIONS connections for SECONDS seconds while readiness is polled every second;
#      prints throughput, p50, p99, non-200 answers and every readiness state seen. Stop the store during this step
#      (pg_ctl stop, or a read-only SQLite folder) to see Degraded and, once it is back, Healthy again;
#   4. readiness again.
# The redirect, crash and reload probes run in CI (FhirRedirectTests, AuditCrashTests, RulePackReloadTests) and in
# reload-under-load.sh. From the repository root (wrk and curl from Debian's packages):
#   bash deploy/loadtest/fault-probe.sh [base-url] [seconds] [connections]
# Authentication must be off on the replica (Auth:Enabled=false) or TOKEN set to a bearer token its JWT check accepts.
set -euo pipefail
base=${1:-http://127.0.0.1:5080}
seconds=${2:-30}
connections=${3:-8}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/kcds-fault-probe.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

ready() { curl -s --max-time 3 "$base/health/ready" || echo '{"status":"unreachable"}'; }

echo "== readiness"
ready; echo

echo "== admin key guessing (30 wrong keys)"
codes=()
for i in $(seq 1 30); do
  codes+=("$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer wrong-key-$i-$RANDOM" "$base/admin/rules")")
done
echo "  answers: ${codes[*]}"
first429=0
for i in "${!codes[@]}"; do if [ "${codes[$i]}" = 429 ]; then first429=$((i + 1)); break; fi; done
if [ "$first429" -gt 0 ]; then echo "  locked out from guess $first429 on"; else echo "  NOT locked out after 30 wrong keys"; fi
curl -s -o /dev/null -D - -H "Authorization: Bearer wrong" "$base/admin/rules" | grep -i '^retry-after' || true

echo "== load: $connections connections for $seconds s, readiness polled every second"
( while true; do ready | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], "; ".join(c.get("description") or "" for c in d.get("checks", []) if c.get("status") != "Healthy"))' 2>/dev/null || echo unreachable; sleep 1; done ) >"$work/health.txt" &
poller=$!
headers=()
[ -n "${TOKEN:-}" ] && headers=(-H "Authorization: Bearer $TOKEN")
REQUEST_FILE="$root/examples/requests/order-sign-bp-crisis.json" SERVICE_PATH=/cds-services/ketamine-order-sign \
  wrk -t2 -c"$connections" -d"${seconds}s" -s "$here/post.lua" "${headers[@]}" "$base" | grep -E '^(requests|latency|throughput)'
kill "$poller" 2>/dev/null || true
echo "  readiness states seen (count, state, reason):"
sort "$work/health.txt" | uniq -c | sed 's/^/   /'

echo "== readiness"
ready; echo
