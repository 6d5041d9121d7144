-- wrk script: GET every path of the file named by $PATHS (one per line) in turn, each thread
-- starting at its own place. Used by run.sh; prints the SUMMARY line of ../lib/summary.lua.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do
  paths[#paths + 1] = line
end
local i = 0
setup = function(thread)
  thread:set("start", math.random(#paths))
end
init = function()
  i = tonumber(start) or 0
end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
dofile("benches/lib/summary.lua")
