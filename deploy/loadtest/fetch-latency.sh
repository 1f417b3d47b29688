#!/usr/bin/env bash
# Measures a hook call that prefetches nothing, so every template is fetched from a FHIR server whose every answer
# takes DELAY_MS. If the queries run in parallel the call takes about one query's latency, not the sum.
#   from the repository root: bash deploy/loadtest/fetch-latency.sh [calls] [delay-ms]
# Starts its own fake FHIR server and the service (Release build) on loopback ports 5099 and 5098, and stops both.
set -euo pipefail
calls=${1:-30}
delay=${2:-200}
here=$(cd "$(dirname "$0")" && pwd)
example=examples/requests/order-sign-bp-crisis.json
dotnet build src/KetamineCds.Api -c Release -v q >/dev/null
python3 "$here/fake-fhir-server.py" "$example" 5099 "$delay" & fhir=$!
ASPNETCORE_ENVIRONMENT=Development Fhir__AllowedServers__0=http://127.0.0.1:5099 Fhir__DeadlineMilliseconds=1000 Fhir__AttemptTimeoutMilliseconds=800 \
  dotnet src/KetamineCds.Api/bin/Release/net10.0/ketamine-cds.dll --urls http://127.0.0.1:5098 >/dev/null 2>&1 & service=$!
trap 'kill $fhir $service 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:5098/health/ready >/dev/null && break; sleep 0.2; done
body=$(python3 -c "
import json; r=json.load(open('$example')); r.pop('prefetch'); r['fhirServer']='http://127.0.0.1:5099'
r['fhirAuthorization']={'access_token':'measure','token_type':'Bearer','expires_in':300,'scope':'patient/*.read','subject':'ketamine-cds'}
print(json.dumps(r))")
curl -s -o /dev/null -X POST http://127.0.0.1:5098/cds-services/ketamine-order-sign -H 'Content-Type: application/json' -d "$body" # warm-up
before=$(curl -s -X POST http://127.0.0.1:5099/_count)
times=()
for _ in $(seq "$calls"); do
  times+=("$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -X POST http://127.0.0.1:5098/cds-services/ketamine-order-sign -H 'Content-Type: application/json' -d "$body")")
done
after=$(curl -s -X POST http://127.0.0.1:5099/_count)
printf '%s\n' "${times[@]}" | python3 -c "
import sys, statistics
rows=[l.split() for l in sys.stdin if l.strip()]
ms=sorted(float(t)*1000 for _, t in rows)
print(f'{len(rows)} calls, statuses {sorted(set(s for s, _ in rows))}, FHIR delay ${delay} ms per query')
print(f'end-to-end median {statistics.median(ms):.0f} ms, min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms')
print(f'FHIR queries per call: {($after-$before)/len(rows):.1f}')"
