-- wrk script: a mix of API searches and search-page loads, cycled in order per connection.
-- Chinese terms are percent-encoded UTF-8. Used by run.sh.
local paths = {
  "/api/search?q=springs",
  "/api/search?q=delegation+culture",
  "/api/search?q=%22sister+city%22",
  "/api/search?q=%E6%B3%89%E5%9F%8E",                         -- 泉城
  "/api/search?q=%E5%8F%8B%E5%A5%BD%E5%9F%8E%E5%B8%82&lang=zh", -- 友好城市
  "/api/search?q=festival&from=2015-01-01&to=2018-12-31",
  "/api/search?q=museum&sort=date&limit=20",
  "/api/search?q=trade+OR+investment&column=Zoom+In",
  "/api/search?q=deleg*",
  "/api/search?q=title:jinan+-winter&offset=30",
  "/?q=springs+lake",
  "/?q=%E6%B5%8E%E5%8D%97&page=2",                            -- 济南
  "/healthz",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end

dofile("benches/lib/summary.lua")
