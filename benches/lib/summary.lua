-- Shared by the wrk scripts: one summary line that a script can read (requests/s, p50/p99 in ms,
-- every kind of error).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "SUMMARY requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d non_2xx_3xx=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status))
end
