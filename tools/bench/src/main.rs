//! `bench`: the project's benchmark (issue 6). Starts what it needs (the local DynamoDB, the
//! functions in process, release binaries under a Runtime API emulator) and prints one
//! Markdown table per part; `--out` also writes them, with the machine, to a file.

mod chat;
mod cost;
mod emulator;
mod events;
mod flood;
mod lambda;
mod report;
mod scaling;
mod size;
mod throughput;

use std::fmt::Write as _;

use clap::{Parser, ValueEnum};

/// The parts of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Part {
    Cost,
    Scaling,
    ColdStart,
    Memory,
    Size,
    Throughput,
    /// Not in a run of every part: it waits 100 s for sessions to end.
    Flood,
    /// The chat API: an idle long poll, delivery latency, pages of large rooms.
    Chat,
}

#[derive(Debug, Parser)]
#[command(about = "Benchmark of the Talk conversation API functions")]
struct Args {
    /// Parts to run (all when none is named).
    #[arg(value_enum)]
    parts: Vec<Part>,
    /// A short smoke run: smaller sizes, fewer repeats and invocations.
    #[arg(long)]
    quick: bool,
    /// Also write the report (Markdown, with the machine described) to this file.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

/// The knobs `--quick` turns down.
struct Settings {
    scaling_sizes: Vec<usize>,
    repeats: usize,
    invocations: usize,
    clients: Vec<usize>,
    seconds: f64,
    flood_joins: usize,
    chat_wait_seconds: u64,
    chat_messages: usize,
    chat_room_sizes: Vec<usize>,
}

impl Settings {
    fn new(quick: bool) -> Self {
        if quick {
            Self {
                scaling_sizes: vec![10, 100],
                repeats: 5,
                invocations: 100,
                clients: vec![1, 8],
                seconds: 1.0,
                flood_joins: 300,
                chat_wait_seconds: 3,
                chat_messages: 5,
                chat_room_sizes: vec![10, 100],
            }
        } else {
            Self {
                scaling_sizes: vec![10, 100, 1000],
                repeats: 7,
                invocations: 1000,
                clients: vec![1, 8, 32],
                seconds: 5.0,
                flood_joins: 2000,
                chat_wait_seconds: 25,
                chat_messages: 100,
                chat_room_sizes: vec![10, 1000],
            }
        }
    }
}

/// What this machine is, for the report.
fn machine() -> String {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or("unknown CPU".to_string(), |m| m.trim().to_string());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let memory = read("/proc/meminfo")
        .lines()
        .find(|l| l.starts_with("MemTotal"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or("?".to_string(), |kib| {
            format!("{:.0} GiB", kib as f64 / 1024.0 / 1024.0)
        });
    let command = |program: &str, args: &[&str]| {
        std::process::Command::new(program)
            .args(args)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    format!(
        "{} {cpu}, {cores} cores, {memory} RAM; Linux {}; {}; commit {}",
        std::env::consts::ARCH,
        read("/proc/sys/kernel/osrelease").trim(),
        command("rustc", &["--version"]),
        command("git", &["rev-parse", "--short", "HEAD"]),
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let wanted = |part| (args.parts.is_empty() && part != Part::Flood) || args.parts.contains(&part);
    let settings = Settings::new(args.quick);
    let mut report = String::new();
    let mut section = |title: &str, text: String| {
        let block = format!("## {title}\n\n{text}\n");
        println!("{block}");
        report.push_str(&block);
    };
    section("Machine", format!("{}\n", machine()));
    if wanted(Part::Cost) {
        section("1. DynamoDB cost per endpoint", cost::run().await.to_string());
    }
    if wanted(Part::Scaling) {
        let table = scaling::run(&settings.scaling_sizes, settings.repeats).await;
        section("2. Scaling", table.to_string());
    }
    if wanted(Part::ColdStart) || wanted(Part::Memory) {
        lambda::build_release()?;
        let (cold, memory) = lambda::run_all(settings.repeats, settings.invocations).await?;
        section("3. Cold start", cold.to_string());
        section("4. Memory", memory.to_string());
    }
    if wanted(Part::Size) {
        section("5. Size", size::run()?.to_string());
    }
    if wanted(Part::Throughput) {
        let table = throughput::run(&settings.clients, settings.seconds).await;
        section("6. Throughput (informative)", table.to_string());
    }
    if wanted(Part::Flood) {
        let table = flood::run(settings.flood_joins).await;
        section("7. Flood of anonymous joins", table.to_string());
    }
    if wanted(Part::Chat) {
        let table = chat::run(
            settings.chat_wait_seconds,
            settings.chat_messages,
            &settings.chat_room_sizes,
        )
        .await;
        section("9. Chat", table.to_string());
    }
    if let Some(path) = &args.out {
        let mut text = String::from("# Benchmark report\n\n");
        let _ = writeln!(
            text,
            "Written by `tools/bench` (`cargo run --release -p talk-bench -- …`).\n"
        );
        text.push_str(&report);
        std::fs::write(path, text)?;
    }
    Ok(())
}
