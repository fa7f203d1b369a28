//! A canary token and canary keys appear in no output of `agentrun`, even with `-v` and `-vv`:
//! not on success, not in API errors, retries, refused credentials or broken connections.

mod support;

use agentrun_emulator::{Clock, Config, Fault, FaultRule};
use support::{Outcome, agentrun_with, emulator, env_for};

const TOKEN: &str = "bp_CANARY_token_51f3";
const PUBLIC_KEY: &str = "CANARY-public-8d2e";
const PRIVATE_KEY: &str = "bpk-CANARY-private-c7a9";
const WRONG_TOKEN: &str = "bp_CANARY_wrong_0b44";

/// Environment variables for one run.
type Env = [(String, String)];

fn assert_clean(args: &[&str], out: &Outcome) {
    let all = out.all();
    for canary in ["CANARY", "c7a9", "51f3", "8d2e", "0b44"] {
        assert!(
            !all.contains(canary),
            "agentrun {args:?} printed {canary}:\n{all}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_or_key_is_ever_printed() {
    let emulator = emulator(Config {
        buildprint_token: TOKEN.into(),
        builder_public_key: PUBLIC_KEY.into(),
        builder_private_key: PRIVATE_KEY.into(),
        clock: Clock::scaled(100_000.0),
        ..Config::default()
    })
    .await;
    // The first two calls to GET /tests answer 503: the first run retries, and logs it.
    emulator.add_fault(
        FaultRule::new(
            "GET /api/public/v1/tests",
            Fault::Status {
                status: 503,
                retry_after: Some("0".into()),
            },
        )
        .times(2),
    );
    let env = env_for(&emulator);
    let mut wrong = env.clone();
    wrong.retain(|(name, _)| name != "BUILDPRINT_TOKEN");
    wrong.push(("BUILDPRINT_TOKEN".into(), WRONG_TOKEN.into()));
    let mut swapped = env.clone();
    swapped.retain(|(name, _)| !name.starts_with("BUILDER_") || name == "BUILDER_BASE_URL");
    swapped.push(("BUILDER_PUBLIC_KEY".into(), PRIVATE_KEY.into()));
    swapped.push(("BUILDER_PRIVATE_KEY".into(), PUBLIC_KEY.into()));
    let unreachable = "http://127.0.0.1:9/api/public/v1";
    let buildprint_url = emulator.buildprint_url();

    let runs: Vec<(Vec<&str>, &Env, i32)> = vec![
        (
            vec!["buildprint", "tests", "list", "--app-id", "demo-app"],
            &env,
            0,
        ),
        (
            vec!["buildprint", "tests", "list", "--app-id", "no-such-app"],
            &env,
            3,
        ),
        (
            vec!["buildprint", "tests", "list", "--app-id", "demo-app"],
            &wrong,
            3,
        ),
        (
            vec![
                "buildprint",
                "tests",
                "list",
                "--app-id",
                "demo-app",
                "--token",
                WRONG_TOKEN,
                "--base-url",
                &buildprint_url,
            ],
            &[],
            3,
        ),
        (
            vec![
                "buildprint",
                "tests",
                "list",
                "--app-id",
                "demo-app",
                "--token",
                TOKEN,
                "--base-url",
                &buildprint_url,
            ],
            &[],
            0,
        ),
        (
            vec![
                "buildprint",
                "tests",
                "list",
                "--app-id",
                "demo-app",
                "--token",
                "bpk-CANARY-private-c7a9",
                "--base-url",
                &buildprint_url,
            ],
            &[],
            2,
        ),
        (
            vec![
                "buildprint",
                "agents",
                "start",
                "--app-id",
                "demo-app",
                "--model",
                "buildprint-gpt-5.6-sol",
                "--prompt",
                "Check",
                "--wait",
                "--interval",
                "20ms",
            ],
            &env,
            0,
        ),
        (
            vec![
                "buildprint",
                "--token",
                TOKEN,
                "tests",
                "lisst",
                "--app-id",
                "demo-app",
            ],
            &env,
            2,
        ),
        (
            vec![
                "builder",
                "run",
                "--prompt",
                "Add a page",
                "--user-email",
                "developer@yourcompany.com",
            ],
            &env,
            0,
        ),
        (
            vec![
                "builder",
                "run",
                "--prompt",
                "Add a page",
                "--user-email",
                "stranger@example.com",
            ],
            &env,
            3,
        ),
        (
            vec![
                "builder",
                "run",
                "--prompt",
                "Add a page",
                "--user-id",
                "u1",
            ],
            &swapped,
            2,
        ),
        (
            vec![
                "builder",
                "run",
                "--prompt",
                "Add a page",
                "--user-id",
                "u1",
                "--public-key",
                "wrong-public",
                "--private-key",
                PRIVATE_KEY,
            ],
            &env,
            3,
        ),
    ];
    for (args, env, code) in runs {
        for verbosity in [None, Some("-v"), Some("-vv")] {
            let mut args = args.clone();
            if let Some(flag) = verbosity {
                args.insert(0, flag);
            }
            let mut json = args.clone();
            json.insert(0, "--json");
            for args in [args, json] {
                let out = agentrun_with(&args, env, "").await;
                assert_eq!(out.code, code, "agentrun {args:?}: {out:?}");
                assert_clean(&args, &out);
                if verbosity.is_some() {
                    assert!(
                        out.stderr.contains("sending") || code == 2,
                        "agentrun {args:?} logged no request: {}",
                        out.stderr
                    );
                }
            }
        }
    }
    // No answer at all: retried with backoff (so once, at the most verbose).
    let args = [
        "-vv",
        "buildprint",
        "tests",
        "list",
        "--app-id",
        "demo-app",
        "--base-url",
        unreachable,
    ];
    let out = agentrun_with(&args, &env, "").await;
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("retrying"), "{}", out.stderr);
    assert_clean(&args, &out);

    // The canaries did reach the emulator: the test checks secrets that were really used.
    assert!(emulator.received().requests > 50);
    assert!(emulator.builder_runs().len() >= 6);
}
