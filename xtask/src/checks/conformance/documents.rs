//! The document side of a conformance run: every example a document gives, and the values
//! synthesized for every request and answer it describes, held against the document itself
//! by the strict validator. What fails here fails on the wire against any validating server
//! (Prism, the API's own), whatever the client does.

use std::fmt::Write as _;

use anyhow::Result;
use serde_json::Value;

use super::synthesize::values;
use super::{SourceSchemas, examples};
use crate::normalize::walk::operations;
use crate::read::document::pointer;

/// What one document's check found.
#[derive(Debug, Clone, Default)]
pub struct DocumentReport {
    /// The document, as named in messages.
    pub name: String,
    /// Examples held against their schemas.
    pub examples: usize,
    /// Request and answer schemas values were synthesized for.
    pub schemas: usize,
    /// Schemas with a synthesized value the validator accepts.
    pub schemas_with_a_valid_value: usize,
    /// One line per failure: where, and what the validator says.
    pub failures: Vec<String>,
    /// Why the document could not be checked at all.
    pub unreadable: Option<String>,
}

/// Checks one document (Swagger 2.0 is read as the OpenAPI 3.0 it converts to).
pub fn check(mut doc: Value, name: &str) -> DocumentReport {
    let mut report = DocumentReport {
        name: name.to_string(),
        ..DocumentReport::default()
    };
    if crate::normalize::swagger2::is_swagger2(&doc) {
        crate::normalize::swagger2::convert(&mut doc);
    }
    if let Err(error) = fill(&doc, &mut report) {
        report.unreadable = Some(crate::text::one_line(&format!("{error:#}")));
    }
    report
}

fn fill(doc: &Value, report: &mut DocumentReport) -> Result<()> {
    let mut schemas = SourceSchemas::new(doc, &report.name)?;
    for example in examples(doc)? {
        report.examples += 1;
        // A schema no validator can be built for (a reference to nothing) is one failure.
        let errors = schemas
            .check(&example.schema, &example.value)
            .unwrap_or_else(|e| vec![format!("{e:#}")]);
        for error in errors {
            report.failures.push(format!(
                "example {}: {}",
                example.at,
                crate::text::one_line(&error)
            ));
        }
    }
    for schema in request_and_answer_schemas(doc) {
        let Some(target) = schema
            .strip_prefix('#')
            .and_then(|pointer| doc.pointer(pointer))
        else {
            continue;
        };
        report.schemas += 1;
        let candidates = values(doc, target);
        let mut invalid = Vec::new();
        for value in &candidates {
            let errors = match schemas.check(&schema, value) {
                Ok(errors) => errors,
                Err(error) => {
                    invalid.push(crate::text::one_line(&format!("{error:#}")));
                    break;
                }
            };
            if let Some(first) = errors.first() {
                invalid.push(crate::text::one_line(first));
            }
        }
        if invalid.len() < candidates.len()
            && !invalid.iter().any(|e| e.contains("not a valid schema"))
        {
            report.schemas_with_a_valid_value += 1;
        } else {
            let why = invalid.first().cloned().unwrap_or_default();
            report
                .failures
                .push(format!("no value synthesized for {schema} is valid: {why}"));
        }
    }
    Ok(())
}

/// The pointer of every JSON request body and answer schema of every operation.
fn request_and_answer_schemas(doc: &Value) -> Vec<String> {
    let mut found = Vec::new();
    for (path, method, op) in operations(doc) {
        let at = pointer(&pointer("#/paths", path), method);
        let mut holders = Vec::new();
        if let Some(body) = op.get("requestBody") {
            holders.push((pointer(&at, "requestBody"), body));
        }
        let responses = op.get("responses").and_then(Value::as_object);
        for (status, response) in responses.into_iter().flatten() {
            holders.push((pointer(&pointer(&at, "responses"), status), response));
        }
        for (holder_at, holder) in holders {
            let (holder_at, holder) = super::follow(doc, holder_at, holder);
            let content = holder.get("content").and_then(Value::as_object);
            for (media, value) in content.into_iter().flatten() {
                if crate::normalize::bodies::is_json(media) && value.get("schema").is_some() {
                    let media_at = pointer(&pointer(&holder_at, "content"), media);
                    found.push(pointer(&media_at, "schema"));
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The reports as text: each document's failures, one line each, then a table.
pub fn render(reports: &[DocumentReport]) -> String {
    let mut out = String::new();
    for report in reports {
        if let Some(why) = &report.unreadable {
            let _ = writeln!(out, "{}: not checked: {why}", report.name);
        }
        for failure in &report.failures {
            let _ = writeln!(out, "{}: {failure}", report.name);
        }
    }
    let _ = writeln!(
        out,
        "\n| document | examples | invalid examples | schemas | with a valid value |\n|---|---:|---:|---:|---:|"
    );
    let (mut examples, mut invalid, mut schemas, mut valid) = (0, 0, 0, 0);
    for report in reports {
        // An example is invalid once, however many places in it are wrong.
        let mut bad: Vec<&str> = report
            .failures
            .iter()
            .filter_map(|f| f.strip_prefix("example "))
            .filter_map(|f| f.split(": ").next())
            .collect();
        bad.dedup();
        let bad = bad.len();
        let _ = writeln!(
            out,
            "| {} | {} | {bad} | {} | {} |",
            report.name, report.examples, report.schemas, report.schemas_with_a_valid_value
        );
        examples += report.examples;
        invalid += bad;
        schemas += report.schemas;
        valid += report.schemas_with_a_valid_value;
    }
    let _ = writeln!(
        out,
        "| **all** ({} documents) | {examples} | {invalid} | {schemas} | {valid} |",
        reports.len()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_document_s_examples_and_schemas_are_held_against_it() {
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}},
                    "example": {"n": "one"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"type": "string", "pattern": "^(?=.*#)[#]{3}$"}}}}}}}}});
        let report = check(doc, "doc.json");
        assert_eq!(report.examples, 1);
        assert_eq!(report.schemas, 2);
        assert_eq!(report.schemas_with_a_valid_value, 1);
        assert_eq!(report.failures.len(), 2, "{:?}", report.failures);
        assert!(
            report.failures[0].starts_with(
                "example #/paths/~1a/post/requestBody/content/application~1json/example: /n: "
            ),
            "{:?}",
            report.failures
        );
        assert!(
            report.failures[1].starts_with(
                "no value synthesized for #/paths/~1a/post/responses/200/content/application~1json/schema is valid"
            ),
            "{:?}",
            report.failures
        );
        let text = render(&[report]);
        assert!(text.contains("| doc.json | 1 | 1 | 2 | 1 |"), "{text}");
    }
}
