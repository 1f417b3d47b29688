#!/usr/bin/env bash
# Load test of the running service with wrk (Debian package `wrk`).
#   1. start the service as the README says:   dotnet run --project src/KetamineCds.Api -c Release
#   2. from the repository root:                bash deploy/loadtest/run.sh [base-url] [seconds] [connections]
# Reports latency percentiles and throughput for each recorded request and a mix of the examples.
# Traffic goes only to the given base URL, which must be on this machine (loopback).
set -euo pipefail
base=${1:-http://127.0.0.1:5080}
seconds=${2:-20}
connections=${3:-4}
case "$base" in http://127.*|http://localhost*|http://\[::1\]*) ;; *) echo "refusing to load a non-loopback address: $base"; exit 2;; esac
here=$(cd "$(dirname "$0")" && pwd)
python3 "$here/make-requests.py" "$here/requests"

run() { # name request-file service-path
  echo "== $1 ($(wc -c < "$2" | awk '{printf "%d KB", $1/1024}'), ${seconds}s, $connections connections, 2 threads)"
  REQUEST_FILE="$2" SERVICE_PATH="$3" wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$here/post.lua" "$base" | sed -n '/^requests/,$p'
}
for size in small medium large; do
  run "order-sign, Synthea $size" "$here/requests/order-sign-synthea-$size.json" /cds-services/ketamine-order-sign
done
run "order-select, not ketamine" examples/requests/order-select-not-ketamine.json /cds-services/ketamine-order-select
run "order-sign, BP crisis" examples/requests/order-sign-bp-crisis.json /cds-services/ketamine-order-sign
run "patient-view" examples/requests/patient-view-candidate.json /cds-services/ketamine-patient-view
