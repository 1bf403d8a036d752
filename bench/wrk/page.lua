-- One page for wrk, signed in: `wrk ... URL -- [think=MS] HEADER VALUE [HEADER VALUE ...]`, for example
-- `-- Cookie sessionid=abc` for a page or `-- Authorization "Token xyz"` for the API (bench/load.py).
-- Prints one line, BENCH_JSON {...}, with the counts and the latency percentiles (microseconds), and
-- counts every answer that is not 200: a redirect to the sign-in page is a failure here, although
-- wrk itself only counts 4xx and 5xx as errors.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local first = 1
  think_ms = 0
  if args[1] ~= nil and string.sub(args[1], 1, 6) == "think=" then
    think_ms = tonumber(string.sub(args[1], 7))
    first = 2
  end
  for i = first, #args, 2 do
    wrk.headers[args[i]] = args[i + 1]
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
  not_ok = 0
  prepared = wrk.format("GET", wrk.path)
end

function request()
  return prepared
end

-- A person reading the page before the next request: uniformly 0.5 to 1.5 times think_ms (none when 0).
function delay()
  if think_ms > 0 then
    return math.random(math.floor(think_ms / 2), math.floor(think_ms * 3 / 2))
  end
  return 0
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local not_ok_total = 0
  for _, thread in ipairs(threads) do
    not_ok_total = not_ok_total + thread:get("not_ok")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "not_ok": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, "mean_us": %.1f, ' ..
    '"p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, not_ok_total, e.connect, e.read, e.write, e.status,
    e.timeout, latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max))
end
