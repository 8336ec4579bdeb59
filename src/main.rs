//! The `asr-preflight` binary: parse, run, map the result to an exit code.

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;

/// jemalloc: see Cargo.toml for why, `.cargo/config.toml` for its settings.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[allow(
    clippy::disallowed_macros,
    reason = "main prints the error report of a run that could not complete"
)]
fn main() -> ExitCode {
    let cli = asr_preflight::cli::Cli::parse();
    // Wrapped error text breaks paths and ids in CI logs: wrap only on a terminal.
    let terminal = std::io::stderr().is_terminal();
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .wrap_lines(terminal)
                .terminal_links(false)
                .build(),
        )
    }));
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match asr_preflight::run(cli, &mut out) {
        Ok(code) => ExitCode::from(code),
        Err(asr_preflight::error::Error::Output(e))
            if e.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let code = e.exit_code();
            eprintln!("{:?}", miette::Report::new(e));
            ExitCode::from(code)
        }
    }
}
