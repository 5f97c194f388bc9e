//! Parts 3 and 4: each function's release binary under the Runtime API emulator, next to the
//! reference binaries of `tools/baselines`: cold start (init, first invocation, their CPU time)
//! and peak memory after many invocations.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use talk_tests::{TestEnv, dynamodb_endpoint, seed_fixture_world, workspace_root};

use crate::emulator::Emulator;
use crate::events::Call;
use crate::report::{Table, median, ms};

/// How long one invocation may take before the run counts as failed.
const INVOCATION_TIMEOUT: Duration = Duration::from_secs(30);

/// A binary under test and the request it serves.
pub struct Subject {
    pub binary: &'static str,
    pub call: Call,
}

/// The functions (with a typical request each) and the three references.
pub fn subjects() -> Vec<Subject> {
    let subject = |binary, call| Subject { binary, call };
    let room = |rest: &str| format!("/room/fixtgroup{rest}");
    vec![
        subject("bare-hello", Call::new("GET", "/room", Some("alice"))),
        subject("minimal-sdk", Call::new("GET", "/room", Some("alice"))),
        subject("minimal-env", Call::new("GET", "/room", Some("alice"))),
        subject("rooms", Call::new("GET", &room(""), Some("bob"))),
        subject("public", Call::new("POST", &room("/public"), Some("alice"))),
        subject(
            "password",
            Call::new("PUT", "/room/fixtpublic/password", Some("alice")).param("password", "bench-secret"),
        ),
        subject("favorite", Call::new("POST", &room("/favorite"), Some("bob"))),
        subject(
            "notify",
            Call::new("POST", &room("/notify"), Some("bob")).param("level", "1"),
        ),
        subject("participants", Call::new("GET", &room("/participants"), Some("alice"))),
        subject(
            "chat",
            Call::new("POST", "", Some("alice"))
                .at("/ocs/v2.php/apps/spreed/api/v1/chat/fixtgroup")
                .param("message", "bench message"),
        ),
        subject(
            "capabilities",
            Call::new("GET", "", Some("alice")).at("/ocs/v2.php/cloud/capabilities"),
        ),
    ]
}

/// The folder cargo builds into.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Builds every subject for this machine with the release profile (the profile the Lambda
/// build uses).
pub fn build_release() -> anyhow::Result<()> {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .current_dir(workspace_root())
        .args(["build", "--release", "--locked"]);
    for manifest in std::fs::read_dir(workspace_root().join("functions"))? {
        command.arg("-p").arg(manifest?.file_name());
    }
    command.args(["-p", "bench-baselines"]);
    let status = command.status()?;
    anyhow::ensure!(status.success(), "the release build failed");
    Ok(())
}

/// One run of a binary: init, the first invocation, and what the process used.
pub struct Run {
    pub init: Duration,
    pub first: Duration,
    /// User + system CPU time of the whole process, which did nothing but init and the
    /// invocations before it was killed.
    pub cpu: Duration,
    /// Peak resident set size, KiB.
    pub peak_rss_kib: u64,
    /// Invocations answered with a non-error response.
    pub answered: usize,
    pub first_status: Option<u16>,
}

/// What a Lambda sandbox gives a custom runtime (credentials are the local DynamoDB's dummies).
fn lambda_environment(function: &str, runtime_api: &str, table: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_LAMBDA_RUNTIME_API", runtime_api.to_string()),
        ("AWS_LAMBDA_FUNCTION_NAME", function.to_string()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".into()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128".into()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{function}")),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "bench".into()),
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand".into()),
        ("AWS_EXECUTION_ENV", "AWS_Lambda_provided.al2023".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_DEFAULT_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "bench".into()),
        ("AWS_SECRET_ACCESS_KEY", "bench".into()),
        ("AWS_SESSION_TOKEN", "bench".into()),
        ("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_endpoint().to_string()),
        ("TABLE_NAME", table.to_string()),
        ("RUST_LOG", "info".into()),
        ("TZ", ":UTC".into()),
    ]
}

/// Starts `binary` under a fresh emulator, sends it `invocations` copies of `event` one after
/// another, then kills it and reads its resource use.
pub async fn run(binary: &Path, function: &str, table: &str, event: &str, invocations: usize) -> anyhow::Result<Run> {
    let mut emulator = Emulator::start().await?;
    let environment = lambda_environment(function, &emulator.addr.to_string(), table);
    emulator.invoke(event.to_string());
    let started = Instant::now();
    let child = Command::new(binary)
        .env_clear()
        .envs(environment)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let pid = child.id();
    let first = emulator.outcome(INVOCATION_TIMEOUT).await;
    let mut answered = 0;
    let mut outcome_of_first = None;
    if let Some(outcome) = first {
        answered += usize::from(!outcome.error);
        outcome_of_first = Some(outcome);
        for _ in 1..invocations {
            emulator.invoke(event.to_string());
            match emulator.outcome(INVOCATION_TIMEOUT).await {
                Some(outcome) => answered += usize::from(!outcome.error),
                None => break,
            }
        }
    }
    let peak_rss_kib = peak_rss(pid).unwrap_or(0);
    let cpu = kill_and_reap(child)?;
    let first_next = emulator.first_next();
    let outcome = outcome_of_first.ok_or_else(|| anyhow::anyhow!("{function}: no answer to the first invocation"))?;
    let first_next = first_next.ok_or_else(|| anyhow::anyhow!("{function}: never asked for an invocation"))?;
    Ok(Run {
        init: first_next - started,
        first: outcome.at - first_next,
        cpu,
        peak_rss_kib,
        answered,
        first_status: outcome.status(),
    })
}

/// `VmHWM` of a live process, KiB.
fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Kills the process and returns its user + system CPU time (`wait4`'s resource usage).
fn kill_and_reap(mut child: std::process::Child) -> anyhow::Result<Duration> {
    child.kill()?;
    let pid = libc::pid_t::try_from(child.id())?;
    let mut status = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in; `pid` is our unreaped child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: valid pointers to locals; the child is reaped exactly once, here (std's `Child`
    // is dropped without waiting).
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    anyhow::ensure!(reaped == pid, "wait4 failed: {}", std::io::Error::last_os_error());
    Ok(duration(usage.ru_utime) + duration(usage.ru_stime))
}

/// A `timeval` as a duration.
pub fn duration(time: libc::timeval) -> Duration {
    Duration::from_secs(u64::try_from(time.tv_sec).unwrap_or(0))
        + Duration::from_micros(u64::try_from(time.tv_usec).unwrap_or(0))
}

/// A table seeded with the fixture world for one binary's runs.
async fn seeded_table() -> String {
    let env = TestEnv::new().await;
    seed_fixture_world(&env).await;
    env.store().table().to_string()
}

/// The tables of parts 3 (cold start, median of `repeats` fresh processes) and 4 (peak RSS
/// after `invocations` invocations).
pub async fn run_all(repeats: usize, invocations: usize) -> anyhow::Result<(Table, Table)> {
    let release = target_dir().join("release");
    let mut cold = Table::new(&[
        "binary",
        "init ms (median)",
        "init × bare",
        "first invocation ms",
        "init + first invocation CPU ms",
        "CPU × bare",
        "first status",
    ]);
    let mut memory = Table::new(&["binary", "invocations answered", "peak RSS MB", "goal ≤ 20 MB"]);
    let mut bare: Option<(Duration, Duration)> = None;
    for subject in subjects() {
        let binary = release.join(subject.binary);
        let event = subject.call.event().to_string();
        let (mut inits, mut firsts, mut cpus, mut status) = (Vec::new(), Vec::new(), Vec::new(), None);
        for _ in 0..repeats {
            let table = seeded_table().await;
            let run = run(&binary, subject.binary, &table, &event, 1).await?;
            inits.push(run.init);
            firsts.push(run.first);
            cpus.push(run.cpu);
            status = run.first_status;
        }
        let (init, first, cpu) = (median(inits), median(firsts), median(cpus));
        let (bare_init, bare_cpu) = *bare.get_or_insert((init, cpu));
        cold.row(vec![
            subject.binary.to_string(),
            ms(init),
            format!("{:.2}", init.as_secs_f64() / bare_init.as_secs_f64()),
            ms(first),
            ms(cpu),
            format!("{:.2}", cpu.as_secs_f64() / bare_cpu.as_secs_f64()),
            status.map_or("—".into(), |s| s.to_string()),
        ]);
        let table = seeded_table().await;
        let run = run(&binary, subject.binary, &table, &event, invocations).await?;
        let mb = run.peak_rss_kib as f64 / 1024.0;
        memory.row(vec![
            subject.binary.to_string(),
            format!("{} of {invocations}", run.answered),
            format!("{mb:.1}"),
            if mb <= 20.0 { "met" } else { "OVER" }.to_string(),
        ]);
    }
    Ok((cold, memory))
}
