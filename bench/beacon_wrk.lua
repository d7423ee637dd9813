-- wrk script for bench/beacon_wrk.sh: POST the read beacon of a different story each time,
-- round-robin over the signed paths in the file named by BEACON_PATHS (one path a line), each
-- from a reader of its own: X-Forwarded-For BEACON_NET.x.y.z, a new address per request.
-- BEACON_ONE_CLIENT=1: the first story's beacon every time, from one address.
local paths = {}
local n = 0
local net = os.getenv("BEACON_NET") or "10"
local one_client = os.getenv("BEACON_ONE_CLIENT") == "1"
local agent = "Mozilla/5.0 (Linux; Android 13) nashra-bench"

function init(args)
  for line in io.lines(os.getenv("BEACON_PATHS")) do
    paths[#paths + 1] = line
  end
end

function request()
  n = n + 1
  if one_client then
    return wrk.format("POST", paths[1], {["User-Agent"] = agent,
                                         ["X-Forwarded-For"] = "203.0.113.7"}, "")
  end
  local address = string.format("%s.%d.%d.%d", net, math.floor(n / 65536) % 256,
                                math.floor(n / 256) % 256, n % 256)
  return wrk.format("POST", paths[(n % #paths) + 1],
                    {["User-Agent"] = agent, ["X-Forwarded-For"] = address}, "")
end

function done(summary, latency, requests)
  io.write(string.format("wrk: %d requests, %d errors (connect %d, read %d, write %d, status %d, timeout %d)\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
end
