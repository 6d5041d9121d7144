//! A small WebDriver client for the browser tests: the W3C protocol's JSON over HTTP/1.1 to the
//! chromedriver on loopback (one connection per command), with just the commands the tests use
//! (session, navigation, elements, scripts, frames, alerts, screenshots). It replaces a general
//! client crate whose dependency tree (a second `http`, ICU segmentation data, cookies) cost the
//! cold CI build more than these lines do.

use std::fmt;

use base64::Engine as _;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The key under which WebDriver names an element in JSON (W3C WebDriver, "web element identifier").
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A failed command: the transport's error, or WebDriver's `error: message`.
#[derive(Debug)]
pub struct WdError(String);

impl fmt::Display for WdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WdError {}

/// The result of a command.
pub type WdResult<T> = Result<T, WdError>;

/// How to find elements (the tests use CSS selectors only).
pub enum Locator<'a> {
    Css(&'a str),
}

impl Locator<'_> {
    fn body(&self) -> Value {
        match self {
            Locator::Css(css) => json!({ "using": "css selector", "value": css }),
        }
    }
}

/// One browser session on a chromedriver.
#[derive(Clone)]
pub struct Client {
    /// `host:port` of the chromedriver.
    addr: String,
    session: String,
}

/// An element of the current page.
#[derive(Clone)]
pub struct Element {
    client: Client,
    id: String,
}

/// How long one command may take before the test fails instead of hanging.
const COMMAND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Sends one command and returns its `value`. A WebDriver error (any status but 200) becomes
/// `error: message`.
async fn command(addr: &str, method: &str, path: &str, body: Option<&Value>) -> WdResult<Value> {
    tokio::time::timeout(COMMAND_TIMEOUT, exchange(addr, method, path, body))
        .await
        .unwrap_or_else(|_| {
            Err(WdError(format!(
                "{method} {path}: no answer in {} s",
                COMMAND_TIMEOUT.as_secs()
            )))
        })
}

async fn exchange(addr: &str, method: &str, path: &str, body: Option<&Value>) -> WdResult<Value> {
    let io = |what: &str, e: std::io::Error| WdError(format!("{what} {addr}: {e}"));
    let mut stream = TcpStream::connect(addr)
        .await
        .map_err(|e| io("connect to", e))?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .await
        .map_err(|e| io("write to", e))?;
    stream
        .write_all(body.as_bytes())
        .await
        .map_err(|e| io("write to", e))?;
    // Read until the response is whole (chromedriver may keep the connection open).
    let mut raw = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    let (status, payload) = loop {
        let n = stream
            .read(&mut buf)
            .await
            .map_err(|e| io("read from", e))?;
        raw.extend_from_slice(&buf[..n]);
        if let Some(whole) = parse_response(&raw, n == 0) {
            break whole;
        }
        if n == 0 {
            return Err(WdError(format!("{method} {path}: not an HTTP response")));
        }
    };
    let json: Value = serde_json::from_slice(&payload)
        .map_err(|e| WdError(format!("{method} {path}: the answer is not JSON: {e}")))?;
    let value = json.get("value").cloned().unwrap_or(Value::Null);
    if status != 200 {
        let error = value["error"].as_str().unwrap_or("unknown error");
        let message = value["message"].as_str().unwrap_or("");
        return Err(WdError(format!("{method} {path}: {error}: {message}")));
    }
    Ok(value)
}

/// The status and body of an HTTP/1.1 response (`Content-Length`, chunked, or to the end of the
/// stream when `eof`), or `None` while `raw` does not hold all of it.
fn parse_response(raw: &[u8], eof: bool) -> Option<(u16, Vec<u8>)> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let rest = &raw[end + 4..];
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    };
    if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        let mut body = Vec::new();
        let mut at = rest;
        loop {
            let line_end = at.windows(2).position(|w| w == b"\r\n")?;
            let size = std::str::from_utf8(&at[..line_end]).ok()?;
            let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
            at = &at[line_end + 2..];
            if size == 0 {
                return Some((status, body));
            }
            body.extend_from_slice(at.get(..size)?);
            at = at.get(size + 2..)?;
        }
    }
    let body = match header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        Some(n) => rest.get(..n)?.to_vec(),
        None if eof => rest.to_vec(),
        None => return None,
    };
    Some((status, body))
}

impl Client {
    /// Opens a session with these capabilities (`alwaysMatch`) on the chromedriver at `webdriver`
    /// (`http://host:port`).
    pub async fn connect(webdriver: &str, capabilities: Value) -> WdResult<Client> {
        let addr = webdriver
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let body = json!({ "capabilities": { "alwaysMatch": capabilities } });
        let value = command(&addr, "POST", "/session", Some(&body)).await?;
        let session = value["sessionId"]
            .as_str()
            .ok_or_else(|| WdError(format!("no session id in {value}")))?
            .to_string();
        Ok(Client { addr, session })
    }

    async fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> WdResult<Value> {
        let path = format!("/session/{}{path}", self.session);
        command(&self.addr, method, &path, body.as_ref()).await
    }

    fn element(&self, value: &Value) -> WdResult<Element> {
        let id = value[ELEMENT_KEY]
            .as_str()
            .ok_or_else(|| WdError(format!("not an element: {value}")))?;
        Ok(Element {
            client: self.clone(),
            id: id.to_string(),
        })
    }

    fn elements(&self, value: &Value) -> WdResult<Vec<Element>> {
        let list = value
            .as_array()
            .ok_or_else(|| WdError(format!("not a list of elements: {value}")))?;
        list.iter().map(|v| self.element(v)).collect()
    }

    /// Navigates the top window to `url` (returns when the page has loaded).
    pub async fn goto(&self, url: &str) -> WdResult<()> {
        self.cmd("POST", "/url", Some(json!({ "url": url })))
            .await
            .map(drop)
    }

    /// The URL of the top window.
    pub async fn current_url(&self) -> WdResult<String> {
        let v = self.cmd("GET", "/url", None).await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the current frame.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> WdResult<Value> {
        let body = json!({ "script": script, "args": args });
        self.cmd("POST", "/execute/sync", Some(body)).await
    }

    /// The first element matching `locator`.
    pub async fn find(&self, locator: Locator<'_>) -> WdResult<Element> {
        let v = self.cmd("POST", "/element", Some(locator.body())).await?;
        self.element(&v)
    }

    /// Every element matching `locator`, in document order.
    pub async fn find_all(&self, locator: Locator<'_>) -> WdResult<Vec<Element>> {
        let v = self.cmd("POST", "/elements", Some(locator.body())).await?;
        self.elements(&v)
    }

    /// A PNG of the top window's viewport.
    pub async fn screenshot(&self) -> WdResult<Vec<u8>> {
        let v = self.cmd("GET", "/screenshot", None).await?;
        base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .map_err(|e| WdError(format!("screenshot: {e}")))
    }

    /// Makes the `index`-th frame of the current document the current frame.
    pub async fn enter_frame(&self, index: u16) -> WdResult<()> {
        self.cmd("POST", "/frame", Some(json!({ "id": index })))
            .await
            .map(drop)
    }

    /// Makes the parent of the current frame the current frame.
    pub async fn enter_parent_frame(&self) -> WdResult<()> {
        self.cmd("POST", "/frame/parent", Some(json!({})))
            .await
            .map(drop)
    }

    /// The text of the open alert (an error when none is open).
    pub async fn get_alert_text(&self) -> WdResult<String> {
        let v = self.cmd("GET", "/alert/text", None).await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Sets the value of the element matching `css` as a date picker or autofill does (no key
    /// events).
    pub async fn set_value(&self, css: &str, value: &str) -> WdResult<()> {
        let el = self.find(Locator::Css(css)).await?;
        self.execute(
            "arguments[0].value = arguments[1]",
            vec![el.json(), json!(value)],
        )
        .await
        .map(drop)
    }

    /// Ends the session (closes the browser).
    pub async fn close(&self) -> WdResult<()> {
        command(
            &self.addr,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        )
        .await
        .map(drop)
    }
}

impl Element {
    fn json(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    async fn cmd(&self, method: &str, what: &str, body: Option<Value>) -> WdResult<Value> {
        let path = format!("/element/{}{what}", self.id);
        self.client.cmd(method, &path, body).await
    }

    /// Clicks the element's centre.
    pub async fn click(&self) -> WdResult<()> {
        self.cmd("POST", "/click", Some(json!({}))).await.map(drop)
    }

    /// The element's rendered text.
    pub async fn text(&self) -> WdResult<String> {
        let v = self.cmd("GET", "/text", None).await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// The attribute `name` as written in the document, if present.
    pub async fn attr(&self, name: &str) -> WdResult<Option<String>> {
        let v = self.cmd("GET", &format!("/attribute/{name}"), None).await?;
        Ok(v.as_str().map(str::to_string))
    }

    /// The DOM property `name` (for a link's `href`, the resolved URL), if it is a string.
    pub async fn prop(&self, name: &str) -> WdResult<Option<String>> {
        let v = self.cmd("GET", &format!("/property/{name}"), None).await?;
        Ok(v.as_str().map(str::to_string))
    }

    /// Types `text` into the element.
    pub async fn send_keys(&self, text: &str) -> WdResult<()> {
        self.cmd("POST", "/value", Some(json!({ "text": text })))
            .await
            .map(drop)
    }

    /// Empties an input.
    pub async fn clear(&self) -> WdResult<()> {
        self.cmd("POST", "/clear", Some(json!({}))).await.map(drop)
    }

    /// The first element inside this one matching `locator`.
    pub async fn find(&self, locator: Locator<'_>) -> WdResult<Element> {
        let v = self.cmd("POST", "/element", Some(locator.body())).await?;
        self.client.element(&v)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_response;

    #[test]
    fn responses_with_length_chunks_or_neither() {
        let sized = b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"value\":1}";
        assert_eq!(
            parse_response(sized, false),
            Some((200, b"{\"value\":1}".to_vec()))
        );
        assert_eq!(parse_response(&sized[..sized.len() - 1], false), None);
        let chunked =
            b"HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n4\r\n{\"va\r\n7\r\nlue\":2}\r\n0\r\n\r\n";
        assert_eq!(
            parse_response(chunked, false),
            Some((404, b"{\"value\":2}".to_vec()))
        );
        assert_eq!(parse_response(&chunked[..chunked.len() - 5], false), None);
        let closed = b"HTTP/1.1 500 Internal Server Error\r\n\r\n{}";
        assert_eq!(parse_response(closed, false), None);
        assert_eq!(parse_response(closed, true), Some((500, b"{}".to_vec())));
        assert_eq!(parse_response(b"garbage", true), None);
    }
}
