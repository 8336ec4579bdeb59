//! gen-estate: writes a synthetic but realistically shaped bundle of N A2A
//! replicated items for benchmarks: the items (ARM pages), their VMs spread
//! over four subscriptions, every VM's managed disks and NIC, a Resource
//! Health status per VM, 200 jobs with their tasks, recovery plans, and per
//! subscription the usages and SKUs of the target region, locks and a
//! manifest. Deterministic for a given seed.
//!
//! Usage: gen-estate --items 10000 --out target/bench/10k [--page 200] [--seed 1]
//!        [--cert-stores N --ca-bundle /etc/ssl/certs/ca-certificates.crt]
//!
//! With `--cert-stores`, the first N VMs get a trusted root store of 150
//! certificates (the bundle's, repeated to 150) in `certs/<vm>.pem`.

#![recursion_limit = "512"]

use serde_json::{json, Value};
use std::fs;
use std::path::{Path, PathBuf};

/// The vault's subscription, and the first of those the VMs live in.
const SUB: &str = "0b8c3f2e-7a41-4d6b-9e15-2c7f8a9d0e31";
const SUBS: [&str; 4] = [
    SUB,
    "1c9d4a3f-8b52-4e7c-8f26-3d8a9bae1f42",
    "2dae5b40-9c63-4f8d-a037-4e9bacbf2053",
    "3ebf6c51-ad74-409e-b148-5facbdc03164",
];
const PRIMARY: &str = "eastus2";
const RECOVERY: &str = "centralus";
/// Target sizes: (name, family, vCPUs), spread over many families.
const SIZES: &[(&str, &str, u32)] = &[
    ("Standard_D4s_v5", "standardDSv5Family", 4),
    ("Standard_D8s_v5", "standardDSv5Family", 8),
    ("Standard_D4as_v5", "standardDASv5Family", 4),
    ("Standard_D8ds_v5", "standardDDSv5Family", 8),
    ("Standard_E8s_v5", "standardESv5Family", 8),
    ("Standard_E16s_v5", "standardESv5Family", 16),
    ("Standard_E8as_v5", "standardEASv5Family", 8),
    ("Standard_E16-4s_v5", "standardESv5Family", 16),
    ("Standard_F8s_v2", "standardFSv2Family", 8),
    ("Standard_B4ms", "standardBSFamily", 4),
    ("Standard_D4s_v4", "standardDSv4Family", 4),
    ("Standard_E8s_v4", "standardESv4Family", 8),
    ("Standard_L8s_v3", "standardLSv3Family", 8),
    ("Standard_M32ls", "standardMSFamily", 32),
    ("Standard_D4ls_v5", "standardDLSv5Family", 4),
    ("Standard_E4bs_v5", "standardEBSv5Family", 4),
];

/// A small deterministic generator (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn guid(&mut self) -> String {
        let a = self.next();
        let b = self.next();
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            b >> 52,
            b & 0xffff_ffff_ffff
        )
    }
}

struct Args {
    items: usize,
    out: PathBuf,
    page: usize,
    seed: u64,
    cert_stores: usize,
    ca_bundle: Option<PathBuf>,
}

fn args() -> Args {
    let mut a = Args {
        items: 10_000,
        out: PathBuf::from("target/bench/estate"),
        page: 200,
        seed: 1,
        cert_stores: 0,
        ca_bundle: None,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < argv.len() {
        let v = argv.get(i + 1).cloned().unwrap_or_default();
        match argv[i].as_str() {
            "--items" => a.items = v.parse().expect("--items takes a number"),
            "--out" => a.out = PathBuf::from(v),
            "--page" => a.page = v.parse().expect("--page takes a number"),
            "--seed" => a.seed = v.parse().expect("--seed takes a number"),
            "--cert-stores" => a.cert_stores = v.parse().expect("--cert-stores takes a number"),
            "--ca-bundle" => a.ca_bundle = Some(PathBuf::from(v)),
            other => panic!("unknown argument {other}; usage: gen-estate --items N --out DIR [--page 200] [--seed 1]"),
        }
        i += 2;
    }
    a
}

fn vault() -> String {
    format!("/Subscriptions/{SUB}/resourceGroups/rg-dr-vault/providers/Microsoft.RecoveryServices/vaults/bench-vault")
}

fn disk_id(sub: &str, rg: &str, name: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/disks/{name}")
}

/// One protected VM: its replicated item, the VM, its disks, its NIC and its
/// Resource Health status.
struct Generated {
    item: Value,
    vm: Value,
    disks: Vec<Value>,
    nic: Value,
    health: Value,
}

fn item(rng: &mut Rng, n: usize) -> Generated {
    let sub = SUBS[n % SUBS.len()];
    let name = format!("vm-{n:06}");
    let rg = format!("rg-app-{:03}", n % 400);
    let (size, _, _) = SIZES[rng.below(SIZES.len() as u64) as usize];
    let data_disks = 1 + rng.below(4) as usize;
    let guid = rng.guid();
    let roll = rng.below(100);
    // Mixed states: mostly healthy and protected.
    let (state, desc, active, tfo, allowed, scenario): (&str, &str, &str, &str, Vec<&str>, Value) =
        match roll {
            0..=1 => (
                "Protected",
                "Cleanup test failover pending",
                "Primary",
                "WaitingForCompletion",
                vec!["TestFailoverCleanup"],
                json!({"scenarioName": "TestFailover", "jobId": format!("{}/replicationJobs/{}", vault(), rng.guid()), "startTime": "2026-11-20T10:00:00Z"}),
            ),
            2 => (
                "UnplannedFailoverCommitPendingStatesBegin",
                "Failover completed",
                "Recovery",
                "None",
                vec![
                    "CompleteMigration",
                    "Commit",
                    "DisableProtection",
                    "ChangePit",
                ],
                Value::Null,
            ),
            3 => (
                "UnplannedFailoverCommitted",
                "Failover committed",
                "Recovery",
                "None",
                vec!["CompleteMigration", "DisableProtection", "SwitchProtection"],
                Value::Null,
            ),
            _ => (
                "Protected",
                "Protected",
                "Primary",
                "None",
                vec![
                    "PlannedFailover",
                    "UnplannedFailover",
                    "DisableProtection",
                    "TestFailover",
                ],
                Value::Null,
            ),
        };
    let scenario = if scenario.is_null() {
        json!({"scenarioName": "None", "jobId": format!("{}/replicationJobs/None", vault()), "startTime": "1753-01-01T01:01:01Z"})
    } else {
        scenario
    };
    let health = if rng.below(50) == 0 {
        "Critical"
    } else {
        "Normal"
    };
    let rpo_spread = if rng.below(20) == 0 { 3000 } else { 300 };
    let rpo = 30 + rng.below(rpo_spread);
    let unprotected = if rng.below(40) == 0 {
        json!([{"diskLunId": data_disks, "diskAutoProtectionStatus": "Disabled"}])
    } else {
        Value::Null
    };
    let mut pmd = Vec::new();
    let mut vm_data = Vec::new();
    let mut disks = Vec::new();
    let vm_arm_id = format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}");
    // A managed disk as `az disk list` shows it.
    let disk = |dname: &str, gb: u64, os: bool| {
        json!({
            "id": disk_id(sub, &rg, dname), "name": dname, "type": "Microsoft.Compute/disks",
            "location": PRIMARY, "resourceGroup": rg, "managedBy": vm_arm_id,
            "sku": {"name": "Premium_LRS", "tier": "Premium"}, "tags": {"env": "prod"},
            "creationData": {"createOption": if os { "FromImage" } else { "Empty" }},
            "diskSizeGb": gb, "diskSizeBytes": gb * 1_073_741_824, "diskIopsReadWrite": 500, "diskMBpsReadWrite": 100,
            "diskState": "Attached", "encryption": {"type": "EncryptionAtRestWithPlatformKey"},
            "networkAccessPolicy": "AllowAll", "publicNetworkAccess": "Enabled", "provisioningState": "Succeeded",
            "osType": if os { json!("Windows") } else { Value::Null },
            "timeCreated": "2025-03-11T08:12:40.1234567+00:00", "uniqueId": format!("{:016x}{:016x}", dname.len(), gb)
        })
    };
    let os_name = format!("{name}_OsDisk_1_{}", rng.guid().replace('-', ""));
    for i in 0..=data_disks {
        let dname = if i == 0 {
            os_name.clone()
        } else {
            format!("{name}-data-{}", i - 1)
        };
        let gb = [64, 128, 256, 512, 1024][rng.below(5) as usize];
        disks.push(disk(&dname, gb, i == 0));
        pmd.push(json!({
            "diskId": disk_id(sub, &rg, &dname).to_lowercase(),
            "recoveryResourceGroupId": format!("/subscriptions/{sub}/resourceGroups/{rg}-asr"),
            "recoveryTargetDiskId": null,
            "recoveryReplicaDiskId": disk_id(sub, &format!("{rg}-asr"), &format!("{dname}-ASRReplica")),
            "recoveryOrignalTargetDiskId": null,
            "recoveryReplicaDiskAccountType": "Premium_LRS",
            "recoveryTargetDiskAccountType": "Premium_LRS",
            "recoveryDiskEncryptionSetId": null,
            "primaryDiskEncryptionSetId": null,
            "diskName": dname,
            "diskCapacityInBytes": gb * 1_073_741_824,
            "primaryStagingAzureStorageAccountId": format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/benchasrcache"),
            "diskType": if i == 0 { "OperatingSystem" } else { "Data" },
            "resyncRequired": false,
            "monitoringPercentageCompletion": null,
            "monitoringJobType": null,
            "dataPendingInStagingStorageAccountInMB": 0.0,
            "dataPendingAtSourceAgentInMB": 0.5,
            "diskState": "Protected",
            "allowedDiskLevelOperation": [],
            "isDiskEncrypted": false,
            "secretIdentifier": null,
            "dekKeyVaultArmId": null,
            "isDiskKeyEncrypted": false,
            "keyIdentifier": null,
            "kekKeyVaultArmId": null,
            "failoverDiskName": dname,
            "tfoDiskName": format!("{dname}-ASRtest"),
        }));
        if i > 0 {
            vm_data.push(json!({"lun": i - 1, "name": dname, "createOption": "Attach", "caching": "ReadOnly", "diskSizeGb": gb,
                "managedDisk": {"id": disk_id(sub, &rg, &dname), "storageAccountType": "Premium_LRS", "resourceGroup": rg}, "toBeDetached": false}));
        }
    }
    if !unprotected.is_null() {
        let dname = format!("{name}-data-added");
        disks.push(disk(&dname, 256, false));
        vm_data.push(
            json!({"lun": data_disks, "name": dname, "createOption": "Attach", "diskSizeGb": 256,
            "managedDisk": {"id": disk_id(sub, &rg, &dname), "storageAccountType": "Premium_LRS"}}),
        );
    }
    let vm_id = format!("/subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.compute/virtualmachines/{name}");
    let container = format!("{}/replicationFabrics/asr-a2a-default-{PRIMARY}/replicationProtectionContainers/asr-a2a-default-{PRIMARY}-container", vault());
    let item = json!({
        "id": format!("{container}/replicationProtectedItems/{guid}"),
        "name": guid,
        "type": "Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems",
        "properties": {
            "friendlyName": name,
            "protectedItemType": "",
            "protectableItemId": null,
            "recoveryServicesProviderId": format!("{}/replicationFabrics/asr-a2a-default-{PRIMARY}/replicationRecoveryServicesProviders/{}", vault(), rng.guid()),
            "primaryFabricFriendlyName": "East US 2",
            "primaryFabricProvider": "AzureFabric",
            "recoveryFabricFriendlyName": "Central US",
            "recoveryFabricId": format!("{}/replicationFabrics/asr-a2a-default-{RECOVERY}", vault()),
            "primaryProtectionContainerFriendlyName": format!("asr-a2a-default-{PRIMARY}-container"),
            "recoveryProtectionContainerFriendlyName": format!("asr-a2a-default-{RECOVERY}-container"),
            "protectionState": state,
            "protectionStateDescription": desc,
            "activeLocation": active,
            "testFailoverState": tfo,
            "testFailoverStateDescription": if tfo == "None" { "None" } else { "Waiting for user input" },
            "switchProviderState": "None",
            "switchProviderStateDescription": null,
            "allowedOperations": allowed,
            "replicationHealth": health,
            "failoverHealth": "Normal",
            "healthErrors": if health == "Critical" { json!([{"errorCode": "153007", "errorLevel": "Error", "errorMessage": "No crash consistent recovery point has been generated for the virtual machine in the last 60 minutes.", "recommendedAction": "Check the data change rate and outbound connectivity.", "innerHealthErrors": []}]) } else { json!([]) },
            "policyId": format!("{}/replicationPolicies/24-hour-retention-policy", vault()),
            "policyFriendlyName": "24-hour-retention-policy",
            "lastSuccessfulTestFailoverTime": if rng.below(10) == 0 { Value::Null } else { json!("2026-10-01T10:00:00Z") },
            "currentScenario": scenario,
            "failoverRecoveryPointId": null,
            "providerSpecificDetails": {
                "instanceType": "A2A",
                "fabricObjectId": vm_id,
                "initialPrimaryZone": "",
                "initialPrimaryFabricLocation": PRIMARY,
                "initialRecoveryZone": "",
                "initialRecoveryFabricLocation": RECOVERY,
                "multiVmGroupId": rng.guid(),
                "multiVmGroupName": "",
                "multiVmGroupCreateOption": "AutoCreated",
                "managementId": rng.guid(),
                "protectedDisks": null,
                "unprotectedDisks": unprotected,
                "protectedManagedDisks": pmd,
                "recoveryBootDiagStorageAccountId": null,
                "primaryFabricLocation": PRIMARY,
                "recoveryFabricLocation": RECOVERY,
                "osType": "Windows",
                "recoveryAzureVMSize": size,
                "recoveryAzureVMName": name,
                "recoveryAzureResourceGroupId": format!("/subscriptions/{sub}/resourceGroups/{rg}-asr"),
                "recoveryCloudService": null,
                "recoveryAvailabilitySet": null,
                "selectedRecoveryAzureNetworkId": format!("/subscriptions/{sub}/resourcegroups/rg-network-{RECOVERY}/providers/microsoft.network/virtualnetworks/vnet-prod-{RECOVERY}"),
                "selectedTfoAzureNetworkId": format!("/subscriptions/{sub}/resourcegroups/rg-network-{RECOVERY}/providers/microsoft.network/virtualnetworks/vnet-drill-{RECOVERY}"),
                "vmNics": [{
                    "nicId": rng.guid(),
                    "replicaNicId": null,
                    "sourceNicArmId": format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/networkInterfaces/{name}-nic"),
                    "vMNetworkName": format!("/subscriptions/{sub}/resourceGroups/rg-network-{PRIMARY}/providers/Microsoft.Network/virtualNetworks/vnet-prod-{PRIMARY}"),
                    "recoveryVMNetworkId": format!("/subscriptions/{sub}/resourcegroups/rg-network-{RECOVERY}/providers/microsoft.network/virtualnetworks/vnet-prod-{RECOVERY}"),
                    "ipConfigs": [{"name": "ipconfig1", "isPrimary": true, "subnetName": "snet-app", "staticIPAddress": "10.20.1.14", "ipAddressType": "Dynamic", "isSeletedForFailover": true, "recoverySubnetName": "snet-app", "recoveryStaticIPAddress": "", "recoveryIPAddressType": "Dynamic", "recoveryPublicIPAddressId": null, "recoveryLBBackendAddressPoolIds": null, "tfoSubnetName": "snet-app", "tfoStaticIPAddress": null, "tfoPublicIPAddressId": null, "tfoLBBackendAddressPoolIds": null}],
                    "selectionType": "SelectedByDefault",
                    "recoveryNetworkSecurityGroupId": null,
                    "enableAcceleratedNetworkingOnRecovery": true,
                    "tfoVMNetworkId": null,
                    "recoveryNicName": null,
                    "reuseExistingNic": false
                }],
                "vmSyncedConfigDetails": {"tags": {"env": "prod"}, "inputEndpoints": []},
                "monitoringPercentageCompletion": null,
                "monitoringJobType": null,
                "lastHeartbeat": "2026-11-22T09:28:02.5435765Z",
                "agentVersion": "9.66.7567.1",
                "agentExpiryDate": "9999-12-31T23:59:59.9999999Z",
                "isReplicationAgentUpdateRequired": rng.below(30) == 0,
                "isReplicationAgentCertificateUpdateRequired": false,
                "recoveryFabricObjectId": null,
                "vmProtectionState": state,
                "vmProtectionStateDescription": desc,
                "lifecycleId": rng.guid(),
                "testFailoverRecoveryFabricObjectId": null,
                "rpoInSeconds": rpo,
                "lastRpoCalculatedTime": "2026-11-22T09:27:41.1934410Z",
                "rtoInSeconds": null,
                "primaryAvailabilityZone": null,
                "recoveryAvailabilityZone": null,
                "vmEncryptionType": "NotEncrypted",
                "tfoAzureVMName": format!("{name}-test"),
                "recoveryAzureGeneration": "V2",
                "autoProtectionOfDataDisk": "Disabled",
                "churnOptionSelected": "Normal"
            },
            "recoveryContainerId": format!("{}/replicationFabrics/asr-a2a-default-{RECOVERY}/replicationProtectionContainers/asr-a2a-default-{RECOVERY}-container", vault()),
            "eventCorrelationId": rng.guid()
        }
    });
    let vm = json!({
        "id": format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}"),
        "name": name, "type": "Microsoft.Compute/virtualMachines", "location": PRIMARY, "resourceGroup": rg,
        "hardwareProfile": {"vmSize": size},
        "storageProfile": {
            "osDisk": {"osType": "Windows", "name": os_name, "createOption": "FromImage", "caching": "ReadWrite",
                "managedDisk": {"id": disk_id(sub, &rg, &os_name), "storageAccountType": "Premium_LRS"}, "diskSizeGb": 128},
            "dataDisks": vm_data
        },
        "networkProfile": {"networkInterfaces": [{"id": format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/networkInterfaces/{name}-nic"), "primary": true}]},
        "osProfile": {"computerName": name, "adminUsername": "azureadmin"},
        "provisioningState": "Succeeded",
        "tags": {"env": "prod"},
        "vmId": rng.guid(),
        "zones": null
    });
    let nic_id = format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/networkInterfaces/{name}-nic");
    let nic = json!({
        "id": nic_id, "name": format!("{name}-nic"), "type": "Microsoft.Network/networkInterfaces",
        "location": PRIMARY, "resourceGroup": rg, "etag": format!("W/\"{}\"", rng.guid()),
        "virtualMachine": {"id": vm_arm_id, "resourceGroup": rg},
        "ipConfigurations": [{
            "id": format!("{nic_id}/ipConfigurations/ipconfig1"), "name": "ipconfig1", "primary": true,
            "privateIPAddress": format!("10.{}.{}.{}", 20 + n / 65536 % 200, n / 256 % 256, n % 256), "privateIPAddressVersion": "IPv4",
            "privateIPAllocationMethod": "Dynamic", "provisioningState": "Succeeded",
            "subnet": {"id": format!("/subscriptions/{sub}/resourceGroups/rg-network-{PRIMARY}/providers/Microsoft.Network/virtualNetworks/vnet-prod-{PRIMARY}/subnets/snet-app"), "resourceGroup": format!("rg-network-{PRIMARY}")}
        }],
        "dnsSettings": {"dnsServers": [], "appliedDnsServers": [], "internalDomainNameSuffix": "bench.internal.cloudapp.net"},
        "enableAcceleratedNetworking": true, "enableIPForwarding": false, "macAddress": "00-0D-3A-00-00-00",
        "primary": true, "provisioningState": "Succeeded", "nicType": "Standard", "vnetEncryptionSupported": false
    });
    let health = json!({
        "id": format!("{vm_arm_id}/providers/Microsoft.ResourceHealth/availabilityStatuses/current"),
        "name": "current", "type": "Microsoft.ResourceHealth/AvailabilityStatuses", "location": PRIMARY,
        "properties": {"availabilityState": "Available", "title": "Available",
            "summary": "There aren't any known Azure platform problems affecting this virtual machine.",
            "reasonType": "", "context": "", "category": "", "occuredTime": "2026-11-21T03:00:00Z",
            "reasonChronicity": "Persistent", "reportedTime": "2026-11-22T09:20:00Z"}
    });
    Generated {
        item,
        vm,
        disks,
        nic,
        health,
    }
}

fn write(path: &Path, v: &Value) {
    let text = serde_json::to_string_pretty(v).expect("serialize");
    fs::write(path, text + "\n").unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

#[allow(
    clippy::disallowed_macros,
    reason = "a dev tool reporting what it wrote"
)]
fn main() {
    let a = args();
    fs::create_dir_all(&a.out).expect("create the output directory");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ a.seed);
    let vault = vault();
    let mut requests = Vec::new();
    let mut items = Vec::with_capacity(a.items);
    let mut vms = Vec::with_capacity(a.items);
    let mut per_sub: Vec<(Vec<Value>, Vec<Value>, Vec<Value>)> = SUBS
        .iter()
        .map(|_| (Vec::new(), Vec::new(), Vec::new()))
        .collect();
    for n in 0..a.items {
        let g = item(&mut rng, n);
        items.push(g.item);
        vms.push(g.vm);
        let (disks, nics, health) = &mut per_sub[n % SUBS.len()];
        disks.extend(g.disks);
        nics.push(g.nic);
        health.push(g.health);
    }
    // Per subscription: its disks and NICs as `az disk list` / `az network nic
    // list` arrays, and the Resource Health statuses of its VMs as an ARM list.
    for (sub, (disks, nics, health)) in SUBS.iter().zip(per_sub) {
        write(
            &a.out.join(format!("disks.{sub}.json")),
            &Value::Array(disks),
        );
        write(&a.out.join(format!("nics.{sub}.json")), &Value::Array(nics));
        write(
            &a.out.join(format!("health.{sub}.json")),
            &json!({"value": health}),
        );
    }
    // 200 jobs of the vault, each with its tasks.
    let jobs: Vec<Value> = (0..200)
        .map(|j| {
            let item = &items[j * items.len().max(1) / 200 % items.len().max(1)];
            let (kind, state) = match j % 10 {
                0 => ("TestFailover", "Succeeded"),
                1 => ("TestFailoverCleanup", "Succeeded"),
                2 => ("UnplannedFailover", "Succeeded"),
                3 => ("Commit", "Succeeded"),
                4 => ("SwitchProtection", "Succeeded"),
                5 => ("TestFailover", "Failed"),
                _ => ("EnableDr", "Succeeded"),
            };
            let tasks: Vec<Value> = ["Prerequisites check", "Create the virtual machine", "Start the virtual machine", "Finalize"]
                .iter()
                .enumerate()
                .map(|(t, name)| json!({"taskId": format!("task-{t}"), "name": name, "friendlyName": name,
                    "state": if state == "Failed" && t == 1 { "Failed" } else { "Succeeded" },
                    "stateDescription": "Completed", "taskType": "TaskDetails",
                    "startTime": format!("2026-11-{:02}T10:{:02}:00Z", 1 + j % 20, t * 5),
                    "endTime": format!("2026-11-{:02}T10:{:02}:00Z", 1 + j % 20, t * 5 + 4),
                    "allowedActions": [], "customDetails": {"instanceType": "TaskDetails"}, "errors": []}))
                .collect();
            let errors = if state == "Failed" {
                json!([{"serviceErrorDetails": {"code": "28031", "message": "The virtual machine could not be created.", "possibleCauses": "Quota", "recommendedAction": "Increase the quota.", "activityId": rng.guid()},
                        "providerErrorDetails": null, "errorLevel": "Error", "creationTime": "2026-11-06T10:06:00Z", "taskId": "task-1"}])
            } else {
                json!([])
            };
            json!({"id": format!("{}/replicationJobs/{}", vault, rng.guid()), "name": format!("job-{j:03}"),
                   "type": "Microsoft.RecoveryServices/vaults/replicationJobs",
                   "properties": {"activityId": rng.guid(), "scenarioName": kind, "friendlyName": kind, "state": state,
                       "stateDescription": state, "tasks": tasks, "errors": errors,
                       "startTime": format!("2026-11-{:02}T10:00:00Z", 1 + j % 20), "endTime": format!("2026-11-{:02}T10:20:00Z", 1 + j % 20),
                       "allowedActions": [], "targetObjectId": item["id"], "targetObjectName": item["properties"]["friendlyName"],
                       "targetInstanceType": "ProtectionEntity", "customDetails": {"instanceType": "AsrJobDetails"}}})
        })
        .collect();
    write(&a.out.join("jobs.json"), &json!({"value": jobs}));
    requests.push(json!({"file": "jobs.json", "method": "GET", "path": format!("{vault}/replicationJobs?api-version=2025-08-01"), "status": 200}));
    // Replicated items as ARM pages chained by nextLink, as collect saves them.
    let pages = items.len().div_ceil(a.page.max(1)).max(1);
    for (p, chunk) in items.chunks(a.page.max(1)).enumerate() {
        let path = if p == 0 {
            format!("{vault}/replicationProtectedItems?api-version=2025-08-01")
        } else {
            format!("{vault}/replicationProtectedItems?api-version=2025-08-01&skipToken=page{p}")
        };
        let mut page = json!({"value": chunk});
        if p + 1 < pages {
            page["nextLink"] = json!(format!("https://management.azure.com{vault}/replicationProtectedItems?api-version=2025-08-01&skipToken=page{}", p + 1));
        }
        let file = format!("replicated-items.{p:04}.json");
        write(&a.out.join(&file), &page);
        requests.push(json!({"file": file, "method": "GET", "path": path, "status": 200}));
    }
    // VMs as az CLI arrays, a file per thousand.
    for (p, chunk) in vms.chunks(1000).enumerate() {
        let file = format!("vms.{p:04}.json");
        write(&a.out.join(&file), &Value::Array(chunk.to_vec()));
    }
    // A recovery plan per 50 items.
    let plans: Vec<Value> = items
        .chunks(50)
        .enumerate()
        .map(|(p, chunk)| {
            let members: Vec<Value> = chunk.iter().map(|i| json!({"id": i["id"], "virtualMachineId": i["name"]})).collect();
            json!({"id": format!("{vault}/replicationRecoveryPlans/plan-{p:04}"), "name": format!("plan-{p:04}"),
                   "type": "Microsoft.RecoveryServices/vaults/replicationRecoveryPlans",
                   "properties": {"friendlyName": format!("plan-{p:04}"), "allowedOperations": ["PlannedFailover", "UnplannedFailover", "TestFailover"],
                                  "groups": [{"groupType": "Boot", "replicationProtectedItems": members}]}})
        })
        .collect();
    write(&a.out.join("recovery-plans.json"), &json!({"value": plans}));
    requests.push(json!({"file": "recovery-plans.json", "method": "GET", "path": format!("{vault}/replicationRecoveryPlans?api-version=2025-08-01"), "status": 200}));
    // Quota facts for the target region: every family, with room for all.
    let mut families: Vec<&str> = SIZES.iter().map(|s| s.1).collect();
    families.sort_unstable();
    families.dedup();
    let mut usages = vec![
        json!({"currentValue": "120", "limit": "400000", "localName": "Total Regional vCPUs", "name": {"value": "cores", "localizedValue": "Total Regional vCPUs"}}),
    ];
    for f in &families {
        usages.push(json!({"currentValue": "40", "limit": "60000", "localName": f, "name": {"value": f, "localizedValue": f}}));
    }
    // Each subscription has its own counters and SKU list in the target region.
    for sub in SUBS {
        write(
            &a.out.join(format!("usages.{sub}.{RECOVERY}.json")),
            &Value::Array(usages.clone()),
        );
    }
    let mut skus: Vec<Value> = SIZES
        .iter()
        .map(|(name, family, vcpus)| {
            json!({"resourceType": "virtualMachines", "name": name, "tier": "Standard", "family": family, "locations": [RECOVERY],
                   "locationInfo": [{"location": RECOVERY, "zones": ["1", "2", "3"], "zoneDetails": []}],
                   "capabilities": [{"name": "vCPUs", "value": vcpus.to_string()}, {"name": "MemoryGB", "value": (vcpus * 8).to_string()}],
                   "restrictions": []})
        })
        .collect();
    // The region's disk types, as `az vm list-skus` without `--resource-type` lists them.
    for (name, tier) in [
        ("Premium_LRS", "Premium"),
        ("StandardSSD_LRS", "Standard"),
        ("Standard_LRS", "Standard"),
    ] {
        skus.push(json!({"resourceType": "disks", "name": name, "tier": tier, "size": "P30", "locations": [RECOVERY],
                         "locationInfo": [{"location": RECOVERY, "zones": ["1", "2", "3"], "zoneDetails": []}],
                         "capabilities": [{"name": "MaxSizeGiB", "value": "1024"}], "restrictions": []}));
    }
    for sub in SUBS {
        write(
            &a.out.join(format!("skus.{sub}.{RECOVERY}.json")),
            &Value::Array(skus.clone()),
        );
        write(
            &a.out.join(format!("network-usages.{sub}.{RECOVERY}.json")),
            &json!([{"currentValue": 1500, "limit": 200000,
            "id": format!("/subscriptions/{sub}/providers/Microsoft.Network/locations/{RECOVERY}/usages/NetworkInterfaces"),
            "name": {"value": "NetworkInterfaces", "localizedValue": "Network Interfaces"}, "unit": "Count"}]),
        );
        write(&a.out.join(format!("locks.{sub}.json")), &json!([]));
    }
    if a.cert_stores > 0 {
        let path = a
            .ca_bundle
            .as_ref()
            .expect("--cert-stores needs --ca-bundle");
        let bundle = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let blocks: Vec<&str> = bundle
            .split_inclusive("-----END CERTIFICATE-----\n")
            .filter(|b| b.contains("-----BEGIN CERTIFICATE-----"))
            .collect();
        assert!(!blocks.is_empty(), "no certificates in {}", path.display());
        let store: String = blocks.iter().cycle().take(150).copied().collect();
        fs::create_dir_all(a.out.join("certs")).expect("create certs/");
        for n in 0..a.cert_stores.min(a.items) {
            fs::write(a.out.join(format!("certs/vm-{n:06}.pem")), &store).expect("write a store");
        }
    }
    write(
        &a.out.join("manifest.json"),
        &json!({
            "format": "asr-preflight/bundle@1",
            "collectedAt": "2026-11-22T09:30:00Z",
            "cloud": "AzureCloud",
            "endpoint": "https://management.azure.com",
            "subscriptions": SUBS,
            "requests": requests
        }),
    );
    eprintln!(
        "wrote {} items ({} pages), {} VMs, {} plans to {}",
        a.items,
        pages,
        a.items,
        a.items.div_ceil(50),
        a.out.display()
    );
}
