#!/usr/bin/env bash
# Load test of the running service with wrk (Debian package `wrk`).
#   1. start the service as the README says, with the per-caller rate limit out of the way (all load comes from one
#      address, and the limiter would answer 429 from 100 requests/s on):
#        dotnet run -c Release --project src/KetamineCds.Api -- --Http:RequestsPerSecondPerIssuer=100000 --Http:BurstPerIssuer=100000
#   2. from the repository root:                bash deploy/loadtest/run.sh [base-url] [seconds] [connections]
# Reports latency percentiles, throughput and non-200 answers for each recorded request, then for a mix of them.
# Traffic goes only to the given base URL, which must be on this machine (loopback).
set -euo pipefail
base=${1:-http://127.0.0.1:5080}
seconds=${2:-20}
connections=${3:-4}
case "$base" in http://127.*|http://localhost*|http://\[::1\]*) ;; *) echo "refusing to load a non-loopback address: $base"; exit 2;; esac
here=$(cd "$(dirname "$0")" && pwd)
python3 "$here/make-requests.py" "$here/requests"

source "$here/mix.sh"
run() { # name request-file service-path
  echo "== $1 ($(wc -c < "$2" | awk '{printf "%d KB", $1/1024}'), ${seconds}s, $connections connections, 2 threads)"
  REQUEST_FILE="$2" SERVICE_PATH="$3" wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$here/post.lua" "$base" | sed -n '/^requests/,$p'
}
while IFS='|' read -r name file path; do
  run "$name" "$file" "$path"
done < <(loadtest_requests "$here")

# The mix an EHR sends: most order-entry calls are for other drugs (answered without reading the prefetch).
mix=$(loadtest_mix "$here")
echo "== mix: 60 % non-ketamine order-select, the rest ketamine orders and chart views (${seconds}s, $connections connections)"
MIX="$mix" wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$here/post.lua" "$base" | sed -n '/^requests/,$p'
