//! Command-line definitions (clap derive). Parsing only; `lib::run` acts.

use crate::finding::Level;
use crate::render::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Will this Azure Site Recovery operation work? Preflight checks for test
/// failover, failover, commit, reprotect and failback — what will stop it,
/// and how to fix it.
#[derive(Debug, Parser)]
#[command(name = "asr-preflight", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// The largest input file read (bytes, or with a unit: 500MB, 2GiB);
    /// a larger one is refused (exit 2) rather than read into memory.
    #[arg(long, global = true, value_parser = parse_size, default_value = "2GiB", value_name = "SIZE")]
    pub max_file_size: u64,
}

/// `2GiB`, `500MB`, `1048576`: a size in bytes.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size (e.g. 2GiB, 500MB, 1048576)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "kib" | "k" => 1 << 10,
        "mb" => 1_000_000,
        "mib" | "m" => 1 << 20,
        "gb" => 1_000_000_000,
        "gib" | "g" => 1 << 30,
        _ => {
            return Err(format!(
                "`{s}`: unknown unit (B, KB, KiB, MB, MiB, GB, GiB)"
            ))
        }
    };
    n.checked_mul(mult)
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("`{s}` is not a usable size"))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check an exported estate (--from) or the live one (--live) and report
    /// what blocks the operation.
    ///
    /// Exit codes: 0 ready; 1 not ready (a finding at or above --fail-on);
    /// 2 the tool could not run (usage, unreadable or malformed input,
    /// authentication, ARM unreachable); 3 incomplete (nothing blocking, but
    /// facts were missing: ASR901).
    Check(CheckArgs),
    /// Read the vault and the facts its items need from Azure Resource
    /// Manager (GET requests only, unless --guest-certs) and write a bundle
    /// for `check --from`.
    ///
    /// Exit codes: 0 every request succeeded; 3 some facts could not be read
    /// (recorded in manifest.json; `check` reports them as ASR901); 2 the
    /// tool could not run (authentication, vault not found, ARM unreachable).
    Collect(CollectArgs),
    /// Explain failed jobs: the failing task, every error with its codes and
    /// activity id, and whether the cause is still there.
    ///
    /// Exit codes: 0 no failed job in the window; 1 failed jobs found; 2 the
    /// tool could not run.
    Diagnose(DiagnoseArgs),
    /// Where every item stands: progress of initial replication, reprotect and
    /// resynchronization, and a vault summary.
    Status(StatusArgs),
    /// Estimate how long an operation will take (the documented formula).
    Estimate(EstimateArgs),
    /// List the rule catalog.
    Rules(RulesArgs),
    /// Print a rule's documentation (what it checks, why it blocks, how to fix),
    /// or what an ASR error code means (`explain 151066`).
    Explain(ExplainArgs),
    /// Print the shell completion script, e.g.
    /// `asr-preflight completions bash > /etc/bash_completion.d/asr-preflight`.
    Completions(CompletionsArgs),
    /// Print the man page (roff), e.g. `asr-preflight man > asr-preflight.1`,
    /// or a command's (`asr-preflight man check > asr-preflight-check.1`).
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command (`check`, `collect`, ...); without one, the main page.
    pub command: Option<String>,
}

/// The operation to check, per item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OperationChoice {
    /// Per item, the operation its state leads to: protected → failover,
    /// failed over → commit, committed → reprotect, protected in reverse → failback.
    Next,
    /// A drill into an isolated network.
    TestFailover,
    /// Fail over to the recovery region.
    Failover,
    /// Commit a completed failover.
    Commit,
    /// Replicate the failed-over VM back (A2A: switch protection).
    Reprotect,
    /// Fail over again, back to the original primary.
    Failback,
}

/// Output formats of `diagnose`, `status` and `estimate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    /// Readable text.
    Human,
    /// Versioned JSON.
    Json,
}

/// The lowest level that fails the gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    /// Never fail (exit 0 whatever is found; still exit 2 on tool errors).
    Never,
}

impl FailOn {
    pub fn level(self) -> Option<Level> {
        match self {
            FailOn::Error => Some(Level::Error),
            FailOn::Warning => Some(Level::Warning),
            FailOn::Info => Some(Level::Info),
            FailOn::Never => None,
        }
    }
}

/// Where live facts come from and how they are fetched.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Live Azure")]
pub struct LiveArgs {
    /// The vault's subscription id; with --all-vaults, a subscription in
    /// scope (repeatable; none: every subscription the identity can list).
    #[arg(long, value_name = "ID")]
    pub subscription: Vec<String>,

    /// The vault, as `<resource group>/<name>`; repeatable (several vaults,
    /// or with --all-vaults the vaults to keep: `<group>/<name>`, a name or an id).
    #[arg(long, value_name = "GROUP/NAME")]
    pub vault: Vec<String>,

    /// Every vault in scope, read in bulk through Azure Resource Graph
    /// (read-only POST queries): the --subscription values, the
    /// --management-group's subscriptions, or every subscription the
    /// identity can list.
    #[arg(long)]
    pub all_vaults: bool,

    /// With --all-vaults: the subscriptions of this management group.
    #[arg(long, value_name = "ID", requires = "all_vaults")]
    pub management_group: Option<String>,

    /// The vault's full resource id (instead of --subscription and --vault).
    #[arg(long, value_name = "ID")]
    pub vault_id: Option<String>,

    /// Keep jobs that started within this long (enable-replication jobs are
    /// always kept, and child jobs of failed ones always followed).
    #[arg(long, default_value = "14d", value_parser = parse_duration, value_name = "AGE")]
    pub jobs_since: Option<time::Duration>,

    /// Requests in flight at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,

    /// How to sign in.
    #[arg(long, value_enum, default_value_t = crate::arm::auth::AuthChoice::Auto)]
    pub auth: crate::arm::auth::AuthChoice,

    /// The Azure cloud.
    #[arg(long, value_enum, default_value_t = crate::arm::cloud::CloudChoice::Public)]
    pub cloud: crate::arm::cloud::CloudChoice,

    /// A custom ARM endpoint (https://...; plain http only for a loopback test server).
    #[arg(long, value_name = "URL")]
    pub arm_endpoint: Option<String>,

    /// A custom sign-in authority (https://...).
    #[arg(long, value_name = "URL")]
    pub authority_host: Option<String>,

    /// Also trust this CA certificate (PEM) for the ARM endpoint and sign-in; repeatable.
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Vec<PathBuf>,

    /// Seconds one request may take.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    pub timeout: f64,

    /// Seconds the whole collection may take; what is not read by then is reported missing (ASR901).
    #[arg(long, default_value_t = 600.0, value_name = "SECONDS")]
    pub deadline: f64,

    /// Retries per request on 429, 5xx, timeouts and dropped connections.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub retries: u32,

    /// First retry delay in milliseconds (doubled each retry, with jitter; Retry-After wins).
    #[arg(long, default_value_t = 1000, value_name = "MS", hide = true)]
    pub retry_delay_ms: u64,

    /// Also read the trusted root store inside each VM whose next operation
    /// is a reprotect or failback, through VM Run Command. Off by default:
    /// it is the one request that is not a read (a POST that runs a
    /// read-only script in the guest); needs Virtual Machine Contributor
    /// (or `Microsoft.Compute/virtualMachines/runCommand/action`).
    #[arg(long)]
    pub guest_certs: bool,

    /// With --guest-certs: seconds one VM may take (all its Run Command parts).
    #[arg(long, default_value_t = 600, value_name = "SECONDS")]
    pub guest_certs_timeout: u64,

    /// With --guest-certs: VMs read at once.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub guest_certs_concurrency: usize,

    /// No progress bar on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// The bundle directory to write (created if needed).
    #[arg(long, default_value = "asr-bundle", value_name = "DIR")]
    pub out: PathBuf,

    /// The collection time to record (RFC 3339), instead of the system clock.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<time::OffsetDateTime>,

    #[command(flatten)]
    pub live: LiveArgs,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["from", "live"])))]
pub struct CheckArgs {
    /// A bundle directory, or single JSON / certificate files (repeatable);
    /// or --live to read Azure itself.
    /// Reads ARM responses, az CLI JSON output, Resource Graph results,
    /// REST API examples and `manifest.json`.
    #[arg(help_heading = "Input", long, conflicts_with = "live", num_args = 1.., value_name = "DIR|FILE")]
    pub from: Vec<PathBuf>,

    /// Collect from Azure Resource Manager into memory and check that
    /// (the report is the one `check --from` gives on `collect`'s bundle).
    #[arg(help_heading = "Input", long)]
    pub live: bool,

    /// The operation about to run.
    #[arg(help_heading = "Operation", long, value_enum, default_value_t = OperationChoice::Next)]
    pub operation: OperationChoice,

    /// Output format.
    #[arg(help_heading = "Output", long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Fail (exit 1) on findings at or above this level [default: error,
    /// or `fail-on` in the configuration file].
    #[arg(help_heading = "Gate", long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,

    /// The time to check against (RFC 3339), instead of the system clock.
    #[arg(help_heading = "Operation", long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<time::OffsetDateTime>,

    /// Only the item of this VM (name, or full VM or replicated-item id); repeatable.
    #[arg(help_heading = "Operation", long = "vm", value_name = "NAME|ID")]
    pub vms: Vec<String>,

    /// Only the items of this recovery plan (name or full id).
    #[arg(help_heading = "Operation", long, value_name = "NAME")]
    pub plan: Option<String>,

    /// Only these rules (code or name); repeatable. Runs them even when the
    /// configuration file turns them off.
    #[arg(help_heading = "Operation", long = "rule", value_name = "CODE|NAME")]
    pub rules: Vec<String>,

    /// Accept a known risk: findings of this rule (code or name), optionally
    /// only for one VM or subject (`ASR201:app-01`), are reported at info
    /// level, marked accepted, and never block or count as incomplete.
    /// Repeatable; adds to the configuration file's `[[accept]]` (which
    /// carry a reason, an owner and an expiry).
    #[arg(help_heading = "Gate", long = "accept", value_name = "CODE[:VM]")]
    pub accept: Vec<String>,

    /// A previous JSON report (`--format json` or `--write-baseline`): only
    /// findings not in it block (matched by fingerprint). Missing or stale
    /// facts, expired acceptances and unchecked scenarios always count.
    #[arg(help_heading = "Gate", long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Also write this run's JSON report here, as the next --baseline.
    #[arg(help_heading = "Gate", long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    #[command(flatten)]
    pub config: ConfigArgs,

    #[command(flatten)]
    pub thresholds: ThresholdArgs,

    /// Write the report to this file instead of standard output.
    #[arg(help_heading = "Output", long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Colors in human output.
    #[arg(help_heading = "Output", long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Human and Markdown: which findings to show in full (the others are
    /// counted in their rule's line).
    #[arg(help_heading = "Output", long, value_enum, default_value_t = crate::report::Details::Blocking, value_name = "WHICH")]
    pub details: crate::report::Details,

    /// Human and Markdown: at most this many findings of one rule in full;
    /// the rest are named on a line (0: no limit).
    #[arg(help_heading = "Output", long, default_value_t = 5, value_name = "N")]
    pub max_per_rule: usize,

    /// SARIF and GitHub annotations: the path, from the repository root,
    /// put before each bundle file's name, so that code scanning finds the
    /// file [default: the --from directory as given, i.e. relative to the
    /// current directory].
    #[arg(help_heading = "Output", long, value_name = "PATH")]
    pub sarif_root: Option<String>,

    #[command(flatten)]
    pub live_args: LiveArgs,
}

/// Which configuration file to read.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Configuration")]
pub struct ConfigArgs {
    /// The configuration file [default: the first asr-preflight.toml in the
    /// current directory or a parent]. Command-line options override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Read no configuration file.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

/// The thresholds of the checks; each overrides `[thresholds]` in the
/// configuration file, which overrides the default.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Thresholds")]
pub struct ThresholdArgs {
    /// Oldest acceptable bundle (ASR902), e.g. `24h`, `90m`, `2d` [default: 24h].
    #[arg(long, value_parser = parse_duration, value_name = "AGE")]
    pub max_age: Option<time::Duration>,

    /// Highest acceptable RPO (ASR405), e.g. `15m` [default: 15m].
    #[arg(long, value_parser = parse_duration, value_name = "AGE")]
    pub max_rpo: Option<time::Duration>,

    /// Longest acceptable time since the last successful test failover
    /// (ASR407), e.g. `180d` [default: 180d].
    #[arg(long, value_parser = parse_duration, value_name = "AGE")]
    pub drill_max_age: Option<time::Duration>,

    /// Warn when the replication agent expires within this many days
    /// (ASR406) [default: 30].
    #[arg(long, value_name = "DAYS")]
    pub agent_expiry_days: Option<u32>,

    /// Warn when a needed root certificate or the agent certificate expires
    /// within this many days (ASR303, ASR304) [default: 90].
    #[arg(long, value_name = "DAYS")]
    pub cert_expiry_days: Option<u32>,

    /// Name prefix of the locks Site Recovery sets itself (never reported
    /// as blocking; ASR502 when stale) [default: SiteRecovery-].
    #[arg(long, value_name = "PREFIX")]
    pub asr_lock_prefix: Option<String>,

    /// Warn when the operation leaves a vCPU quota above this percentage of
    /// its limit (ASR104) [default: 90].
    #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(1..=100))]
    pub quota_headroom: Option<u8>,
}

impl ThresholdArgs {
    /// Sets the thresholds given over `s`.
    pub fn apply(&self, s: &mut crate::rules::Settings) {
        let days = |d: u32| time::Duration::days(i64::from(d));
        if let Some(v) = self.max_age {
            s.max_age = v;
        }
        if let Some(v) = self.max_rpo {
            s.max_rpo = v;
        }
        if let Some(v) = self.drill_max_age {
            s.drill_max_age = v;
        }
        if let Some(v) = self.agent_expiry_days {
            s.agent_expiry = days(v);
        }
        if let Some(v) = self.cert_expiry_days {
            s.cert_expiry = days(v);
        }
        if let Some(v) = &self.asr_lock_prefix {
            s.asr_lock_prefix = v.clone();
        }
        if let Some(v) = self.quota_headroom {
            s.quota_headroom_percent = v;
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When writing to a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["from", "live"])))]
pub struct DiagnoseArgs {
    /// A bundle directory, or single JSON files (repeatable): the vault's jobs
    /// and the estate the causes are checked against.
    #[arg(long, conflicts_with = "live", num_args = 1.., value_name = "DIR|FILE")]
    pub from: Vec<PathBuf>,

    /// Read the vault live from Azure Resource Manager instead.
    #[arg(long)]
    pub live: bool,

    /// Only this job (name or full id); repeatable. Ignores `--since`.
    #[arg(long = "job", value_name = "NAME|ID")]
    pub jobs: Vec<String>,

    /// Only jobs of this VM; repeatable.
    #[arg(long = "vm", value_name = "NAME")]
    pub vms: Vec<String>,

    /// How far back to look, e.g. `7d`, `36h`.
    #[arg(long, default_value = "7d", value_parser = parse_duration, value_name = "AGE")]
    pub since: time::Duration,

    /// The time to check against (RFC 3339), instead of the system clock.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<time::OffsetDateTime>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = TextFormat::Human)]
    pub format: TextFormat,

    /// Colors in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    #[command(flatten)]
    pub config: ConfigArgs,

    /// The thresholds the causes are checked against now.
    #[command(flatten)]
    pub thresholds: ThresholdArgs,

    #[command(flatten)]
    pub live_args: LiveArgs,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["from", "live"])))]
pub struct StatusArgs {
    /// A bundle directory, or single JSON files (repeatable).
    #[arg(long, conflicts_with = "live", num_args = 1.., value_name = "DIR|FILE")]
    pub from: Vec<PathBuf>,

    /// Read the vault live from Azure Resource Manager instead.
    #[arg(long)]
    pub live: bool,

    /// Only this VM; repeatable.
    #[arg(long = "vm", value_name = "NAME")]
    pub vms: Vec<String>,

    /// The time to measure progress against (RFC 3339), instead of the system clock.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<time::OffsetDateTime>,

    /// With --live: read the vault again every this many seconds and redraw
    /// (until interrupted).
    #[arg(long, value_name = "SECONDS", requires = "live")]
    pub watch: Option<u64>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = TextFormat::Human)]
    pub format: TextFormat,

    #[command(flatten)]
    pub live_args: LiveArgs,
}

#[derive(Debug, Args)]
pub struct EstimateArgs {
    #[command(subcommand)]
    pub what: EstimateWhat,
}

#[derive(Debug, Subcommand)]
pub enum EstimateWhat {
    /// How long reprotect will take, per item: checksum (the original
    /// enable-replication job's duration) + transfer of the changed data at
    /// 23% of disk throughput + recovery-point processing (one fifth) +
    /// 20–30 min auto-scale. Throughput in MB/s, data in GiB.
    Reprotect(ReprotectEstimateArgs),
}

#[derive(Debug, Args)]
pub struct ReprotectEstimateArgs {
    /// A bundle directory, or single JSON files (repeatable).
    #[arg(long, required = true, num_args = 1.., value_name = "DIR|FILE")]
    pub from: Vec<PathBuf>,

    /// Only this VM; repeatable. Default: every item whose failover is committed.
    #[arg(long = "vm", value_name = "NAME")]
    pub vms: Vec<String>,

    /// Data changed since the failover, in GiB.
    #[arg(long, value_name = "GIB")]
    pub changed_gb: Option<f64>,

    /// Disk throughput in MB/s (default: Premium SSD tiers by disk size).
    #[arg(long, value_name = "MBPS")]
    pub disk_throughput: Option<f64>,

    /// Duration of the VM's original enable-replication job (default: from the jobs), e.g. `72m`.
    #[arg(long, value_parser = parse_duration, value_name = "AGE")]
    pub enable_duration: Option<time::Duration>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = TextFormat::Human)]
    pub format: TextFormat,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// An aligned table.
    Human,
    /// A JSON array of rule metadata.
    Json,
    /// A Markdown table (as in the README).
    Markdown,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (`ASR201`), a rule name (`disk-not-protected`) or an ASR error code (`151066`).
    pub rule: String,
}

/// Parses `--now`.
fn parse_now(s: &str) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("expected an RFC 3339 time such as 2026-11-22T12:00:00Z ({e})"))
}

/// Parses `90s`, `15m`, `24h`, `180d`, `2w` (also `min`, `hours`, `days`).
pub fn parse_duration(s: &str) -> Result<time::Duration, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: i64 = num.parse().map_err(|_| {
        format!("expected a number with a unit, such as 15m, 24h or 180d; got `{s}`")
    })?;
    let d = match unit.trim().to_ascii_lowercase().as_str() {
        "s" | "sec" | "secs" | "seconds" => time::Duration::seconds(n),
        "m" | "min" | "mins" | "minutes" => time::Duration::minutes(n),
        "h" | "hour" | "hours" => time::Duration::hours(n),
        "d" | "day" | "days" => time::Duration::days(n),
        "w" | "week" | "weeks" => time::Duration::weeks(n),
        "" => return Err(format!("`{s}` has no unit: write e.g. {n}m, {n}h or {n}d")),
        other => {
            return Err(format!(
                "unknown unit `{other}` in `{s}`: use s, m, h, d or w"
            ))
        }
    };
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_cli() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    /// The defaults the help states are the ones `Settings::default` has
    /// (the flags have none of their own: the file may set them).
    #[test]
    fn threshold_help_states_the_real_defaults() {
        use clap::CommandFactory;
        let d = crate::rules::Settings::default();
        let stated = |flag: &str| -> String {
            let cmd = Cli::command();
            let check = cmd.find_subcommand("check").unwrap();
            let arg = check
                .get_arguments()
                .find(|a| a.get_long() == Some(flag))
                .unwrap();
            let help = arg.get_help().unwrap().to_string();
            let at = help
                .rfind("[default: ")
                .unwrap_or_else(|| panic!("--{flag}: {help}"));
            help[at + 10..].trim_end_matches(']').to_string()
        };
        let dur = |flag: &str| parse_duration(&stated(flag)).unwrap();
        assert_eq!(dur("max-age"), d.max_age);
        assert_eq!(dur("max-rpo"), d.max_rpo);
        assert_eq!(dur("drill-max-age"), d.drill_max_age);
        let days = |flag: &str| time::Duration::days(stated(flag).parse().unwrap());
        assert_eq!(days("agent-expiry-days"), d.agent_expiry);
        assert_eq!(days("cert-expiry-days"), d.cert_expiry);
        assert_eq!(stated("asr-lock-prefix"), d.asr_lock_prefix);
        assert_eq!(
            stated("quota-headroom"),
            d.quota_headroom_percent.to_string()
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15m").unwrap(), time::Duration::minutes(15));
        assert_eq!(parse_duration("24h").unwrap(), time::Duration::hours(24));
        assert_eq!(parse_duration("180d").unwrap(), time::Duration::days(180));
        assert!(parse_duration("180").unwrap_err().contains("no unit"));
        assert!(parse_duration("5y").is_err());
    }
}
