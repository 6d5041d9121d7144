//! Headless chromium through chromedriver (WebDriver, our small client in `webdriver.rs`), shared
//! by the browser tests of the workspace: `tests/replay_browser.rs` and `crates/server/tests/server/browser.rs`
//! include this file by path (`#[path]`), so the flags, the session set-up and the screenshot check
//! are written once.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;

// Each of the two test crates uses part of the client.
#[allow(dead_code)]
#[path = "webdriver.rs"]
mod webdriver;
pub use webdriver::{Client, Locator};

/// Chromium flags of every browser test (the window size is the test's own).
pub const FLAGS: [&str; 7] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

/// The first of `names` found on `PATH`.
pub fn find_exe(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .flat_map(|n| std::env::split_paths(&path).map(move |d| d.join(n)))
        .find(|p| p.is_file())
}

/// Debian's chromium and its chromedriver, from `PATH`: a missing one fails the test, saying how to
/// install it (scripts/setup.sh does).
pub fn browser_exes() -> (PathBuf, PathBuf) {
    let how =
        "bash scripts/setup.sh (apt-get update && apt-get install -y chromium chromium-driver)";
    let chromium = find_exe(&["chromium", "chromium-browser"])
        .unwrap_or_else(|| panic!("chromium is not installed; this test needs it: {how}"));
    let driver = find_exe(&["chromedriver"])
        .unwrap_or_else(|| panic!("chromedriver is not installed; this test needs it: {how}"));
    (chromium, driver)
}

/// A chromedriver listening on a loopback port it chose; killed when dropped.
pub struct Chromedriver {
    child: std::process::Child,
    /// Its WebDriver address, `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Chromedriver {
    /// Starts `driver` on port 0 and reads the port it announces ("… started successfully on port
    /// N."), so no other process can take the port between a choice and the bind.
    pub fn start(driver: &Path) -> Chromedriver {
        use std::io::BufRead;
        let mut child = std::process::Command::new(driver)
            .arg("--port=0")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display()));
        let out = child.stdout.take().expect("chromedriver's stdout");
        let mut lines = std::io::BufReader::new(out).lines();
        let mut seen = Vec::new();
        let port = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(p) = line
                        .split("started successfully on port ")
                        .nth(1)
                        .and_then(|rest| rest.trim_end_matches('.').trim().parse::<u16>().ok())
                    {
                        break p;
                    }
                    seen.push(line);
                }
                _ => panic!("chromedriver announced no port: {seen:?}"),
            }
        };
        // Keep reading its output, so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Chromedriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A chromium session (window `width` x `height`, profile in `profile`) through the chromedriver
/// at `webdriver`, retried for 30 s while chromedriver starts.
pub async fn connect(
    webdriver: &str,
    chromium: &Path,
    profile: &Path,
    (width, height): (u32, u32),
) -> Client {
    let mut args: Vec<String> = FLAGS.iter().map(|s| s.to_string()).collect();
    args.push(format!("--window-size={width},{height}"));
    args.push(format!("--user-data-dir={}", profile.display()));
    let caps = json!({ "goog:chromeOptions": { "binary": chromium, "args": args } });
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match Client::connect(webdriver, caps.clone()).await {
            Ok(c) => return c,
            // chromedriver not listening yet: poll its port until the deadline.
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await
            }
            Err(e) => panic!("cannot start a chromium session through chromedriver: {e}"),
        }
    }
}

/// A browser step's outcome: the error says what failed.
pub type Res = Result<(), String>;

/// Names a failed step: `.map_err(e("open the page"))`.
pub fn e<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> String + '_ {
    move |err| format!("{what}: {err}")
}

/// Waits until the top document has loaded at a URL containing `part` (the browser loads
/// asynchronously; polled every 100 ms for 20 s).
pub async fn wait_loaded(c: &Client, part: &str) -> Res {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let url = c.current_url().await.map_err(e("current url"))?;
        let ready = c
            .execute("return document.readyState", vec![])
            .await
            .map_err(e("readyState"))?;
        if url.as_str().contains(part) && ready == "complete" {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "the browser never loaded a URL containing {part:?} (at {url})"
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The PNG decodes and has real content: many colours, not one flat fill.
pub fn check_not_blank(png_bytes: &[u8]) -> Res {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().map_err(e("decode"))?;
    let mut buf = vec![0; reader.output_buffer_size().ok_or("image too large")?];
    let info = reader.next_frame(&mut buf).map_err(e("decode frame"))?;
    let px = info.color_type.samples()
        * match info.bit_depth {
            png::BitDepth::Sixteen => 2,
            _ => 1,
        };
    let data = &buf[..info.buffer_size()];
    let colours: std::collections::HashSet<&[u8]> = data.chunks_exact(px).collect();
    if info.width < 200 || info.height < 200 {
        return Err(format!("only {}x{}", info.width, info.height));
    }
    if colours.len() < 16 {
        return Err(format!("looks blank: {} distinct colours", colours.len()));
    }
    Ok(())
}
