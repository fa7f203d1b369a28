//! A canary token and canary keys appear in no output of `agentrun`, even with `-v` and `-vv`:
//! not on success, not in API errors, retries, refused credentials or broken connections.

mod support;

use agentrun_emulator::{Clock, Config, Fault, FaultRule};
use support::{Agentrun, Outcome, emulator};

const TOKEN: &str = "bp_CANARY_token_51f3";
const PUBLIC_KEY: &str = "CANARY-public-8d2e";
const PRIVATE_KEY: &str = "bpk-CANARY-private-c7a9";
const WRONG_TOKEN: &str = "bp_CANARY_wrong_0b44";

fn assert_clean(line: &str, out: &Outcome) {
    let all = out.all();
    for canary in ["CANARY", "c7a9", "51f3", "8d2e", "0b44"] {
        assert!(
            !all.contains(canary),
            "agentrun {line} printed {canary}:\n{all}"
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
    let unavailable = Fault::Status {
        status: 503,
        retry_after: Some("0".into()),
    };
    emulator.add_fault(FaultRule::new("GET /api/public/v1/tests", unavailable).times(2));
    let env = Agentrun::against(&emulator);
    let wrong = env.clone().env("BUILDPRINT_TOKEN", WRONG_TOKEN);
    let swapped = env
        .clone()
        .env("BUILDER_PUBLIC_KEY", PRIVATE_KEY)
        .env("BUILDER_PRIVATE_KEY", PUBLIC_KEY);
    let url = emulator.buildprint_url();

    let runs = [
        (&env, "buildprint tests list --app-id demo-app".to_string(), 0),
        (&env, "buildprint tests list --app-id no-such-app".into(), 3),
        (&wrong, "buildprint tests list --app-id demo-app".into(), 3),
        (&env, format!("buildprint tests list --app-id demo-app --token {WRONG_TOKEN}"), 3),
        (&Agentrun::bare(), format!("buildprint tests list --app-id demo-app --token {TOKEN} --base-url {url}"), 0),
        (&Agentrun::bare(), format!("buildprint tests list --app-id demo-app --token {PRIVATE_KEY} --base-url {url}"), 2),
        (&env, format!("buildprint --token {TOKEN} tests lisst --app-id demo-app"), 2),
        (&env, "buildprint agents start --app-id demo-app --model buildprint-gpt-5.6-sol --prompt Check --wait --interval 20ms".into(), 0),
        (&env, "builder run --prompt 'Add a page' --user-email developer@yourcompany.com".into(), 0),
        (&env, "builder run --prompt 'Add a page' --user-email stranger@example.com".into(), 3),
        (&swapped, "builder run --prompt 'Add a page' --user-id u1".into(), 2),
        (&env, format!("builder run --prompt 'Add a page' --user-id u1 --public-key wrong-public --private-key {PRIVATE_KEY}"), 3),
    ];
    for (agentrun, line, code) in &runs {
        for flags in ["", "-v ", "-vv ", "--json ", "--json -vv "] {
            let line = format!("{flags}{line}");
            let out = agentrun.line(&line).await;
            assert_eq!(out.code, *code, "agentrun {line}: {out:?}");
            assert_clean(&line, &out);
            if flags.contains("-v") && *code != 2 {
                assert!(
                    out.stderr.contains("sending"),
                    "agentrun {line} logged no request: {}",
                    out.stderr
                );
            }
        }
    }

    // No answer at all: retried with backoff (so once, at the most verbose).
    let line =
        "-vv buildprint tests list --app-id demo-app --base-url http://127.0.0.1:9/api/public/v1";
    let out = env.line(line).await;
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("retrying"), "{}", out.stderr);
    assert_clean(line, &out);

    // The canaries did reach the emulator: the test checks secrets that were really used.
    assert!(emulator.received().requests > 40);
    assert!(emulator.builder_runs().len() >= 5);
}

/// The error paths added for faults (a lost answer, a long rate limit, a TLS failure) print no
/// canary either, at any verbosity.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_or_key_in_fault_messages() {
    let emulator = emulator(Config {
        buildprint_token: TOKEN.into(),
        builder_public_key: PUBLIC_KEY.into(),
        builder_private_key: PRIVATE_KEY.into(),
        ..Config::default()
    })
    .await;
    for route in ["POST /api/public/v1/agents", "POST /agents/run"] {
        emulator.add_fault(FaultRule::new(route, Fault::DropAfterApplied).always());
    }
    let limited = Fault::Status {
        status: 429,
        retry_after: Some("120".into()),
    };
    emulator.add_fault(FaultRule::new("GET /api/public/v1/tests", limited).always());
    let env = Agentrun::against(&emulator);
    let tls = format!(
        "buildprint tests list --app-id demo-app --base-url https://{}/api/public/v1",
        emulator.addr()
    );
    let runs = [
        ("buildprint agents start --app-id demo-app --model buildprint-gpt-5.6-sol --prompt Check".to_string(), 5, "may have started"),
        ("builder run --prompt 'Add a page' --user-email developer@yourcompany.com".into(), 5, "Visual Editor"),
        ("buildprint tests list --app-id demo-app".into(), 3, "asks to wait 2m 00s"),
        (tls, 3, "TLS handshake failed"),
    ];
    for (line, code, says) in &runs {
        for flags in ["", "-vv ", "--json -vv "] {
            let line = format!("{flags}{line}");
            let out = env.line(&line).await;
            assert_eq!(out.code, *code, "agentrun {line}: {out:?}");
            assert!(out.stderr.contains(says), "agentrun {line}: {}", out.stderr);
            assert_clean(&line, &out);
        }
    }
}
