//! One JSON document → model fragments.
//!
//! A document is one of five shapes (DESIGN.md §4): an ARM resource, an ARM
//! list page, a JSON array (az CLI), a Resource Graph result, or a REST API
//! example file whose response body is read. Each resource is classified by
//! its `type` (case-insensitive) and mapped by `map.rs`. Resources are parsed
//! from borrowed slices of the file text, so positions of errors are mapped
//! back to the file's own line and column.

use super::dto::{self, Elems, Envelope, ExampleParameters, ExampleResponse, Head};
use super::map;
use crate::error::Error;
use crate::model::{
    Atom, Coverage, Estate, FactKind, FactRecord, NotFound, ResourceId, SourceId, Unread, UsageKind,
};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeSet;

mod stream;

/// What the manifest or the file name says about a document.
#[derive(Clone, Debug, Default)]
pub struct Hint {
    pub kind: Option<FactKind>,
    pub location: Option<String>,
    pub usage_kind: Option<UsageKind>,
    pub scope: Option<String>,
    /// `GET <path>` from the manifest.
    pub request: Option<String>,
    /// The resource id the request was for (single GETs, 404s).
    pub request_id: Option<ResourceId>,
    /// The manifest already recorded this request's failure or 404.
    pub recorded: bool,
    /// The subscriptions a Resource Graph page covers (`/subscriptions/{id}`,
    /// readable ones only): a list of them covers each, empty or not.
    pub scopes: Vec<String>,
    /// A list asr-preflight reads for its scope alone (subscriptions): no
    /// notice when nothing in it is kept.
    pub expected_empty: bool,
    /// The Resource Graph query (text and subscriptions) this page answers,
    /// from the manifest: its `$skipToken` was followed when the manifest
    /// records the next page of the same query.
    pub graph_query: Option<String>,
}

/// Everything a document parser needs to know about its file.
pub struct DocCtx<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub source: SourceId,
    pub hint: Hint,
    /// Whether a `nextLink` was followed (recorded in the manifest).
    pub followed: &'a (dyn Fn(&str) -> bool + Sync),
    /// The lines of `text` counted so far.
    pub lines: Lines,
    /// The document is a large share of the input: its list is read as a
    /// whole first, then its entries by several threads (see `split`).
    pub split: bool,
}

impl DocCtx<'_> {
    /// The line (from 1) at which `slice`, a part of this file's text,
    /// starts; `None` for a slice from elsewhere or a file over 4 GiB.
    pub fn line_of(&self, slice: &str) -> Option<u32> {
        let offset = (slice.as_ptr() as usize).checked_sub(self.text.as_ptr() as usize)?;
        if offset > self.text.len() || self.text.len() > u32::MAX as usize {
            return None;
        }
        self.lines.line_at(self.text.as_bytes(), offset)
    }
}

/// How many `\n` `text` holds, 64 bytes at a time (counted per block in
/// one byte, which the compiler does 16 or 32 bytes at once: six times
/// faster than byte by byte).
fn newlines(text: &[u8]) -> usize {
    let mut blocks = text.chunks_exact(64);
    let mut n = 0;
    for block in &mut blocks {
        n += usize::from(block.iter().fold(0u8, |k, &b| k + u8::from(b == b'\n')));
    }
    n + blocks.remainder().iter().filter(|&&b| b == b'\n').count()
}

/// Lines counted in a text: the line at a few offsets, the text's start
/// first. Entries are asked for in the order they lie (by each thread, when
/// several read one document), so each count starts at the nearest offset
/// before it and the text is counted about once a thread, without keeping
/// where each of its lines ends.
#[derive(Debug, Default)]
pub struct Lines(std::sync::Mutex<Vec<(usize, u32)>>);

impl Lines {
    /// How many offsets are kept besides the start.
    const MARKS: usize = 8;

    /// The line (from 1) at `offset` in `text`.
    fn line_at(&self, text: &[u8], offset: usize) -> Option<u32> {
        let mut marks = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if marks.is_empty() {
            marks.push((0, 1));
        }
        let (i, (from, line)) = marks
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, (at, _))| *at <= offset)
            .max_by_key(|(_, (at, _))| *at)?;
        let line = line.checked_add(u32::try_from(newlines(text.get(from..offset)?)).ok()?)?;
        match i {
            0 if marks.len() <= Self::MARKS => marks.push((offset, line)),
            0 => marks[Self::MARKS] = (offset, line),
            _ => marks[i] = (offset, line),
        }
        Some(line)
    }
}

/// A kind of resource the loader keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Item,
    Plan,
    Job,
    Policy,
    RecoveryPoint,
    Vault,
    Vm,
    Disk,
    Sku,
    Usage,
    Lock,
    ResourceGroup,
    Location,
    Health,
    Nic,
    Network,
    Storage,
    CapacityReservation,
    Provider,
}

impl Kind {
    /// The fact kind a list of this kind of resource gives.
    pub(crate) fn fact_kind(self) -> FactKind {
        match self {
            Kind::Item => FactKind::ReplicatedItems,
            Kind::Plan => FactKind::RecoveryPlans,
            Kind::Job => FactKind::Jobs,
            Kind::Policy => FactKind::Policies,
            Kind::RecoveryPoint => FactKind::RecoveryPoints,
            Kind::Vault => FactKind::Vaults,
            Kind::Vm => FactKind::VirtualMachines,
            Kind::Disk => FactKind::Disks,
            Kind::Sku => FactKind::Skus,
            Kind::Usage => FactKind::ComputeUsages,
            Kind::Lock => FactKind::Locks,
            Kind::ResourceGroup => FactKind::ResourceGroups,
            Kind::Location => FactKind::Locations,
            Kind::Health => FactKind::ResourceHealth,
            Kind::Nic => FactKind::NetworkInterfaces,
            Kind::Network => FactKind::VirtualNetworks,
            Kind::Storage => FactKind::StorageAccounts,
            Kind::CapacityReservation => FactKind::CapacityReservations,
            Kind::Provider => FactKind::Providers,
        }
    }
}

/// The fact kind a Resource Graph query of the shape `collect` sends
/// (`<table> | where type =~ '<type>' | …`) lists; `None` for another shape
/// or a type no check reads (subscriptions).
pub fn fact_kind_of_graph_query(kql: &str) -> Option<FactKind> {
    let compact: String = kql.split_whitespace().collect::<Vec<_>>().join(" ");
    let t = compact
        .split("where type =~ '")
        .nth(1)?
        .split('\'')
        .next()?;
    kind_of_type(t).map(Kind::fact_kind)
}

/// The kind of a resource from its ARM type (any case).
pub(crate) fn kind_of_type(t: &str) -> Option<Kind> {
    // Without case and without a lower-cased copy (asked of every entry).
    let t = t.as_bytes();
    let is = |s: &str| t.eq_ignore_ascii_case(s.as_bytes());
    let ends =
        |s: &str| t.len() >= s.len() && t[t.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes());
    let starts = |s: &str| t.len() >= s.len() && t[..s.len()].eq_ignore_ascii_case(s.as_bytes());
    let exact = [
        ("microsoft.recoveryservices/vaults", Kind::Vault),
        ("microsoft.compute/virtualmachines", Kind::Vm),
        ("microsoft.compute/disks", Kind::Disk),
        ("microsoft.compute/skus", Kind::Sku),
        ("microsoft.authorization/locks", Kind::Lock),
        ("microsoft.resources/resourcegroups", Kind::ResourceGroup),
        (
            "microsoft.resources/subscriptions/resourcegroups",
            Kind::ResourceGroup,
        ),
        ("region", Kind::Location),
        ("microsoft.resources/locations", Kind::Location),
        ("microsoft.network/networkinterfaces", Kind::Nic),
        ("microsoft.network/virtualnetworks", Kind::Network),
        ("microsoft.storage/storageaccounts", Kind::Storage),
        (
            "microsoft.compute/capacityreservationgroups/capacityreservations",
            Kind::CapacityReservation,
        ),
    ];
    let below = [
        ("/replicationprotecteditems", Kind::Item),
        ("/replicationrecoveryservicesproviders", Kind::Provider),
        ("/replicationrecoveryplans", Kind::Plan),
        ("/replicationjobs", Kind::Job),
        ("/replicationpolicies", Kind::Policy),
        ("/recoverypoints", Kind::RecoveryPoint),
    ];
    let found = exact.iter().find(|(name, _)| is(name));
    let found = found.or_else(|| below.iter().find(|(suffix, _)| ends(suffix)));
    match found {
        Some((_, kind)) => Some(*kind),
        None if starts("microsoft.resourcehealth/availabilitystatus") => Some(Kind::Health),
        None => None,
    }
}

fn is_null(raw: Option<&RawValue>) -> bool {
    raw.is_none_or(|r| r.get().trim() == "null")
}

impl DocCtx<'_> {
    /// Deserializes `slice` (a part of this file) into `T`; errors carry the
    /// file's own line and column and the path of the field.
    pub fn parse<'de, T: Deserialize<'de>>(&self, slice: &'de str, what: &str) -> Result<T, Error> {
        match serde_json::from_str::<T>(slice) {
            Ok(v) => Ok(v),
            Err(e) => Err(self.error_in(slice, e, what)),
        }
    }

    fn error_in(&self, slice: &str, e: serde_json::Error, what: &str) -> Error {
        let base = (slice.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        let base = if base <= self.text.len() { base } else { 0 };
        let rel = crate::error::serde_offset(slice, e.line(), e.column());
        let msg = e.to_string();
        let msg = match msg.find(" at line ") {
            Some(i) => msg[..i].to_string(),
            None => msg,
        };
        Error::malformed(self.file, self.text, base + rel, format!("{what}: {msg}"))
    }

    /// Like `parse`, for owned types, naming the field path on error.
    pub fn parse_path<'de, T: Deserialize<'de>>(
        &self,
        slice: &'de str,
        what: &str,
    ) -> Result<T, Error> {
        match serde_json::from_str::<T>(slice) {
            Ok(v) => Ok(v),
            Err(e) => {
                let mut de = serde_json::Deserializer::from_str(slice);
                let path = match serde_path_to_error::deserialize::<_, T>(&mut de) {
                    Err(pe) => pe.path().to_string(),
                    Ok(_) => String::new(),
                };
                let what = if path.is_empty() || path == "." {
                    what.to_string()
                } else {
                    format!("{what}, field `{path}`")
                };
                Err(self.error_in(slice, e, &what))
            }
        }
    }
}

/// The smallest document `split` splits.
const SPLIT_MIN_BYTES: usize = 16 << 20;

/// Whether a document of `len` bytes, of an input of `total`, is split
/// between threads: its list read as a whole first, then its entries in
/// parallel. Documents are read in parallel, so one that is more than a
/// share of the input (half a thread's) would leave the other threads idle
/// while one reads it; any other is read entry by entry where each lies,
/// in one pass (`stream`).
pub fn split(len: usize, total: u64) -> bool {
    splits(len, total, rayon::current_num_threads())
}

fn splits(len: usize, total: u64, threads: usize) -> bool {
    let threads = threads as u64;
    threads > 1 && len >= SPLIT_MIN_BYTES && len as u64 * 2 * threads > total
}

/// Reads one document into `out`.
pub fn read_document(ctx: &DocCtx, out: &mut Estate) -> Result<(), Error> {
    // A list, entry by entry where each lies (one pass), unless it is to be
    // split between threads.
    if !ctx.split && stream::read_streamed(ctx, out).is_some() {
        return Ok(());
    }
    // Parsed once as what it is (a list, an envelope, a resource): no
    // separate pass to find the document's bounds first.
    read_value(ctx, ctx.text, out, true)
}

fn read_value(ctx: &DocCtx, json: &str, out: &mut Estate, top: bool) -> Result<(), Error> {
    let text = json.trim_start();
    if text.starts_with('[') {
        let elems: Vec<&RawValue> = ctx.parse(json, "expected a JSON array of resources")?;
        return read_list(ctx, &elems, Coverage::Loaded { complete: true }, out);
    }
    if !text.starts_with('{') {
        let what = "expected a JSON object or array (an ARM resource, a list, az CLI output, a Resource Graph result or a REST API example)";
        let e = serde_json::from_str::<Envelope>(json).err();
        return Err(match e {
            Some(e) => ctx.error_in(json, e, what),
            None => Error::malformed(ctx.file, ctx.text, 0, what.to_string()),
        });
    }
    let env: Envelope = ctx.parse_path(json, "unexpected document shape")?;
    if let Some(Elems::List(elems)) = env.value {
        let complete = page_complete(ctx, env.next_link.as_deref());
        let before = out.facts.len();
        read_list(ctx, &elems, Coverage::Loaded { complete }, out)?;
        out.facts[before..].iter_mut().for_each(|f| f.page = true);
        return Ok(());
    }
    if let Some(Elems::List(elems)) = env.data {
        let truncated = env
            .result_truncated
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("true"));
        // A page whose `$skipToken` the manifest shows was sent for the
        // next page is complete as far as it goes (that page says the rest).
        let complete = match (
            env.skip_token.as_deref().map(str::trim),
            &ctx.hint.graph_query,
        ) {
            (None | Some(""), _) => true,
            (Some(t), Some(q)) => (ctx.followed)(&super::manifest::graph_token_key(q, t)),
            (Some(_), None) => false,
        } && !truncated;
        let before = out.facts.len();
        read_list(ctx, &elems, Coverage::Loaded { complete }, out)?;
        if !complete {
            let why = match truncated {
                true => "Resource Graph truncated the result (`resultTruncated`)",
                false => "the Resource Graph page has a `$skipToken` whose next page was not read",
            };
            for f in &mut out.facts[before..] {
                f.why = Some(why.to_string());
            }
        }
        return Ok(());
    }
    if let (Some(responses), true) = (&env.responses, top) {
        return read_example(ctx, responses, env.parameters, out);
    }
    if let (Some(err), None) = (&env.error, &env.id) {
        record_error(ctx, err, out);
        return Ok(());
    }
    read_resource(ctx, json, out).map(|_| ())
}

/// Whether a list page is complete: it has no `nextLink`, or the one it
/// has was followed.
fn page_complete(ctx: &DocCtx, next_link: Option<&str>) -> bool {
    match next_link.map(str::trim) {
        None | Some("") => true,
        Some(link) => (ctx.followed)(link),
    }
}

fn read_example(
    ctx: &DocCtx,
    responses: &std::collections::BTreeMap<String, &RawValue>,
    parameters: Option<&RawValue>,
    out: &mut Estate,
) -> Result<(), Error> {
    // Prefer 200, then any other 2xx with a body.
    let mut statuses: Vec<&String> = responses.keys().filter(|k| k.starts_with('2')).collect();
    statuses.sort_by_key(|k| (k.as_str() != "200", k.to_string()));
    let mut params = ExampleParameters::default();
    if let Some(p) = parameters.filter(|p| p.get().trim_start().starts_with('{')) {
        params = ctx.parse_path(p.get(), "example `parameters`")?;
    }
    for status in statuses {
        let resp: ExampleResponse = ctx.parse(responses[status].get(), "example response")?;
        if let Some(body) = resp.body.filter(|b| !is_null(Some(b))) {
            let sub = DocCtx {
                file: ctx.file,
                text: ctx.text,
                source: ctx.source,
                hint: Hint {
                    location: ctx.hint.location.clone().or(params.location.clone()),
                    scope: ctx.hint.scope.clone().or(params
                        .subscription_id
                        .as_ref()
                        .map(|s| format!("/subscriptions/{s}"))),
                    ..ctx.hint.clone()
                },
                followed: ctx.followed,
                lines: Lines::default(),
                split: ctx.split,
            };
            return read_value(&sub, body.get(), out, false);
        }
    }
    out.notices.push(format!(
        "{}: REST API example without a response body; nothing loaded",
        ctx.file
    ));
    Ok(())
}

fn record_error(ctx: &DocCtx, err: &dto::ErrorBody, out: &mut Estate) {
    if ctx.hint.recorded {
        return;
    }
    let code = err
        .code
        .clone()
        .unwrap_or_else(|| "UnknownError".to_string());
    if is_not_found_code(&code) {
        let (id, (resource, rg)) = match &ctx.hint.request_id {
            Some(id) => (Some(id.clone()), (None, None)),
            None => (
                None,
                not_found_subject(err.message.as_deref().unwrap_or("")),
            ),
        };
        if id.is_none() && rg.is_none() {
            out.notices.push(format!(
                "{}: `{code}` error body names no resource; record the request in manifest.json",
                ctx.file
            ));
        }
        out.not_found.push(NotFound {
            id,
            resource,
            resource_group: rg,
            error_code: code,
            message: err.message.clone(),
            source: ctx.source,
        });
    } else {
        out.facts.push(FactRecord {
            why: None,
            page: false,
            kind: ctx.hint.kind.unwrap_or(FactKind::Other),
            scope: ctx.hint.scope.clone(),
            location: ctx.hint.location.clone(),
            request: ctx.hint.request.clone(),
            coverage: Coverage::Failed {
                status: None,
                error_code: Some(code),
                message: err.message.clone(),
            },
            source: ctx.source,
        });
    }
}

/// ARM error codes that mean "this resource does not exist".
pub fn is_not_found_code(code: &str) -> bool {
    ["ResourceGroupNotFound", "ResourceNotFound", "NotFound"]
        .iter()
        .any(|c| c.eq_ignore_ascii_case(code))
}

/// Reads the resource or group named in a not-found message:
/// `Resource group 'rg' could not be found.` /
/// `The Resource 'Microsoft.Compute/virtualMachines/vm' under resource group 'rg' was not found.`
fn not_found_subject(message: &str) -> (Option<String>, Option<String>) {
    let quoted: Vec<&str> = message.split('\'').skip(1).step_by(2).collect();
    let lower = message.to_ascii_lowercase();
    if lower.starts_with("resource group") {
        return (None, quoted.first().map(|s| s.to_string()));
    }
    match quoted.as_slice() {
        [resource, group, ..] if lower.contains("under resource group") => {
            (Some(resource.to_string()), Some(group.to_string()))
        }
        _ => (None, None),
    }
}

fn read_list(
    ctx: &DocCtx,
    elems: &[&RawValue],
    coverage: Coverage,
    out: &mut Estate,
) -> Result<(), Error> {
    // Large pages are mapped in parallel; order is kept.
    let read_chunk = |chunk: &[&RawValue]| -> Result<(Estate, Vec<String>), Error> {
        let mut part = Estate::default();
        let mut others = Vec::new();
        for e in chunk {
            if let Entry::Other(t) = read_resource(ctx, e.get(), &mut part)? {
                others.push(t);
            }
        }
        Ok((part, others))
    };
    let parts: Vec<Result<(Estate, Vec<String>), Error>> = if elems.len() > 256 {
        elems.par_chunks(128).map(read_chunk).collect()
    } else {
        vec![read_chunk(elems)]
    };
    let parts: Vec<(Estate, Vec<String>)> = parts.into_iter().collect::<Result<_, _>>()?;
    if parts.len() > 1 {
        super::reserve_for(out, parts.iter().map(|(p, _)| p));
    }
    let mut listed = Listed::new(ctx);
    for (part, others) in parts {
        listed.add(part, others, out);
    }
    listed.close(ctx, elems.len(), coverage, out);
    Ok(())
}

/// A list's entries as they are joined into the document's estate: what
/// the list turns out to hold, for the facts it records when closed.
struct Listed {
    items: usize,
    others: Vec<String>,
    kinds: BTreeSet<FactKind>,
}

impl Listed {
    fn new(ctx: &DocCtx) -> Listed {
        Listed {
            items: 0,
            others: Vec::new(),
            kinds: ctx.hint.kind.into_iter().collect(),
        }
    }

    /// Joins `part`, read from some of the entries (`others`: the types of
    /// those that were not replicated items), into `out`.
    fn add(&mut self, part: Estate, others: Vec<String>, out: &mut Estate) {
        self.items += part.items.len();
        self.others.extend(others);
        self.kinds.extend(kinds_in(&part));
        super::merge(out, part);
    }

    /// Records what the list of `entries` covers, and a list of replicated
    /// items that holds something else as an input problem.
    fn close(self, ctx: &DocCtx, entries: usize, coverage: Coverage, out: &mut Estate) {
        let Listed {
            items: item_count,
            others,
            kinds,
        } = self;
        // Entries of another type in a list of replicated items are not items:
        // the list was damaged or mixed up, and the items it should hold are
        // missing as far as the gate can tell.
        let item_list =
            ctx.hint.kind == Some(FactKind::ReplicatedItems) || item_count * 2 > entries;
        if item_list && !others.is_empty() {
            let mut types: std::collections::BTreeMap<String, usize> = Default::default();
            for t in &others {
                *types.entry(crate::text::excerpt(t, 80)).or_default() += 1;
            }
            let listed: Vec<String> = types
                .iter()
                .take(5)
                .map(|(t, n)| format!("`{t}` ×{n}"))
                .collect();
            out.problems.push(crate::model::InputProblem {
                source: ctx.source,
                what: format!(
                    "the list of replicated items in `{}` holds {} that {} not a replicated item ({}{}): they were not checked, and the items the list should hold may be missing",
                    ctx.file,
                    crate::text::count(others.len(), "entry", "entries"),
                    if others.len() == 1 { "is" } else { "are" },
                    listed.join(", "),
                    if types.len() > 5 { format!(" and {} more types", types.len() - 5) } else { String::new() }
                ),
                fact: format!("{item_count} of {entries} entries are replicated items"),
                help: format!(
                    "Re-export the replicated items alone; {}.",
                    crate::rules::facts::facts_missing::export_hint(FactKind::ReplicatedItems)
                ),
            });
        }
        // Without a scope from the manifest or the file name, a list covers the
        // subscriptions its entries belong to (`az lock list` lists the current
        // subscription only): a per-subscription list spanning several covers
        // each of them and no other; an empty list says nothing narrower (see
        // `drop_ambiguous_empty_lists`).
        let subscriptions = subscriptions_in(out);
        for kind in kinds {
            let scopes: Vec<Option<String>> = match &ctx.hint.scope {
                _ if !ctx.hint.scopes.is_empty() => {
                    ctx.hint.scopes.iter().cloned().map(Some).collect()
                }
                Some(scope) => vec![Some(scope.clone())],
                None if subscriptions.len() == 1 || kind.is_per_subscription() => subscriptions
                    .iter()
                    .map(|s| Some(format!("/subscriptions/{s}")))
                    .collect(),
                None => Vec::new(),
            };
            let scopes = if scopes.is_empty() {
                vec![None]
            } else {
                scopes
            };
            for scope in scopes {
                out.facts.push(FactRecord {
                    why: None,
                    page: false,
                    kind,
                    scope,
                    location: ctx.hint.location.clone(),
                    request: ctx.hint.request.clone(),
                    coverage: coverage.clone(),
                    source: ctx.source,
                });
            }
        }
    }
}

/// Notes a resource read but not kept: its kind and subscription, once per
/// fragment.
fn unread(ctx: &DocCtx, id: Option<&str>, kind: FactKind, out: &mut Estate) {
    let subscription = id.and_then(|id| {
        let mut segs = id.split('/').filter(|s| !s.is_empty());
        while let Some(seg) = segs.next() {
            if seg.eq_ignore_ascii_case("subscriptions") {
                return segs.next();
            }
        }
        None
    });
    // A list notes the same few (kind, subscription, file) for every entry.
    let noted = out.unread.iter().any(|n| {
        n.kind == kind
            && n.source == ctx.source
            && match (&n.subscription, subscription) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                (a, b) => a.is_none() && b.is_none(),
            }
    });
    if !noted {
        out.unread.push(Unread {
            kind,
            subscription: subscription.map(|s| Atom::new(&s.to_ascii_lowercase())),
            source: ctx.source,
        });
    }
}

/// The subscriptions the resources of a fragment belong to (lower-cased).
fn subscriptions_in(e: &Estate) -> BTreeSet<String> {
    e.resource_subscriptions()
        .chain(
            e.locations
                .iter()
                .filter_map(|l| l.subscription.as_deref().map(str::to_ascii_lowercase)),
        )
        .collect()
}

fn kinds_in(e: &Estate) -> Vec<FactKind> {
    let mut v = Vec::new();
    let mut add = |present: bool, k: FactKind| {
        if present {
            v.push(k)
        }
    };
    add(!e.items.is_empty(), FactKind::ReplicatedItems);
    add(!e.plans.is_empty(), FactKind::RecoveryPlans);
    add(!e.jobs.is_empty(), FactKind::Jobs);
    add(!e.policies.is_empty(), FactKind::Policies);
    add(!e.recovery_points.is_empty(), FactKind::RecoveryPoints);
    add(!e.vms.is_empty(), FactKind::VirtualMachines);
    add(!e.disks.is_empty(), FactKind::Disks);
    add(
        !e.skus.is_empty() || !e.disk_skus.is_empty(),
        FactKind::Skus,
    );
    add(
        e.usages.iter().any(|u| u.kind == UsageKind::Compute),
        FactKind::ComputeUsages,
    );
    add(
        e.usages.iter().any(|u| u.kind == UsageKind::Network),
        FactKind::NetworkUsages,
    );
    add(!e.locks.is_empty(), FactKind::Locks);
    add(!e.resource_groups.is_empty(), FactKind::ResourceGroups);
    add(!e.locations.is_empty(), FactKind::Locations);
    add(!e.health.is_empty(), FactKind::ResourceHealth);
    add(!e.networks.is_empty(), FactKind::VirtualNetworks);
    add(!e.storage_accounts.is_empty(), FactKind::StorageAccounts);
    add(!e.vaults.is_empty(), FactKind::Vaults);
    add(
        !e.capacity_reservations.is_empty(),
        FactKind::CapacityReservations,
    );
    add(!e.providers.is_empty(), FactKind::Providers);
    for u in &e.unread {
        if !v.contains(&u.kind) {
            v.push(u.kind);
        }
    }
    v
}

/// Classifies a resource without a `type`: SKUs, usages, locations, groups.
fn kind_without_type(head: &Head, ctx: &DocCtx) -> Option<Kind> {
    if head.resource_type.is_some() {
        return Some(Kind::Sku);
    }
    if head.current_value.is_some() {
        return Some(Kind::Usage);
    }
    let id = ResourceId::new(head.id.as_deref()?);
    let key = id.key();
    let segs: Vec<&str> = key.split('/').filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        ["subscriptions", _, "locations", _] => Some(Kind::Location),
        ["subscriptions", _, "resourcegroups", _] => Some(Kind::ResourceGroup),
        _ => match ctx.hint.kind {
            Some(FactKind::Locks)
                if id.contains_ci("/providers/microsoft.authorization/locks/") =>
            {
                Some(Kind::Lock)
            }
            _ => None,
        },
    }
}

/// What one entry of a list turned out to be: a replicated item, or the
/// type it has (read as that type, or ignored when unknown).
enum Entry {
    Item,
    Other(String),
}

/// An entry of a list of replicated items, VMs, Resource Health statuses,
/// recovery plans or jobs (the lists that are most of an estate) that
/// starts at `text[at..]`, read in one pass when it is what the file holds,
/// every loose field of the type it should be and its `properties` an
/// object (or absent or `null`: the az CLI's flattened form, whose top
/// level is then read as the properties). With where the entry ends; `None`
/// for anything else (another type, a damaged field, an error): the entry
/// is then read, and reported on, the general way (`read_general`).
fn read_expected(ctx: &DocCtx, text: &str, at: usize, out: &mut Estate) -> Option<(Entry, usize)> {
    /// The entry's top level (without its properties), its properties and
    /// where it ends.
    fn parse<'a, P: Deserialize<'a>>(
        text: &'a str,
        at: usize,
        kind: Kind,
    ) -> Option<(dto::Typed<'a, P>, P, usize)> {
        super::lenient::strictly(|| {
            let (mut typed, end) = value_at::<dto::Typed<P>>(text, at)?;
            if typed.type_.as_deref().and_then(kind_of_type) != Some(kind) {
                return None;
            }
            let props = match typed.properties.take() {
                Some(props) => props,
                None => serde_json::from_str(&text[at..end]).ok()?,
            };
            Some((typed, props, end))
        })
    }
    // Another kind: read, kept by `keep`, reported by its type.
    fn other<'a, P: Deserialize<'a>>(
        text: &'a str,
        at: usize,
        kind: Kind,
        keep: impl FnOnce(&dto::Typed<'a, P>, P),
    ) -> Option<(Entry, usize)> {
        let (head, props, end) = parse::<P>(text, at, kind)?;
        keep(&head, props);
        Some((Entry::Other(head.type_.unwrap_or_default()), end))
    }
    match ctx.hint.kind? {
        FactKind::ReplicatedItems => {
            let (head, props, end) = parse::<dto::ItemProps>(text, at, Kind::Item)?;
            let mut item = map::Mapper { ctx, head: &head }.item(props);
            item.line = ctx.line_of(&text[at..]);
            out.items.push(item);
            Some((Entry::Item, end))
        }
        FactKind::VirtualMachines => other(text, at, Kind::Vm, |h, p| {
            out.vms.push(map::Mapper { ctx, head: h }.vm(p))
        }),
        FactKind::ResourceHealth => other(text, at, Kind::Health, |h, p| {
            out.health.push(map::Mapper { ctx, head: h }.health(p))
        }),
        FactKind::RecoveryPlans => other(text, at, Kind::Plan, |h, p| {
            out.plans.push(map::Mapper { ctx, head: h }.plan(p))
        }),
        FactKind::Jobs => other(text, at, Kind::Job, |h, p| {
            out.jobs.push(map::Mapper { ctx, head: h }.job(p))
        }),
        _ => None,
    }
}

/// The JSON value that starts at `text[at..]` (after any whitespace), and
/// where it ends; what follows it is not read.
fn value_at<'a, T: Deserialize<'a>>(text: &'a str, at: usize) -> Option<(T, usize)> {
    let mut values = serde_json::Deserializer::from_str(text.get(at..)?).into_iter::<T>();
    let value = values.next()?.ok()?;
    Some((value, at + values.byte_offset()))
}

/// The fact a resource of `kind` gives that no check reads, noted as read
/// and neither parsed further nor kept: a network interface, or a disk
/// other than a reprotect's temporary one (only those are read, ASR202).
fn not_kept<P>(kind: Kind, m: &map::Mapper<P>) -> Option<FactKind> {
    match kind {
        Kind::Disk if !crate::model::is_reprotect_temp_disk(&m.name_text()) => {
            Some(FactKind::Disks)
        }
        Kind::Nic => Some(FactKind::NetworkInterfaces),
        _ => None,
    }
}

fn read_resource(ctx: &DocCtx, text: &str, out: &mut Estate) -> Result<Entry, Error> {
    if !text.trim_start().starts_with('{') {
        return Err(ctx.error_in(
            text,
            serde::de::Error::custom("expected a resource object"),
            "expected a resource object",
        ));
    }
    // `text` is one JSON value (an entry, or a document already read as
    // one), so the entry ends where `text` does.
    if let Some((entry, _)) = read_expected(ctx, text, 0, out) {
        return Ok(entry);
    }
    read_general(ctx, text, out)
}

/// Reads a resource by its `type` (or the type its id spells, or its
/// shape), reporting a damaged field where it is.
fn read_general(ctx: &DocCtx, text: &str, out: &mut Estate) -> Result<Entry, Error> {
    let head: Head = ctx.parse_path(text, "resource")?;
    // The `type` when given; else the type the id spells (REST API examples
    // often leave `type` out); else the shape (SKUs, usages).
    let by_id = || {
        let id = ResourceId::new(head.id.as_deref()?);
        kind_of_type(&id.resource_type()?)
    };
    let kind = match head.type_.as_deref() {
        Some(t) => kind_of_type(t).or_else(|| kind_without_type(&head, ctx)),
        None => by_id().or_else(|| kind_without_type(&head, ctx)),
    };
    let type_seen = || {
        head.type_
            .clone()
            .unwrap_or_else(|| "an entry without `type`".to_string())
    };
    let Some(kind) = kind else {
        return Ok(Entry::Other(type_seen())); // an unknown resource type: ignored by design
    };
    // ARM nests fields under `properties`; the az CLI flattens many of them.
    let props = if is_null(head.properties) {
        text
    } else {
        head.properties.map_or(text, |p| p.get())
    };
    let m = map::Mapper { ctx, head: &head };
    match kind {
        Kind::Item => {
            let mut item = m.item(ctx.parse_path(props, "replicated item")?);
            item.line = ctx.line_of(text);
            out.items.push(item);
        }
        Kind::Plan => out
            .plans
            .push(m.plan(ctx.parse_path(props, "recovery plan")?)),
        Kind::Job => out.jobs.push(m.job(ctx.parse_path(props, "job")?)),
        Kind::Policy => out
            .policies
            .push(m.policy(ctx.parse_path(props, "replication policy")?)),
        Kind::RecoveryPoint => out
            .recovery_points
            .push(m.recovery_point(ctx.parse_path(props, "recovery point")?)),
        Kind::Vm => out
            .vms
            .push(m.vm(ctx.parse_path(props, "virtual machine")?)),
        Kind::Disk | Kind::Nic => match not_kept(kind, &m) {
            Some(fact) => unread(ctx, head.id.as_deref(), fact, out),
            None => out.disks.push(m.disk(ctx.parse_path(props, "disk")?)),
        },
        Kind::Sku => {
            if let Some(sku) = m.sku(ctx.parse_path(text, "resource SKU")?) {
                if sku.is_disk() {
                    out.disk_skus.push(sku);
                } else {
                    out.skus.push(sku);
                }
            }
        }
        Kind::Usage => match m.usage(ctx.parse_path(text, "usage")?) {
            Ok(u) => out.usages.push(u),
            Err(notice) => out.notices.push(notice),
        },
        Kind::Lock => out.locks.push(m.lock(ctx.parse_path(props, "lock")?)),
        Kind::ResourceGroup => out
            .resource_groups
            .push(m.resource_group(ctx.parse_path(props, "resource group")?)),
        Kind::Location => out
            .locations
            .push(m.location(ctx.parse_path(text, "location")?)),
        Kind::Health => out
            .health
            .push(m.health(ctx.parse_path(props, "availability status")?)),
        Kind::Network => out.networks.extend(m.generic()),
        Kind::Storage => out.storage_accounts.extend(m.generic()),
        Kind::Vault => out.vaults.extend(m.generic()),
        Kind::Provider => out
            .providers
            .push(m.provider(ctx.parse_path(props, "recovery services provider")?)),
        Kind::CapacityReservation => out
            .capacity_reservations
            .push(m.capacity_reservation(ctx.parse_path(text, "capacity reservation")?)),
    }
    Ok(if kind == Kind::Item {
        Entry::Item
    } else {
        Entry::Other(type_seen())
    })
}

#[cfg(test)]
mod tests {
    use super::{kind_of_type, splits, Kind, Lines, SPLIT_MIN_BYTES};

    /// Types are told apart without case, by name, by what they end with
    /// (the vault's child types) and by what they begin with (Resource
    /// Health), as a lower-cased copy matched would.
    #[test]
    fn types_known_without_case() {
        let cases: &[(&str, Option<Kind>)] = &[
            ("Microsoft.RecoveryServices/vaults", Some(Kind::Vault)),
            ("MICROSOFT.COMPUTE/VIRTUALMACHINES", Some(Kind::Vm)),
            ("Microsoft.Compute/disks", Some(Kind::Disk)),
            ("Microsoft.Compute/disks/x", None),
            ("Microsoft.Compute/skus", Some(Kind::Sku)),
            ("Microsoft.Authorization/locks", Some(Kind::Lock)),
            ("Microsoft.Resources/resourceGroups", Some(Kind::ResourceGroup)),
            ("Microsoft.Resources/subscriptions/resourceGroups", Some(Kind::ResourceGroup)),
            ("Region", Some(Kind::Location)),
            ("Microsoft.Resources/locations", Some(Kind::Location)),
            ("Microsoft.Network/networkInterfaces", Some(Kind::Nic)),
            ("Microsoft.Network/virtualNetworks", Some(Kind::Network)),
            ("Microsoft.Storage/storageAccounts", Some(Kind::Storage)),
            ("Microsoft.Compute/capacityReservationGroups/capacityReservations", Some(Kind::CapacityReservation)),
            ("Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems", Some(Kind::Item)),
            ("/replicationProtectedItems", Some(Kind::Item)),
            ("replicationProtectedItems", None),
            ("Microsoft.RecoveryServices/vaults/replicationFabrics/replicationRecoveryServicesProviders", Some(Kind::Provider)),
            ("Microsoft.RecoveryServices/vaults/replicationRecoveryPlans", Some(Kind::Plan)),
            ("Microsoft.RecoveryServices/vaults/replicationJobs", Some(Kind::Job)),
            ("Microsoft.RecoveryServices/vaults/replicationPolicies", Some(Kind::Policy)),
            ("Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems/recoveryPoints", Some(Kind::RecoveryPoint)),
            ("Microsoft.ResourceHealth/AvailabilityStatuses", Some(Kind::Health)),
            ("microsoft.resourcehealth/availabilitystatus", Some(Kind::Health)),
            ("Microsoft.ResourceHealth/events", None),
            ("Microsoft.Compute/virtualMachines/extensions", None),
            ("Microsoft.Compute/virtualMachinés", None),
            ("", None),
        ];
        for (t, kind) in cases {
            assert_eq!(kind_of_type(t), *kind, "{t}");
        }
    }

    /// Lines are counted right whatever order offsets are asked in: in
    /// order, backwards, and from several places in turn (threads reading
    /// parts of one document), with more places than marks are kept.
    #[test]
    fn lines_counted_in_any_order() {
        let text: String = (0..300)
            .map(|i| format!("{}\n", "x".repeat(i % 7)))
            .collect::<String>()
            + "tail";
        let bytes = text.as_bytes();
        let expected = |at: usize| 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u32;
        let in_order: Vec<usize> = (0..=bytes.len()).step_by(5).collect();
        let backwards: Vec<usize> = in_order.iter().rev().copied().collect();
        // Twelve readers, each moving forward through its own part.
        let part = bytes.len() / 12;
        let interleaved: Vec<usize> = (0..part)
            .step_by(3)
            .flat_map(|k| (0..12).map(move |r| r * part + k))
            .collect();
        for offsets in [in_order, backwards, interleaved] {
            let lines = Lines::default();
            for at in offsets {
                assert_eq!(lines.line_at(bytes, at), Some(expected(at)), "at {at}");
            }
        }
        assert_eq!(Lines::default().line_at(bytes, bytes.len() + 1), None);
    }

    /// A document is split between threads when it is large and more than
    /// half a thread's share of the input; never on one thread.
    #[test]
    fn which_documents_are_split() {
        let big = SPLIT_MIN_BYTES;
        // The whole input, or a third of it on two threads (> 1/4).
        assert!(splits(big, big as u64, 2));
        assert!(splits(big, 3 * big as u64, 2));
        // A fifth of it on two threads (< 1/4), but on four (> 1/8); a
        // tenth on four.
        assert!(!splits(big, 5 * big as u64, 2));
        assert!(splits(big, 5 * big as u64, 4));
        assert!(!splits(big, 10 * big as u64, 4));
        // Too small to be worth it, or one thread.
        assert!(!splits(big - 1, big as u64, 2));
        assert!(!splits(big, big as u64, 1));
    }
}
