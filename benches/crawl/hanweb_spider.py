"""Scrapy side of the crawler benchmark (issue 3): a spider of our own that follows the same links
as `jinan crawl` on a Hanweb CMS site, and writes every response it gets to a gzipped JSON-lines
file (the counterpart of jinan's gzipped WARC), so both crawlers do comparable work.

What it follows, like crates/crawler/src/links.rs:
  * ordinary links: a/area href, frame/iframe src (http and https only; Scrapy keeps the host);
  * `<record>` entries of the `<datastore>` inside `<script type="text/xml">` of column pages;
  * the rest of each jpage list through `dataproxy.jsp`: POST startrecord/endrecord (45 records
    a request, as Hanweb's jquery.page does); a column whose proxy ignores startrecord (it answers
    records already seen) is paged with GET page=N instead;
  * the JSON gateway (`/api-gateway/...pageNo=N`) and the `showJsContent.do` script list.

Usage: python3 hanweb_spider.py SEED_URL OUT.jsonl.gz [CONCURRENCY]
"""

import base64
import json
import math
import re
import sys
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import TextResponse

RECORD = re.compile(r"<record>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</record>", re.S)
HREF = re.compile(r"""href\s*=\s*["']([^"'<>]+)["']""", re.I)
NEXTGROUP = re.compile(r"""<nextgroup>.*?href\s*=\s*["']([^"']+)["']""", re.S | re.I)
GATEWAY = re.compile(r"""['"]([^'"]*/api-gateway/[^'"]+)['"]""")
TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
UNIT_DIV = re.compile(r"""<div\s+id\s*=\s*["'](\d+)["']>\s*<script\s+type\s*=\s*["']text/xml""", re.I)


def js_param(text, name):
    m = re.search(r"""\b%s\s*[:=]\s*['"]?([^'",\s}]*)['"]?""" % name, text, re.I)
    return m.group(1) if m and m.group(1) else None


def unescape(s):
    return (s.replace("&amp;", "&").replace("&quot;", '"').replace("&#39;", "'")
            .replace("&lt;", "<").replace("&gt;", ">"))


def hrefs(response, fragment):
    out = []
    for h in HREF.findall(fragment):
        u = response.urljoin(unescape(h.strip()))
        if u.startswith(("http://", "https://")):
            out.append(u)
    return out


def with_query(url, pairs):
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, p.path, urlencode(pairs), ""))


class HanwebSpider(scrapy.Spider):
    name = "hanweb"

    def __init__(self, seed, **kw):
        super().__init__(**kw)
        self.start_urls = [seed]
        self.allowed_domains = [urlsplit(seed).hostname]

    # -- output: one item per response, like one WARC response record -------------------------
    def item(self, response):
        if isinstance(response, TextResponse):
            body = {"text": response.text}
        else:
            body = {"base64": base64.b64encode(response.body).decode("ascii")}
        return {
            "url": response.url,
            "method": response.request.method,
            "status": response.status,
            "headers": {k.decode("latin-1"): [v.decode("latin-1") for v in vs]
                        for k, vs in response.headers.items()},
            **body,
        }

    def parse(self, response):
        yield self.item(response)
        if response.status != 200 or not isinstance(response, TextResponse) or b"html" not in (
                response.headers.get("Content-Type") or b"html").lower():
            return
        for u in response.xpath("//a/@href | //area/@href | //frame/@src | //iframe/@src").getall():
            u = u.strip()
            if not u or u.startswith("#"):
                continue
            full = response.urljoin(u)
            if full.startswith(("http://", "https://")):
                yield scrapy.Request(full, callback=self.parse)
        scripts = "\n".join(response.xpath("//script/text()").getall())
        if "<datastore>" in scripts:
            embedded = set()
            for rec in RECORD.findall(scripts):
                for u in hrefs(response, rec):
                    embedded.add(u)
                    yield scrapy.Request(u, callback=self.parse)
            yield from self.jpage(response, scripts, embedded)
        m = GATEWAY.search(scripts)
        if m:
            first = response.urljoin(unescape(m.group(1)))
            yield self.gateway_request(first, 1, set())
        for src in response.xpath("//script/@src").getall():
            if "showJsContent.do" in src:
                yield scrapy.Request(response.urljoin(src), callback=self.parse_showjs)

    # -- jpage / dataproxy.jsp ------------------------------------------------------------------
    def jpage(self, response, scripts, embedded):
        text = response.text
        ng = NEXTGROUP.search(text)
        q = dict(parse_qsl(urlsplit(unescape(ng.group(1))).query)) if ng else {}
        get = lambda k: q.get(k) or js_param(scripts, k)
        proxy = js_param(scripts, "proxyUrl") or (ng and urlsplit(unescape(ng.group(1))).path)
        unit = get("unitid") or (UNIT_DIV.search(text) and UNIT_DIV.search(text).group(1))
        if not (proxy and get("webid") and get("columnid") and unit):
            self.logger.warning("jpage list without readable ids on %s", response.url)
            return
        total = int(js_param(scripts, "totalRecord") or 0)
        per = int(js_param(scripts, "perPage") or 15) or 15
        if total <= len(embedded):
            return
        lst = {
            "proxy": response.urljoin(proxy),
            "per": per,
            "total": total,
            "embedded": embedded,
            "fields": [("col", "1"), ("appid", "1"), ("webid", get("webid")),
                       ("path", get("path") or "/"), ("columnid", get("columnid")),
                       ("sourceContentType", "1"), ("unitid", unit),
                       ("webname", get("webname") or ""), ("permissiontype", "0")],
        }
        yield self.post(lst, len(embedded) + 1, first=True)

    def post(self, lst, start, first=False):
        url = with_query(lst["proxy"], [("startrecord", start),
                                        ("endrecord", start + 3 * lst["per"] - 1),
                                        ("perpage", lst["per"])])
        return scrapy.FormRequest(url, formdata=dict(lst["fields"]), callback=self.parse_proxy,
                                  cb_kwargs={"lst": lst, "first": first})

    def parse_proxy(self, response, lst, first):
        yield self.item(response)
        if response.status != 200:
            return
        recs = [u for rec in RECORD.findall(response.text) for u in hrefs(response, rec)]
        for u in recs:
            yield scrapy.Request(u, callback=self.parse)
        if not first:
            return
        total = int(TOTAL.search(response.text).group(1)) if TOTAL.search(response.text) else lst["total"]
        if recs and not set(recs) <= lst["embedded"]:
            # startrecord is honoured: ask for the rest, 45 records a request, all at once.
            step = 3 * lst["per"]
            start = len(lst["embedded"]) + 1 + step
            while start <= total:
                yield self.post(lst, start)
                start += step
        else:
            # The proxy ignores startrecord: page with GET page=N.
            for page in range(1, math.ceil(total / lst["per"]) + 1):
                url = with_query(lst["proxy"], [("page", page)] + lst["fields"] + [("perpage", lst["per"])])
                yield scrapy.Request(url, callback=self.parse_proxy, cb_kwargs={"lst": lst, "first": False})

    # -- JSON gateway and showJsContent.do ------------------------------------------------------
    def gateway_request(self, first, n, seen):
        p = urlsplit(first)
        pairs = [(k, str(n) if k.lower() == "pageno" else v) for k, v in parse_qsl(p.query)]
        return scrapy.Request(with_query(first, pairs), callback=self.parse_gateway,
                              cb_kwargs={"first": first, "n": n, "seen": seen})

    def parse_gateway(self, response, first, n, seen):
        yield self.item(response)
        if response.status != 200:
            return
        try:
            data = json.loads(response.text)["data"]
            recs = hrefs(response, data["html"])
        except (ValueError, KeyError, TypeError):
            return
        before = len(seen)
        for u in recs:
            seen.add(u)
            yield scrapy.Request(u, callback=self.parse)
        total = data.get("total")
        if recs and len(seen) > before and not (total and len(seen) >= total):
            yield self.gateway_request(first, n + 1, seen)

    def parse_showjs(self, response):
        yield self.item(response)
        m = re.search(r"document\.write\((.*)\)", response.text, re.S)
        if not m:
            return
        try:
            html = json.loads(m.group(1).strip())
        except ValueError:
            html = m.group(1)
        for u in hrefs(response, html):
            yield scrapy.Request(u, callback=self.parse)


def main():
    seed, out = sys.argv[1], sys.argv[2]
    conc = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    settings = {
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": conc,
        "CONCURRENT_REQUESTS_PER_DOMAIN": conc,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "COOKIES_ENABLED": True,
        "RETRY_TIMES": 3,
        # Error answers are archived too (jinan keeps them in its WARC); links come from 200s only.
        "HTTPERROR_ALLOW_ALL": True,
        "DOWNLOAD_TIMEOUT": 30,
        "DOWNLOAD_MAXSIZE": 5 * 1024 * 1024,
        "DEPTH_LIMIT": 20,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "USER_AGENT": "jinan-bench-scrapy (+https://github.com/jinan-search/jinan)",
        "FEEDS": {
            out: {
                "format": "jsonlines",
                "encoding": "utf8",
                "postprocessing": ["scrapy.extensions.postprocessing.GzipPlugin"],
                "gzip_compresslevel": 6,  # jinan's WARC records are gzip level 6
            }
        },
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(HanwebSpider)
    process.crawl(crawler, seed=seed)
    process.start()
    stats = crawler.stats.get_stats()
    print(json.dumps({k: v for k, v in stats.items() if isinstance(v, (int, float, str))},
                     default=str), file=sys.stderr)


if __name__ == "__main__":
    main()
