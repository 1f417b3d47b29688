#!/usr/bin/env bash
# Advice under a FHIR server's real latency: order-sign calls that prefetch nothing, so the service fetches all eight
# keys from a fake FHIR server whose every answer takes a lognormal time (median 120 ms, sigma 1: p95 ~620 ms,
# p99 ~1.2 s), sequentially after a warm-up. Prints the share of calls with complete advice, partial advice (some
# data named as not retrieved) and no advice (not 200), and the end-to-end p50/p95/p99.
#   from the repository root: bash deploy/loadtest/latency-spread.sh [calls] [median-ms] [sigma]
# The service runs on its shipped FHIR time budget (only the allowlist is set). Starts its own fake FHIR server and the
# service (Release build) on loopback ports 5097 and 5096, and stops both. KETAMINE_DLL runs another build.
set -euo pipefail
calls=${1:-200}
median=${2:-120}
sigma=${3:-1}
here=$(cd "$(dirname "$0")" && pwd)
example=examples/requests/order-sign-bp-crisis.json
dll=${KETAMINE_DLL:-src/KetamineCds.Api/bin/Release/net10.0/ketamine-cds.dll}
[ -n "${KETAMINE_DLL:-}" ] || dotnet build src/KetamineCds.Api -c Release -v q >/dev/null
python3 "$here/fake-fhir-server.py" "$example" 5097 "lognormal:$median:$sigma" & fhir=$!
ASPNETCORE_ENVIRONMENT=Development Fhir__AllowedServers__0=http://127.0.0.1:5097 \
  Http__RequestsPerSecondPerIssuer=100000 Http__BurstPerIssuer=100000 \
  dotnet "$dll" --urls http://127.0.0.1:5096 >/dev/null 2>&1 & service=$!
trap 'kill $fhir $service 2>/dev/null' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:5096/health/ready >/dev/null && break; sleep 0.2; done
python3 - "$example" "$calls" "$median" "$sigma" <<'PY'
import json, statistics, sys, time, urllib.error, urllib.request
example, calls, median, sigma = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
request = json.load(open(example))
request.pop('prefetch')
request['fhirServer'] = 'http://127.0.0.1:5097'
request['fhirAuthorization'] = {'access_token': 'measure', 'token_type': 'Bearer', 'expires_in': 300, 'scope': 'patient/*.read', 'subject': 'ketamine-cds'}
body = json.dumps(request).encode()

def call():
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:5096/cds-services/ketamine-order-sign', body,
                                                           {'Content-Type': 'application/json'}), timeout=30) as answer:
            status, cards = answer.status, json.load(answer)['cards']
    except urllib.error.HTTPError as error:
        status, cards = error.code, []
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        return 'none', elapsed
    # The incomplete-data card (and, in builds before 2026-11-30, its older wording) marks a partial answer.
    partial = any('incomplete' in c['summary'].lower() or 'could not be retrieved' in c['summary'] for c in cards)
    return ('partial' if partial else 'complete'), elapsed

for _ in range(10):  # warm-up: JIT, connection pool, the hedge delay's view of the server
    call()
results = [call() for _ in range(calls)]
ms = sorted(e for _, e in results)
def pct(p):
    return ms[min(len(ms) - 1, max(0, round(p / 100 * len(ms)) - 1))]
share = {k: sum(1 for o, _ in results if o == k) / len(results) * 100 for k in ('complete', 'partial', 'none')}
print(f'{calls} sequential order-sign calls, no prefetch, FHIR latency lognormal median {median} ms sigma {sigma}')
print(f"complete {share['complete']:.1f} %  partial {share['partial']:.1f} %  no advice {share['none']:.1f} %")
print(f'end-to-end p50 {pct(50):.0f} ms  p95 {pct(95):.0f} ms  p99 {pct(99):.0f} ms  max {ms[-1]:.0f} ms')
PY
