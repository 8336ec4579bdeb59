//! Fuzzes the document loader and a check over what it loaded: any bytes
//! as a bundle's replicated-items file must give an estate or an input
//! error (exit 2), never a panic, whatever the rules then make of it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = vec![("replicated-items.json".to_string(), data.to_vec())];
    let Ok(estate) = asr_preflight::load::load_memory(files) else {
        return;
    };
    let request = asr_preflight::engine::Request {
        operation: asr_preflight::finding::OperationArg::Next,
        vms: Vec::new(),
        plan: None,
        now: time::macros::datetime!(2026-11-22 12:00 UTC),
        config: asr_preflight::config::Config::default(),
    };
    let _ = asr_preflight::engine::run(&estate, &request);
});
