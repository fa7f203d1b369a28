//! The `xtask` binary end to end, in a throwaway workspace: `fetch` against a server on
//! loopback, `drift`'s report and exit codes, and `generate` on good and bad specs.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use test_server::{Reply, TestServer};

const SPEC: &str = r##"{
  "openapi": "3.0.3",
  "info": {"title": "Demo", "version": "1"},
  "paths": {
    "/things/{id}": {
      "get": {
        "operationId": "getThing",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {
          "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
        }
      }
    }
  },
  "components": {"schemas": {"Thing": {
    "type": "object", "required": ["id", "status"],
    "properties": {"id": {"type": "string"}, "status": {"type": "string", "enum": ["on", "off"]}}
  }}}
}
"##;

/// The same API a month later: a new optional field and a new optional query parameter
/// (additive), as 3.1.
const SPEC_ADDITIVE: &str = r##"{"openapi":"3.1.0","info":{"title":"Demo","version":"1"},"paths":{"/things/{id}":{"get":{"operationId":"getThing","parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}},{"name":"expand","in":"query","schema":{"type":"boolean"}}],"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Thing"}}}}}}}},"components":{"schemas":{"Thing":{"type":"object","required":["id","status"],"properties":{"id":{"type":"string"},"note":{"type":["string","null"]},"status":{"type":"string","enum":["on","off"]}}}}}}"##;

/// A workspace of one provider, `demo`, in a temporary directory.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new(spec: &str) -> Self {
        Self::with_table(
            spec,
            "[[provider]]\nname = \"demo\"\ntitle = \"Demo\"\nspec = \"openapi/demo/openapi.json\"\n\
             crate_dir = \"crates/demo\"\nurl = \"http://127.0.0.1:9/openapi.json\"\n",
        )
    }

    fn with_table(spec: &str, table: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("openapi/demo")).unwrap();
        std::fs::write(dir.path().join("openapi/providers.toml"), table).unwrap();
        std::fs::write(dir.path().join("openapi/demo/openapi.json"), spec).unwrap();
        Self { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn spec(&self) -> String {
        std::fs::read_to_string(self.root().join("openapi/demo/openapi.json")).unwrap()
    }

    fn file(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("--root")
            .arg(self.root())
            .args(args)
            .output()
            .unwrap();
        Run::from(output)
    }

    /// Runs the binary without `--root`, as `cargo xtask` started in this sandbox runs it:
    /// `cargo run` gives it `CARGO_MANIFEST_DIR` (the sandbox's xtask package) and the
    /// sandbox's directory.
    fn run_as_cargo_xtask(&self, args: &[&str]) -> Run {
        std::fs::create_dir_all(self.file("xtask")).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .current_dir(self.file("xtask"))
            .env("CARGO_MANIFEST_DIR", self.file("xtask"))
            .args(args)
            .output()
            .unwrap();
        Run::from(output)
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked at") && !run.stderr.contains("RUST_BACKTRACE"),
            "a panic trace reached the user:\n{}",
            run.stderr
        );
        run
    }
}

fn serve(reply: Reply) -> TestServer {
    TestServer::start(move |_| reply.clone())
}

#[test]
fn fetch_replaces_the_snapshot_byte_for_byte_and_shows_the_drift() {
    let sandbox = Sandbox::new(SPEC);
    let server = serve(Reply::json(200, SPEC_ADDITIVE));
    let url = format!("{}/openapi.json", server.url());

    let run = sandbox.run(&["fetch", "--provider", "demo", "--url", &url]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        sandbox.spec(),
        SPEC_ADDITIVE,
        "the snapshot must be the served bytes"
    );
    assert!(
        run.stdout.contains("openapi/demo/openapi.json updated"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("0 breaking, 2 additive"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("+ GET /things/{id} query `expand`: optional parameter added"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("cargo xtask generate"),
        "{}",
        run.stdout
    );
    assert_eq!(server.requests()[0].path(), "/openapi.json");
    assert_eq!(
        server.requests()[0].header("accept"),
        Some("application/json")
    );

    let again = sandbox.run(&["fetch", "--provider", "demo", "--url", &url]);
    assert_eq!(again.code, 0);
    assert!(again.stdout.contains("unchanged"), "{}", again.stdout);
}

#[test]
fn fetch_refuses_bad_answers_and_keeps_the_snapshot() {
    let truncated = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{}",
        SPEC.len(),
        &SPEC[..SPEC.len() / 2]
    );
    let cases: Vec<(&str, Reply, &str)> = vec![
        (
            "a login page",
            Reply::text(
                200,
                "text/html; charset=utf-8",
                "<!DOCTYPE html><html><body>Sign in</body></html>",
            ),
            "answered with an HTML page, not an OpenAPI document",
        ),
        (
            "a server error",
            Reply::json(500, r#"{"error":"boom"}"#),
            "answered HTTP 500 Internal Server Error: \"{\"error\":\"boom\"}\"",
        ),
        (
            "a proxy's error page",
            Reply::text(502, "text/html", "<html>Bad gateway</html>"),
            "answered HTTP 502 Bad Gateway with an HTML page",
        ),
        (
            "a truncated body",
            Reply::Raw(truncated.into_bytes()),
            "the body ended early",
        ),
        (
            "invalid JSON",
            Reply::json(200, "{\"openapi\": \"3.0.3\",\n  oops}"),
            ":2:3: invalid JSON",
        ),
        (
            "JSON that is not OpenAPI",
            Reply::json(200, r#"{"hello": "world"}"#),
            "not an OpenAPI document",
        ),
        (
            "OpenAPI without paths",
            Reply::json(
                200,
                r#"{"openapi": "3.1.0", "info": {"title": "x", "version": "1"}}"#,
            ),
            "#/paths: an OpenAPI document of an API needs a `paths` object",
        ),
        (
            "an empty answer",
            Reply::json(200, ""),
            "answered with an empty body",
        ),
    ];
    for (what, reply, expected) in cases {
        let sandbox = Sandbox::new(SPEC);
        let server = serve(reply);
        let url = format!("{}/openapi.json", server.url());
        let run = sandbox.run(&["fetch", "--provider", "demo", "--url", &url]);
        assert_eq!(run.code, 2, "{what}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains(expected),
            "{what}: expected `{expected}` in:\n{}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains("openapi/demo/openapi.json was kept as it was"),
            "{what}: {}",
            run.stderr
        );
        assert_eq!(sandbox.spec(), SPEC, "{what}: the snapshot changed");
        let files: Vec<_> = std::fs::read_dir(sandbox.file("openapi/demo"))
            .unwrap()
            .collect();
        assert_eq!(files.len(), 1, "{what}: a temporary file was left behind");
    }
}

#[test]
fn fetch_gives_up_after_its_timeout() {
    let sandbox = Sandbox::new(SPEC);
    let server = serve(Reply::Hang);
    let url = format!("{}/openapi.json", server.url());
    let run = sandbox.run(&[
        "fetch",
        "--provider",
        "demo",
        "--url",
        &url,
        "--timeout",
        "1",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no answer within 1s"), "{}", run.stderr);
    assert_eq!(sandbox.spec(), SPEC);
}

#[test]
fn fetch_names_a_refused_connection() {
    let sandbox = Sandbox::new(SPEC);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/openapi.json");
    let run = sandbox.run(&["fetch", "--provider", "demo", "--url", &url]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot connect"), "{}", run.stderr);
}

#[test]
fn fetch_of_a_hand_written_spec_says_there_is_nothing_to_fetch() {
    let sandbox = Sandbox::with_table(
        SPEC,
        "[[provider]]\nname = \"demo\"\ntitle = \"Demo\"\nspec = \"openapi/demo/openapi.json\"\ncrate_dir = \"crates/demo\"\n",
    );
    let run = sandbox.run(&["fetch", "--provider", "demo"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("publishes no OpenAPI document"),
        "{}",
        run.stderr
    );
}

#[test]
fn drift_exits_1_on_breaking_changes_only() {
    let sandbox = Sandbox::new(SPEC);
    let old = sandbox.file("old.json");
    let additive = sandbox.file("additive.json");
    let breaking = sandbox.file("breaking.json");
    std::fs::write(&old, SPEC).unwrap();
    std::fs::write(&additive, SPEC_ADDITIVE).unwrap();
    std::fs::write(
        &breaking,
        SPEC.replace(r#""/things/{id}""#, r#""/items/{id}""#),
    )
    .unwrap();
    let path = |p: &Path| p.display().to_string();

    let same = sandbox.run(&["drift", &path(&old), &path(&old)]);
    assert_eq!(same.code, 0);
    assert!(same.stdout.starts_with("No API changes"), "{}", same.stdout);

    let run = sandbox.run(&["drift", &path(&old), &path(&additive)]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("+ schema Thing .note: field added (string)"),
        "{}",
        run.stdout
    );
    // Additive on the wire, and a major bump: the struct gains a public field.
    assert!(
        run.stdout.contains(
            "  major types::Thing::note: field added: struct literals and patterns of \
             `types::Thing` need it\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with(
            "Wire verdict: additive (clients generated from the old document keep working).\n\
             Version bump the generated crate needs: major (code compiled against the old crate \
             can stop compiling).\n"
        ),
        "{}",
        run.stdout
    );

    let run = sandbox.run(&["drift", &path(&old), &path(&breaking)]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("- GET /things/{id}: operation removed"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("+ GET /items/{id}: operation added"),
        "{}",
        run.stdout
    );
}

#[test]
fn drift_compares_the_crates_of_files_named_without_a_folder() {
    // The crates are generated in a child process, told where each file's folder is: a file
    // named as `old.json` has an empty one, which is the current directory.
    let sandbox = Sandbox::new(SPEC);
    std::fs::write(sandbox.file("old.json"), SPEC).unwrap();
    std::fs::write(sandbox.file("new.json"), SPEC_ADDITIVE).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(sandbox.root())
        .arg("--root")
        .arg(sandbox.root())
        .args(["drift", "old.json", "new.json"])
        .output()
        .unwrap();
    let run = Run::from(output);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.ends_with(
            "Version bump the generated crate needs: major (code compiled against the old crate \
             can stop compiling).\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn drift_compares_the_crates_of_a_schema_in_its_own_all_of() {
    // A schema that lists itself in its own `allOf` once made typify recurse until the stack
    // overflowed; the cycle is now broken before typify sees it, so both crates generate and
    // the report compares their public APIs.
    let node = |extra: &str| {
        format!(
            r##"{{"openapi":"3.0.3","info":{{"title":"t","version":"1"}},"paths":{{"/a":{{"get":{{"operationId":"getA","responses":{{"200":{{"description":"ok","content":{{"application/json":{{"schema":{{"$ref":"#/components/schemas/Node"}}}}}}}}}}}}}}}},"components":{{"schemas":{{"Node":{{"allOf":[{{"$ref":"#/components/schemas/Node"}},{{"type":"object","properties":{{"id":{{"type":"string"}}{extra}}}}}]}}}}}}}}"##
        )
    };
    let sandbox = Sandbox::new(SPEC);
    let (old, new) = (sandbox.file("old.json"), sandbox.file("new.json"));
    std::fs::write(&old, node("")).unwrap();
    std::fs::write(&new, node(r#","name":{"type":"string"}"#)).unwrap();
    let run = sandbox.run(&[
        "drift",
        &old.display().to_string(),
        &new.display().to_string(),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("+ schema Node .name: field added (string) [response-property-added]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("major types::Node::name: field added"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Version bump the generated crate needs: major"),
        "{}",
        run.stdout
    );
}

#[test]
fn drift_against_the_served_document() {
    let sandbox = Sandbox::new(SPEC);
    let server = serve(Reply::json(200, SPEC.replace(r#""on", "off""#, r#""on""#)));
    let url = format!("{}/openapi.json", server.url());
    let run = sandbox.run(&["drift", "--provider", "demo", "--url", &url]);
    assert_eq!(
        run.code, 0,
        "a response enum value removed is not breaking: {}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("schema Thing .status: enum value `off` removed"),
        "{}",
        run.stdout
    );
    assert_eq!(sandbox.spec(), SPEC, "drift never writes the snapshot");
}

#[test]
fn drift_of_an_unreadable_file_names_it() {
    let sandbox = Sandbox::new(SPEC);
    let broken = sandbox.file("broken.json");
    std::fs::write(&broken, "{\n  \"openapi\": \"3.0.3\",\n}\n").unwrap();
    let run = sandbox.run(&[
        "drift",
        &broken.display().to_string(),
        &broken.display().to_string(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("broken.json:3:1: invalid JSON: trailing comma"),
        "{}",
        run.stderr
    );
}

#[test]
fn generate_writes_a_crate_and_check_names_stale_files() {
    let sandbox = Sandbox::new(SPEC);
    let run = sandbox.run(&["generate"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("demo"), "{}", run.stdout);
    assert!(run.stdout.contains("1 operation"), "{}", run.stdout);
    let generated = std::fs::read_to_string(sandbox.file("crates/demo/src/generated.rs")).unwrap();
    assert!(
        generated.starts_with("// @generated by `cargo xtask generate`"),
        "{generated}"
    );
    assert!(generated.contains("Unknown(::std::string::String)"));
    assert!(
        sandbox
            .file("xtask/tests/snapshots/surface__demo.snap.new")
            .exists()
    );
    let manifest = std::fs::read_to_string(sandbox.file("crates/demo/Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"demo\""), "{manifest}");
    let library = std::fs::read_to_string(sandbox.file("crates/demo/src/lib.rs")).unwrap();
    assert!(library.contains("demo::OPENAPI_DOCUMENT"), "{library}");
    std::fs::write(
        sandbox.file("crates/demo/src/lib.rs"),
        "//! Edited by hand.\n",
    )
    .unwrap();

    let check = sandbox.run(&["generate", "--check"]);
    assert_eq!(
        check.code, 1,
        "the surface snapshot is not accepted yet: {}",
        check.stderr
    );
    std::fs::rename(
        sandbox.file("xtask/tests/snapshots/surface__demo.snap.new"),
        sandbox.file("xtask/tests/snapshots/surface__demo.snap"),
    )
    .unwrap();
    let check = sandbox.run(&["generate", "--check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(check.stdout.contains("unchanged"), "{}", check.stdout);
    let again = sandbox.run(&["generate"]);
    assert_eq!(again.code, 0);
    assert_eq!(
        std::fs::read_to_string(sandbox.file("crates/demo/src/lib.rs")).unwrap(),
        "//! Edited by hand.\n",
        "a crate's hand-written files are never overwritten"
    );

    std::fs::write(
        sandbox.file("crates/demo/src/generated.rs"),
        generated.replace("pub struct Thing", "pub struct Thingy"),
    )
    .unwrap();
    let check = sandbox.run(&["generate", "--check"]);
    assert_eq!(check.code, 1);
    assert!(
        check.stderr.contains("stale: crates/demo/src/generated.rs"),
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.contains("-    pub struct Thingy"),
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.contains("+    pub struct Thing"),
        "{}",
        check.stderr
    );
}

#[test]
fn each_checkout_generates_its_own_files_with_one_binary() {
    // Two clones sharing one CARGO_TARGET_DIR run the same binary: each must find its own
    // workspace at run time.
    let first = Sandbox::new(SPEC);
    let second = Sandbox::new(&SPEC.replace("\"title\": \"Demo\"", "\"title\": \"Second\""));
    for sandbox in [&first, &second] {
        let run = sandbox.run_as_cargo_xtask(&["generate"]);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    }
    let title = |sandbox: &Sandbox| {
        let normalized: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(sandbox.file("crates/demo/openapi.normalized.json")).unwrap(),
        )
        .unwrap();
        normalized["info"]["title"].as_str().unwrap().to_string()
    };
    assert_eq!(title(&first), "Demo");
    assert_eq!(title(&second), "Second");

    // Started by hand in a directory of the workspace, without cargo, it works there too.
    let third = Sandbox::new(SPEC);
    std::fs::create_dir_all(third.file("crates")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(third.file("crates"))
        .env_remove("CARGO_MANIFEST_DIR")
        .arg("generate")
        .output()
        .unwrap();
    let run = Run::from(output);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(third.file("crates/demo/src/generated.rs").exists());
}

#[test]
fn a_crate_gains_the_dependencies_a_later_spec_needs() {
    let sandbox = Sandbox::new(SPEC);
    assert_eq!(sandbox.run(&["generate"]).code, 0);
    let manifest = || std::fs::read_to_string(sandbox.file("crates/demo/Cargo.toml")).unwrap();
    assert!(!manifest().contains("uuid"), "{}", manifest());

    // The API starts returning a UUID: the generated code needs the uuid crate.
    std::fs::write(
        sandbox.file("openapi/demo/openapi.json"),
        SPEC.replace(
            r#""id": {"type": "string"}"#,
            r#""id": {"type": "string", "format": "uuid"}"#,
        ),
    )
    .unwrap();
    let check = sandbox.run(&["generate", "--check"]);
    assert_eq!(check.code, 1);
    assert!(
        check.stderr.contains("stale: crates/demo/Cargo.toml")
            && check
                .stderr
                .contains(r#"+uuid = { version = "1", features = ["serde"] }"#),
        "{}",
        check.stderr
    );
    let run = sandbox.run(&["generate"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("crates/demo/Cargo.toml (dependencies of the generated code)"),
        "{}",
        run.stdout
    );
    assert!(
        manifest().contains(r#"uuid = { version = "1", features = ["serde"] }"#),
        "{}",
        manifest()
    );

    // And back: the dependency is reported, not removed (lib.rs may use it).
    std::fs::write(sandbox.file("openapi/demo/openapi.json"), SPEC).unwrap();
    let run = sandbox.run(&["generate"]);
    assert!(
        run.stdout
            .contains("the generated code no longer uses `uuid`"),
        "{}",
        run.stdout
    );
    assert!(manifest().contains("uuid"));
}

#[test]
fn generate_names_the_place_and_the_fix_for_what_is_not_an_openapi_document() {
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "invalid JSON",
            SPEC.replacen("\"1\"},", "\"1\"},,", 1),
            "openapi/demo/openapi.json:3:45: invalid JSON: key must be a string. Fix the file there.",
        ),
        (
            "not OpenAPI",
            r#"{"asyncapi": "2.6.0", "info": {}}"#.to_string(),
            "not an OpenAPI document: there is no top-level `openapi` field (the top-level keys \
             are: asyncapi, info)",
        ),
        (
            "a Swagger version before 2.0",
            r#"{"swagger": "1.2", "info": {}}"#.to_string(),
            "#/swagger: Swagger 1.2 is not supported",
        ),
        (
            "paths that are not an object",
            r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": []}"#
                .to_string(),
            "#/paths: `paths` is an array where an object was expected",
        ),
    ];
    for (what, spec, expected) in cases {
        let sandbox = Sandbox::new(&spec);
        let run = sandbox.run(&["generate"]);
        assert_eq!(run.code, 2, "{what}: {}", run.stdout);
        assert!(run.stderr.starts_with("error: "), "{what}: {}", run.stderr);
        assert!(
            run.stderr.contains(expected),
            "{what}: expected `{expected}` in:\n{}",
            run.stderr
        );
        assert!(
            !sandbox.file("crates/demo/src/generated.rs").exists(),
            "{what}: wrote a crate"
        );
    }
}

#[test]
fn generate_degrades_what_it_cannot_express_and_says_where() {
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "a wrong type deep inside",
            SPEC.replace(r#""description": "ok""#, r#""description": 7"#),
            "#/paths/~1things~1{id}/get/responses/200: not valid OpenAPI 3.0 (invalid type: \
             integer `7`, expected a string); left out this response",
        ),
        (
            "a path parameter the path does not have",
            SPEC.replace(
                r#"{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}"#,
                r#"{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "other", "in": "path", "required": true, "schema": {"type": "string"}}"#,
            ),
            "GET /things/{id}: left out path parameter `other`: the path has no `{other}`",
        ),
    ];
    for (what, spec, expected) in cases {
        let sandbox = Sandbox::new(&spec);
        let run = sandbox.run(&["generate"]);
        assert_eq!(run.code, 0, "{what}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stdout.contains("1 place degraded") && run.stdout.contains(expected),
            "{what}: expected `{expected}` in:\n{}",
            run.stdout
        );
        let surface =
            std::fs::read_to_string(sandbox.file("xtask/tests/snapshots/surface__demo.snap.new"))
                .unwrap();
        assert!(
            surface.contains(&format!("- {expected}")),
            "{what}: the surface snapshot does not list it:\n{surface}"
        );
        assert!(sandbox.file("crates/demo/src/generated.rs").exists());
    }
}

#[tokio::test]
async fn fetch_from_the_emulator_reproduces_the_committed_snapshot() {
    let emulator = agentrun_emulator::Emulator::start_local(agentrun_emulator::Config::default())
        .await
        .unwrap();
    let url = format!("{}/openapi.json", emulator.buildprint_url());
    let committed = agentrun_emulator::BUILDPRINT_OPENAPI_JSON;

    let current = Sandbox::new(committed);
    let run = tokio::task::spawn_blocking(move || {
        let run = current.run(&["fetch", "--provider", "demo", "--url", &url]);
        (run, current)
    })
    .await
    .unwrap();
    let (run, current) = run;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("unchanged"), "{}", run.stdout);
    assert_eq!(current.spec(), committed);
}

/// A recursive union merged with itself: typify's merge of `Extended` never ends.
const SPEC_ENDLESS_MERGE: &str = r##"{"openapi":"3.0.3","info":{"title":"Demo","version":"1"},"paths":{"/pets/{id}":{"get":{"operationId":"getPet","parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}}],"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Extended"}}}}}}}},"components":{"schemas":{"Pet":{"type":"object","properties":{"p":{"anyOf":[{"$ref":"#/components/schemas/Pet"},{"type":"string"}]}}},"Extended":{"allOf":[{"$ref":"#/components/schemas/Pet"},{"properties":{"p":{"anyOf":[{"$ref":"#/components/schemas/Pet"},{"type":"integer"}]}}}]}}}}"##;

#[test]
fn a_merge_typify_would_never_finish_is_typed_as_any_json_before_it_sees_it() {
    let sandbox = Sandbox::new(SPEC_ENDLESS_MERGE);
    let run = sandbox.run(&["generate"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // Found by normalization: typify never aborted, and the command ran once.
    assert!(
        !run.stderr.contains("running the command again"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("#/components/schemas/Extended: typify would merge this schema without end"),
        "{}",
        run.stdout
    );
    let code = std::fs::read_to_string(sandbox.file("crates/demo/src/generated.rs")).unwrap();
    assert!(
        code.contains("pub struct Extended(pub ::serde_json::Value)"),
        "{code}"
    );
}

#[test]
fn an_abort_inside_typify_is_contained_and_the_command_runs_again_with_a_last_resort() {
    let sandbox = Sandbox::new(SPEC_ENDLESS_MERGE);
    // With merges unwalked, typify sees `Extended` and overflows its stack.
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .env("AGENTRUN_UNWALKED_MERGES", "1")
        .arg("--root")
        .arg(sandbox.root())
        .arg("generate")
        .output()
        .unwrap();
    let run = Run::from(output);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(
            "openapi/demo/openapi.json: generation aborted with signal 6 (typify overflowed its \
             stack); running the command again"
        ),
        "{}",
        run.stderr
    );
    let code = std::fs::read_to_string(sandbox.file("crates/demo/src/generated.rs")).unwrap();
    assert!(
        code.contains("pub struct Extended(pub ::serde_json::Value)"),
        "{code}"
    );
}
