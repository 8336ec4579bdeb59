//! A list read entry by entry where it lies in the file.
//!
//! Lists of replicated items, VMs, disks and network interfaces are most of
//! an estate. Read as a whole first (each entry kept as its text) and then
//! entry by entry, every byte of them was scanned twice; here each entry is
//! read where it starts, and the read says where it ends. A document that is
//! not a plain list or list page, or that is damaged anywhere, is left to
//! the general reader, which reports it: nothing read here is kept then.

use super::{
    kind_of_type, not_kept, read_expected, read_general, unread, value_at, DocCtx, Entry, Listed,
};
use crate::load::dto::{self, Envelope};
use crate::load::map::Mapper;
use crate::model::{Coverage, Estate, FactKind};
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

/// Reads a document that is a list (`[…]`) or a list page (`{"value": […],
/// …}`) into `out`; `None`, with `out` untouched, for any other document or
/// any damage, error or surprise in it.
pub(super) fn read_streamed(ctx: &DocCtx, out: &mut Estate) -> Option<()> {
    let bytes = ctx.text.as_bytes();
    let at = skip_ws(bytes, 0);
    let mut list = List::default();
    let complete = match bytes.get(at)? {
        b'[' => {
            let end = list.read(ctx, at)?;
            (skip_ws(bytes, end) == bytes.len()).then_some(())?;
            None
        }
        b'{' => Some(list.read_page(ctx, at)?),
        _ => return None,
    };
    let before = out.facts.len();
    let mut listed = Listed::new(ctx);
    listed.add(list.part, list.others, out);
    let coverage = Coverage::Loaded {
        complete: complete.unwrap_or(true),
    };
    listed.close(ctx, list.entries, coverage, out);
    if complete.is_some() {
        out.facts[before..].iter_mut().for_each(|f| f.page = true);
    }
    Some(())
}

/// What a list's entries gave.
#[derive(Default)]
struct List {
    part: Estate,
    /// The types of the entries that were not replicated items.
    others: Vec<String>,
    entries: usize,
}

impl List {
    /// A list page's entries, the rest of the object read as an envelope;
    /// whether the page is complete (as the general reader says it).
    fn read_page(&mut self, ctx: &DocCtx, at: usize) -> Option<bool> {
        let (text, bytes) = (ctx.text, ctx.text.as_bytes());
        let mut listed = false;
        // The object without its list, to be read as an envelope.
        let mut rest = String::from("{");
        let mut i = skip_ws(bytes, at + 1);
        loop {
            let (key, after) = value_at::<String>(text, i)?;
            // A resource, a Resource Graph result, a REST API example or an
            // error: left to the general reader before its body is scanned.
            if matches!(
                key.as_str(),
                "id" | "name"
                    | "type"
                    | "properties"
                    | "data"
                    | "responses"
                    | "parameters"
                    | "error"
            ) {
                return None;
            }
            i = skip_ws(bytes, after);
            (bytes.get(i) == Some(&b':')).then_some(())?;
            i = skip_ws(bytes, i + 1);
            if key == "value" && bytes.get(i) == Some(&b'[') {
                // A second `value` is an error of the general reader's.
                (!listed).then_some(())?;
                listed = true;
                i = self.read(ctx, i)?;
            } else {
                let (value, end) = value_at::<&RawValue>(text, i)?;
                if rest.len() > 1 {
                    rest.push(',');
                }
                rest.push_str(&serde_json::to_string(&key).ok()?);
                rest.push(':');
                rest.push_str(value.get());
                i = end;
            }
            i = skip_ws(bytes, i);
            match bytes.get(i)? {
                b',' => i = skip_ws(bytes, i + 1),
                b'}' => break,
                _ => return None,
            }
        }
        (listed && skip_ws(bytes, i + 1) == bytes.len()).then_some(())?;
        rest.push('}');
        let envelope: Envelope = serde_json::from_str(&rest).ok()?;
        // Another `value` that is not a list (a list page's is).
        envelope.value.is_none().then_some(())?;
        Some(super::page_complete(ctx, envelope.next_link.as_deref()))
    }

    /// The entries of the list that opens at `at` (`[`); where it ends.
    fn read(&mut self, ctx: &DocCtx, at: usize) -> Option<usize> {
        let bytes = ctx.text.as_bytes();
        let mut i = skip_ws(bytes, at + 1);
        if bytes.get(i) == Some(&b']') {
            return Some(i + 1);
        }
        loop {
            // Anything but an object is the general reader's error.
            (bytes.get(i) == Some(&b'{')).then_some(())?;
            i = skip_ws(bytes, self.read_entry(ctx, i)?);
            self.entries += 1;
            match bytes.get(i)? {
                b',' => i = skip_ws(bytes, i + 1),
                b']' => return Some(i + 1),
                _ => return None,
            }
        }
    }

    /// The entry that starts at `at`; where it ends.
    fn read_entry(&mut self, ctx: &DocCtx, at: usize) -> Option<usize> {
        let read = read_expected(ctx, ctx.text, at, &mut self.part)
            .or_else(|| unread_at(ctx, at, &mut self.part));
        let (entry, end) = match read {
            Some(read) => read,
            None => {
                let (text, end) = value_at::<&RawValue>(ctx.text, at)?;
                (read_general(ctx, text.get(), &mut self.part).ok()?, end)
            }
        };
        if let Entry::Other(t) = entry {
            self.others.push(t);
        }
        Some(end)
    }
}

/// A disk that is not a reprotect's temporary disk, or a network interface,
/// in a list of them: noted as read (no check reads them), in one pass.
fn unread_at(ctx: &DocCtx, at: usize, out: &mut Estate) -> Option<(Entry, usize)> {
    if !matches!(
        ctx.hint.kind?,
        FactKind::Disks | FactKind::NetworkInterfaces
    ) {
        return None;
    }
    let (head, end) = value_at::<dto::Typed<IgnoredAny>>(ctx.text, at)?;
    let kind = kind_of_type(head.type_.as_deref()?)?;
    let fact = not_kept(kind, &Mapper { ctx, head: &head })?;
    unread(ctx, head.id.as_deref(), fact, out);
    Some((Entry::Other(head.type_?), end))
}

/// The position of the first byte from `at` on that is not JSON whitespace.
fn skip_ws(bytes: &[u8], at: usize) -> usize {
    let blank = |b: &u8| matches!(b, b' ' | b'\n' | b'\r' | b'\t');
    at + bytes
        .get(at..)
        .map_or(0, |rest| rest.iter().take_while(|b| blank(b)).count())
}

#[cfg(test)]
mod tests {
    use super::super::{read_document, DocCtx};
    use crate::load::manifest::hint_from_file_name;
    use crate::model::{Estate, SourceId};
    use serde_json::{json, Value};

    /// A list of the resources of a REST API example of the corpus.
    fn entries(example: &str) -> Vec<Value> {
        let path = format!(
            "{}/tests/corpus/arm-examples/{example}",
            env!("CARGO_MANIFEST_DIR")
        );
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let body = &v["responses"]["200"]["body"];
        match body.get("value") {
            Some(Value::Array(list)) => list.clone(),
            _ => vec![body.clone()],
        }
    }

    /// The document read as `name`, entry by entry where each lies or split
    /// (read as a whole first): what it gave, and whether the former took it.
    fn read(name: &str, text: &str, split: bool) -> (String, bool) {
        let followed = |link: &str| link.contains("followed");
        let ctx = DocCtx {
            file: name,
            text,
            source: SourceId(0),
            hint: hint_from_file_name(name),
            followed: &followed,
            lines: Default::default(),
            split,
        };
        let mut out = Estate::default();
        let streamed = !split && super::read_streamed(&ctx, &mut Estate::default()).is_some();
        let result = read_document(&ctx, &mut out).map_err(|e| format!("{e:?}"));
        (format!("{result:?}\n{out:?}"), streamed)
    }

    /// Every list document, whatever its shape, entries or damage, gives the
    /// same estate (or the same error) read entry by entry where each lies
    /// as read as a whole first; documents that are not plain lists or list
    /// pages, or that are damaged, are left to the general reader.
    #[test]
    fn streamed_reads_as_split() {
        let item = entries("asr-2025-08-01.ReplicationProtectedItems_Get.json");
        let lists = [
            ("replicated-items.json", item.clone()),
            (
                "replicated-items.json",
                entries("asr-2025-08-01.ReplicationProtectedItems_List.json"),
            ),
            (
                "vms.json",
                entries("compute-2024-11-01.VirtualMachine_Get.json"),
            ),
            (
                "health.json",
                entries("resourcehealth-2025-05-01.AvailabilityStatuses_ListByResourceGroup.json"),
            ),
            (
                "jobs.json",
                entries("asr-2025-08-01.ReplicationJobs_List.json"),
            ),
            (
                "recovery-plans.json",
                entries("asr-2025-08-01.ReplicationRecoveryPlans_Get.json"),
            ),
            (
                "disks.json",
                entries("diskrp-2025-01-02.Disk_ListByResourceGroup.json"),
            ),
            (
                "locks.json",
                entries("locks-2020-05-01.ManagementLocks_ListAtSubscriptionLevel.json"),
            ),
            (
                "skus.json",
                entries("compute-skus-2021-07-01.ListAvailableResourceSkus.json"),
            ),
            (
                "usages.eastus.json",
                entries("compute-2024-11-01.Usage_List_MaximumSet_Gen.json"),
            ),
        ];
        // (file name, text, whether it is a plain list or list page whose
        // every entry can be read)
        let mut docs: Vec<(&str, String, bool)> = Vec::new();
        for (name, list) in &lists {
            // The same entries in other forms: flattened (az CLI), named as
            // a reprotect's temporary disk; an entry of another type, a
            // network interface. Then damaged: a field of the wrong type,
            // a `type` that is not a string.
            let mut clean = list.clone();
            let mut damaged = Vec::new();
            for e in list {
                if let Some(Value::Object(props)) = e.get("properties") {
                    let mut flat = e.clone();
                    flat["properties"] = Value::Null;
                    for (k, v) in props {
                        flat[k] = v.clone();
                    }
                    clean.push(flat);
                    if let Some((k, _)) = props.iter().find(|(_, v)| v.is_string()) {
                        let mut bad = e.clone();
                        bad["properties"][k] = json!([1]);
                        damaged.push(bad);
                    }
                }
                if e["name"].is_string() {
                    let mut temp = e.clone();
                    temp["name"] = json!("ms-asr-temp-disk");
                    clean.push(temp);
                }
            }
            clean.push(item[0].clone());
            let mut nic = json!({"id": "/subscriptions/s1/resourceGroups/g/providers/Microsoft.Network/networkInterfaces/n1",
                "name": "n1", "type": "Microsoft.Network/networkInterfaces", "properties": {}});
            clean.push(nic.clone());
            nic["type"] = json!(5);
            damaged.push(nic);
            let array = Value::Array(clean.clone()).to_string();
            let pretty = serde_json::to_string_pretty(&clean).unwrap();
            let page = |link: &str| format!(r#"{{ "nextLink": "{link}", "value": {pretty} }}"#);
            for text in [
                array.clone(),
                pretty.clone(),
                format!("\n {pretty} \n"),
                format!(r#"{{"value":{array}}}"#),
                page("https://followed/page2"),
                page("https://other/page2"),
                format!(r#"{{"value":{array},"nextLink":null,"other":{{"a":[1,2]}}}}"#),
                format!(r#"{{"val\u0075e":{array}}}"#),
                "[]".to_string(),
                r#"{"value": []}"#.to_string(),
            ] {
                docs.push((name, text, true));
            }
            for e in damaged {
                let mut entries = clean.clone();
                entries.insert(1, e);
                let array = Value::Array(entries).to_string();
                docs.push((name, format!(r#"{{"value":{array}}}"#), false));
                docs.push((name, array, false));
            }
            // Damaged, or not a list page: the general reader's.
            for text in [
                format!("{array} x"),
                format!("{},]", &array[..array.len() - 1]),
                array[..array.len() - 1].to_string(),
                format!("[5,{}", &array[1..]),
                format!(r#"{{"value":{array},"value":[]}}"#),
                format!(r#"{{"value":{array},"value":5}}"#),
                format!(r#"{{"value":{array},"nextLink":{{}}}}"#),
                format!(r#"{{"value":{array},"error":5}}"#),
                format!(r#"{{"value":5,"id":"/x","type":"t","data":{array}}}"#),
                format!(r#"{{"data":{array}}}"#),
                format!(r#"{{"value":{array}}} {{}}"#),
            ] {
                docs.push((name, text, false));
            }
        }
        let mut streamed = 0;
        for (name, text, plain) in &docs {
            let (split, _) = read(name, text, true);
            let (whole, took) = read(name, text, false);
            assert_eq!(whole, split, "{name}: {text}");
            streamed += usize::from(took && *plain);
        }
        // Every plain list and list page was read entry by entry.
        assert_eq!(streamed, docs.iter().filter(|d| d.2).count());
        assert_eq!(streamed, 10 * lists.len());
    }
}
