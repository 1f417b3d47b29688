# The requests of the load scripts (sourced).

# Each recorded request on its own, a line each: name|file|service path.
loadtest_requests() {
  local here=$1
  for size in small medium large; do
    echo "order-sign, Synthea $size|$here/requests/order-sign-synthea-$size.json|/cds-services/ketamine-order-sign"
  done
  echo "order-select, not ketamine|examples/requests/order-select-not-ketamine.json|/cds-services/ketamine-order-select"
  echo "order-sign, BP crisis|examples/requests/order-sign-bp-crisis.json|/cds-services/ketamine-order-sign"
  echo "patient-view|examples/requests/patient-view-candidate.json|/cds-services/ketamine-patient-view"
}

# The examples mix: the repository's example requests, weighted as order entry sends them (most calls are for other
# drugs and are answered without reading the prefetch).
loadtest_examples_mix() {
  local mix="examples/requests/order-select-not-ketamine.json=/cds-services/ketamine-order-select*6"
  mix+=",examples/requests/order-select-eligible.json=/cds-services/ketamine-order-select*1"
  mix+=",examples/requests/order-sign-eligible.json=/cds-services/ketamine-order-sign*1"
  mix+=",examples/requests/order-sign-bp-crisis.json=/cds-services/ketamine-order-sign*1"
  mix+=",examples/requests/patient-view-candidate.json=/cds-services/ketamine-patient-view*1"
  echo "$mix"
}

# The mix of run.sh and soak.sh: the examples mix plus a 301-resource Synthea record in one call of ten, so the heavy
# end (a real chart) is in the load too. Its latencies are bimodal by construction: p50 falls on the examples and p99
# on the Synthea calls.
loadtest_mix() {
  local here=$1
  echo "$(loadtest_examples_mix),$here/requests/order-sign-synthea-medium.json=/cds-services/ketamine-order-sign*1"
}
