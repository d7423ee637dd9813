-- wrk script for bench/beacon_wrk.sh: POST the read beacon of a different story each time,
-- round-robin over the signed paths in the file named by BEACON_PATHS (one path a line).
local paths = {}
local n = 0

function init(args)
  for line in io.lines(os.getenv("BEACON_PATHS")) do
    paths[#paths + 1] = line
  end
end

function request()
  n = n + 1
  local path = paths[(n % #paths) + 1]
  return wrk.format("POST", path, {["User-Agent"] = "Mozilla/5.0 (Linux; Android 13) nashra-bench"}, "")
end

function done(summary, latency, requests)
  io.write(string.format("wrk: %d requests, %d errors (connect %d, read %d, write %d, status %d, timeout %d)\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
end
