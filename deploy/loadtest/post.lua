-- wrk script: POSTs one recorded CDS Hooks request, read from the file named in REQUEST_FILE, to SERVICE_PATH.
-- Responses other than 200 are counted per thread and summed at the end, so a load run cannot hide errors
-- (wrk runs done() in its own Lua state: counters must be fetched from each thread).
local file = assert(io.open(os.getenv("REQUEST_FILE"), "r"))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.path = os.getenv("SERVICE_PATH") or "/cds-services/ketamine-order-sign"
wrk.headers["Content-Type"] = "application/json"
wrk.body = body

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

non200 = 0
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("non200") end
  io.write(string.format("requests %d, non-200 %d, socket errors %d\n", summary.requests, failed,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("throughput %.0f requests/s\n", summary.requests / (summary.duration / 1e6)))
end
