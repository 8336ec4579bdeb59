//! A fake Azure Resource Manager for tests and the live benchmark: serves an
//! estate on 127.0.0.1 over plain HTTP or HTTPS (with a CA made on the
//! spot), pages lists through `nextLink`, and injects faults — statuses with
//! `Retry-After`, delays, cut-off bodies, dropped connections, foreign
//! `nextLink`s, low remaining-request headers. It records every request and
//! answers anything but GET with 405.
//!
//! It listens on loopback only and never connects anywhere.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What a path serves.
#[derive(Clone, Debug)]
pub enum Route {
    List(Vec<Value>),
    One(Value),
    Error(u16, String),
}

/// An injected fault, applied to the next `times` requests whose path and
/// query contain `matching`.
#[derive(Clone, Debug)]
pub struct Fault {
    pub matching: String,
    pub times: usize,
    pub kind: FaultKind,
}

#[derive(Clone, Debug)]
pub enum FaultKind {
    Status {
        status: u16,
        code: String,
        retry_after: Option<u64>,
    },
    /// Wait this long before answering.
    Delay(Duration),
    /// Send the headers and half the body, then close.
    Truncate,
    /// Close the connection without answering.
    Reset,
    /// Answer normally but with this `nextLink`.
    NextLink(String),
    /// Answer normally with `x-ms-ratelimit-remaining-subscription-reads: n`.
    RemainingReads(u64),
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub at: std::time::Instant,
    pub method: String,
    pub target: String,
    pub authorization: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Default)]
struct State {
    routes: Mutex<HashMap<String, Arc<Route>>>,
    faults: Mutex<Vec<Fault>>,
    seen: Mutex<Vec<Seen>>,
    base: Mutex<String>,
    page_size: Mutex<usize>,
    latency: Mutex<Duration>,
    token: String,
    /// Run Command enabled: the guest's root store, as (name, PEM) pairs.
    guest_store: Mutex<Option<Vec<(String, String)>>>,
    /// Run Command output loses its closing part line (a failed script).
    guest_cut: Mutex<bool>,
    operations: Mutex<HashMap<String, Value>>,
    graph: Mutex<Graph>,
}

/// The Resource Graph this server answers: rows per table, subscriptions
/// the principal cannot read, management groups, and the quota it enforces.
pub struct Graph {
    /// (table, row) with `type` lower-cased, as Resource Graph returns it.
    pub rows: Vec<(String, Value)>,
    pub unreadable: std::collections::HashSet<String>,
    pub management_groups: HashMap<String, Vec<String>>,
    /// Queries per window, and the window (Resource Graph's default: 15 per 5 s).
    pub quota: Option<(u32, Duration)>,
    window: Option<(std::time::Instant, u32)>,
    /// Answer `x-ms-tenant-subscription-limit-hit: true`.
    pub limit_hit: bool,
    /// Queries throttled (429) because they came over the quota.
    pub throttled: usize,
    /// Rows per page at most (Resource Graph's own limit: 1,000).
    pub max_page: usize,
    /// Page `n` (from 1) of the query for `type` answers this status (200:
    /// an empty object, not a result page).
    pub fail: Option<(String, usize, u16)>,
}

impl Default for Graph {
    fn default() -> Self {
        Graph {
            rows: Vec::new(),
            unreadable: Default::default(),
            management_groups: HashMap::new(),
            quota: Some((15, Duration::from_secs(5))),
            window: None,
            limit_hit: false,
            throttled: 0,
            max_page: 1000,
            fail: None,
        }
    }
}

pub struct FakeArm {
    pub base: String,
    pub token: String,
    /// The test CA (PEM) when serving HTTPS.
    pub ca_pem: Option<String>,
    state: Arc<State>,
    _runtime: tokio::runtime::Runtime,
}

/// The last segments of list paths: an unknown path ending so is an empty list.
const LISTS: &[&str] = &[
    "replicationprotecteditems",
    "replicationrecoveryplans",
    "replicationjobs",
    "replicationpolicies",
    "virtualmachines",
    "disks",
    "networkinterfaces",
    "virtualnetworks",
    "locks",
    "resourcegroups",
    "locations",
    "usages",
    "skus",
    "availabilitystatuses",
];

fn key(path: &str) -> String {
    path.split('?')
        .next()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_ascii_lowercase()
}

impl FakeArm {
    /// A plain-HTTP server with an empty estate.
    pub fn http() -> FakeArm {
        FakeArm::start(false)
    }

    /// An HTTPS server whose certificate a fresh test CA signed (`ca_pem`).
    pub fn https() -> FakeArm {
        FakeArm::start(true)
    }

    fn start(tls: bool) -> FakeArm {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let state = Arc::new(State {
            token: "test-token-7f3a9c".to_string(),
            page_size: Mutex::new(100),
            ..State::default()
        });
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("addr").port();
        let (acceptor, ca_pem) = if tls {
            let (a, ca) = tls_acceptor();
            (Some(a), Some(ca))
        } else {
            (None, None)
        };
        let base = if tls {
            format!("https://127.0.0.1:{port}")
        } else {
            format!("http://127.0.0.1:{port}")
        };
        *state.base.lock().unwrap() = base.clone();
        let st = state.clone();
        runtime.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let st = st.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    match acceptor {
                        Some(a) => {
                            if let Ok(s) = a.accept(stream).await {
                                serve(s, st).await;
                            }
                        }
                        None => serve(stream, st).await,
                    }
                });
            }
        });
        FakeArm {
            base,
            token: state.token.clone(),
            ca_pem,
            state,
            _runtime: runtime,
        }
    }

    pub fn route(&self, path: &str, route: Route) {
        self.state
            .routes
            .lock()
            .unwrap()
            .insert(key(path), Arc::new(route));
    }

    pub fn fault(&self, matching: &str, times: usize, kind: FaultKind) {
        self.state.faults.lock().unwrap().push(Fault {
            matching: matching.to_string(),
            times,
            kind,
        });
    }

    /// Answers VM Run Command (POST `.../runCommand`, then the operation
    /// `Location`) as a Windows guest whose `Cert:\LocalMachine\Root` holds
    /// these certificates would: the certificates whose name the script's
    /// `-match` names, and the part line.
    pub fn enable_run_command(&self, store: Vec<(String, String)>) {
        *self.state.guest_store.lock().unwrap() = Some(store);
    }

    /// Run Command answers without the closing part line.
    pub fn cut_run_command_output(&self) {
        *self.state.guest_cut.lock().unwrap() = true;
    }

    pub fn set_page_size(&self, n: usize) {
        *self.state.page_size.lock().unwrap() = n.max(1);
    }

    /// Changes the Resource Graph this server answers.
    pub fn graph<R>(&self, f: impl FnOnce(&mut Graph) -> R) -> R {
        f(&mut self.state.graph.lock().unwrap())
    }

    /// Indexes every resource this server serves through ARM into its
    /// Resource Graph, as Resource Graph would hold it: replicated items in
    /// `recoveryservicesresources`; groups and subscriptions in
    /// `resourcecontainers`; availability statuses in `healthresources`;
    /// the rest in `resources`. Also serves `GET /subscriptions` (the
    /// readable ones).
    pub fn index_graph(&self) {
        let routes: Vec<Arc<Route>> = self
            .state
            .routes
            .lock()
            .unwrap()
            .values()
            .cloned()
            .collect();
        let mut rows: std::collections::BTreeMap<String, (String, Value)> = Default::default();
        let mut subs = std::collections::BTreeSet::new();
        for r in routes {
            let values: Vec<&Value> = match r.as_ref() {
                Route::List(v) => v.iter().collect(),
                Route::One(v) => vec![v],
                Route::Error(..) => continue,
            };
            for v in values {
                let (Some(id), Some(t)) = (v["id"].as_str(), v["type"].as_str()) else {
                    continue;
                };
                let segs: Vec<&str> = id.split('/').collect();
                let sub = segs
                    .get(2)
                    .map(|s| s.to_ascii_lowercase())
                    .unwrap_or_default();
                if sub.is_empty()
                    || !segs
                        .get(1)
                        .is_some_and(|s| s.eq_ignore_ascii_case("subscriptions"))
                {
                    continue;
                }
                subs.insert(sub.clone());
                let t = t.to_ascii_lowercase();
                let (table, t) = if t.ends_with("/replicationprotecteditems") {
                    ("recoveryservicesresources", t)
                } else if t == "microsoft.resources/resourcegroups" {
                    (
                        "resourcecontainers",
                        "microsoft.resources/subscriptions/resourcegroups".to_string(),
                    )
                } else if t.starts_with("microsoft.resourcehealth/availabilitystatuses") {
                    (
                        "healthresources",
                        "microsoft.resourcehealth/availabilitystatuses".to_string(),
                    )
                } else if t.starts_with("microsoft.recoveryservices/vaults/") || t == "region" {
                    continue; // plans, jobs, policies: ARM only here
                } else {
                    ("resources", t)
                };
                let rg = segs
                    .iter()
                    .position(|s| s.eq_ignore_ascii_case("resourcegroups"))
                    .and_then(|i| segs.get(i + 1))
                    .map(|s| s.to_ascii_lowercase());
                // Resource Graph nests fields under `properties` even where
                // the az CLI flattens them (locks).
                let properties = match &v["properties"] {
                    Value::Object(p) => Value::Object(p.clone()),
                    _ => Value::Object(
                        v.as_object()
                            .into_iter()
                            .flatten()
                            .filter(|(k, _)| {
                                !["id", "name", "type", "location", "properties"]
                                    .contains(&k.as_str())
                            })
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    ),
                };
                let row = json!({
                    "id": id,
                    "name": v["name"].clone(),
                    "type": t,
                    "location": v["location"].clone(),
                    "resourceGroup": rg,
                    "subscriptionId": sub,
                    "properties": properties,
                });
                rows.insert(id.to_ascii_lowercase(), (table.to_string(), row));
            }
        }
        let mut list = Vec::new();
        for s in &subs {
            rows.insert(
                format!("/subscriptions/{s}"),
                (
                    "resourcecontainers".to_string(),
                    json!({"id": format!("/subscriptions/{s}"), "name": s, "type": "microsoft.resources/subscriptions",
                           "location": null, "resourceGroup": null, "subscriptionId": s,
                           "properties": {"state": "Enabled"}}),
                ),
            );
            list.push(json!({"id": format!("/subscriptions/{s}"), "subscriptionId": s, "displayName": s, "state": "Enabled"}));
        }
        self.route("/subscriptions", Route::List(list));
        self.state.graph.lock().unwrap().rows = rows.into_values().collect();
    }

    pub fn set_latency(&self, d: Duration) {
        *self.state.latency.lock().unwrap() = d;
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    pub fn clear_seen(&self) {
        self.state.seen.lock().unwrap().clear();
    }

    /// Serves the bundle `dir` as ARM would: every request its manifest
    /// records with a saved file answers with that file (lists are paged
    /// again by this server).
    pub fn serve_bundle(&self, dir: &Path) {
        let manifest: Value =
            serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        for r in manifest["requests"].as_array().unwrap() {
            let (Some(file), Some(path)) = (r["file"].as_str(), r["path"].as_str()) else {
                continue;
            };
            let text = std::fs::read(dir.join(file)).unwrap();
            let doc: Value = serde_json::from_slice(&text).unwrap();
            let route = match &doc {
                Value::Array(a) => Route::List(a.clone()),
                Value::Object(o) if o.contains_key("value") => {
                    Route::List(o["value"].as_array().cloned().unwrap_or_default())
                }
                _ => Route::One(doc.clone()),
            };
            let k = key(path);
            let mut routes = self.state.routes.lock().unwrap();
            let merged = match (routes.get(&k).map(|r| r.as_ref()), route) {
                (Some(Route::List(have)), Route::List(more)) => {
                    Route::List(have.iter().cloned().chain(more).collect())
                }
                (_, route) => route,
            };
            routes.insert(k, Arc::new(merged));
        }
    }

    /// The arguments `asr-preflight` needs to reach this server.
    pub fn args(&self, dir: &Path) -> Vec<String> {
        let mut a = vec![
            "--arm-endpoint".to_string(),
            self.base.clone(),
            "--auth".to_string(),
            "token".to_string(),
            "--retry-delay-ms".to_string(),
            "20".to_string(),
        ];
        if let Some(ca) = &self.ca_pem {
            let path = dir.join("test-ca.pem");
            std::fs::write(&path, ca).unwrap();
            a.push("--ca-cert".to_string());
            a.push(path.display().to_string());
        }
        a
    }
}

fn tls_acceptor() -> (tokio_rustls::TlsAcceptor, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "asr-preflight test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf_params =
        CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
    let key =
        tokio_rustls::rustls::pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap();
    let config = tokio_rustls::rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key)
        .unwrap();
    (
        tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        ca_cert.pem(),
    )
}

async fn serve<S>(mut stream: S, st: Arc<State>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut buf = Vec::new();
    loop {
        // Read one request head.
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let mut lines = head.split("\r\n");
        let mut first = lines.next().unwrap_or("").split(' ');
        let method = first.next().unwrap_or("").to_string();
        let target = first.next().unwrap_or("").to_string();
        let mut headers = HashMap::new();
        for l in lines {
            if let Some((k, v)) = l.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let len: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + len {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body = buf[head_end..head_end + len].to_vec();
        buf.drain(..head_end + len);
        st.seen.lock().unwrap().push(Seen {
            at: std::time::Instant::now(),
            method: method.clone(),
            target: target.clone(),
            authorization: headers.get("authorization").cloned(),
            body: body.clone(),
        });
        let latency = *st.latency.lock().unwrap();
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        let fault = {
            let mut faults = st.faults.lock().unwrap();
            faults
                .iter_mut()
                .find(|f| f.times > 0 && target.contains(&f.matching))
                .map(|f| {
                    f.times -= 1;
                    f.kind.clone()
                })
        };
        let mut extra_headers = String::new();
        let mut next_override = None;
        match &fault {
            Some(FaultKind::Reset) => return,
            Some(FaultKind::Delay(d)) => tokio::time::sleep(*d).await,
            Some(FaultKind::Status {
                status,
                code,
                retry_after,
            }) => {
                if let Some(s) = retry_after {
                    extra_headers.push_str(&format!("Retry-After: {s}\r\n"));
                }
                let body =
                    json!({"error": {"code": code, "message": format!("injected {status}")}});
                if write(
                    &mut stream,
                    *status,
                    &extra_headers,
                    &body.to_string(),
                    false,
                )
                .await
                .is_err()
                {
                    return;
                }
                continue;
            }
            Some(FaultKind::NextLink(l)) => next_override = Some(l.clone()),
            Some(FaultKind::RemainingReads(n)) => {
                extra_headers.push_str(&format!(
                    "x-ms-ratelimit-remaining-subscription-reads: {n}\r\n"
                ));
            }
            Some(FaultKind::Truncate) | None => {}
        }
        let (status, text, more) = answer(&st, &method, &target, &headers, &body, next_override);
        extra_headers.push_str(&more);
        let truncate = matches!(fault, Some(FaultKind::Truncate));
        if write(&mut stream, status, &extra_headers, &text, truncate)
            .await
            .is_err()
            || truncate
        {
            return;
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

async fn write<S>(
    stream: &mut S,
    status: u16,
    extra: &str,
    body: &str,
    truncate: bool,
) -> std::io::Result<()>
where
    S: tokio::io::AsyncWrite + Unpin,
{
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n{extra}\r\n",
        body.len()
    );
    let bytes = body.as_bytes();
    let bytes = if truncate {
        &bytes[..bytes.len() / 2]
    } else {
        bytes
    };
    // One write: a split head and body meet Nagle and delayed ACKs (40 ms).
    let mut all = head.into_bytes();
    all.extend_from_slice(bytes);
    stream.write_all(&all).await?;
    stream.flush().await?;
    if truncate {
        stream.shutdown().await?;
    }
    Ok(())
}

fn answer(
    st: &State,
    method: &str,
    target: &str,
    headers: &HashMap<String, String>,
    body: &[u8],
    next_override: Option<String>,
) -> (u16, String, String) {
    let path_only = target.split('?').next().unwrap_or("").to_ascii_lowercase();
    if method == "POST" && path_only == "/providers/microsoft.resourcegraph/resources" {
        return graph(st, target, headers, body);
    }
    let (status, text) = answer_body(st, method, target, headers, body, next_override);
    // A started Run Command: 202 with the operation to poll.
    if status == 202 {
        return (
            status,
            String::new(),
            format!("Location: {text}\r\nRetry-After: 0\r\n"),
        );
    }
    (status, text, String::new())
}

/// Answers a Resource Graph query of the one shape `asr-preflight` sends:
/// `<table> | where type =~ '<type>' | project id, name, type, location,
/// resourceGroup, subscriptionId, properties | order by id asc`, scoped by
/// the body's `subscriptions` (at most 1,000) or `managementGroups`, paged
/// by `options.$top` (at most 1,000) and `options.$skipToken`, under the
/// per-user quota with its headers.
fn graph(
    st: &State,
    target: &str,
    headers: &HashMap<String, String>,
    body: &[u8],
) -> (u16, String, String) {
    let error = |status: u16, code: &str, msg: &str, extra: String| {
        (
            status,
            json!({"error": {"code": code, "message": msg}}).to_string(),
            extra,
        )
    };
    if headers.get("authorization") != Some(&format!("Bearer {}", st.token)) {
        return error(
            401,
            "InvalidAuthenticationToken",
            "The access token is invalid.",
            String::new(),
        );
    }
    if !target.contains("api-version=") {
        return error(
            400,
            "MissingApiVersionParameter",
            "api-version is required",
            String::new(),
        );
    }
    let mut g = st.graph.lock().unwrap();
    let mut quota_headers = String::new();
    if let Some((limit, window)) = g.quota {
        let now = std::time::Instant::now();
        let (start, used) = match g.window {
            Some((start, used)) if now < start + window => (start, used),
            _ => (now, 0),
        };
        let resets = (start + window).saturating_duration_since(now);
        let hms =
            |d: Duration| format!("00:00:{:02}", d.as_secs() + u64::from(d.subsec_nanos() > 0));
        if used >= limit {
            g.throttled += 1;
            g.window = Some((start, used));
            return error(
                429,
                "RateLimiting",
                "Please provide below info when asking for support: the user quota was exceeded",
                format!("x-ms-user-quota-remaining: 0\r\nx-ms-user-quota-resets-after: {}\r\nRetry-After: {}\r\n", hms(resets), resets.as_secs() + 1),
            );
        }
        g.window = Some((start, used + 1));
        quota_headers = format!(
            "x-ms-user-quota-remaining: {}\r\nx-ms-user-quota-resets-after: {}\r\n",
            limit - used - 1,
            hms(resets)
        );
    }
    if g.limit_hit {
        quota_headers.push_str("x-ms-tenant-subscription-limit-hit: true\r\n");
    }
    let Ok(req) = serde_json::from_slice::<Value>(body) else {
        return error(400, "BadRequest", "the body is not JSON", quota_headers);
    };
    let query = req["query"].as_str().unwrap_or("");
    let compact: String = query.split_whitespace().collect::<Vec<_>>().join(" ");
    let table = compact.split(' ').next().unwrap_or("").to_ascii_lowercase();
    let wanted = compact
        .split("where type =~ '")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .map(str::to_ascii_lowercase);
    // `| where name startswith '<prefix>'` may follow the type (KQL's
    // `startswith` compares without case).
    let prefix = compact
        .split("| where name startswith '")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .map(str::to_ascii_lowercase);
    let shape = compact.ends_with("| project id, name, type, location, resourceGroup, subscriptionId, properties | order by id asc");
    let (Some(wanted), true) = (wanted, shape) else {
        return error(
            400,
            "InvalidQuery",
            &format!("the fake Resource Graph serves one query shape, not `{query}`"),
            quota_headers,
        );
    };
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str())
                    .map(str::to_ascii_lowercase)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut scope: Vec<String> = strings(&req["subscriptions"]);
    if scope.len() > 1000 {
        return error(
            400,
            "BadRequest",
            "at most 1000 subscriptions per request",
            quota_headers,
        );
    }
    for mg in strings(&req["managementGroups"]) {
        let subs = g.management_groups.get(&mg).cloned().unwrap_or_default();
        scope.extend(subs.iter().map(|s| s.to_ascii_lowercase()));
    }
    let everything = req["subscriptions"].is_null() && req["managementGroups"].is_null();
    let mut rows: Vec<&Value> = g
        .rows
        .iter()
        .filter(|(t, r)| {
            let sub = r["subscriptionId"]
                .as_str()
                .unwrap_or("")
                .to_ascii_lowercase();
            *t == table
                && r["type"].as_str() == Some(wanted.as_str())
                && prefix.as_deref().is_none_or(|p| {
                    r["name"]
                        .as_str()
                        .is_some_and(|n| n.to_ascii_lowercase().starts_with(p))
                })
                && !g.unreadable.contains(&sub)
                && (everything || scope.contains(&sub))
        })
        .map(|(_, r)| r)
        .collect();
    rows.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    let top = (req["options"]["$top"]
        .as_u64()
        .unwrap_or(100)
        .clamp(1, 1000) as usize)
        .min(g.max_page);
    let skip = req["options"]["$skipToken"]
        .as_str()
        .and_then(|t| t.strip_prefix("fake-skip-"))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    if let Some((t, n, status)) = &g.fail {
        if *t == wanted && skip / top + 1 == *n && *status == 200 {
            // A 200 that is not a result page.
            return (200, "{}".to_string(), quota_headers);
        }
        if *t == wanted && skip / top + 1 == *n {
            return error(
                *status,
                "InternalServerError",
                "injected page failure",
                quota_headers,
            );
        }
    }
    let end = (skip + top).min(rows.len());
    let page: Vec<Value> = rows
        .get(skip..end)
        .unwrap_or(&[])
        .iter()
        .map(|r| (*r).clone())
        .collect();
    let mut out = json!({
        "totalRecords": rows.len(),
        "count": page.len(),
        "resultTruncated": "false",
        "facets": [],
        "data": page,
    });
    if end < rows.len() {
        out["$skipToken"] = format!("fake-skip-{end}").into();
    }
    (200, out.to_string(), quota_headers)
}

/// Runs the part of a Windows root-store export the script asks for.
fn run_command(store: &[(String, String)], body: &[u8], cut: bool) -> Option<Value> {
    let req: Value = serde_json::from_slice(body).ok()?;
    let script = req["script"]
        .as_array()?
        .iter()
        .filter_map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let pattern = script.split("-match '").nth(1)?.split('\'').next()?;
    let names: Vec<&str> = pattern.split('|').collect();
    let part = script.split("roots part ").nth(1)?.split(':').next()?;
    let mut out = String::new();
    let mut kept = 0;
    for (name, pem) in store {
        if names.iter().any(|n| name.contains(n)) {
            out.push_str(pem.trim_end());
            out.push_str("\r\n");
            kept += 1;
        }
    }
    if !cut {
        out.push_str(&format!(
            "# asr-preflight roots part {part}: kept {kept} of {} certificates from Cert:\\LocalMachine\\Root",
            store.len()
        ));
    }
    Some(json!({"value": [
        {"code": "ComponentStatus/StdOut/succeeded", "level": "Info", "displayStatus": "Provisioning succeeded", "message": out},
        {"code": "ComponentStatus/StdErr/succeeded", "level": "Info", "displayStatus": "Provisioning succeeded", "message": ""}
    ]}))
}

fn answer_body(
    st: &State,
    method: &str,
    target: &str,
    headers: &HashMap<String, String>,
    body: &[u8],
    next_override: Option<String>,
) -> (u16, String) {
    let error = |status: u16, code: &str, msg: &str| {
        (
            status,
            json!({"error": {"code": code, "message": msg}}).to_string(),
        )
    };
    let (path_only, _) = target.split_once('?').unwrap_or((target, ""));
    if path_only == "/msi/token" {
        // App Service managed identity (IDENTITY_ENDPOINT / IDENTITY_HEADER).
        if headers.get("x-identity-header").map(String::as_str) != Some("fake-identity-secret") {
            return error(401, "BadIdentityHeader", "missing X-IDENTITY-HEADER");
        }
        let expires = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 3600;
        return (
            200,
            json!({"access_token": st.token, "expires_on": expires.to_string(), "resource": "https://management.azure.com/", "token_type": "Bearer", "client_id": "00000000-0000-0000-0000-000000000001"}).to_string(),
        );
    }
    if method == "POST" && path_only.ends_with("/oidctoken") {
        // Azure Pipelines' OIDC endpoint (SYSTEM_OIDCREQUESTURI): the job's
        // access token buys the federated token of the service connection.
        if headers.get("authorization").map(String::as_str)
            != Some("Bearer fake-system-access-token")
        {
            return error(401, "Unauthorized", "no job access token");
        }
        return (
            200,
            json!({"oidcToken": "fake-federated-token"}).to_string(),
        );
    }
    if method == "POST" && path_only.ends_with("/oauth2/v2.0/token") {
        // Microsoft Entra ID: client credentials with a secret or an assertion.
        let form = String::from_utf8_lossy(body);
        let good = form.contains("client_secret=fake-client-secret")
            || form.contains("client_assertion=fake-federated-token");
        if !good || !form.contains("grant_type=client_credentials") {
            return error(
                401,
                "invalid_client",
                "AADSTS7000215: Invalid client secret provided.",
            );
        }
        return (
            200,
            json!({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": st.token}).to_string(),
        );
    }
    let expected = format!("Bearer {}", st.token);
    let is_run_command =
        method == "POST" && path_only.to_ascii_lowercase().ends_with("/runcommand");
    let guest = st.guest_store.lock().unwrap().clone();
    if let (true, Some(store)) = (is_run_command, guest) {
        if headers.get("authorization") != Some(&expected) {
            return error(
                401,
                "InvalidAuthenticationToken",
                "The access token is invalid.",
            );
        }
        let cut = *st.guest_cut.lock().unwrap();
        let Some(result) = run_command(&store, body, cut) else {
            return error(400, "BadRequest", "not a root-store export script");
        };
        let mut ops = st.operations.lock().unwrap();
        let id = format!("op-{}", ops.len() + 1);
        ops.insert(id.clone(), result);
        let base = st.base.lock().unwrap().clone();
        return (
            202,
            format!("{base}/subscriptions/x/providers/Microsoft.Compute/locations/eastus2/operations/{id}?api-version=2024-11-01"),
        );
    }
    if method != "GET" {
        return error(405, "MethodNotAllowed", "the fake ARM only serves GET");
    }
    if headers.get("authorization") != Some(&expected) {
        return error(
            401,
            "InvalidAuthenticationToken",
            "The access token is invalid.",
        );
    }
    if let Some(id) = path_only
        .rsplit('/')
        .next()
        .filter(|_| path_only.contains("/operations/"))
    {
        if let Some(v) = st.operations.lock().unwrap().get(id) {
            return (200, v.to_string());
        }
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if !query.contains("api-version=") {
        return error(400, "MissingApiVersionParameter", "api-version is required");
    }
    let k = key(path);
    let route = st.routes.lock().unwrap().get(&k).cloned();
    let route = match route {
        Some(r) => r,
        None if is_resources_list(&k) => match resources_list(st, &k, query) {
            Ok(list) => Arc::new(Route::List(list)),
            Err(why) => return error(400, "InvalidFilter", &why),
        },
        None if LISTS.contains(&k.rsplit('/').next().unwrap_or("")) => {
            Arc::new(Route::List(Vec::new()))
        }
        None => match member_of_list(st, &k) {
            Some(v) => Arc::new(Route::One(v)),
            None => Arc::new(Route::Error(404, "ResourceNotFound".to_string())),
        },
    };
    match route.as_ref() {
        Route::Error(status, code) => error(*status, code, "injected"),
        Route::One(v) => (200, v.to_string()),
        Route::List(all) => {
            let page = *st.page_size.lock().unwrap();
            let skip: usize = query
                .split('&')
                .find_map(|p| p.strip_prefix("$skiptoken="))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let end = (skip + page).min(all.len());
            let values = all.get(skip..end).unwrap_or(&[]).to_vec();
            let mut out = json!({ "value": values });
            let rest: Vec<&str> = query
                .split('&')
                .filter(|p| !p.starts_with("$skiptoken="))
                .collect();
            if let Some(l) = next_override {
                out["nextLink"] = l.into();
            } else if end < all.len() {
                let base = st.base.lock().unwrap().clone();
                out["nextLink"] =
                    format!("{base}{path}?{}&$skiptoken={end}", rest.join("&")).into();
            }
            (200, out.to_string())
        }
    }
}

/// `/subscriptions/{s}/resources`: the generic resource list.
fn is_resources_list(k: &str) -> bool {
    let segs: Vec<&str> = k.split('/').filter(|s| !s.is_empty()).collect();
    segs.len() == 3 && segs[0] == "subscriptions" && segs[2] == "resources"
}

/// Resources - List of a subscription, made from the lists served under it:
/// `$filter` takes `resourceType eq '<type>'` and `substringof('<text>',
/// name)` joined by `and` (case-insensitive here: ARM does not document its
/// case handling); anything else is refused as ARM refuses an unknown
/// filter. Entries have the generic shape (no `properties`).
fn resources_list(st: &State, k: &str, query: &str) -> Result<Vec<Value>, String> {
    let filter = url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "$filter")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let (mut of_type, mut within) = (None, Vec::new());
    for clause in filter
        .split(" and ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let quoted = |c: &str| c.split('\'').nth(1).map(str::to_ascii_lowercase);
        if clause.starts_with("resourceType eq '") {
            of_type = quoted(clause);
        } else if clause.starts_with("substringof('") && clause.ends_with(", name)") {
            within.extend(quoted(clause));
        } else {
            return Err(format!("unsupported filter clause `{clause}`"));
        }
    }
    let prefix = format!("{k}/").replace("/resources/", "/");
    let routes = st.routes.lock().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for (key, route) in routes.iter() {
        let Route::List(list) = route.as_ref() else {
            continue;
        };
        if !key.starts_with(&prefix) {
            continue;
        }
        for v in list {
            let ty = v["type"].as_str().unwrap_or("").to_ascii_lowercase();
            let name = v["name"].as_str().unwrap_or("").to_ascii_lowercase();
            let id = v["id"].as_str().unwrap_or("").to_ascii_lowercase();
            if of_type.as_ref().is_some_and(|t| *t != ty)
                || !within.iter().all(|w| name.contains(w.as_str()))
                || !seen.insert(id)
            {
                continue;
            }
            let mut g = json!({"id": v["id"], "name": v["name"], "type": v["type"], "location": v["location"]});
            for field in ["sku", "managedBy", "tags", "kind"] {
                if let Some(x) = v.get(field) {
                    g[field] = x.clone();
                }
            }
            out.push(g);
        }
    }
    // One order for every page.
    out.sort_by_key(|v| v["id"].as_str().unwrap_or("").to_ascii_lowercase());
    Ok(out)
}

/// A GET of one resource that is served only in a list (of its group's or
/// its subscription's collection).
fn member_of_list(st: &State, k: &str) -> Option<Value> {
    let routes = st.routes.lock().unwrap();
    routes.values().find_map(|route| {
        let Route::List(list) = route.as_ref() else {
            return None;
        };
        list.iter()
            .find(|v| {
                v["id"]
                    .as_str()
                    .is_some_and(|id| id.eq_ignore_ascii_case(k))
            })
            .cloned()
    })
}
