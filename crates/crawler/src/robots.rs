//! robots.txt per RFC 9309, one per host and port: 2xx parsed (texting_robots), 4xx = everything
//! allowed, 5xx or unreachable = everything disallowed. Redirects are followed (up to five, within
//! scope).
//!
//! An unreadable robots.txt closes the host but is not the last word: it is asked again after
//! `robots_retry_base`, then twice that, and so on, `robots_retries` times in one crawl (longer
//! when the answer carries a Retry-After), while the host's URLs wait. Only then is the host given
//! up for the crawl, and its URLs are held back for the next one (see the state). A robots.txt
//! that was read earlier and cannot be refreshed keeps applying (RFC 9309 2.4), asked again after
//! [`REFRESH_UNREACHABLE`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;
use url::Url;

use crate::canon::{host_port, Scope};
use crate::fetch::{Exchange, Http, Req};
use crate::CrawlConfig;

/// How long a cached robots.txt that could not be refreshed keeps applying before the next try.
pub const REFRESH_UNREACHABLE: Duration = Duration::from_secs(60);
/// How long a robots.txt is trusted (RFC 9309 2.4: at most 24 hours).
const FRESH_FOR: Duration = Duration::from_secs(24 * 3600);

pub(crate) enum Rules {
    AllowAll,
    Parsed(Box<texting_robots::Robot>),
}

/// The answer for one URL.
pub(crate) enum Verdict {
    Allowed,
    Disallowed,
    /// robots.txt answered 5xx or could not be fetched, every time it was asked in this crawl:
    /// the last answer or failure.
    Unavailable(String),
}

/// What fetching robots.txt gave.
enum Fetched {
    Rules(Rules),
    /// 5xx or no answer: why, and the pause the server asked for, if any.
    Unavailable(String, Option<Duration>),
}

/// What is known about one host's robots.txt.
#[derive(Default)]
struct HostRobots {
    /// The rules last read, and until when they are trusted.
    rules: Option<(Arc<Rules>, Instant)>,
    /// Times in a row robots.txt could not be read.
    failures: u32,
    /// Asked as often as allowed: closed for the rest of the crawl.
    given_up: bool,
    /// Why it could not be read, the last time.
    problem: String,
}

type Slot = Arc<tokio::sync::Mutex<HostRobots>>;

/// Per-host robots cache.
pub(crate) struct Robots {
    agent: String,
    retries: u32,
    retry_base: Duration,
    hosts: Mutex<HashMap<String, Slot>>,
}

/// The product token of a User-Agent (`jinan/0.1 (+...)` → `jinan`).
pub fn agent_token(user_agent: &str) -> String {
    let t: String = user_agent
        .split(['/', ' '])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if t.is_empty() {
        "jinan".into()
    } else {
        t
    }
}

impl Robots {
    pub fn new(cfg: &CrawlConfig) -> Robots {
        Robots {
            agent: agent_token(&cfg.user_agent),
            retries: cfg.robots_retries,
            retry_base: cfg.robots_retry_base,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// Decides for `url`, fetching the host's robots.txt first when needed (and, while it cannot
    /// be read, waiting to ask again); the exchanges made for that are returned so they are
    /// archived. Other URLs of the host wait for the same answer.
    pub async fn check(&self, http: &Http, scope: &Scope, url: &Url) -> (Verdict, Vec<Exchange>) {
        let Some(hp) = host_port(url) else {
            return (Verdict::Disallowed, Vec::new());
        };
        let slot = {
            let mut g = match self.hosts.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            g.entry(hp.clone()).or_default().clone()
        };
        let mut host = slot.lock().await;
        let mut fetched = Vec::new();
        loop {
            if let Some((rules, until)) = &host.rules {
                if Instant::now() < *until {
                    let verdict = match &**rules {
                        Rules::AllowAll => Verdict::Allowed,
                        Rules::Parsed(r) if r.allowed(url.as_str()) => Verdict::Allowed,
                        Rules::Parsed(_) => Verdict::Disallowed,
                    };
                    return (verdict, fetched);
                }
            }
            if host.given_up {
                return (Verdict::Unavailable(host.problem.clone()), fetched);
            }
            let (got, xs) = self.fetch(http, scope, url).await;
            fetched.extend(xs);
            let asked = match got {
                Fetched::Rules(r) => {
                    if host.failures > 0 {
                        tracing::warn!(host = %hp, "robots.txt answers again: host open");
                    }
                    host.rules = Some((Arc::new(r), Instant::now() + FRESH_FOR));
                    host.failures = 0;
                    continue;
                }
                Fetched::Unavailable(problem, asked) => {
                    host.problem = problem;
                    asked
                }
            };
            if let Some((rules, _)) = host.rules.take() {
                // RFC 9309 2.4: a robots.txt that cannot be refreshed keeps applying for now.
                tracing::warn!(host = %hp, "robots.txt unreachable: the copy read earlier still applies");
                host.rules = Some((rules, Instant::now() + REFRESH_UNREACHABLE));
                continue;
            }
            host.failures += 1;
            if host.failures > self.retries {
                host.given_up = true;
                tracing::warn!(host = %hp, asked = host.failures, "robots.txt still unavailable: host closed for this crawl, its URLs are held back for the next one");
                continue;
            }
            let backoff = self
                .retry_base
                .saturating_mul(1 << (host.failures - 1).min(16));
            let wait = asked.map_or(backoff, |a| a.max(backoff));
            tracing::warn!(host = %hp, wait_ms = wait.as_millis() as u64, "robots.txt unavailable: host closed, asking again later");
            tokio::time::sleep(wait).await;
        }
    }

    async fn fetch(&self, http: &Http, scope: &Scope, url: &Url) -> (Fetched, Vec<Exchange>) {
        let mut xs = Vec::new();
        let Ok(mut target) = url.join("/robots.txt") else {
            return (Fetched::Rules(Rules::AllowAll), xs);
        };
        for _ in 0..=5 {
            // No retries here: `check` paces the re-asks itself.
            match http.send_with(&Req::get(target.clone()), 0).await {
                Err(e) => {
                    tracing::debug!(url = %target, error = %e.message(), "robots.txt unreachable");
                    return (Fetched::Unavailable(e.message().to_string(), None), xs);
                }
                Ok(x) => {
                    let status = x.status;
                    let location = x.header("location").and_then(|l| target.join(l).ok());
                    let asked = http.retry_after_of(&x);
                    let body = x.body.clone();
                    xs.push(x);
                    let rules = match status {
                        200..=299 => match texting_robots::Robot::new(&self.agent, &body) {
                            Ok(r) => Rules::Parsed(Box::new(r)),
                            Err(_) => Rules::AllowAll,
                        },
                        300..=399 => match location {
                            Some(next) if scope.allows(&next) => {
                                target = next;
                                continue;
                            }
                            _ => Rules::AllowAll,
                        },
                        // 429 asks us to slow down: like a server error, not like a missing file.
                        400..=428 | 430..=499 => Rules::AllowAll,
                        _ => {
                            tracing::debug!(url = %target, status, "robots.txt answers a server error");
                            let why = format!("{target} answered {status}");
                            return (Fetched::Unavailable(why, asked), xs);
                        }
                    };
                    return (Fetched::Rules(rules), xs);
                }
            }
        }
        (Fetched::Rules(Rules::AllowAll), xs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_token_is_the_product_name() {
        assert_eq!(
            agent_token("jinan/0.1.0 (+https://github.com/jinan-search/jinan)"),
            "jinan"
        );
        assert_eq!(agent_token(""), "jinan");
    }

    /// RFC 9309 2.4: a robots.txt read earlier keeps applying while it cannot be refreshed.
    #[tokio::test]
    async fn a_stale_copy_applies_while_robots_txt_is_unreachable() {
        let site = testsite::Site::new(testsite::SiteConfig {
            articles: 5,
            hazards: false,
            ..Default::default()
        });
        let server = testsite::Server::start(site).unwrap();
        server.set_robots(testsite::RobotsMode::ServerError);
        let base = Url::parse(&server.base_url()).unwrap();
        let cfg = CrawlConfig::new(vec![base.clone()]);
        let http = Http::new(&cfg).unwrap();
        let scope = Scope::new(&cfg.effective_allow_hosts());
        let robots = Robots::new(&cfg);
        let rules =
            texting_robots::Robot::new("jinan", b"User-agent: *\nDisallow: /private/\n").unwrap();
        let slot: Slot = Default::default();
        slot.lock().await.rules = Some((Arc::new(Rules::Parsed(Box::new(rules))), Instant::now()));
        robots
            .hosts
            .lock()
            .unwrap()
            .insert(host_port(&base).unwrap(), slot.clone());

        let (v, xs) = robots
            .check(&http, &scope, &base.join("/private/a.html").unwrap())
            .await;
        assert!(matches!(v, Verdict::Disallowed));
        assert_eq!(xs.iter().map(|x| x.status).collect::<Vec<_>>(), [500]);
        let (v, xs) = robots
            .check(&http, &scope, &base.join("/open.html").unwrap())
            .await;
        assert!(matches!(v, Verdict::Allowed));
        assert!(xs.is_empty(), "asked again before {REFRESH_UNREACHABLE:?}");
        let host = slot.lock().await;
        assert_eq!(host.failures, 0);
        assert!(host
            .rules
            .as_ref()
            .is_some_and(|(_, until)| *until > Instant::now()));
    }

    #[test]
    fn rules_apply_to_our_agent() {
        let txt = b"User-agent: *\nDisallow: /module/search/\n\nUser-agent: BadBot\nDisallow: /\n";
        let r = texting_robots::Robot::new("jinan", txt).unwrap();
        assert!(!r.allowed("http://h.test/module/search/index.jsp?webid=38"));
        assert!(r.allowed("http://h.test/art/2018/11/19/art_1_2.html"));
    }
}
