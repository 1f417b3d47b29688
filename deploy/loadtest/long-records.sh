#!/usr/bin/env bash
# Long records under load: the realistic order-sign (142 Synthea resources) and records with 5,000 and 20,000
# observations, each against the floor a service that parsed every prefetch resource into Firely objects could not beat.
#   1. build:  dotnet build -c Release src/KetamineCds.Api && dotnet build -c Release tests/KetamineCds.Benchmarks
#   2. start the service with the per-caller rate limit out of the way (all load comes from one address):
#        dotnet run -c Release --project src/KetamineCds.Api -- --Http:RequestsPerSecondPerIssuer=100000 --Http:BurstPerIssuer=100000
#   3. from the repository root:   bash deploy/loadtest/long-records.sh [base-url] [seconds] [connections]
# For each request: its size, the Ostrich-parse floor (requests/s on every core if serving it were only that parse, after
# a warm-up), then wrk's throughput and latency against the service after a warm-up run, and the ratio of the two.
set -euo pipefail
base=${1:-http://127.0.0.1:5080}
seconds=${2:-20}
connections=${3:-4}
case "$base" in http://127.*|http://localhost*|http://\[::1\]*) ;; *) echo "refusing to load a non-loopback address: $base"; exit 2;; esac
here=$(cd "$(dirname "$0")" && pwd)
bench="$here/../../tests/KetamineCds.Benchmarks/bin/Release/net10.0/KetamineCds.Benchmarks.dll"
[ -f "$bench" ] || { echo "build the benchmarks first: dotnet build -c Release tests/KetamineCds.Benchmarks"; exit 2; }
mkdir -p "$here/requests"
dotnet "$bench" write-corpus 142 "$here/requests/order-sign-142.json"
dotnet "$bench" write-long 5000 "$here/requests/order-sign-5000-observations.json"
dotnet "$bench" write-long 20000 "$here/requests/order-sign-20000-observations.json"
for name in order-sign-142 order-sign-5000-observations order-sign-20000-observations; do
  file="$here/requests/$name.json"
  floor=$(dotnet "$bench" floor "$file" 10 | tee /dev/stderr | grep -Eo '[0-9.]+ requests/s' | cut -d' ' -f1)
  echo "== $name against the service (${seconds}s after ${seconds}s of warm-up, $connections connections, 2 threads)"
  REQUEST_FILE="$file" SERVICE_PATH=/cds-services/ketamine-order-sign wrk -t2 -c"$connections" -d"${seconds}s" -s "$here/post.lua" "$base" > /dev/null
  out=$(REQUEST_FILE="$file" SERVICE_PATH=/cds-services/ketamine-order-sign wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$here/post.lua" "$base")
  echo "$out" | sed -n '/^requests/,$p'
  rate=$(echo "$out" | awk '/^throughput/ {print $2}')
  awk -v r="$rate" -v f="$floor" 'BEGIN { printf "service / Ostrich-parse floor: %.2f\n", r / f }'
done
