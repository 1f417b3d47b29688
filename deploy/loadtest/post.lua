-- wrk script: POSTs recorded CDS Hooks requests. Either one request (REQUEST_FILE, SERVICE_PATH) or a weighted mix,
-- as an EHR sends them (see mix.sh):
--   MIX="examples/requests/order-select-not-ketamine.json=/cds-services/ketamine-order-select*6,..."
-- (file=path*weight, comma-separated). Responses other than 200 are counted per thread and summed at the end, so
-- a load run cannot hide errors (wrk runs done() in its own Lua state: counters are fetched from each thread).
local mix = os.getenv("MIX")
local get_path = os.getenv("GET_PATH") -- a plain GET instead (the health endpoint as a reference: see saturate.sh)
if not mix and not get_path then
  mix = os.getenv("REQUEST_FILE") .. "=" .. (os.getenv("SERVICE_PATH") or "/cds-services/ketamine-order-sign") .. "*1"
end

local entries = {}
if get_path then
  mix = ""
  table.insert(entries, { method = "GET", path = get_path })
end
for item in string.gmatch(mix, "[^,]+") do
  local file, path, weight = string.match(item, "^(.-)=(.-)%*(%d+)$")
  if not file then file, path, weight = string.match(item, "^(.-)=(.-)$"), nil, 1 end
  local handle = assert(io.open(file, "r"))
  local body = handle:read("*a")
  handle:close()
  for _ = 1, tonumber(weight or 1) do
    table.insert(entries, { path = path, body = body })
  end
end
assert(#entries > 0, "set MIX or REQUEST_FILE")

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

-- Each request is formatted once per thread, not once per call: a 100 KB body copied into a new Lua string on every
-- call cost wrk more CPU than the service spent answering it, on the same two cores.
local next_entry = 0
local formatted = {}
function init(args)
  next_entry = math.random(#entries) -- threads start at different points of the mix
  for i, entry in ipairs(entries) do
    if entry.method == "GET" then
      formatted[i] = wrk.format("GET", entry.path)
    else
      formatted[i] = wrk.format("POST", entry.path, { ["Content-Type"] = "application/json" }, entry.body)
    end
  end
end

-- DELAY_MS: each connection waits this long before its next request, to hold the load below saturation (reload-under-load.sh).
local pause = tonumber(os.getenv("DELAY_MS") or "")
if pause and pause > 0 then
  function delay()
    return pause
  end
end

function request()
  next_entry = next_entry % #entries + 1
  return formatted[next_entry]
end

-- No response() callback: wrk would copy every answer into Lua. It counts answers other than 2xx/3xx itself
-- (summary.errors.status), which is what "non-200" reports (the service answers 200 or an error status).
function done(summary, latency, requests)
  local failed = summary.errors.status
  io.write(string.format("requests %d, non-200 %d, socket errors %d\n", summary.requests, failed,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("throughput %.0f requests/s\n", summary.requests / (summary.duration / 1e6)))
end
