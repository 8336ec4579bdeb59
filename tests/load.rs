//! The loader over real ARM payloads (the corpus published by Microsoft) and
//! the input shapes DESIGN.md §4 promises: every file loads, and what it
//! holds lands in the model.

mod common;

use asr_preflight::load::load;
use asr_preflight::model::{Coverage, FactKind, LockLevel, Phase, ResourceId, UsageKind};
use std::path::{Path, PathBuf};

fn corpus_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![common::root().join("tests/corpus/arm-examples")];
    // The shared corpus, when the checkout sits beside it, so new additions are tried too.
    let shared = common::root().join("../shared/corpus/arm-examples");
    if shared.is_dir() {
        dirs.push(shared);
    }
    dirs
}

fn corpus(name: &str) -> PathBuf {
    common::root().join("tests/corpus/arm-examples").join(name)
}

#[test]
fn every_corpus_file_loads() {
    let mut n = 0;
    for dir in corpus_dirs() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{}: no corpus files", dir.display());
        for f in files {
            if let Err(e) = load(std::slice::from_ref(&f)) {
                panic!("{} does not load: {e:?}", f.display());
            }
            n += 1;
        }
    }
    assert!(n >= 25, "expected at least the 25 corpus files, read {n}");
}

#[test]
fn the_corpus_folder_loads_as_one_bundle() {
    let e = load(&[common::root().join("tests/corpus/arm-examples")]).unwrap();
    // The spec examples all describe the same item id: it is kept once.
    assert_eq!(
        e.items.len(),
        2,
        "the Hyper-V example item and the real A2A one"
    );
    assert!(!e.jobs.is_empty() && !e.plans.is_empty() && !e.skus.is_empty() && !e.locks.is_empty());
}

#[test]
fn real_a2a_item_after_commit() {
    let e = load(&[corpus(
        "recording-a2a-2024-10-01.RPI_Get_UnplannedFailoverCommitted.json",
    )])
    .unwrap();
    let item = &e.items[0];
    assert_eq!(item.name, "reprotectvm");
    assert_eq!(item.phase(), Phase::FailedOver);
    assert_eq!(
        item.next_operation(),
        asr_preflight::model::Operation::Reprotect
    );
    let rep = item.replication.as_ref().unwrap();
    assert_eq!(rep.rpo_seconds, Some(46));
    assert_eq!(rep.recovery_vm_size.as_deref(), Some("Standard_DS1_v2"));
    assert_eq!(rep.primary_location.as_deref(), Some("uksouth"));
    assert_eq!(rep.protected_disks.len(), 1);
    assert!(rep.unprotected_disks.is_none(), "null means absent");
    assert_eq!(rep.agent_expiry.unwrap().year(), 9999);
    // ASR lower-cases fabricObjectId; ids compare case-insensitively.
    assert_eq!(
        rep.vm_id.as_ref().unwrap(),
        &ResourceId::new("/subscriptions/7c943c1b-5122-4097-90c8-861411bdd574/resourceGroups/vijami-alertrg/providers/Microsoft.Compute/virtualMachines/reprotectvm")
    );
    assert!(
        item.current_scenario.is_none(),
        "the `None` scenario sentinel is no scenario"
    );
}

#[test]
fn spec_example_states() {
    let tfo = load(&[corpus(
        "asr-2025-08-01.ReplicationProtectedItems_TestFailover.json",
    )])
    .unwrap();
    assert_eq!(tfo.items[0].phase(), Phase::TestFailoverCleanupPending);
    let unplanned = load(&[corpus(
        "asr-2025-08-01.ReplicationProtectedItems_UnplannedFailover.json",
    )])
    .unwrap();
    assert_eq!(unplanned.items[0].phase(), Phase::CommitPending);
    let planned = load(&[corpus(
        "asr-2025-08-01.ReplicationProtectedItems_PlannedFailover.json",
    )])
    .unwrap();
    assert_eq!(planned.items[0].phase(), Phase::CommitPending);
    let got = load(&[corpus("asr-2025-08-01.ReplicationProtectedItems_Get.json")]).unwrap();
    assert_eq!(got.items[0].phase(), Phase::Protected);
}

#[test]
fn reprotect_job_with_child_job() {
    let e = load(&[corpus(
        "recording-a2a-2024-10-01.ReplicationJobs_Get_ReprotectInProgress.json",
    )])
    .unwrap();
    let job = &e.jobs[0];
    assert_eq!(
        job.scenario.as_deref(),
        Some("SwitchReplicationGroupProtection")
    );
    let group = job
        .tasks
        .iter()
        .find(|t| t.task_id.as_deref() == Some("ProtectReplicaTask"))
        .unwrap();
    let child = group.child_tasks[0].child_job.as_ref().unwrap();
    assert_eq!(child.scenario.as_deref(), Some("EnableDr"));
    assert!(job.new_item_id.is_some());
    assert!(job.activity_id.as_deref().unwrap().contains("ActivityId"));
}

#[test]
fn arm_resources_of_every_kind() {
    let plans = load(&[corpus("asr-2025-08-01.ReplicationRecoveryPlans_Get.json")]).unwrap();
    assert_eq!(plans.plans[0].members().len(), 2);
    let locks = load(&[corpus(
        "locks-2020-05-01.ManagementLocks_ListAtResourceLevel.json",
    )])
    .unwrap();
    assert_eq!(locks.locks[0].level, LockLevel::ReadOnly);
    assert_eq!(
        locks.locks[0].scope,
        ResourceId::new("/subscriptions/subscriptionId/resourceGroups/resourcegroupname")
    );
    let skus = load(&[corpus(
        "compute-skus-2021-07-01.ListAvailableResourceSkus.json",
    )])
    .unwrap();
    assert!(skus.skus.iter().all(|s| s.vcpus().is_some()));
    let vm = load(&[corpus("compute-2024-11-01.VirtualMachine_Get.json")]).unwrap();
    assert!(!vm.vms[0].data_disks.is_empty());
    let loc = load(&[corpus(
        "subscriptions-2022-12-01.GetLocationsPolicyAware.json",
    )])
    .unwrap();
    assert!(loc
        .locations
        .iter()
        .any(|l| l.policy_status.as_deref() == Some("Allowed")));
    let health = load(&[corpus(
        "resourcehealth-2025-05-01.AvailabilityStatuses_ListByResourceGroup.json",
    )])
    .unwrap();
    // Both statuses in the example carry the same placeholder id: kept once.
    assert_eq!(
        health.health[0].availability_state.as_deref(),
        Some("Available")
    );
    assert_eq!(health.health[0].target, ResourceId::new("<resourceId>"));
    // Example parameters give the region of a usage list without ids.
    let usages = load(&[corpus("compute-2024-11-01.Usage_List_MaximumSet_Gen.json")]).unwrap();
    assert_eq!(usages.usages[0].location, "4_.");
    assert_eq!(usages.usages[0].kind, UsageKind::Compute);
}

#[test]
fn lists_with_unfollowed_next_links_are_incomplete() {
    let disks = load(&[corpus("diskrp-2025-01-02.Disk_ListByResourceGroup.json")]).unwrap();
    // Not reprotect's temporary disks: read, noted, not kept.
    assert!(disks.disks.is_empty());
    assert!(disks.unread.iter().any(|u| u.kind == FactKind::Disks));
    assert!(disks
        .facts
        .iter()
        .any(|f| f.kind == FactKind::Disks && f.coverage == Coverage::Loaded { complete: false }));
    assert!(!disks.has_complete(FactKind::Disks));
    // Resource Graph: lower-cased types, a $skipToken means more pages.
    let arg = load(&[corpus(
        "resourcegraph-2024-04-01.ResourcesFirstPageQuery.json",
    )])
    .unwrap();
    assert_eq!(arg.disks.len(), 0);
    assert!(arg.unread.iter().any(|u| u.kind == FactKind::Disks));
    assert!(!arg.has_complete(FactKind::Disks));
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn az_cli_shapes() {
    let dir = tempfile::tempdir().unwrap();
    // az vm list-usage: numbers as strings, no ids: the region comes from the file name.
    write(
        dir.path(),
        "usages.westus2.json",
        r#"[{"currentValue": "40", "limit": "64", "localName": "Standard DSv3 Family vCPUs", "name": {"localizedValue": "Standard DSv3 Family vCPUs", "value": "standardDSv3Family"}}]"#,
    );
    // az network list-usages: ids carry the region.
    write(
        dir.path(),
        "network-usages.westus2.json",
        r#"[{"currentValue": 10, "id": "/subscriptions/s/providers/Microsoft.Network/locations/westus2/usages/NetworkInterfaces", "limit": 65536, "localName": "Network Interfaces", "name": {"localizedValue": "Network Interfaces", "value": "NetworkInterfaces"}, "unit": "Count"}]"#,
    );
    // az lock list: flattened.
    write(
        dir.path(),
        "locks.json",
        r#"[{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Authorization/locks/keep", "level": "CanNotDelete", "name": "keep", "notes": "do not delete", "owners": null, "resourceGroup": "rg", "type": "Microsoft.Authorization/locks"}]"#,
    );
    // az disk list: flattened, `diskSizeGb`. Only a reprotect's temporary
    // disk is kept; the other is read and noted.
    write(
        dir.path(),
        "disks.json",
        r#"[{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/MS-ASR-d1", "name": "MS-ASR-d1", "type": "Microsoft.Compute/disks", "location": "westus2", "diskSizeGb": 128, "diskState": "Attached", "managedBy": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"}, {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/vm1_osdisk", "name": "vm1_osdisk", "type": "Microsoft.Compute/disks", "location": "westus2", "diskSizeGb": "not a number", "diskState": "Attached"}]"#,
    );
    // az vm list-skus: no type, resourceType instead.
    write(
        dir.path(),
        "skus.westus2.json",
        r#"[{"resourceType": "virtualMachines", "name": "Standard_D2s_v3", "family": "standardDSv3Family", "locations": ["westus2"], "locationInfo": [{"location": "westus2", "zones": ["1","2","3"]}], "capabilities": [{"name": "vCPUs", "value": "2"}], "restrictions": [{"type": "Zone", "values": ["westus2"], "restrictionInfo": {"locations": ["westus2"], "zones": ["3"]}, "reasonCode": "NotAvailableForSubscription"}]}, {"resourceType": "disks", "name": "Premium_LRS"}]"#,
    );
    let e = load(&[dir.path().to_path_buf()]).unwrap();
    let dsv3 = e
        .usages
        .iter()
        .find(|u| u.name == "standardDSv3Family")
        .unwrap();
    assert_eq!(
        (dsv3.current, dsv3.limit, dsv3.location.as_str()),
        (40, 64, "westus2")
    );
    assert!(e
        .usages
        .iter()
        .any(|u| u.kind == UsageKind::Network && u.location == "westus2"));
    assert_eq!(e.locks[0].level, LockLevel::CanNotDelete);
    assert_eq!(e.locks[0].notes.as_deref(), Some("do not delete"));
    assert_eq!(e.disks.len(), 1);
    assert_eq!(e.disks[0].name, "MS-ASR-d1");
    assert_eq!(e.disks[0].size_gb, Some(128));
    assert!(e.disks[0].managed_by.is_some());
    assert!(e.has_complete(FactKind::Disks), "the disk list is complete");
    assert_eq!(
        e.unread,
        vec![asr_preflight::model::Unread {
            kind: FactKind::Disks,
            subscription: Some(asr_preflight::model::Atom::new("s")),
            source: e.disks[0].source,
        }]
    );
    assert_eq!(e.skus.len(), 1, "only VM sizes are kept");
    assert_eq!(e.skus[0].restrictions[0].zones, vec!["3"]);
    assert!(e.has_complete(FactKind::Locks), "an az array is complete");
    assert!(e.has_complete(FactKind::ComputeUsages));
}

#[test]
fn empty_lists_prove_absence_when_their_kind_is_known() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "locks.json", "[]");
    let e = load(&[dir.path().to_path_buf()]).unwrap();
    assert!(e.locks.is_empty());
    assert!(e.has_complete(FactKind::Locks));
}

#[test]
fn manifest_records_failures_and_404s() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "manifest.json",
        r#"{"format": "asr-preflight/bundle@1", "collectedAt": "2026-11-22T11:43:55Z",
      "requests": [
        {"method": "GET", "path": "/subscriptions/s/resourcegroups/rg-app?api-version=2021-04-01", "status": 404, "errorCode": "ResourceGroupNotFound"},
        {"method": "GET", "path": "/subscriptions/s/providers/Microsoft.Authorization/locks?api-version=2020-05-01", "status": 403, "errorCode": "AuthorizationFailed"},
        {"file": "gone.json", "method": "GET", "path": "/subscriptions/s/providers/Microsoft.Compute/virtualMachines?api-version=2024-11-01", "status": 200}
      ]}"#,
    );
    let e = load(&[dir.path().to_path_buf()]).unwrap();
    assert!(e.bundle.has_manifest);
    assert_eq!(e.bundle.collected_at.unwrap().hour(), 11);
    let vm = ResourceId::new(
        "/subscriptions/s/resourceGroups/RG-APP/providers/Microsoft.Compute/virtualMachines/app-01",
    );
    assert_eq!(
        e.not_found(&vm).unwrap().error_code,
        "ResourceGroupNotFound",
        "a VM in a deleted group is gone too"
    );
    assert_eq!(e.failed_facts(FactKind::Locks).count(), 1);
    assert_eq!(
        e.failed_facts(FactKind::VirtualMachines).count(),
        1,
        "a listed file that is absent is missing"
    );
}

#[test]
fn saved_not_found_bodies_name_the_group() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "rg-app.json",
        r#"{"error":{"code":"ResourceGroupNotFound","message":"Resource group 'rg-app' could not be found."}}"#,
    );
    let e = load(&[dir.path().to_path_buf()]).unwrap();
    let rg = ResourceId::new("/subscriptions/s/resourceGroups/rg-app");
    assert!(e.not_found(&rg).is_some());
}

#[test]
fn cert_stores_are_associated_with_vms() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "certs/web-01.pem",
        "-----BEGIN CERTIFICATE-----\n",
    );
    write(dir.path(), "certs/rg-app/app-01.CER", "x");
    write(dir.path(), "certs/notes.txt", "ignored");
    let e = load(&[dir.path().to_path_buf()]).unwrap();
    let mut stores: Vec<(String, Option<String>, String)> = e
        .cert_stores
        .iter()
        .map(|c| {
            (
                c.vm_name.clone(),
                c.resource_group.clone(),
                c.format.clone(),
            )
        })
        .collect();
    stores.sort();
    assert_eq!(
        stores,
        vec![
            (
                "app-01".to_string(),
                Some("rg-app".to_string()),
                "cer".to_string()
            ),
            ("web-01".to_string(), None, "pem".to_string())
        ]
    );
}

#[test]
fn utf16_and_bom_files_load() {
    let dir = tempfile::tempdir().unwrap();
    let json = r#"[{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Authorization/locks/keep", "type": "Microsoft.Authorization/locks", "name": "keep", "level": "ReadOnly"}]"#;
    let mut utf16 = vec![0xFF, 0xFE];
    for u in json.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(dir.path().join("locks.json"), utf16).unwrap();
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(json.replace("keep", "keep2").as_bytes());
    std::fs::write(dir.path().join("locks2.json"), bom).unwrap();
    let e = load(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(e.locks.len(), 2);
}

#[test]
fn unknown_types_fields_and_values_are_tolerated() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "misc.json",
        r#"{"value": [
      {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app", "type": "Microsoft.Web/sites", "properties": {"anything": [1, 2]}},
      {"id": "/subscriptions/s/resourceGroups/v/providers/Microsoft.RecoveryServices/vaults/v/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/i",
       "type": "Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems",
       "properties": {"friendlyName": "vm", "protectionState": "SomeFutureState", "activeLocation": "Elsewhere", "allowedOperations": ["Teleport"], "replicationHealth": "Purple", "newField": {"x": 1},
         "providerSpecificDetails": {"instanceType": "FutureProvider", "rpoInSeconds": "12"}}}
    ]}"#,
    );
    let e = load(&[dir.path().to_path_buf()]).unwrap();
    let item = &e.items[0];
    assert_eq!(item.phase(), Phase::Other("SomeFutureState".to_string()));
    assert_eq!(
        item.allowed_operations.as_ref().unwrap()[0].as_str(),
        "Teleport"
    );
    assert_eq!(item.replication_health.as_ref().unwrap().as_str(), "Purple");
    assert_eq!(item.replication.as_ref().unwrap().rpo_seconds, Some(12));
}

#[test]
fn duplicates_across_files_are_kept_once() {
    let dir = tempfile::tempdir().unwrap();
    let lock = |id: &str| {
        format!(
            r#"[{{"id": "{id}", "type": "Microsoft.Authorization/locks", "name": "keep", "level": "ReadOnly"}}]"#
        )
    };
    write(
        dir.path(),
        "a.json",
        &lock("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Authorization/locks/keep"),
    );
    write(
        dir.path(),
        "b.json",
        &lock("/SUBSCRIPTIONS/S/resourcegroups/RG/providers/microsoft.authorization/locks/KEEP"),
    );
    let e = load(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(e.locks.len(), 1);
    assert_eq!(e.source_name(e.locks[0].source), "a.json");
}

#[test]
fn resources_without_type_are_classified_by_id() {
    let e = load(&[corpus("asr-2025-08-01.ReplicationJobs_List.json")]).unwrap();
    assert!(
        !e.jobs.is_empty(),
        "spec job examples have ids but no `type`"
    );
    let e = load(&[corpus("asr-2025-08-01.ReplicationJobs_Get.json")]).unwrap();
    assert_eq!(e.jobs.len(), 1);
}

#[test]
fn a_document_with_nothing_usable_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "webapps.json",
        r#"[{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/a", "type": "Microsoft.Web/sites"}]"#,
    );
    let e = load(&[dir.path().to_path_buf()]).unwrap();
    assert!(
        e.notices
            .iter()
            .any(|n| n.contains("webapps.json") && n.contains("nothing asr-preflight uses")),
        "{:?}",
        e.notices
    );
}

#[test]
fn an_unscoped_list_covers_the_subscription_of_its_entries() {
    use asr_preflight::model::RegionCoverage;
    let dir = tempfile::tempdir().unwrap();
    // `az lock list` of subscription a only.
    write(
        dir.path(),
        "locks.json",
        r#"[{"id": "/subscriptions/a/resourceGroups/rg/providers/Microsoft.Authorization/locks/keep", "type": "Microsoft.Authorization/locks", "name": "keep", "level": "CanNotDelete"}]"#,
    );
    let e = load(&[dir.path().to_path_buf()]).unwrap();
    let in_a = ResourceId::new("/subscriptions/A/resourceGroups/x");
    let in_b = ResourceId::new("/subscriptions/b/resourceGroups/x");
    assert_eq!(
        e.scope_coverage(FactKind::Locks, &in_a),
        RegionCoverage::Complete
    );
    assert_eq!(
        e.scope_coverage(FactKind::Locks, &in_b),
        RegionCoverage::Absent,
        "subscription b's locks were not listed"
    );
}

/// A replicated item in subscription `a` whose target group is in `b`.
const CROSS_SUBSCRIPTION_ITEM: &str = r#"[{"id": "/subscriptions/a/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/vm1", "type": "Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems", "name": "vm1", "properties": {"friendlyName": "vm1", "providerSpecificDetails": {"instanceType": "A2A", "fabricObjectId": "/subscriptions/a/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1", "recoveryAzureResourceGroupId": "/subscriptions/b/resourceGroups/rg-dr"}}}]"#;

#[test]
fn an_empty_unscoped_list_covers_the_one_subscription_in_sight() {
    use asr_preflight::model::RegionCoverage;
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "replicated-items.json",
        &CROSS_SUBSCRIPTION_ITEM.replace("/subscriptions/b/", "/subscriptions/a/"),
    );
    write(dir.path(), "locks.json", "[]");
    let e = load(&[dir.path().to_path_buf()]).unwrap();
    let group = ResourceId::new("/subscriptions/a/resourceGroups/rg-dr");
    assert_eq!(
        e.scope_coverage(FactKind::Locks, &group),
        RegionCoverage::Complete
    );
    assert!(
        !e.notices.iter().any(|n| n.contains("locks.json")),
        "{:?}",
        e.notices
    );
}

#[test]
fn an_empty_unscoped_list_is_not_used_when_the_inputs_span_subscriptions() {
    use asr_preflight::model::RegionCoverage;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "replicated-items.json", CROSS_SUBSCRIPTION_ITEM);
    write(dir.path(), "locks.json", "[]");
    let e = load(&[dir.path().to_path_buf()]).unwrap();
    for sub in ["a", "b"] {
        let group = ResourceId::new(&format!("/subscriptions/{sub}/resourceGroups/rg-dr"));
        assert_eq!(
            e.scope_coverage(FactKind::Locks, &group),
            RegionCoverage::Absent,
            "an empty list of unknown origin says nothing about subscription {sub}"
        );
    }
    let notice = e.notices.join("\n");
    assert!(notice.contains("locks.json"), "{notice}");
    assert!(notice.contains("2 subscriptions (a, b)"), "{notice}");
    assert!(
        notice.contains("`locks.<subscription id>.json`"),
        "says how to name it: {notice}"
    );
}

#[test]
fn an_empty_list_named_after_its_subscription_covers_it() {
    use asr_preflight::model::RegionCoverage;
    let sub = "0f0e0d0c-0b0a-4908-8706-050403020100";
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "replicated-items.json",
        &CROSS_SUBSCRIPTION_ITEM.replace("/subscriptions/b/", &format!("/subscriptions/{sub}/")),
    );
    write(dir.path(), &format!("locks.{sub}.json"), "[]");
    let e = load(&[dir.path().to_path_buf()]).unwrap();
    let target = ResourceId::new(&format!("/subscriptions/{sub}/resourceGroups/rg-dr"));
    let source = ResourceId::new("/subscriptions/a/resourceGroups/rg");
    assert_eq!(
        e.scope_coverage(FactKind::Locks, &target),
        RegionCoverage::Complete
    );
    assert_eq!(
        e.scope_coverage(FactKind::Locks, &source),
        RegionCoverage::Absent
    );
}

#[test]
fn a_list_spanning_subscriptions_covers_those_it_names_and_no_other() {
    use asr_preflight::model::RegionCoverage;
    let dir = tempfile::tempdir().unwrap();
    // A Resource Graph export of the locks of subscriptions a and b.
    write(
        dir.path(),
        "locks.json",
        r#"[{"id": "/subscriptions/a/providers/Microsoft.Authorization/locks/k1", "type": "Microsoft.Authorization/locks", "name": "k1", "level": "CanNotDelete"},
            {"id": "/subscriptions/b/providers/Microsoft.Authorization/locks/k2", "type": "Microsoft.Authorization/locks", "name": "k2", "level": "CanNotDelete"}]"#,
    );
    let e = load(&[dir.path().to_path_buf()]).unwrap();
    for (sub, want) in [
        ("a", RegionCoverage::Complete),
        ("b", RegionCoverage::Complete),
        ("c", RegionCoverage::Absent),
    ] {
        let group = ResourceId::new(&format!("/subscriptions/{sub}/resourceGroups/rg"));
        assert_eq!(e.scope_coverage(FactKind::Locks, &group), want, "{sub}");
    }
}

#[test]
fn a_health_status_is_known_by_its_resource_and_kept_once() {
    let dir = tempfile::tempdir().unwrap();
    let vm = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1";
    let status = |id: &str, state: &str| {
        format!(
            r#"{{"id": "{id}", "type": "Microsoft.ResourceHealth/AvailabilityStatuses", "location": "eastus2", "properties": {{"availabilityState": "{state}", "summary": "s"}}}}"#
        )
    };
    // The usual id (in another case), listed twice; and a status of the same
    // VM under another name.
    let current = format!("{vm}/providers/Microsoft.ResourceHealth/availabilityStatuses/current");
    let lower = current.to_ascii_lowercase();
    let other = format!("{vm}/providers/Microsoft.ResourceHealth/availabilityStatuses/event-1");
    write(
        dir.path(),
        "health.a.json",
        &format!(
            "[{}, {}]",
            status(&current, "Unavailable"),
            status(&other, "Degraded")
        ),
    );
    write(
        dir.path(),
        "health.b.json",
        &format!("[{}]", status(&lower, "Available")),
    );
    let e = load(&[dir.path().to_path_buf()]).unwrap();
    let states: Vec<(&str, Option<String>)> = e
        .health
        .iter()
        .map(|h| {
            (
                h.availability_state.as_deref().unwrap(),
                h.id.as_ref().map(|i| i.text()),
            )
        })
        .collect();
    // The first in path order is kept; the usual id is not stored.
    assert_eq!(
        states,
        vec![("Unavailable", None), ("Degraded", Some(other.to_string()))]
    );
    assert!(e.health.iter().all(|h| h.target == ResourceId::new(vm)));
}

/// Lists of items and of VMs are read in one pass where the file holds
/// what its name says: what lands in the model is what the general reading
/// gives, whatever the order of the keys, and an entry the one pass cannot
/// take (another type, null or flattened properties, a damaged field) is
/// read the general way.
#[test]
fn one_pass_lists_read_as_the_general_way() {
    let body = |file: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(corpus(file)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["responses"]["200"]["body"].clone()
    };
    let item = body("asr-2025-08-01.ReplicationProtectedItems_Get.json");
    let vm = body("compute-2024-11-01.VirtualMachine_Get.json");
    // The same resource in ARM's key order (`type` before `properties`), in
    // sorted order (`properties` first, as the az CLI writes), with null
    // properties beside flattened fields, and renamed to tell them apart.
    let shapes = |r: &serde_json::Value, n: usize| -> Vec<String> {
        let s = |v: &serde_json::Value| v.to_string();
        let named = |i: usize| {
            let id = r["id"].as_str().unwrap();
            let id = format!("{id}-{i}");
            let name = format!("{}-{i}", r["name"].as_str().unwrap());
            (id, name)
        };
        let (id0, name0) = named(n);
        let (id1, name1) = named(n + 1);
        let (id2, name2) = named(n + 2);
        let mut flat = r["properties"].clone();
        flat["id"] = id2.clone().into();
        flat["name"] = name2.into();
        flat["type"] = r["type"].clone();
        flat["properties"] = serde_json::Value::Null;
        // An object of these keys, in this order.
        let object = |fields: [(&str, String); 4]| {
            let fields: Vec<String> = fields.iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
            format!("{{{}}}", fields.join(","))
        };
        let (ty, props) = (s(&r["type"]), s(&r["properties"]));
        vec![
            object([
                ("id", s(&id0.into())),
                ("name", s(&name0.into())),
                ("type", ty.clone()),
                ("properties", props.clone()),
            ]),
            object([
                ("id", s(&id1.into())),
                ("name", s(&name1.into())),
                ("properties", props),
                ("type", ty),
            ]),
            s(&flat),
        ]
    };
    let mut items = shapes(&item, 0);
    let mut vms = shapes(&vm, 10);
    // A damaged field (read as unknown, ASR901), a damaged field inside
    // the provider's details, a VM in the items list, an item in the VMs list.
    let mut damaged = item.clone();
    damaged["id"] = format!("{}-40", item["id"].as_str().unwrap()).into();
    damaged["properties"]["protectionState"] = 5.into();
    items.push(damaged.to_string());
    damaged["id"] = format!("{}-41", item["id"].as_str().unwrap()).into();
    damaged["properties"]["protectionState"] = item["properties"]["protectionState"].clone();
    damaged["properties"]["providerSpecificDetails"]["instanceType"] = serde_json::json!(["A2A"]);
    items.push(damaged.to_string());
    items.push(shapes(&vm, 20).swap_remove(1));
    vms.push(shapes(&item, 30).swap_remove(1));
    let list = |entries: &[String]| format!(r#"{{"value":[{}]}}"#, entries.join(",\n"));

    let read = |items_name: &str, vms_name: &str| {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), items_name, &list(&items));
        write(dir.path(), vms_name, &list(&vms));
        load(&[dir.path().to_path_buf()]).unwrap()
    };
    // Named for what they hold (one pass), and not (the general way).
    let one = read("replicated-items.json", "vms.json");
    let general = read("a.json", "b.json");
    assert_eq!(one.items.len(), 6, "five items and the one in the VMs list");
    let unknown: Vec<&str> = one
        .items
        .iter()
        .flat_map(|i| &i.unknowns)
        .map(|u| u.field.as_str())
        .collect();
    assert_eq!(
        unknown,
        ["protectionState", "providerSpecificDetails.instanceType"]
    );
    assert_eq!(one.vms.len(), 4, "three VMs and the one in the items list");
    assert_eq!(one.items, general.items);
    assert_eq!(format!("{:?}", one.vms), format!("{:?}", general.vms));
    assert!(one.items.iter().all(|i| i.line.is_some()));
}

/// Resource Health statuses, recovery plans and jobs are read in one pass
/// too where the file holds them: the same model as read the general way.
#[test]
fn one_pass_health_plans_and_jobs() {
    let body = |file: &str| -> String {
        let text = std::fs::read_to_string(corpus(file)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let body = &v["responses"]["200"]["body"];
        match body.get("value") {
            Some(_) => body.to_string(),
            None => format!(r#"{{"value":[{body}]}}"#),
        }
    };
    let files = [
        (
            "resourcehealth-2025-05-01.AvailabilityStatuses_ListByResourceGroup.json",
            "health.json",
        ),
        ("asr-2025-08-01.ReplicationJobs_List.json", "jobs.json"),
        (
            "asr-2025-08-01.ReplicationRecoveryPlans_Get.json",
            "recovery-plans.json",
        ),
    ];
    let read = |named: bool| {
        let dir = tempfile::tempdir().unwrap();
        for (i, (file, name)) in files.iter().enumerate() {
            // In the same path order either way (sources are numbered by it).
            let name = if named {
                name.to_string()
            } else {
                format!("{i}.json")
            };
            write(dir.path(), &name, &body(file));
        }
        load(&[dir.path().to_path_buf()]).unwrap()
    };
    let (one, general) = (read(true), read(false));
    assert!(!one.health.is_empty() && !one.plans.is_empty() && !one.jobs.is_empty());
    assert_eq!(format!("{:?}", one.health), format!("{:?}", general.health));
    assert_eq!(format!("{:?}", one.plans), format!("{:?}", general.plans));
    assert_eq!(format!("{:?}", one.jobs), format!("{:?}", general.jobs));
}
