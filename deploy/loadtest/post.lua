-- wrk script: POSTs one recorded CDS Hooks request, read from the file named in REQUEST_FILE, to SERVICE_PATH.
-- Responses other than 200 are counted and printed at the end, so a load run cannot hide errors.
local file = assert(io.open(os.getenv("REQUEST_FILE"), "r"))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.path = os.getenv("SERVICE_PATH") or "/cds-services/ketamine-order-sign"
wrk.headers["Content-Type"] = "application/json"
wrk.body = body

local non200 = 0
response = function(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, non-200 %d\n", summary.requests, non200))
  io.write(string.format("latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("throughput %.0f requests/s\n", summary.requests / (summary.duration / 1e6)))
end
