//! Runs the built binary as a process with only the environment a test
//! gives it (live and fleet tests: the fake ARM's token, nothing else).

#![allow(dead_code)]

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `asr-preflight <args>` with `PATH` and `ASR_PREFLIGHT_TOKEN` only.
pub fn run(args: &[String], token: &str) -> Run {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_asr-preflight"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("ASR_PREFLIGHT_TOKEN", token)
        .output()
        .expect("run asr-preflight");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
