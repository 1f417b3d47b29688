# The request mix of the load scripts (sourced): most order-entry calls are for other drugs and are answered without
# reading the prefetch; the rest are ketamine orders (small examples and a 301-resource Synthea record) and chart views.
loadtest_mix() {
  local here=$1
  local mix="examples/requests/order-select-not-ketamine.json=/cds-services/ketamine-order-select*6"
  mix+=",examples/requests/order-select-eligible.json=/cds-services/ketamine-order-select*1"
  mix+=",examples/requests/order-sign-eligible.json=/cds-services/ketamine-order-sign*1"
  mix+=",examples/requests/order-sign-bp-crisis.json=/cds-services/ketamine-order-sign*1"
  mix+=",examples/requests/patient-view-candidate.json=/cds-services/ketamine-patient-view*1"
  mix+=",$here/requests/order-sign-synthea-medium.json=/cds-services/ketamine-order-sign*1"
  echo "$mix"
}
