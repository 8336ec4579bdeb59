//! The ARM HTTP client: GET only (plus the one opt-in Run Command POST),
//! bounded concurrency, `nextLink` paging, retries with backoff and jitter,
//! `Retry-After`, slowing down when ARM's remaining-request headers run low,
//! a per-request timeout and an overall deadline.
//!
//! It never decides what a response means for the checks: every outcome,
//! failed ones included, becomes a `Record` that `collect` writes to the
//! manifest (a failure there is ASR901, never a pass).
//!
//! Security: the bearer token goes only to the ARM endpoint's own scheme,
//! host and port; the endpoint must be HTTPS unless it is a loopback
//! address; a `nextLink` to anywhere else is refused before any byte is
//! sent; redirects are not followed; the token is never stored in a record
//! or an error.

use super::auth::Credential;
use super::progress::Progress;
use crate::error::Error;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use url::Url;

/// How the client behaves; the defaults are what the CLI uses.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub endpoint: Url,
    pub concurrency: usize,
    pub request_timeout: Duration,
    /// The whole collection must end by then; what is left is recorded missing.
    pub deadline: Duration,
    /// Attempts per request, the first included.
    pub attempts: u32,
    /// The first backoff delay (doubled each retry, with jitter).
    pub retry_delay: Duration,
    /// Extra roots to trust (PEM), e.g. a test CA.
    pub ca_certs: Vec<Vec<u8>>,
}

/// One request as the manifest records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub method: &'static str,
    /// Path and query, relative to the endpoint (never the host, never a token).
    pub path: String,
    pub status: Option<u16>,
    pub error_code: Option<String>,
    pub message: Option<String>,
    pub attempts: u32,
}

impl Record {
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s)) && self.error_code.is_none()
    }
}

/// What one request returned: the record, and the body when it was usable
/// JSON (or empty, for a 202).
pub struct Fetched {
    pub record: Record,
    pub body: Option<Vec<u8>>,
    /// `Location`, `Azure-AsyncOperation` and `Retry-After` of a 2xx (for
    /// the one long-running POST: Run Command).
    pub location: Option<String>,
    pub async_operation: Option<String>,
    pub retry_after: Option<Duration>,
    /// Resource Graph said the query reached the tenant's subscription
    /// limit (`x-ms-tenant-subscription-limit-hit: true`): its rows cover
    /// only part of the subscriptions asked for.
    pub subscription_limit_hit: bool,
}

impl Fetched {
    fn failed(record: Record) -> Fetched {
        Fetched {
            record,
            body: None,
            location: None,
            async_operation: None,
            retry_after: None,
            subscription_limit_hit: false,
        }
    }
}

/// A request to send: GET, the opt-in Run Command POST, or a Resource
/// Graph query (a read-only POST, paced by its own quota).
struct Outgoing<'a> {
    method: &'static str,
    url: &'a Url,
    body: Option<&'a [u8]>,
    graph: Graph,
}

/// Whether a request is a Resource Graph query, and how urgent.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Graph {
    No,
    Query,
    /// Sent before any other query waiting for the quota.
    Urgent,
}

/// Resource Graph's per-user quota (by default 15 queries per 5-second
/// window), as its headers last reported it: `x-ms-user-quota-remaining`
/// and `x-ms-user-quota-resets-after` (`hh:mm:ss`). Queries wait for the
/// window to reset rather than be throttled; ARM requests are not held up.
#[derive(Default)]
struct GraphQuota {
    state: Mutex<QuotaState>,
}

#[derive(Default)]
struct QuotaState {
    /// Queries left in the window as the last response said (`None` until
    /// one says, and again once the window has reset).
    remaining: Option<u32>,
    resets_at: Option<Instant>,
    /// Queries sent whose response has not come back: the server may or
    /// may not have counted them in the last `remaining` it reported.
    in_flight: u32,
    /// A response came without quota headers: nothing to pace by.
    unmetered: bool,
    /// Urgent queries waiting: the others let them go first.
    urgent_waiting: u32,
}

impl GraphQuota {
    /// Waits until a query may be sent, and counts it in flight: while the
    /// quota is unknown (the first query, each new window) one at a time;
    /// then only as many as the last response said were left, less those
    /// still in flight; none until the window resets once it is spent.
    /// At most `GRAPH_CONCURRENCY` in flight; `urgent` ones (what the rest
    /// of a collection waits for) before any other.
    async fn acquire(&self, urgent: bool) {
        let mut waiting = false;
        loop {
            let wait = {
                let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                if s.resets_at.is_some_and(|t| t <= now) {
                    s.remaining = None;
                    s.resets_at = None;
                }
                let quota = match s.remaining {
                    _ if s.unmetered => true,
                    None => s.in_flight == 0,
                    Some(n) => n > s.in_flight,
                };
                let turn = urgent || s.urgent_waiting == 0;
                if quota && turn && s.in_flight < GRAPH_CONCURRENCY {
                    s.in_flight += 1;
                    if waiting {
                        s.urgent_waiting -= 1;
                    }
                    None
                } else {
                    if urgent && !waiting {
                        waiting = true;
                        s.urgent_waiting += 1;
                    }
                    // A response in flight may tell more; else the reset.
                    let poll = now + Duration::from_millis(20);
                    Some(match (s.remaining, s.resets_at) {
                        (Some(0), Some(t)) if s.in_flight == 0 => t - now,
                        (_, Some(t)) => t.min(poll) - now,
                        _ => poll - now,
                    })
                }
            };
            match wait {
                Some(w) => tokio::time::sleep(w).await,
                None => return,
            }
        }
    }

    /// A query is over (answered, failed, or never sent).
    fn release(&self) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.in_flight = s.in_flight.saturating_sub(1);
    }

    /// Learns the quota from a response's headers.
    fn learn(&self, headers: &reqwest::header::HeaderMap) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let get = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::trim);
        let Some(remaining) = get("x-ms-user-quota-remaining").and_then(|v| v.parse::<u32>().ok())
        else {
            s.unmetered = s.remaining.is_none();
            return;
        };
        // Whole seconds, maybe rounded down: a margin, so that the first
        // query of the next window does not arrive just before it opens.
        let resets = get("x-ms-user-quota-resets-after")
            .and_then(parse_hms)
            .unwrap_or(Duration::from_secs(5))
            + Duration::from_millis(100);
        let at = Instant::now() + resets;
        s.unmetered = false;
        match (s.remaining, s.resets_at) {
            // An answer from a window before the one known, arriving late.
            (Some(_), Some(t)) if at + SAME_WINDOW < t => {}
            // The window already known (its reset, given in whole seconds,
            // within a second of this one's): responses to queries in
            // flight together can arrive out of order, so the fewest left
            // holds, never an earlier, higher count. Each answer bounds the
            // reset from above (the time left is rounded up), so the
            // earliest bound holds.
            (Some(known), Some(t)) if at <= t + SAME_WINDOW => {
                s.remaining = Some(known.min(remaining));
                s.resets_at = Some(t.min(at));
            }
            _ => {
                s.remaining = Some(remaining);
                s.resets_at = Some(at);
            }
        }
    }

    /// Throttled anyway (429): no query before `d` has passed.
    fn hold(&self, d: Duration) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.unmetered = false;
        s.remaining = Some(0);
        s.resets_at = Some(Instant::now() + d);
    }
}

/// A query counted in flight until it is dropped.
struct Sent<'a>(&'a GraphQuota);

impl Drop for Sent<'_> {
    fn drop(&mut self) {
        self.0.release();
    }
}

/// `hh:mm:ss` (seconds may have a fraction), as Resource Graph writes
/// `x-ms-user-quota-resets-after`; capped at five minutes.
fn parse_hms(v: &str) -> Option<Duration> {
    let mut parts = v.split(':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let secs = h.parse::<u64>().ok()? * 3600 + m.parse::<u64>().ok()? * 60;
    let frac: f64 = s
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite() && *x >= 0.0)?;
    Some(Duration::from_secs_f64((secs as f64 + frac).min(300.0)))
}

/// Resource Graph queries in flight at once (within its quota).
const GRAPH_CONCURRENCY: u32 = 4;

/// How far apart two responses' reset times may be and still name the same
/// quota window: the header's whole seconds, and the margin added to it.
const SAME_WINDOW: Duration = Duration::from_millis(1_100);

pub struct Client {
    http: reqwest::Client,
    config: ClientConfig,
    credential: Arc<Credential>,
    slots: Semaphore,
    started: Instant,
    /// No request starts before this instant (after a 429 or a low
    /// remaining-requests header).
    not_before: Mutex<Option<Instant>>,
    pub progress: Progress,
    sent: AtomicUsize,
    /// Set once ARM rejected a freshly obtained token: later requests are
    /// not sent with it.
    rejected: std::sync::atomic::AtomicBool,
    graph_quota: GraphQuota,
}

/// True for 127.0.0.0/8, ::1 and `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Checks an ARM endpoint: HTTPS, or plain HTTP on loopback only.
pub fn validate_endpoint(url: &Url) -> Result<(), Error> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(Error::Usage(format!(
            "--arm-endpoint `{url}` is plain HTTP: the bearer token is only ever sent over HTTPS (plain HTTP is accepted for a loopback test server only)"
        ))),
        other => Err(Error::Usage(format!(
            "--arm-endpoint `{url}`: scheme `{other}` is not supported; use https://"
        ))),
    }
}

impl Client {
    pub fn new(
        config: ClientConfig,
        credential: Arc<Credential>,
        progress: Progress,
    ) -> Result<Self, Error> {
        validate_endpoint(&config.endpoint)?;
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("asr-preflight/", env!("CARGO_PKG_VERSION")));
        if is_loopback(&config.endpoint) {
            // A proxy must not see (or reroute) loopback traffic.
            builder = builder.no_proxy();
        }
        if !config.ca_certs.is_empty() {
            let mut certs = Vec::new();
            for pem in &config.ca_certs {
                let found = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                    Error::Usage(format!("--ca-cert: not a PEM certificate bundle ({e})"))
                })?;
                certs.extend(found);
            }
            builder = builder.tls_certs_merge(certs);
        }
        let http = builder
            .build()
            .map_err(|e| Error::Live(format!("cannot start the HTTP client: {e}")))?;
        Ok(Client {
            http,
            slots: Semaphore::new(config.concurrency.max(1)),
            config,
            credential,
            started: Instant::now(),
            not_before: Mutex::new(None),
            progress,
            sent: AtomicUsize::new(0),
            rejected: std::sync::atomic::AtomicBool::new(false),
            graph_quota: GraphQuota::default(),
        })
    }

    /// HTTP requests sent so far, retries included.
    pub fn sent(&self) -> usize {
        self.sent.load(Ordering::Relaxed)
    }

    /// The absolute URL of an ARM path (`/subscriptions/...?api-version=...`).
    pub fn url(&self, path_and_query: &str) -> Result<Url, Error> {
        self.config
            .endpoint
            .join(path_and_query)
            .map_err(|e| Error::Internal(format!("bad ARM path `{path_and_query}`: {e}")))
    }

    /// The manifest's form of a URL: path and query, no host.
    fn relative(url: &Url) -> String {
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Whether the token may be sent to `url`: same scheme, host and port as
    /// the ARM endpoint.
    pub fn same_origin(&self, url: &Url) -> bool {
        let e = &self.config.endpoint;
        // A loopback endpoint may name itself `localhost` or 127.0.0.1: the
        // same port on this machine is the same server.
        let same_host = url.host_str().map(str::to_ascii_lowercase)
            == e.host_str().map(str::to_ascii_lowercase)
            || (is_loopback(url) && is_loopback(e));
        url.scheme() == e.scheme()
            && same_host
            && url.port_or_known_default() == e.port_or_known_default()
    }

    fn remaining(&self) -> Option<Duration> {
        self.config.deadline.checked_sub(self.started.elapsed())
    }

    async fn wait_turn(&self) {
        let until = *self.not_before.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(until) = until {
            let now = Instant::now();
            if until > now {
                tokio::time::sleep(until - now).await;
            }
        }
    }

    fn hold_off(&self, d: Duration) {
        let mut nb = self.not_before.lock().unwrap_or_else(|p| p.into_inner());
        let until = Instant::now() + d;
        if nb.is_none_or(|t| t < until) {
            *nb = Some(until);
        }
    }

    /// GETs one URL, retrying what is worth retrying. Never fails: what went
    /// wrong is in the record.
    pub async fn get(&self, url: &Url) -> Fetched {
        self.send(Outgoing {
            method: "GET",
            url,
            body: None,
            graph: Graph::No,
        })
        .await
    }

    /// POSTs a Resource Graph query (`/providers/Microsoft.ResourceGraph/resources`):
    /// a read, paced by Resource Graph's own per-user quota.
    /// `urgent` queries go before the others waiting for the quota.
    pub async fn post_graph(&self, url: &Url, body: &[u8], urgent: bool) -> Fetched {
        self.send(Outgoing {
            method: "POST",
            url,
            body: Some(body),
            graph: if urgent { Graph::Urgent } else { Graph::Query },
        })
        .await
    }

    /// POSTs a JSON body: used only by `--guest-certs` (VM Run Command),
    /// the one request that is not a read, and only when asked for.
    pub async fn post_run_command(&self, url: &Url, body: &serde_json::Value) -> Fetched {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        self.send(Outgoing {
            method: "POST",
            url,
            body: Some(&bytes),
            graph: Graph::No,
        })
        .await
    }

    async fn send(&self, out: Outgoing<'_>) -> Fetched {
        let url = out.url;
        let path = Self::relative(url);
        let mut record = Record {
            method: out.method,
            path,
            status: None,
            error_code: None,
            message: None,
            attempts: 0,
        };
        if !self.same_origin(url) {
            record.error_code = Some("ForeignLink".to_string());
            record.message = Some(format!(
                "refused to follow a link to `{}://{}`: only `{}` receives the token",
                url.scheme(),
                url.host_str().unwrap_or(""),
                self.config.endpoint.host_str().unwrap_or("")
            ));
            record.path = url.to_string();
            return Fetched::failed(record);
        }
        self.progress.planned(1);
        let fetched = self.with_retries(&out, record).await;
        self.progress.done(1);
        fetched
    }

    async fn with_retries(&self, out: &Outgoing<'_>, mut record: Record) -> Fetched {
        let mut delay = self.config.retry_delay;
        let mut refreshed = false;
        loop {
            record.attempts += 1;
            let Some(left) = self.remaining() else {
                record.error_code = Some("DeadlineExceeded".to_string());
                record.message = Some(format!(
                    "the overall deadline of {}s ran out before this request could complete",
                    self.config.deadline.as_secs()
                ));
                return Fetched::failed(record);
            };
            // The deadline bounds the whole attempt — the sign-in, the wait
            // for a slot and the pacing as well as the request — so that it
            // is a hard limit for the run, not a per-request one.
            let attempt = match tokio::time::timeout(left, self.attempt(out)).await {
                Ok(a) => a,
                Err(_) => {
                    record.error_code = Some("DeadlineExceeded".to_string());
                    record.message = Some(format!(
                        "the overall deadline of {}s ran out before this request could complete",
                        self.config.deadline.as_secs()
                    ));
                    return Fetched::failed(record);
                }
            };
            let retry_after = match attempt {
                Attempt::Done {
                    status,
                    body,
                    headers,
                } => {
                    record.status = Some(status);
                    record.error_code = None;
                    record.message = None;
                    let header = |n: &str| {
                        headers
                            .get(n)
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_string)
                    };
                    return Fetched {
                        record,
                        body: Some(body),
                        location: header("location"),
                        async_operation: header("azure-asyncoperation"),
                        retry_after: retry_after(&headers),
                        subscription_limit_hit: header("x-ms-tenant-subscription-limit-hit")
                            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
                    };
                }
                Attempt::Unauthorized {
                    status,
                    code,
                    message,
                } if !refreshed && self.credential.refreshable() => {
                    // An expired token is refreshed once; a second 401 is final.
                    refreshed = true;
                    self.credential.invalidate();
                    record.status = Some(status);
                    record.error_code = code;
                    record.message = message;
                    Some(Duration::ZERO)
                }
                Attempt::Final {
                    status,
                    code,
                    message,
                }
                | Attempt::Unauthorized {
                    status,
                    code,
                    message,
                } => {
                    if status == 401 {
                        // Refreshed and still rejected: stop sending it.
                        self.rejected.store(true, Ordering::Relaxed);
                    }
                    record.status = Some(status);
                    record.error_code = code.or_else(|| Some(format!("Http{status}")));
                    record.message = message;
                    return Fetched::failed(record);
                }
                Attempt::Retry {
                    status,
                    code,
                    message,
                    retry_after,
                } => {
                    record.status = status;
                    record.error_code = Some(code);
                    record.message = Some(message);
                    retry_after
                }
                Attempt::Rejected => {
                    record.attempts -= 1;
                    record.status = Some(401);
                    record.error_code = Some("CredentialRejected".to_string());
                    record.message = Some(
                        "not sent: ARM had already rejected the credential (401) on another request"
                            .to_string(),
                    );
                    return Fetched::failed(record);
                }
                Attempt::NoToken(message) => {
                    record.error_code = Some("CredentialUnavailable".to_string());
                    record.message = Some(message);
                    return Fetched::failed(record);
                }
            };
            if record.attempts >= self.config.attempts {
                if let Some(m) = record.message.as_mut() {
                    m.push_str(&format!(" (gave up after {} attempts)", record.attempts));
                }
                return Fetched::failed(record);
            }
            let wait = match retry_after {
                Some(d) => d,
                None => {
                    // Exponential backoff with jitter: a random wait in [delay/2, delay].
                    let half = delay / 2;
                    let jitter = half.mul_f64(fastrand::f64());
                    let d = half + jitter;
                    delay = (delay * 2).min(Duration::from_secs(60));
                    d
                }
            };
            match self.remaining() {
                Some(left) if left > wait => {}
                _ => {
                    if let Some(m) = record.message.as_mut() {
                        m.push_str(&format!(
                            " (the next try, in {}s, would pass the overall deadline)",
                            wait.as_secs()
                        ));
                    }
                    return Fetched::failed(record);
                }
            }
            if out.graph != Graph::No && record.status == Some(429) {
                // Resource Graph's quota is its own: only queries wait.
                self.graph_quota.hold(wait);
            } else if retry_after.is_some() && record.status == Some(429) {
                // Throttling is per subscription and principal: everyone waits.
                self.hold_off(wait);
            } else {
                tokio::time::sleep(wait).await;
            }
        }
    }

    async fn attempt(&self, out: &Outgoing<'_>) -> Attempt {
        let token = match self.credential.token().await {
            Ok(t) => t,
            Err(e) => return Attempt::NoToken(e),
        };
        // A query waits for Resource Graph's window before it takes one of
        // the request slots, so that ARM requests go on meanwhile.
        let _graph_slot = match out.graph {
            Graph::No => None,
            g => {
                self.graph_quota.acquire(g == Graph::Urgent).await;
                Some(Sent(&self.graph_quota))
            }
        };
        let _slot = self.slots.acquire().await;
        if out.graph == Graph::No {
            self.wait_turn().await;
        }
        // Checked with the slot held: requests queued behind the one that
        // learned of the rejection do not send the token again.
        if self.rejected.load(Ordering::Relaxed) {
            return Attempt::Rejected;
        }
        let Some(left) = self.remaining() else {
            return Attempt::Retry {
                status: None,
                code: "DeadlineExceeded".to_string(),
                message: "the overall deadline ran out while the request waited for its turn"
                    .to_string(),
                retry_after: None,
            };
        };
        self.sent.fetch_add(1, Ordering::Relaxed);
        let mut request = match out.body {
            Some(body) => self
                .http
                .post(out.url.clone())
                .header("Content-Type", "application/json")
                .body(body.to_vec()),
            None => self.http.get(out.url.clone()),
        };
        request = request
            .bearer_auth(token.expose())
            .header("Accept", "application/json")
            .timeout(self.config.request_timeout.min(left));
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return Attempt::transport(&e),
        };
        let status = response.status().as_u16();
        if status == 401 && !self.credential.refreshable() {
            // Before the slot is freed, so no queued request sends it again.
            self.rejected.store(true, Ordering::Relaxed);
        }
        let headers = response.headers().clone();
        if out.graph != Graph::No {
            self.graph_quota.learn(&headers);
        } else {
            self.pace(&headers);
        }
        let body = match response.bytes().await {
            Ok(b) => b.to_vec(),
            Err(e) => return Attempt::transport(&e),
        };
        let (code, message) = error_of(&body);
        match status {
            202 | 204 if body.iter().all(u8::is_ascii_whitespace) => Attempt::Done {
                status,
                body,
                headers,
            },
            200..=299 => {
                if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&body) {
                    return Attempt::Retry {
                        status: Some(status),
                        code: "InvalidResponse".to_string(),
                        message: format!(
                            "the response body is not complete JSON ({e}); it may have been cut off"
                        ),
                        retry_after: None,
                    };
                }
                Attempt::Done {
                    status,
                    body,
                    headers,
                }
            }
            401 => Attempt::Unauthorized {
                status,
                code,
                message,
            },
            408 | 429 | 500 | 502 | 503 | 504 => Attempt::Retry {
                status: Some(status),
                code: code.unwrap_or_else(|| {
                    if status == 429 {
                        "TooManyRequests".to_string()
                    } else {
                        format!("Http{status}")
                    }
                }),
                message: message.unwrap_or_else(|| format!("HTTP {status}")),
                retry_after: retry_after(&headers),
            },
            _ => Attempt::Final {
                status,
                code,
                message,
            },
        }
    }

    /// Slows everyone down when ARM says few requests are left in the
    /// bucket (`x-ms-ratelimit-remaining-*`, and the compute provider's
    /// `policy;remaining` lists).
    fn pace(&self, headers: &reqwest::header::HeaderMap) {
        let mut lowest: Option<u64> = None;
        for (name, value) in headers {
            if !name.as_str().starts_with("x-ms-ratelimit-remaining-") {
                continue;
            }
            let Ok(v) = value.to_str() else { continue };
            for part in v.split(',') {
                let n = part.rsplit(';').next().unwrap_or(part).trim();
                if let Ok(n) = n.parse::<u64>() {
                    lowest = Some(lowest.map_or(n, |l| l.min(n)));
                }
            }
        }
        let pause = match lowest {
            Some(n) if n < 5 => Duration::from_secs(5),
            Some(n) if n < 25 => Duration::from_secs(1),
            Some(n) if n < 100 => Duration::from_millis(200),
            _ => return,
        };
        self.hold_off(pause);
    }
}

enum Attempt {
    Done {
        status: u16,
        body: Vec<u8>,
        headers: reqwest::header::HeaderMap,
    },
    Retry {
        status: Option<u16>,
        code: String,
        message: String,
        retry_after: Option<Duration>,
    },
    Unauthorized {
        status: u16,
        code: Option<String>,
        message: Option<String>,
    },
    Final {
        status: u16,
        code: Option<String>,
        message: Option<String>,
    },
    NoToken(String),
    /// Not sent: the credential was rejected on another request.
    Rejected,
}

impl Attempt {
    fn transport(e: &reqwest::Error) -> Attempt {
        let code = if e.is_timeout() {
            "Timeout"
        } else if e.is_connect() {
            "ConnectionFailed"
        } else if e.is_body() || e.is_decode() {
            "InvalidResponse"
        } else {
            "ConnectionError"
        };
        // reqwest's Display names the URL, never the headers: no token.
        let mut message = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        Attempt::Retry {
            status: None,
            code: code.to_string(),
            message,
            retry_after: None,
        }
    }
}

/// `Retry-After` in seconds or as an HTTP date, or ARM's
/// `x-ms-retry-after-ms`; capped at five minutes.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let get = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::trim);
    let d = if let Some(ms) = get("x-ms-retry-after-ms").and_then(|v| v.parse::<u64>().ok()) {
        Duration::from_millis(ms)
    } else {
        let v = get("retry-after")?;
        match v.parse::<f64>() {
            Ok(s) if s.is_finite() && s >= 0.0 => Duration::from_secs_f64(s),
            _ => {
                until_http_date(v, std::time::SystemTime::now()).unwrap_or(Duration::from_secs(30))
            }
        }
    };
    Some(d.min(Duration::from_secs(300)))
}

/// How long until an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`) from `now`.
fn until_http_date(v: &str, now: std::time::SystemTime) -> Option<Duration> {
    let at = time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc2822).ok()?;
    Some(
        std::time::SystemTime::from(at)
            .duration_since(now)
            .unwrap_or(Duration::ZERO),
    )
}

/// The `{"error": {"code", "message"}}` envelope of an ARM error body.
fn error_of(body: &[u8]) -> (Option<String>, Option<String>) {
    #[derive(serde::Deserialize)]
    struct Envelope {
        error: Option<Inner>,
    }
    #[derive(serde::Deserialize)]
    struct Inner {
        code: Option<String>,
        message: Option<String>,
    }
    match serde_json::from_slice::<Envelope>(body) {
        Ok(Envelope {
            error: Some(Inner { code, message }),
        }) => (code, message),
        _ => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_must_be_https_unless_loopback() {
        let ok = |s: &str| validate_endpoint(&Url::parse(s).unwrap()).is_ok();
        assert!(ok("https://management.azure.com"));
        assert!(ok("http://127.0.0.1:8080"));
        assert!(ok("http://[::1]:8080"));
        assert!(ok("http://localhost:1"));
        assert!(!ok("http://management.azure.com"));
        assert!(!ok("http://10.0.0.1"));
        assert!(!ok("ftp://127.0.0.1"));
    }

    #[test]
    fn graph_quota_reset_times_read_as_hh_mm_ss() {
        assert_eq!(parse_hms("00:00:05"), Some(Duration::from_secs(5)));
        assert_eq!(parse_hms("00:01:02.5"), Some(Duration::from_millis(62_500)));
        assert_eq!(parse_hms("01:00:00"), Some(Duration::from_secs(300)));
        assert_eq!(parse_hms("5"), None);
        assert_eq!(parse_hms("00:00:-1"), None);
    }

    #[test]
    fn graph_quota_keeps_the_fewest_left_of_one_window() {
        let quota = GraphQuota::default();
        let headers = |left: &str, resets: &str| {
            let mut h = reqwest::header::HeaderMap::new();
            h.insert("x-ms-user-quota-remaining", left.parse().unwrap());
            h.insert("x-ms-user-quota-resets-after", resets.parse().unwrap());
            h
        };
        let left = |q: &GraphQuota| q.state.lock().unwrap().remaining;
        // The third query's answer came back before the second's.
        quota.learn(&headers("0", "00:00:01"));
        quota.learn(&headers("1", "00:00:01"));
        assert_eq!(left(&quota), Some(0));
        // Throttled, then a late answer from before: still none left.
        quota.hold(Duration::from_secs(1));
        quota.learn(&headers("2", "00:00:01"));
        assert_eq!(left(&quota), Some(0));
        // A window that resets seconds later is a new one.
        quota.learn(&headers("14", "00:00:05"));
        assert_eq!(left(&quota), Some(14));
        // A late answer from the window before it changes nothing.
        quota.learn(&headers("0", "00:00:01"));
        assert_eq!(left(&quota), Some(14));
    }

    #[test]
    fn retry_after_reads_seconds_and_milliseconds() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert("x-ms-retry-after-ms", "250".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_millis(250)));
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", "99999".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(300)));
        assert_eq!(retry_after(&reqwest::header::HeaderMap::new()), None);
    }

    #[test]
    fn retry_after_reads_http_dates() {
        let now = std::time::SystemTime::from(time::macros::datetime!(2026-11-22 12:00:00 UTC));
        assert_eq!(
            until_http_date("Sun, 22 Nov 2026 12:00:07 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            until_http_date("Sun, 22 Nov 2026 11:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(until_http_date("soon", now), None);
    }

    #[test]
    fn error_envelope() {
        let (c, m) = error_of(br#"{"error":{"code":"AuthorizationFailed","message":"no"}}"#);
        assert_eq!(c.as_deref(), Some("AuthorizationFailed"));
        assert_eq!(m.as_deref(), Some("no"));
        assert_eq!(error_of(b"not json"), (None, None));
    }
}
