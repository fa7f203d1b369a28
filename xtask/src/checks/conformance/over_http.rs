//! The conformance run over HTTP: every operation of a document's generated client, called
//! through the client's own builders against the stand-in of the **source** document
//! ([`agentrun_mock::StandIn`], the one the emulator serves with `--document`), which holds each
//! request to the document and answers with each documented status in turn.
//!
//! For each document the run
//! 1. generates its crate into a scratch workspace, as a new provider's, in a child process
//!    when given this executable (a document the generator cannot finish fails alone);
//! 2. plans cases per operation: request values from the document's examples and schemas
//!    ([`agentrun_mock::synthesize`], each kept only if the strict validator accepts it: the
//!    fullest with every optional parameter, then each candidate in turn, optional parameters
//!    left out once), a parameter the client takes as a string written in its `style`, as the
//!    generator's note tells a user to; and answers from [`agentrun_mock::answers`];
//! 3. writes a harness ([`super::harness`]) next to the crate, builds all harnesses with one
//!    `cargo build`, and runs each against a loopback server;
//! 4. judges each case: what the stand-in found in the request, and what the client made of
//!    the answer: a success must come back as the promised type, an error status as the typed
//!    error (a redirect without `Location` as it came), and neither may fail to parse.
//!
//! Each case is told apart by its base URL (`http://127.0.0.1:PORT/__case/17`), so the server
//! knows which operation the request is held to and which answer to ask the stand-in for
//! (`Prefer: code=404, example=1`). A failing operation is counted as noted when a degradation
//! note of the generator names it, and as a silent gap otherwise.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, anyhow};
use serde_json::{Map, Value, json};
use test_server::{Reply, TestServer};

use super::harness::{ClientMethod, Setter, client_methods, operation_table};
use super::operations::{Parameter, SourceOperation, source_operations};
use super::requests::{Violation, WireRequest};
use super::synthesize::values;
use super::{Direction, SourceSchemas, follow};
use crate::checks::corpus::Scratch;
use crate::read::document::escape_segment;
use crate::read::document::write_atomic;
use crate::read::providers::Provider;
use agentrun_mock::StandIn;
use agentrun_mock::answers::Answer;

/// The failure kind of a case the document gives no valid value for.
const NO_VALID_VALUE: &str = "no valid value";

/// How many request variants one operation gets at most.
const REQUEST_VARIANTS: usize = 6;

/// A document to run: the provider entry that generates its crate, and the source document
/// requests are held to (OpenAPI 3.x: a Swagger 2.0 one converted).
pub struct Subject {
    /// How reports name it.
    pub name: String,
    /// The entry its crate is generated from (spec and overlay by absolute path).
    pub provider: Provider,
    /// The source document.
    pub doc: Value,
}

/// What the run found for one document.
#[derive(Debug, Clone, Default)]
pub struct HttpReport {
    /// The document, as named in messages.
    pub name: String,
    /// Operations of the source document.
    pub operations: usize,
    /// Operations whose every request conformed.
    pub requests_passed: usize,
    /// Operations whose every answer the client read as it promises.
    pub answers_passed: usize,
    /// Operations that passed both sides.
    pub passed: usize,
    /// Calls made: request variants and answers, all operations together.
    pub cases: usize,
    /// Calls whose request reached the server.
    pub sent: usize,
    /// Operations the client fails (a case the document gives no valid value for is the
    /// document's) that no degradation note of the generator names: silent gaps.
    pub unnoted: Vec<String>,
    /// One line per failure: side, operation, case, place and what was expected.
    pub failures: Vec<Failure>,
    /// Why the document could not be run at all.
    pub unrunnable: Option<String>,
    /// The generator's degradation notes: what the client knowingly lacks.
    pub degraded: Vec<String>,
}

/// One failure of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `request` or `answer`.
    pub side: &'static str,
    /// What kind of failure, for counting: `query`, `body`, `accept`, `does not parse`, ...
    pub kind: String,
    /// The whole line.
    pub line: String,
}

/// One case: a request variant of one operation, and the answer it gets.
#[derive(Debug, Clone)]
struct Case {
    operation: usize,
    variant: usize,
    set: Map<String, Value>,
    answer: Option<Answer>,
    /// Why the request could not be planned (a value the document gives none valid of).
    unplanned: Option<String>,
}

/// The server's view of one case: the stand-in of its document, the answer to ask it for
/// (`Prefer: code=404, example=1`), and what came with what the stand-in found in it.
#[derive(Debug)]
struct Slot {
    stand_in: Arc<StandIn>,
    operation: usize,
    prefer: Option<String>,
    received: Vec<(WireRequest, Vec<Violation>)>,
}

/// Runs `subjects` in the scratch workspace `scratch` (made or emptied), building against
/// `workspace`'s build directory with final artifacts in `artifacts`.
pub fn run(
    workspace: &Path,
    scratch: &Path,
    artifacts: &Path,
    subjects: &[Subject],
    contained: Option<&Path>,
) -> Result<Vec<HttpReport>> {
    let scratch = Scratch::create(workspace, scratch)?;
    let slots: Arc<Mutex<Vec<Slot>>> = Arc::default();
    let mut prepared = Vec::new();
    let mut reports = Vec::new();
    for subject in subjects {
        let mut report = HttpReport {
            name: subject.name.clone(),
            operations: source_operations(&subject.doc).len(),
            ..HttpReport::default()
        };
        match prepare(&scratch, subject, &slots, contained) {
            Ok((plan, degraded)) => {
                report.degraded = degraded;
                prepared.push((reports.len(), plan));
            }
            Err(error) => report.unrunnable = Some(crate::text::one_line(&format!("{error:#}"))),
        }
        reports.push(report);
    }
    let built = build(&scratch, artifacts)?;
    let server = serve(Arc::clone(&slots));
    for (index, plan) in prepared {
        let report = &mut reports[index];
        if let Some(error) = built.get(&plan.crate_name).and_then(|r| r.as_ref().err()) {
            report.unrunnable = Some(format!(
                "its crate or harness does not build: {}",
                crate::text::one_line(error)
                    .chars()
                    .take(400)
                    .collect::<String>()
            ));
            continue;
        }
        let (lines, crashed) = execute(&plan, artifacts, &server.url())?;
        let slots = slots.lock().map_err(|_| anyhow!("the server failed"))?;
        judge(&plan, &lines, &slots, report);
        // The cases it answered are judged; the rest are this line's.
        report.unrunnable = crashed;
    }
    Ok(reports)
}

/// A document's plan: its operations and cases, by global case number.
struct Plan {
    crate_name: String,
    example: String,
    operations: Vec<SourceOperation>,
    methods: Vec<Option<String>>,
    cases: BTreeMap<usize, Case>,
    plan_file: PathBuf,
}

fn prepare(
    scratch: &Scratch,
    subject: &Subject,
    slots: &Arc<Mutex<Vec<Slot>>>,
    contained: Option<&Path>,
) -> Result<(Plan, Vec<String>)> {
    let degraded = match contained {
        Some(exe) => generate_in_child(exe, scratch, &subject.provider)?,
        None => scratch.generate_provider(&subject.provider)?.degraded,
    };
    let crate_name = subject.provider.crate_name();
    let crate_dir = scratch.root().join("crates").join(&crate_name);
    let code = std::fs::read_to_string(crate_dir.join("src/generated.rs"))?;
    let file = syn::parse_file(&code).context("the generated code does not parse")?;
    let normalized: Value = serde_json::from_str(
        &std::fs::read_to_string(crate_dir.join("openapi.normalized.json"))
            .context("the crate has no normalized document")?,
    )?;
    let methods = client_methods(&file);
    let table = operation_table(&file);
    let prefix = subject
        .provider
        .strip_path_prefix
        .clone()
        .unwrap_or_default();
    let doc = &subject.doc;
    let mut schemas = SourceSchemas::for_direction(doc, &subject.name, Direction::Request)?;
    let stand_in = Arc::new(StandIn::new(doc.clone(), &subject.name)?);
    let operations = source_operations(doc);
    let mut cases = BTreeMap::new();
    let mut found_methods = Vec::new();
    let mut slots = slots.lock().map_err(|_| anyhow!("the server failed"))?;
    for (index, operation) in operations.iter().enumerate() {
        let entry = table.iter().find(|entry| {
            entry.method == operation.method
                && same_template(&format!("{prefix}{}", entry.path), &operation.path)
        });
        let method = entry.and_then(|entry| methods.get(&entry.method_name));
        found_methods.push(method.map(|m| m.name.clone()));
        let (Some(entry), Some(method)) = (entry, method) else {
            continue;
        };
        let answers = stand_in.answers(index);
        let normalized_op = normalized
            .pointer(&format!(
                "/paths/{}/{}",
                crate::read::document::escape_segment(&entry.path),
                entry.method.to_ascii_lowercase()
            ))
            .cloned()
            .unwrap_or(Value::Null);
        let planner = Planner {
            doc,
            normalized: &normalized,
            operation,
            normalized_op: &normalized_op,
            method,
        };
        let candidates = planner.candidates(&mut schemas);
        let most = candidates.values().map(Vec::len).max().unwrap_or(1);
        let optional = operation.parameters.iter().any(|p| !p.required);
        let variants = (most + 1)
            .max(if optional { 2 } else { 1 })
            .min(REQUEST_VARIANTS);
        let count = variants.max(answers.len()).max(1);
        for i in 0..count {
            let variant = i % variants;
            let (set, unplanned) = match planner.values(&candidates, variant) {
                Ok(set) => (set, None),
                Err(why) => (Map::new(), Some(why)),
            };
            let answer = (!answers.is_empty()).then(|| answers[i % answers.len()].clone());
            // The answer's place among those of its status, as `Prefer: example=N` counts.
            let prefer = answer.as_ref().map(|answer| {
                let same = answers[..i % answers.len()]
                    .iter()
                    .filter(|a| a.status == answer.status)
                    .count();
                format!("code={}, example={same}", answer.status)
            });
            let number = slots.len();
            slots.push(Slot {
                stand_in: Arc::clone(&stand_in),
                operation: index,
                prefer,
                received: Vec::new(),
            });
            cases.insert(
                number,
                Case {
                    operation: index,
                    variant,
                    set,
                    answer,
                    unplanned,
                },
            );
        }
    }
    drop(slots);
    let library = crate_name.replace('-', "_");
    let example = format!("conformance_{library}");
    let used: Vec<&ClientMethod> = found_methods
        .iter()
        .flatten()
        .filter_map(|name| methods.get(name))
        .collect();
    let mut unique: Vec<&ClientMethod> = Vec::new();
    for method in used {
        if !unique.iter().any(|m| m.name == method.name) {
            unique.push(method);
        }
    }
    write_atomic(
        &crate_dir.join("examples").join(format!("{example}.rs")),
        &super::harness::source(&library, &unique),
    )?;
    let manifest = crate_dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest)?;
    if !text.contains("[dev-dependencies]") {
        text.push_str("\n[dev-dependencies]\ntokio.workspace = true\n");
        write_atomic(&manifest, &text)?;
    }
    let plan_cases: Vec<Value> = cases
        .iter()
        .filter(|(_, case)| case.unplanned.is_none())
        .map(|(number, case)| {
            json!({
                "case": number,
                "method": found_methods[case.operation],
                "base": format!("/__case/{number}{prefix}"),
                "set": case.set,
            })
        })
        .collect();
    let plan_file = crate_dir.join("conformance-plan.json");
    write_atomic(&plan_file, &serde_json::to_string(&plan_cases)?)?;
    Ok((
        Plan {
            crate_name,
            example,
            operations,
            methods: found_methods,
            cases,
            plan_file,
        },
        degraded,
    ))
}

/// Generates `provider` into the scratch workspace in a child process of `exe` (`xtask
/// conformance-generate`); its degradation notes. A child that dies (a stack overflow in the
/// generator) is an error for this document only.
fn generate_in_child(exe: &Path, scratch: &Scratch, provider: &Provider) -> Result<Vec<String>> {
    let output = std::process::Command::new(exe)
        .arg("conformance-generate")
        .arg("--scratch")
        .arg(scratch.root())
        .arg("--provider")
        .arg(serde_json::to_string(provider)?)
        .output()
        .with_context(|| format!("cannot run {}", exe.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let why = if stderr.contains("overflowed its stack") {
            "the generator overflowed its stack on this document".to_string()
        } else {
            crate::text::one_line(&stderr)
        };
        return Err(anyhow!("it does not generate: {why}"));
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}

/// Whether two path templates are the same but for their parameters' names.
fn same_template(a: &str, b: &str) -> bool {
    let shape = |t: &str| {
        let mut out = String::new();
        let mut inside = false;
        for c in t.trim_end_matches('/').chars() {
            match c {
                '{' => {
                    inside = true;
                    out.push('{');
                }
                '}' => inside = false,
                _ if inside => {}
                c => out.push(c),
            }
        }
        out
    };
    shape(a) == shape(b)
}

/// Values for one operation's setters.
struct Planner<'a> {
    doc: &'a Value,
    normalized: &'a Value,
    operation: &'a SourceOperation,
    normalized_op: &'a Value,
    method: &'a ClientMethod,
}

/// What a setter is set from.
enum Source<'a> {
    /// A parameter of the source document; `true` when the client takes it as a string the
    /// caller writes in the parameter's style (the normalizer's note says how).
    Parameter(&'a Parameter, bool),
    /// A property of a source parameter that is an object (`filter[name]` of `filter`).
    Property(&'a Parameter, String),
    /// The source's cookie parameters, as one `Cookie` header.
    Cookies,
    /// The request body.
    Body,
    /// A path template variable the document declares no parameter for: any text.
    Undeclared,
}

impl<'a> Planner<'a> {
    /// Each source parameter's candidate values (`param:NAME:IN`) and the body's (`body`), each
    /// valid under the strict validator where one is.
    fn candidates(&self, schemas: &mut SourceSchemas) -> BTreeMap<String, Vec<Value>> {
        let mut found = BTreeMap::new();
        for parameter in &self.operation.parameters {
            let Some(schema) = &parameter.schema else {
                continue;
            };
            let list = valid_values(self.doc, schemas, schema);
            // A parameter cannot be null on the wire (it is left out), and a required one,
            // a path segment, a header or a cookie must show: an empty value does not.
            let list: Vec<Value> = list
                .into_iter()
                .filter(|v| !v.is_null())
                .filter(|v| {
                    let empty = [json!(""), json!([]), json!({})].contains(v);
                    !(empty && (parameter.required || parameter.location != "query"))
                })
                .collect();
            found.insert(key(parameter), list);
        }
        if let Some(media) = self.body_media() {
            let schema = self
                .operation
                .body
                .iter()
                .flat_map(|b| &b.media)
                .find(|(m, _)| *m == media)
                .and_then(|(_, s)| s.clone());
            let list = match schema {
                Some(schema) => valid_values(self.doc, schemas, &schema),
                None => vec![json!("body")],
            };
            found.insert("body".into(), list);
        }
        found
    }

    /// The source media type the body setter sends.
    fn body_media(&self) -> Option<String> {
        let body = self.operation.body.as_ref()?;
        let setter = self.method.setters.iter().find(|s| s.name == "body")?;
        let normalized_body = self
            .normalized_op
            .get("requestBody")
            .map(|b| follow(self.normalized, "#".into(), b).1.clone());
        let sent = normalized_body.as_ref().and_then(|b| {
            b.get(crate::normalize::bodies::CONTENT_TYPE)
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| b.get("content")?.as_object()?.keys().next().cloned())
        });
        let ty = setter.ty.replace(' ', "");
        let wanted = if ty.ends_with("multipart::Form") {
            Some("multipart/form-data".to_string())
        } else {
            sent
        };
        body.media
            .iter()
            .find(|(m, _)| {
                wanted
                    .as_deref()
                    .is_some_and(|w| agentrun_mock::media::media_matches(m, w))
            })
            .or(body.media.first())
            .map(|(m, _)| m.clone())
    }

    /// What each setter of the builder is set from.
    fn sources(&self) -> Vec<(&'a Setter, Source<'a>)> {
        let mut found = Vec::new();
        let parameters = self
            .normalized_op
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for setter in &self.method.setters {
            if setter.name == "body" && self.normalized_op.get("requestBody").is_some() {
                if self.operation.body.is_some() {
                    found.push((setter, Source::Body));
                }
                continue;
            }
            let Some(normalized) = parameters
                .iter()
                .map(|p| follow(self.normalized, "#".into(), p).1)
                .find(|p| {
                    p.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| rust_key(n) == rust_key(&setter.name))
                })
            else {
                continue;
            };
            let name = normalized
                .get("x-agentrun-wire-name")
                .or(normalized.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let location = normalized.get("in").and_then(Value::as_str).unwrap_or("");
            let direct = self
                .operation
                .parameters
                .iter()
                .find(|p| p.name == name && p.location == location);
            if direct.is_none() && location == "path" {
                found.push((setter, Source::Undeclared));
            } else if let Some(parameter) = direct {
                let as_text = normalized.pointer("/schema/type") == Some(&json!("string"));
                found.push((setter, Source::Parameter(parameter, as_text)));
            } else if location == "header" && name.eq_ignore_ascii_case("cookie") {
                found.push((setter, Source::Cookies));
            } else if let Some((base, property)) = name
                .strip_suffix(']')
                .and_then(|n| n.split_once('['))
                .and_then(|(base, property)| {
                    let parameter = self
                        .operation
                        .parameters
                        .iter()
                        .find(|p| p.name == base && p.location == location)?;
                    Some((parameter, property.to_string()))
                })
                .or_else(|| {
                    let parameter = self.operation.parameters.iter().find(|p| {
                        p.location == location
                            && p.style == "form"
                            && p.explode
                            && p.schema.is_some()
                    })?;
                    Some((parameter, name.to_string()))
                })
            {
                found.push((setter, Source::Property(base, property)));
            }
        }
        found
    }

    /// The values of variant `variant`: every parameter's fullest candidate in variant 0, its
    /// `variant`-th after that, optional ones left out in variant 1.
    fn values(
        &self,
        candidates: &BTreeMap<String, Vec<Value>>,
        variant: usize,
    ) -> std::result::Result<Map<String, Value>, String> {
        // Variant 0 sends the fullest value of each; variant k the k-th candidate in turn.
        let pick = |key: &str| {
            let list = candidates.get(key)?;
            if variant == 0 {
                return list.iter().max_by_key(|v| v.to_string().len()).cloned();
            }
            (!list.is_empty()).then(|| list[(variant - 1) % list.len()].clone())
        };
        let include = |parameter: &Parameter| parameter.required || variant != 1;
        let mut set = Map::new();
        for (setter, source) in self.sources() {
            let value = match source {
                Source::Parameter(parameter, as_text) => {
                    if !include(parameter) {
                        continue;
                    }
                    match pick(&key(parameter)) {
                        Some(value) if as_text => Value::String(styled(parameter, &value)),
                        Some(value) => value,
                        None if parameter.required => {
                            return Err(format!(
                                "no value of {} `{}` is valid",
                                parameter.location, parameter.name
                            ));
                        }
                        None => continue,
                    }
                }
                Source::Property(parameter, property) => {
                    if !include(parameter) {
                        continue;
                    }
                    match pick(&key(parameter)).and_then(|v| v.get(&property).cloned()) {
                        Some(value) => value,
                        None => continue,
                    }
                }
                Source::Cookies => {
                    let pairs: Vec<String> = self
                        .operation
                        .parameters
                        .iter()
                        .filter(|p| p.location == "cookie" && include(p))
                        .filter_map(|p| {
                            let value = pick(&key(p))?;
                            // An exploded object is a cookie per field, as in a query.
                            if let Value::Object(fields) = &value
                                && p.style == "form"
                                && p.explode
                                && !p.json
                            {
                                let each: Vec<String> = fields
                                    .iter()
                                    .map(|(k, v)| format!("{k}={}", text(v)))
                                    .collect();
                                return Some(each.join("; "));
                            }
                            Some(format!("{}={}", p.name, styled(p, &value)))
                        })
                        .collect();
                    if pairs.is_empty() {
                        continue;
                    }
                    Value::String(pairs.join("; "))
                }
                Source::Undeclared => json!("value"),
                // A builder always sends a body (a struct's builder starts from its default),
                // so a body no valid value is known for cannot be tried, required or not.
                Source::Body => match pick("body") {
                    Some(value) => value,
                    None => return Err("no value of the body is valid".into()),
                },
            };
            set.insert(setter.name.clone(), value);
        }
        Ok(set)
    }
}

/// A parameter's value written as its `style` and `explode` say, as the normalizer's note
/// tells a caller to when the client takes the parameter as a string: `a,b`, `k,v`, `k=v`,
/// `.a`, `;name=a`, or the JSON text of a `content` parameter.
fn styled(parameter: &Parameter, value: &Value) -> String {
    if parameter.json {
        return value.to_string();
    }
    let name = &parameter.name;
    let (prefix, separator) = match (parameter.style.as_str(), parameter.explode) {
        ("label", true) => (".".to_string(), "."),
        ("label", false) => (".".to_string(), ","),
        ("matrix", _) => (format!(";{name}="), ","),
        ("spaceDelimited", _) => (String::new(), " "),
        ("pipeDelimited", _) => (String::new(), "|"),
        _ => (String::new(), ","),
    };
    let body = match value {
        Value::Array(items) if parameter.style == "matrix" && parameter.explode => {
            let items: Vec<String> = items.iter().map(text).collect();
            return format!(";{name}={}", items.join(&format!(";{name}=")));
        }
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(separator),
        Value::Object(fields) if parameter.explode => fields
            .iter()
            .map(|(k, v)| format!("{k}={}", text(v)))
            .collect::<Vec<_>>()
            .join(separator),
        Value::Object(fields) => fields
            .iter()
            .flat_map(|(k, v)| [k.clone(), text(v)])
            .collect::<Vec<_>>()
            .join(separator),
        other => text(other),
    };
    format!("{prefix}{body}")
}

fn key(parameter: &Parameter) -> String {
    format!("param:{}:{}", parameter.name, parameter.location)
}

/// A name as its Rust identifier compares: letters and digits, lower case.
fn rust_key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The synthesized values of the schema at `schema` that the validator accepts (none when it
/// accepts none: the case is then reported as one no valid value could be found for).
fn valid_values(doc: &Value, schemas: &mut SourceSchemas, schema: &str) -> Vec<Value> {
    let Some(target) = schema.strip_prefix('#').and_then(|p| doc.pointer(p)) else {
        return Vec::new();
    };
    values(doc, target)
        .into_iter()
        .filter(|value| schemas.check(schema, value).is_ok_and(|e| e.is_empty()))
        .collect()
}

/// Builds every harness of the scratch workspace with one `cargo build`; each crate's result.
fn build(
    scratch: &Scratch,
    artifacts: &Path,
) -> Result<BTreeMap<String, std::result::Result<(), String>>> {
    let output = scratch
        .cargo(artifacts)
        .args([
            "build",
            "--workspace",
            "--examples",
            // Every tag's operations, whatever the crate turns on by default.
            "--features",
            crate::generate::features::FULL,
            "--keep-going",
            "--message-format=json",
            "--quiet",
        ])
        .output()
        .context("cannot run cargo")?;
    let mut results: BTreeMap<String, std::result::Result<(), String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let Some(name) = message["package_id"]
            .as_str()
            .or(message["manifest_path"].as_str())
            .and_then(package_name)
        else {
            continue;
        };
        match message["reason"].as_str() {
            Some("compiler-artifact") if message["target"]["kind"][0] == "example" => {
                results.entry(name).or_insert(Ok(()));
            }
            Some("compiler-message") if message["message"]["level"] == "error" => {
                let rendered = message["message"]["rendered"].as_str().unwrap_or_default();
                match results.entry(name).or_insert_with(|| Err(String::new())) {
                    Err(all) => all.push_str(rendered),
                    ok => *ok = Err(rendered.to_string()),
                }
            }
            _ => {}
        }
    }
    Ok(results)
}

/// The crate's name from a package id (`path+file:///.../crates/corpus-a#0.1.0`) or a
/// manifest path.
fn package_name(id: &str) -> Option<String> {
    let path = id.split('#').next()?;
    let path = path.strip_suffix("/Cargo.toml").unwrap_or(path);
    path.rsplit('/').next().map(str::to_string)
}

/// The server every harness talks to: it strips the case from the path, asks the case's
/// stand-in for the case's answer, and records the request with what the stand-in found.
fn serve(slots: Arc<Mutex<Vec<Slot>>>) -> TestServer {
    TestServer::start(move |request| {
        let Some(rest) = request.target.strip_prefix("/__case/") else {
            return Reply::text(404, "text/plain", "not a conformance case");
        };
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let Ok(number) = rest[..end].parse::<usize>() else {
            return Reply::text(404, "text/plain", "not a conformance case");
        };
        let (path, query) = rest[end..].split_once('?').unwrap_or((&rest[end..], ""));
        let wire = WireRequest {
            method: request.method.clone(),
            path: path.to_string(),
            query: query.to_string(),
            headers: request.headers.clone(),
            body: request.body.clone(),
        };
        let Ok(mut slots) = slots.lock() else {
            return Reply::Close;
        };
        let Some(slot) = slots.get_mut(number) else {
            return Reply::text(404, "text/plain", "no such case");
        };
        let reply = slot
            .stand_in
            .respond_as(slot.operation, &wire, slot.prefer.as_deref());
        slot.received.push((wire, reply.violations));
        Reply::Response {
            status: reply.status,
            headers: reply
                .content_type
                .into_iter()
                .map(|c| ("content-type".to_string(), c))
                .collect(),
            body: reply.body,
        }
    })
}

/// Runs a document's harness; its lines by case number, and why it stopped early when it did.
fn execute(
    plan: &Plan,
    artifacts: &Path,
    url: &str,
) -> Result<(BTreeMap<usize, Value>, Option<String>)> {
    let binary = artifacts.join("debug").join("examples").join(&plan.example);
    let output = std::process::Command::new(&binary)
        .arg(url)
        .arg(&plan.plan_file)
        .output()
        .with_context(|| format!("cannot run {}", binary.display()))?;
    let mut lines = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if let Ok(value) = serde_json::from_str::<Value>(line)
            && let Some(case) = value["case"].as_u64()
        {
            lines.insert(case as usize, value);
        }
    }
    let crashed = (!output.status.success()).then(|| {
        let stderr = crate::text::one_line(&String::from_utf8_lossy(&output.stderr));
        format!(
            "its harness stopped after {} of {} calls: {}",
            lines.len(),
            plan.cases.len(),
            stderr.chars().take(300).collect::<String>()
        )
    });
    Ok((lines, crashed))
}

fn judge(plan: &Plan, lines: &BTreeMap<usize, Value>, slots: &[Slot], report: &mut HttpReport) {
    let mut by_operation: BTreeMap<usize, Vec<Failure>> = BTreeMap::new();
    for (index, method) in plan.methods.iter().enumerate() {
        if method.is_none() {
            let label = &plan.operations[index].label;
            by_operation.entry(index).or_default().push(Failure {
                side: "request",
                kind: "not generated".into(),
                line: format!("request {label}: the client has no method for it"),
            });
        }
    }
    for (number, case) in &plan.cases {
        let operation = &plan.operations[case.operation];
        let failures = by_operation.entry(case.operation).or_default();
        let label = format!(
            "{} (case {}, request {})",
            operation.label,
            number,
            case.variant + 1
        );
        let mut fail = |side: &'static str, kind: &str, what: String| {
            failures.push(Failure {
                side,
                kind: kind.to_string(),
                line: format!("{side} {label}: {what}"),
            });
        };
        if let Some(why) = &case.unplanned {
            fail("request", NO_VALID_VALUE, why.clone());
            continue;
        }
        report.cases += 1;
        report.sent += usize::from(!slots[*number].received.is_empty());
        let line = lines.get(number).cloned().unwrap_or(Value::Null);
        let result = line["result"].as_str().unwrap_or("no line");
        let message = line["message"].as_str().unwrap_or("").to_string();
        let received = &slots[*number].received;
        match result {
            "unbuildable" => {
                fail(
                    "request",
                    "value the client cannot take",
                    format!("the client cannot take the documented value {message}"),
                );
                continue;
            }
            "invalid-request" => {
                fail("request", "refused by the client", message);
                continue;
            }
            _ if received.is_empty() => {
                fail(
                    "request",
                    "not sent",
                    format!("nothing arrived ({result}: {message})"),
                );
                continue;
            }
            _ => {}
        }
        if received.len() > 1 {
            fail(
                "request",
                "sent again",
                format!("{} requests arrived for one call", received.len()),
            );
        }
        for violation in received.iter().take(1).flat_map(|(_, found)| found) {
            fail("request", violation.kind, violation.to_string());
        }
        let Some(answer) = &case.answer else { continue };
        let status = answer.status;
        let success = (200..300).contains(&status);
        let what = format!("{status} ({}, {})", answer.documented, answer.what);
        match result {
            "ok" if success => {}
            "error-response" if !success => {}
            // A redirect without a `Location` is handed back as it came: all a client can do.
            "ok" | "error-response" | "unexpected" if (300..400).contains(&status) => {}
            "ok" => fail(
                "answer",
                "error read as success",
                format!("{what} was read as a success"),
            ),
            "error-response" => fail(
                "answer",
                "success read as error",
                format!("{what} was read as an error"),
            ),
            "invalid-payload" => fail(
                "answer",
                "does not parse",
                format!("{what} does not parse: {message}"),
            ),
            "unexpected" => fail(
                "answer",
                "status not expected",
                format!("{what} is documented, and the client does not expect it"),
            ),
            other => fail("answer", "not read", format!("{what}: {other}: {message}")),
        }
    }
    for index in 0..plan.operations.len() {
        let mut failures = by_operation.remove(&index).unwrap_or_default();
        // One line per distinct failure of an operation, the first case that showed it.
        let mut seen = std::collections::BTreeSet::new();
        failures.retain(|f| {
            let what = f
                .line
                .split_once("): ")
                .map_or(f.line.as_str(), |(_, what)| what);
            seen.insert((f.side, f.kind.clone(), what.to_string()))
        });
        let request_ok = !failures.iter().any(|f| f.side == "request");
        let answer_ok =
            !failures.iter().any(|f| f.side == "answer") && plan.methods[index].is_some();
        report.requests_passed += usize::from(request_ok);
        report.answers_passed += usize::from(answer_ok);
        report.passed += usize::from(request_ok && answer_ok);
        let operation = &plan.operations[index];
        let label = &operation.label;
        // A note names its operation (`GET /a: ...`) or a place inside it
        // (`#/paths/~1a/get/responses/200: ...`).
        let inside = format!(
            "#/paths/{}/{}/",
            escape_segment(&operation.path),
            operation.method.to_ascii_lowercase()
        );
        let noted = report
            .degraded
            .iter()
            .any(|note| note.starts_with(&format!("{label}:")) || note.starts_with(&inside));
        // A case no valid value is known for is the document's (its check reports it), not
        // a gap of the client.
        let client_failed =
            failures.iter().any(|f| f.kind != NO_VALID_VALUE) || plan.methods[index].is_none();
        if client_failed && !noted {
            report.unnoted.push(label.clone());
        }
        report.failures.extend(failures);
    }
}

/// The reports as text: each failure on its line (the first few per document), then a table
/// per document and the failure kinds with their counts.
pub fn render(reports: &[HttpReport], most_lines: usize) -> String {
    let mut out = String::new();
    for report in reports {
        if let Some(why) = &report.unrunnable {
            let _ = writeln!(out, "{}: not run: {why}", report.name);
        }
        for failure in report.failures.iter().take(most_lines) {
            let _ = writeln!(out, "{}: {}", report.name, failure.line);
        }
        if report.failures.len() > most_lines {
            let more = report.failures.len() - most_lines;
            let _ = writeln!(out, "{}: ... and {more} more", report.name);
        }
    }
    let _ = writeln!(
        out,
        "\n| document | operations | calls | requests pass | answers pass | both pass | \
         failing without a note |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    let mut totals = [0usize; 6];
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for report in reports {
        let row = [
            report.operations,
            report.cases,
            report.requests_passed,
            report.answers_passed,
            report.passed,
            report.unnoted.len(),
        ];
        let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
        let _ = writeln!(out, "| {} | {} |", report.name, cells.join(" | "));
        for (total, n) in totals.iter_mut().zip(row) {
            *total += n;
        }
        for failure in &report.failures {
            *kinds
                .entry(format!("{}: {}", failure.side, failure.kind))
                .or_default() += 1;
        }
    }
    let cells: Vec<String> = totals.iter().map(ToString::to_string).collect();
    let _ = writeln!(out, "| **all {}** | {} |", reports.len(), cells.join(" | "));
    if !kinds.is_empty() {
        let _ = writeln!(out, "\nFailures by kind (distinct per operation):");
        for (kind, count) in kinds {
            let _ = writeln!(out, "  {count:>5}  {kind}");
        }
    }
    out
}

/// A corpus document as a subject (a Swagger 2.0 one converted); named by its file name.
pub fn corpus_subject(document: &crate::checks::corpus::Document) -> Result<Subject> {
    let name = document
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| document.name.clone());
    let mut doc = crate::read::document::read(&document.path)?;
    if crate::normalize::swagger2::is_swagger2(&doc) {
        crate::normalize::swagger2::convert(&mut doc);
    }
    Ok(Subject {
        name,
        provider: document.provider(),
        doc,
    })
}

/// Each provider of the workspace as a subject: its spec with its overlay, as it generates.
pub fn provider_subjects(root: &Path) -> Result<Vec<Subject>> {
    let providers = crate::read::providers::Providers::load(root)?;
    let mut subjects = Vec::new();
    for provider in &providers.list {
        let (doc, _, origin) = crate::normalize::source_document(&providers, provider)?;
        let provider = Provider {
            spec: providers.path(&provider.spec),
            overlay: provider.overlay.as_ref().map(|o| providers.path(o)),
            ..provider.clone()
        };
        subjects.push(Subject {
            name: origin,
            provider,
            doc,
        });
    }
    Ok(subjects)
}
