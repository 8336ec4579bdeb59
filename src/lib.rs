//! asr-preflight: will this Azure Site Recovery operation work?
//!
//! Data flows one way (DESIGN.md §1): `load` reads the inputs into a
//! `model::Estate`; `engine` runs the pure `rules` over it; `render` writes
//! the `report`; `run` turns the result into an exit code. Only `load` reads
//! and only `render` writes.

pub mod analysis;
pub mod arm;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod diagnose;
pub mod engine;
pub mod error;
pub mod estimate;
pub mod finding;
pub mod impact;
pub mod load;
pub mod model;
pub mod render;
pub mod report;
pub mod rules;
pub mod status;
pub mod text;

use cli::{CheckArgs, Cli, ColorChoice, Command, ListFormat, OperationChoice};
use error::Error;
use finding::OperationArg;
use model::Operation;
use std::io::{IsTerminal, Write};

/// `--now`, else the system clock: the one place the clock is read; rules
/// only ever see the injected time.
#[allow(
    clippy::disallowed_methods,
    reason = "the single point where the system clock is read"
)]
fn clock(now: Option<time::OffsetDateTime>) -> time::OffsetDateTime {
    now.unwrap_or_else(time::OffsetDateTime::now_utc)
}

/// Runs a parsed command, writing to `out`; returns the process exit code.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<u8, Error> {
    let max = cli.max_file_size;
    match cli.command {
        Command::Check(args) => check(args, max, out),
        Command::Collect(args) => collect(args),
        Command::Diagnose(args) => diagnose(args, max, out),
        Command::Status(args) => status(args, max, out),
        Command::Estimate(cli::EstimateArgs {
            what: cli::EstimateWhat::Reprotect(args),
        }) => estimate_reprotect(args, max, out),
        Command::Rules(args) => {
            list_rules(args.format, out)?;
            Ok(0)
        }
        Command::Explain(args) => explain(&args.rule, out),
        Command::Completions(args) => {
            use clap::CommandFactory;
            clap_complete::generate(args.shell, &mut Cli::command(), "asr-preflight", out);
            Ok(0)
        }
        Command::Man(args) => man(args.command.as_deref(), out),
    }
}

/// The man page of the tool, or of one of its commands (`asr-preflight-check`).
fn man(command: Option<&str>, out: &mut dyn Write) -> Result<u8, Error> {
    use clap::CommandFactory;
    let mut top = Cli::command();
    top.build();
    let page = match command {
        None => top,
        Some(name) => {
            let Some(sub) = top.find_subcommand(name).cloned() else {
                let names: Vec<&str> = top.get_subcommands().map(|c| c.get_name()).collect();
                return Err(Error::Usage(format!(
                    "`{name}` is not a command (commands: {})",
                    names.join(", ")
                )));
            };
            sub.display_name(format!("asr-preflight-{name}"))
        }
    };
    clap_mangen::Man::new(page).render(out)?;
    Ok(0)
}

fn operation(choice: OperationChoice) -> OperationArg {
    match choice {
        OperationChoice::Next => OperationArg::Next,
        OperationChoice::TestFailover => OperationArg::Op(Operation::TestFailover),
        OperationChoice::Failover => OperationArg::Op(Operation::Failover),
        OperationChoice::Commit => OperationArg::Op(Operation::Commit),
        OperationChoice::Reprotect => OperationArg::Op(Operation::Reprotect),
        OperationChoice::Failback => OperationArg::Op(Operation::Failback),
    }
}

/// The configuration file, then the threshold flags over it: what `check`
/// and `diagnose` share.
fn configure(
    files: &cli::ConfigArgs,
    thresholds: &cli::ThresholdArgs,
) -> Result<config::Config, Error> {
    let mut config = if files.no_config {
        config::Config::default()
    } else {
        let cwd = std::env::current_dir().ok();
        config::Config::load(files.config.as_deref(), cwd.as_deref())?
    };
    thresholds.apply(&mut config.settings);
    Ok(config)
}

/// `check`'s whole configuration: the file, then every flag over it.
fn check_config(args: &CheckArgs, max: u64) -> Result<config::Config, Error> {
    let mut config = configure(&args.config, &args.thresholds)?;
    if let Some(f) = args.fail_on {
        config.fail_on = f.level();
    }
    config.only_flags(&args.rules)?;
    for a in &args.accept {
        config.accept_flag(a)?;
    }
    if let Some(path) = &args.baseline {
        let text = load::read_file_text(path, max).map_err(|e| match e {
            Error::Io { path, source } => Error::Baseline {
                path,
                message: format!("cannot be read ({source})"),
            },
            other => other,
        })?;
        config.baseline = Some(config::Baseline::read(path, &text)?);
    }
    Ok(config)
}

/// Renders straight into the file at `path` (created or truncated, as
/// `std::fs::write` would): a report of 100,000 items is tens of megabytes,
/// not worth holding in memory whole first. Errors name the path.
fn render_to_file(
    path: &std::path::Path,
    renderer: &dyn render::Renderer,
    report: &report::Report,
) -> Result<(), Error> {
    let write_err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).map_err(write_err)?);
    renderer.render(report, &mut w).map_err(write_err)?;
    w.flush().map_err(write_err)
}

/// What SARIF and annotations put before a bundle file's name: `--sarif-root`,
/// else the single `--from` directory as given (relative to the current
/// directory when it lies under it), else nothing (the names already carry
/// the paths given).
fn artifact_prefix(args: &CheckArgs) -> String {
    if let Some(root) = &args.sarif_root {
        return root.trim_end_matches('/').to_string();
    }
    match args.from.as_slice() {
        [one] if one.is_dir() => {
            let cwd = std::env::current_dir().ok();
            let rel = match (cwd, one.canonicalize().ok()) {
                (Some(cwd), Some(abs)) => abs
                    .strip_prefix(cwd.canonicalize().unwrap_or(cwd))
                    .map(std::path::Path::to_path_buf)
                    .unwrap_or_else(|_| one.clone()),
                _ => one.clone(),
            };
            let s = rel.to_string_lossy().replace('\\', "/");
            s.trim_start_matches("./").trim_end_matches('/').to_string()
        }
        _ => String::new(),
    }
}

fn check(args: CheckArgs, max: u64, out: &mut dyn Write) -> Result<u8, Error> {
    let config = check_config(&args, max)?;
    let estate = estate_of(
        &args.from,
        args.live.then_some(&args.live_args),
        args.now,
        max,
    )?;
    let request = engine::Request {
        operation: operation(args.operation),
        vms: args.vms.clone(),
        plan: args.plan.clone(),
        now: clock(args.now),
        config,
    };
    let mut report = engine::run(&estate, &request)?;
    // The report holds what it shows: the estate (at 100,000 items
    // millions of allocations) is freed on another thread while the report
    // is written — or here, with the closure, where no thread can start.
    let _ = std::thread::Builder::new().spawn(move || drop(estate));
    report.artifact_prefix = artifact_prefix(&args);
    report.view = report::View {
        details: args.details,
        max_per_rule: args.max_per_rule,
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    // On a terminal, human output wraps at its width; elsewhere at a fixed one.
    let width = terminal_size::terminal_size()
        .filter(|_| to_terminal)
        .map_or(render::HUMAN_WIDTH, |(terminal_size::Width(w), _)| {
            usize::from(w)
        });
    let renderer = args.format.renderer_for(color, width);
    match &args.output {
        Some(path) => render_to_file(path, renderer.as_ref(), &report)?,
        None => renderer.render(&report, out)?,
    }
    if let Some(path) = &args.write_baseline {
        render_to_file(path, render::Format::Json.renderer(false).as_ref(), &report)?;
    }
    // In GitHub Actions, the readiness report also goes to the job summary.
    if args.format == render::Format::Github {
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") {
            let mut buf = Vec::new();
            render::Format::Markdown
                .renderer(false)
                .render(&report, &mut buf)?;
            let path = std::path::PathBuf::from(path);
            let write_err = |source| Error::Write {
                path: path.clone(),
                source,
            };
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .and_then(|mut file| file.write_all(&buf))
                .map_err(write_err)?;
        }
    }
    Ok(report.verdict().exit_code())
}

/// The estate to check: the bundle files of `--from`, or, live, the bundle
/// collected into memory (read by the same loader, so the report is the
/// one `check --from` gives on `collect`'s output).
fn estate_of(
    from: &[std::path::PathBuf],
    live: Option<&cli::LiveArgs>,
    now: Option<time::OffsetDateTime>,
    max_file_bytes: u64,
) -> Result<model::Estate, Error> {
    match live {
        Some(args) => {
            let bundle = arm::collect_bundle(args, clock(now))?;
            arm::progress::warn(&bundle.problems());
            load::load_memory(bundle.files)
        }
        None => load::load_with(from, max_file_bytes),
    }
}

/// `collect`: writes the bundle; exit 3 when some facts could not be read.
fn collect(args: cli::CollectArgs) -> Result<u8, Error> {
    // Claimed before any request: a concurrent run is refused at once.
    let _lock = arm::bundle::OutLock::take(&args.out)?;
    let bundle = arm::collect_bundle(&args.live, clock(args.now))?;
    bundle.write_fresh(&args.out)?;
    let problems = bundle.problems();
    arm::progress::warn(&problems);
    if !args.live.quiet {
        arm::progress::say(&format!(
            "wrote {} files to {} ({} requests, {} failed)",
            bundle.files.len(),
            args.out.display(),
            bundle.sent,
            bundle.records.iter().filter(|r| !r.ok()).count()
        ));
    }
    Ok(if bundle.records.iter().all(|r| r.ok()) {
        0
    } else {
        3
    })
}

fn diagnose(mut args: cli::DiagnoseArgs, max: u64, out: &mut dyn Write) -> Result<u8, Error> {
    // Live, the jobs collected must reach back as far as the diagnosis looks.
    let window = args.live_args.jobs_since;
    // `--job` ignores `--since`: then every job the vault keeps is read.
    args.live_args.jobs_since = window
        .map(|w| w.max(args.since))
        .filter(|_| args.jobs.is_empty());
    let estate = estate_of(
        &args.from,
        args.live.then_some(&args.live_args),
        args.now,
        max,
    )?;
    if estate.items.is_empty() && estate.jobs.is_empty() {
        return Err(Error::Empty(
            "the input holds no replicated items and no Site Recovery jobs: there is nothing to diagnose".to_string(),
        ));
    }
    let request = diagnose::DiagnoseRequest {
        jobs: args.jobs,
        vms: args.vms,
        since: args.since,
        now: clock(args.now),
        settings: configure(&args.config, &args.thresholds)?.settings,
    };
    let d = diagnose::diagnose(&estate, &request);
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    match args.format {
        cli::TextFormat::Json => render::diagnosis::json(&d, out)?,
        cli::TextFormat::Human => render::diagnosis::human(&d, color, out)?,
    }
    Ok(if d.jobs.is_empty() { 0 } else { 1 })
}

fn status(args: cli::StatusArgs, max: u64, out: &mut dyn Write) -> Result<u8, Error> {
    let live = args.live.then_some(&args.live_args);
    loop {
        let estate = estate_of(&args.from, live, args.now, max)?;
        if estate.items.is_empty() {
            return Err(Error::Empty(
                "the input holds no replicated items: there is no status to show".to_string(),
            ));
        }
        let now = clock(args.now);
        vms_exist(&estate, &args.vms)?;
        let st = status::status(&estate, &args.vms, now);
        let Some(every) = args.watch else {
            match args.format {
                cli::TextFormat::Json => render::status::json(&st, out)?,
                cli::TextFormat::Human => render::status::human(&st, out)?,
            }
            return Ok(0);
        };
        let mut frame = Vec::new();
        match args.format {
            cli::TextFormat::Json => render::status::json(&st, &mut frame)?,
            cli::TextFormat::Human => {
                let footer = format!(
                    "refreshing every {every}s from Azure Resource Manager; Ctrl-C to stop"
                );
                match terminal_size::terminal_size().filter(|_| std::io::stdout().is_terminal()) {
                    // On a terminal: one screen, redrawn in place.
                    Some((terminal_size::Width(cols), terminal_size::Height(rows))) => {
                        frame.extend_from_slice(b"\x1b[2J\x1b[H");
                        render::status::watch_frame(
                            &st,
                            usize::from(rows),
                            usize::from(cols),
                            &footer,
                            &mut frame,
                        )?;
                    }
                    // Piped: every refresh in full, one after the other.
                    None => {
                        render::status::human_with(&st, true, &mut frame)?;
                        writeln!(frame, "\n{footer}")?;
                    }
                }
            }
        }
        out.write_all(&frame)?;
        out.flush()?;
        std::thread::sleep(std::time::Duration::from_secs(every.max(1)));
    }
}

fn estimate_reprotect(
    args: cli::ReprotectEstimateArgs,
    max: u64,
    out: &mut dyn Write,
) -> Result<u8, Error> {
    for (flag, v) in [
        ("--changed-gb", args.changed_gb),
        ("--disk-throughput", args.disk_throughput),
    ] {
        if v.is_some_and(|x| !x.is_finite() || x < 0.0 || (flag == "--disk-throughput" && x == 0.0))
        {
            return Err(Error::Usage(format!("{flag} must be a positive number")));
        }
    }
    let estate = load::load_with(&args.from, max)?;
    vms_exist(&estate, &args.vms)?;
    let items = estimate::candidates(&estate, &args.vms);
    if items.is_empty() {
        return Err(Error::Usage(
            "no item has a committed failover to reprotect; name one with --vm".to_string(),
        ));
    }
    // Reprotect follows a committed failover: an item that has not failed
    // over has nothing to reprotect, and an estimate would mislead.
    if let Some(item) = items.iter().find(|i| i.phase() != model::Phase::FailedOver) {
        return Err(Error::Usage(format!(
            "`{}` has no committed failover to reprotect (it is {}): reprotect, and so its estimate, applies after a failover has been committed",
            item.name,
            item.describe_state()
        )));
    }
    let inputs = estimate::Inputs {
        changed_gb: args.changed_gb,
        throughput_mbps: args.disk_throughput,
        enable_duration: args.enable_duration,
    };
    let estimates: Vec<estimate::Estimate> = items
        .iter()
        .map(|i| estimate::estimate(&estate, i, &inputs))
        .collect();
    match args.format {
        cli::TextFormat::Json => render::estimate::json(&estimates, out)?,
        cli::TextFormat::Human => render::estimate::human(&estimates, out)?,
    }
    Ok(0)
}

/// `--vm` of `status` and `estimate`: every name must match an item (exit 2
/// naming the one that does not), as `check` requires.
fn vms_exist(estate: &model::Estate, vms: &[String]) -> Result<(), Error> {
    match vms.iter().find(|key| {
        !estate
            .items
            .iter()
            .any(|i| i.name.eq_ignore_ascii_case(key))
    }) {
        Some(key) => Err(Error::Usage(format!(
            "--vm `{key}` matches no replicated item in the input"
        ))),
        None => Ok(()),
    }
}

/// The rule catalog as a Markdown table (the README embeds exactly this).
pub fn rules_markdown() -> String {
    render::catalog::rules_markdown()
}

fn list_rules(format: ListFormat, out: &mut dyn Write) -> Result<(), Error> {
    match format {
        ListFormat::Json => render::catalog::rules_json(out)?,
        ListFormat::Markdown => write!(out, "{}", render::catalog::rules_markdown())?,
        ListFormat::Human => render::catalog::rules_human(out)?,
    }
    Ok(())
}

fn explain(key: &str, out: &mut dyn Write) -> Result<u8, Error> {
    if let Some(code) = catalog::lookup(key).filter(|_| rules::lookup(key).is_none()) {
        render::catalog::explain_code(code, out)?;
        return Ok(0);
    }
    let Some(rule) = rules::lookup(key) else {
        return Err(Error::Usage(format!(
            "`{key}` is not a rule code or name, nor a known ASR error code (see `asr-preflight rules`)"
        )));
    };
    render::catalog::explain_rule(rule.meta(), out)?;
    Ok(0)
}
