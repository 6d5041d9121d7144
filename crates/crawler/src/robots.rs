//! robots.txt per RFC 9309, one per host and port: 2xx parsed (texting_robots), 4xx = everything
//! allowed, 5xx or unreachable = everything disallowed until it answers again (asked again after
//! [`RETRY_UNREACHABLE`]). Redirects are followed (up to five, within scope).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;
use url::Url;

use crate::canon::{host_port, Scope};
use crate::fetch::{Exchange, Http, Req};

/// How long a host whose robots.txt could not be read stays closed before it is asked again.
pub const RETRY_UNREACHABLE: Duration = Duration::from_secs(60);
const FRESH_FOR: Duration = Duration::from_secs(24 * 3600);

pub(crate) enum Rules {
    AllowAll,
    Parsed(Box<texting_robots::Robot>),
    DisallowAll,
}

/// The answer for one URL.
pub(crate) enum Verdict {
    Allowed,
    Disallowed,
    /// robots.txt answered 5xx or could not be fetched.
    Unavailable,
}

type Slot = Arc<tokio::sync::Mutex<Option<(Arc<Rules>, Instant)>>>;

/// Per-host robots cache.
pub(crate) struct Robots {
    agent: String,
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
    pub fn new(user_agent: &str) -> Robots {
        Robots {
            agent: agent_token(user_agent),
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// Decides for `url`, fetching the host's robots.txt first when needed; the exchanges made
    /// for that are returned so they are archived.
    pub async fn check(&self, http: &Http, scope: &Scope, url: &Url) -> (Verdict, Vec<Exchange>) {
        let Some(hp) = host_port(url) else {
            return (Verdict::Disallowed, Vec::new());
        };
        let slot = {
            let mut g = match self.hosts.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            g.entry(hp).or_default().clone()
        };
        let mut guard = slot.lock().await;
        let mut fetched = Vec::new();
        let fresh = guard
            .as_ref()
            .filter(|(_, until)| Instant::now() < *until)
            .map(|(r, _)| r.clone());
        let rules = match fresh {
            Some(r) => r,
            None => {
                let (rules, xs) = self.fetch(http, scope, url).await;
                fetched = xs;
                let ttl = if matches!(rules, Rules::DisallowAll) {
                    RETRY_UNREACHABLE
                } else {
                    FRESH_FOR
                };
                let rules = Arc::new(rules);
                *guard = Some((rules.clone(), Instant::now() + ttl));
                rules
            }
        };
        drop(guard);
        let verdict = match &*rules {
            Rules::AllowAll => Verdict::Allowed,
            Rules::DisallowAll => Verdict::Unavailable,
            Rules::Parsed(r) if r.allowed(url.as_str()) => Verdict::Allowed,
            Rules::Parsed(_) => Verdict::Disallowed,
        };
        (verdict, fetched)
    }

    async fn fetch(&self, http: &Http, scope: &Scope, url: &Url) -> (Rules, Vec<Exchange>) {
        let mut xs = Vec::new();
        let Ok(mut target) = url.join("/robots.txt") else {
            return (Rules::AllowAll, xs);
        };
        for _ in 0..=5 {
            match http.send(&Req::get(target.clone())).await {
                Err(e) => {
                    tracing::warn!(url = %target, error = %e.message(), "robots.txt unreachable: host closed for now");
                    return (Rules::DisallowAll, xs);
                }
                Ok(x) => {
                    let status = x.status;
                    let location = x.header("location").and_then(|l| target.join(l).ok());
                    let body = x.body.clone();
                    xs.push(x);
                    match status {
                        200..=299 => {
                            return match texting_robots::Robot::new(&self.agent, &body) {
                                Ok(r) => (Rules::Parsed(Box::new(r)), xs),
                                Err(_) => (Rules::AllowAll, xs),
                            }
                        }
                        300..=399 => match location {
                            Some(next) if scope.allows(&next) => target = next,
                            _ => return (Rules::AllowAll, xs),
                        },
                        400..=499 => return (Rules::AllowAll, xs),
                        _ => {
                            tracing::warn!(url = %target, status, "robots.txt answers a server error: host closed for now");
                            return (Rules::DisallowAll, xs);
                        }
                    }
                }
            }
        }
        (Rules::AllowAll, xs)
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

    #[test]
    fn rules_apply_to_our_agent() {
        let txt = b"User-agent: *\nDisallow: /module/search/\n\nUser-agent: BadBot\nDisallow: /\n";
        let r = texting_robots::Robot::new("jinan", txt).unwrap();
        assert!(!r.allowed("http://h.test/module/search/index.jsp?webid=38"));
        assert!(r.allowed("http://h.test/art/2018/11/19/art_1_2.html"));
    }
}
