#!/usr/bin/env bash
# The cost of OpenTelemetry: the load mix against the Release build with telemetry off, then on (metrics and traces,
# no exporter), alternating for a number of rounds. Starts and stops the service itself on a loopback port.
#   dotnet build -c Release src/KetamineCds.Api && bash deploy/loadtest/telemetry-overhead.sh [seconds] [rounds]
set -euo pipefail
seconds=${1:-30}
rounds=${2:-2}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python3 "$here/make-requests.py" "$here/requests" >/dev/null
source "$here/mix.sh"
mix=$(loadtest_mix "$here")
cd "$root"

run() {
  local label=$1; shift
  env ASPNETCORE_ENVIRONMENT=Development Logging__Format=json Http__RequestsPerSecondPerIssuer=100000 Http__BurstPerIssuer=100000 "$@" \
    dotnet src/KetamineCds.Api/bin/Release/net10.0/ketamine-cds.dll --urls http://127.0.0.1:5097 >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 60); do curl -sf http://127.0.0.1:5097/health/ready >/dev/null && break; sleep 0.5; done
  MIX="$mix" wrk -t2 -c4 -d5s -s "$here/post.lua" http://127.0.0.1:5097 >/dev/null # warm-up
  echo "== $label"
  MIX="$mix" wrk -t2 -c4 -d"${seconds}s" --latency -s "$here/post.lua" http://127.0.0.1:5097 | sed -n '/^requests/,$p'
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
}

for round in $(seq 1 "$rounds"); do
  run "telemetry off (round $round)" Telemetry__PrometheusEnabled=false
  run "telemetry on: metrics + traces (round $round)" Telemetry__TracingEnabled=true
done
