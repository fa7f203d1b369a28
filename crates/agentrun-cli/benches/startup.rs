//! How long `agentrun` takes: start-up (`agentrun --help`), one request, and a whole
//! `agents start --wait` against the emulator at its fastest clock, each against the cost of
//! starting any process (`true`), measured in alternating rounds in the same run.
//!
//! ```text
//! cargo bench -p agentrun-cli --bench startup [-- ROUNDS] [--baseline=PATH]
//! ```
//!
//! `--baseline=PATH` runs another `agentrun` binary (an older build) in the same rounds, and
//! prints each case's ratio to it.

// A benchmark: a failed unwrap is a failed run.
#![allow(clippy::unwrap_used, missing_docs)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use agentrun_emulator::{Clock, Config, Emulator};

struct Case {
    name: &'static str,
    program: String,
    args: Vec<String>,
    times: Vec<Duration>,
}

impl Case {
    fn new(name: &'static str, program: &str, args: &[&str]) -> Self {
        Self {
            name,
            program: program.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
            times: Vec::new(),
        }
    }

    fn run_once(&mut self, env: &[(String, String)]) {
        let started = Instant::now();
        let status = Command::new(&self.program)
            .args(&self.args)
            .envs(env.iter().cloned())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        self.times.push(started.elapsed());
        assert!(status.success(), "{} failed: {status}", self.name);
    }

    fn quantile(&self, q: f64) -> Duration {
        let mut sorted = self.times.clone();
        sorted.sort();
        sorted[((sorted.len() - 1) as f64 * q).round() as usize]
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let baseline_binary = std::env::args()
        .skip(1)
        .find_map(|a| a.strip_prefix("--baseline=").map(str::to_string));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    // A billion times real time: an agent's 22-second run takes 22 µs.
    let emulator = runtime
        .block_on(Emulator::start_local(Config {
            clock: Clock::scaled(1e9),
            max_concurrent_agents: 0,
            ..Config::default()
        }))
        .unwrap();
    let env = vec![
        ("BUILDPRINT_BASE_URL".to_string(), emulator.buildprint_url()),
        ("BUILDPRINT_TOKEN".to_string(), "bp_emulator".to_string()),
    ];
    let agentrun = env!("CARGO_BIN_EXE_agentrun");
    let get = ["buildprint", "agents", "get", "--agent-id", "ag_000001"];
    let mut cases = vec![
        Case::new("true (any process)", "true", &[]),
        Case::new("agentrun --help", agentrun, &["--help"]),
        Case::new("agentrun ... agents get", agentrun, &get),
        Case::new(
            "agentrun ... agents start --wait",
            agentrun,
            &[
                "buildprint",
                "agents",
                "start",
                "--app-id",
                "demo-app",
                "--model",
                "buildprint-gpt-5.6-sol",
                "--prompt",
                "Why?",
                "--wait",
            ],
        ),
    ];
    if let Some(baseline) = &baseline_binary {
        cases.push(Case::new("baseline --help", baseline, &["--help"]));
        cases.push(Case::new("baseline ... agents get", baseline, &get));
    }
    for case in cases.iter_mut() {
        case.run_once(&env); // warm the page cache
        case.times.clear();
    }
    for _ in 0..rounds {
        for case in cases.iter_mut() {
            case.run_once(&env);
        }
    }
    let baseline = ms(cases[0].quantile(0.5));
    let help = ms(cases[1].quantile(0.5));
    println!("{rounds} rounds, alternating; emulator clock at 1e9x");
    println!(
        "{:<34} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "", "min ms", "p50 ms", "p90 ms", "÷ true", "÷ --help"
    );
    for case in &cases {
        let p50 = ms(case.quantile(0.5));
        println!(
            "{:<34} {:>9.2} {:>9.2} {:>9.2} {:>9.1} {:>9.2}",
            case.name,
            ms(case.quantile(0.0)),
            p50,
            ms(case.quantile(0.9)),
            p50 / baseline,
            p50 / help
        );
    }
    if baseline_binary.is_some() {
        let ratio = |a: usize, b: usize| ms(cases[a].quantile(0.5)) / ms(cases[b].quantile(0.5));
        println!(
            "this build ÷ baseline, p50: --help {:.3}, agents get {:.3}",
            ratio(1, 4),
            ratio(2, 5)
        );
    }
    let size = std::fs::metadata(agentrun).map(|m| m.len()).unwrap_or(0);
    println!("binary: {:.1} MiB", size as f64 / (1024.0 * 1024.0));
}
