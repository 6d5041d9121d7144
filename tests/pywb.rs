//! pywb on loopback for replay tests: a collection made with `wb-manager`, served by `wayback`,
//! and a small HTTP client to fetch archived pages from it. pywb is installed by scripts/setup.sh;
//! its absence fails the test with that hint.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The collection name used in every test.
pub const COLL: &str = "coll";

/// pywb's `wayback` application on a port the system picks, printed on stdout once it listens
/// (`wayback -p 0` binds such a port but never says which); pywb's own output goes to stderr.
const WAYBACK_ON_ANY_PORT: &str = "
import os
port_out = os.fdopen(os.dup(1), 'w')
os.dup2(2, 1)  # pywb's own messages go to the log, the pipe carries the port alone
from pywb.apps.cli import WaybackCli
from pywb.utils.geventserver import GeventServer, RequestURIWSGIHandler
cli = WaybackCli(args=['-b', '127.0.0.1', '-p', '0'])
server = GeventServer(cli.application, port=0, hostname='127.0.0.1',
                      handler_class=RequestURIWSGIHandler, direct=False)
port_out.write('%d\\n' % server.port)
port_out.close()
server.join()
";

/// A running `wayback` server over one collection; killed on drop.
pub struct Pywb {
    dir: tempfile::TempDir,
    child: Child,
    pub port: u16,
}

/// One HTTP answer, body decoded (chunked framing and content coding undone).
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn need(tool: &str) {
    let found = Command::new(tool)
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "{tool} not found: pywb is needed for replay tests; run scripts/setup.sh (pip install pywb)"
    );
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("run pywb tool");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Pywb {
    /// A collection holding `warcs`, indexed by pywb itself (`wb-manager add`).
    pub fn with_warcs(warcs: &[PathBuf]) -> Pywb {
        let dir = Self::init();
        let mut add = Command::new("wb-manager");
        add.current_dir(dir.path()).arg("add").arg(COLL).args(warcs);
        run(&mut add);
        Self::serve(dir)
    }

    /// A collection holding `warcs` whose index is `cdxj` (ours) instead of pywb's own.
    pub fn with_index(warcs: &[PathBuf], cdxj: &Path) -> Pywb {
        let dir = Self::init();
        let coll = dir.path().join("collections").join(COLL);
        for w in warcs {
            std::fs::copy(w, coll.join("archive").join(w.file_name().unwrap())).unwrap();
        }
        std::fs::copy(cdxj, coll.join("indexes").join("index.cdxj")).unwrap();
        Self::serve(dir)
    }

    fn init() -> tempfile::TempDir {
        need("wb-manager");
        need("wayback");
        let dir = tempfile::tempdir().unwrap();
        run(Command::new("wb-manager")
            .current_dir(dir.path())
            .args(["init", COLL]));
        dir
    }

    /// Serves the collection as `wayback` does (the same application, loaded by the same CLI
    /// class), but on a port the system picks: the launcher prints it once the socket listens,
    /// so no other test can take the port between our choice and pywb's bind.
    fn serve(dir: tempfile::TempDir) -> Pywb {
        let log = std::fs::File::create(dir.path().join("wayback.log")).unwrap();
        let mut child = Command::new("python3")
            .current_dir(dir.path())
            .args(["-c", WAYBACK_ON_ANY_PORT])
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start wayback");
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().expect("piped")),
            &mut line,
        )
        .expect("read wayback's port");
        let Ok(port) = line.trim().parse() else {
            let _ = child.wait();
            let log = std::fs::read_to_string(dir.path().join("wayback.log")).unwrap_or_default();
            panic!("wayback did not start ({line:?}): {log}");
        };
        let p = Pywb { dir, child, port };
        assert!(
            p.try_get(&format!("/{COLL}/")).is_some(),
            "wayback never answered: {}",
            p.log()
        );
        p
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("wayback.log")).unwrap_or_default()
    }

    /// The archived copy of `url` at `ts` (14 digits); `raw` asks for the payload as archived
    /// (`id_`), otherwise pywb's rewritten page (`mp_`: the page itself, not the frame around it).
    pub fn replay(&self, ts: &str, url: &str, raw: bool) -> Reply {
        let mode = if raw { "id_" } else { "mp_" };
        let path = format!("/{COLL}/{ts}{mode}/{url}");
        self.try_get(&path)
            .unwrap_or_else(|| panic!("no answer from wayback for {path}: {}", self.log()))
    }

    fn try_get(&self, path: &str) -> Option<Reply> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n",
            self.port
        )
        .ok()?;
        let mut data = Vec::new();
        s.read_to_end(&mut data).ok()?;
        let end = data.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&data[..end]).into_owned();
        let mut lines = head.lines();
        let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        let raw = jinan_corpus::unchunk(&headers, &data[end + 4..]).into_owned();
        let body = jinan_corpus::decode_body(&headers, &raw, false, 1 << 30)
            .ok()?
            .into_owned();
        Some(Reply { status, body })
    }
}

impl Drop for Pywb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The WARC files of a corpus, sorted.
pub fn warc_paths(corpus: &Path) -> Vec<PathBuf> {
    let dir = corpus.join("warc");
    jinan_corpus::warc_files(&dir)
        .unwrap()
        .into_iter()
        .map(|f| dir.join(f))
        .collect()
}
