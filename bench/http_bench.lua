-- wrk script for bench/http_bench.sh: GET one path (the URL's), or round-robin over the paths
-- in the file named by BENCH_PATHS (one a line: the search case); the Host header from
-- BENCH_HOST when set (the Wagtail site's host, so nginx's keys are the ones nashra purges).
-- At the end, one JSON line on stdout: requests, seconds, answers >= 400, socket errors and
-- the latency percentiles in microseconds.
local paths = {}
local n = 0
local host = os.getenv("BENCH_HOST")
local headers = {["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) nashra-bench",
                 ["Accept"] = "text/html"}
if host and host ~= "" then headers["Host"] = host end

function init(args)
  local file = os.getenv("BENCH_PATHS")
  if file and file ~= "" then
    for line in io.lines(file) do
      if line ~= "" then paths[#paths + 1] = line end
    end
  end
end

function request()
  if #paths == 0 then
    return wrk.format("GET", nil, headers)
  end
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "bytes": %d, "http_errors": %d, ' ..
    '"socket_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d}\n',
    summary.requests, summary.duration / 1e6, summary.bytes, e.status,
    e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
