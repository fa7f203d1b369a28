//! The answers a conformance run gives: for each status an operation documents, its examples
//! and values synthesized for its schema (each union branch, the least and the fullest object,
//! null where allowed), each valid under the strict validator, plus the first of them with a
//! field the document does not name (an API adds fields; a client must still read the answer).

use serde_json::Value;

use crate::SourceSchemas;
use crate::document::follow;
use crate::document::pointer;
use crate::media::is_json;
use crate::operations::{Response, SourceOperation};
use crate::synthesize::values;

/// How many answers one status gets at most.
const PER_STATUS: usize = 4;

/// The field added to an answer to show that unknown fields are read past.
pub const EXTRA_FIELD: &str = "agentrunExtraField";

/// One answer to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The status as documented (`200`, `4XX`, `default`).
    pub documented: String,
    /// `Content-Type`, when there is a body.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
    /// What the answer is: `example #/...`, `synthesized 2`, `with an unknown field`.
    pub what: String,
}

/// The answers for `operation`, status by status; and the statuses whose schema no valid
/// value could be found for (to report, not to send).
pub fn answers(
    doc: &Value,
    schemas: &mut SourceSchemas,
    operation: &SourceOperation,
) -> (Vec<Answer>, Vec<String>) {
    let listed: Vec<u16> = operation
        .responses
        .iter()
        .filter_map(|r| r.status.parse().ok())
        .collect();
    let mut found = Vec::new();
    let mut unanswerable = Vec::new();
    for response in &operation.responses {
        let Some(status) = concrete_status(&response.status, &listed) else {
            continue;
        };
        let before = found.len();
        if operation.method == "HEAD" || response.media.is_empty() || status == 204 || status == 304
        {
            found.push(Answer {
                status,
                documented: response.status.clone(),
                content_type: None,
                body: Vec::new(),
                what: "no body".into(),
            });
            continue;
        }
        status_answers(doc, schemas, response, status, &mut found);
        if found.len() == before {
            unanswerable.push(response.status.clone());
        }
    }
    (found, unanswerable)
}

/// A status code for a documented status: itself, the first of a range (`4XX` is 400) not
/// listed on its own, or for `default` an error status the operation does not list.
fn concrete_status(documented: &str, listed: &[u16]) -> Option<u16> {
    if let Ok(status) = documented.parse::<u16>() {
        return (200..600).contains(&status).then_some(status);
    }
    let candidates: Vec<u16> = match documented.to_ascii_uppercase().as_str() {
        "DEFAULT" => vec![500, 502, 503, 418, 599],
        range if range.len() == 3 && range.ends_with("XX") => {
            let class: u16 = range[..1].parse().ok().filter(|c| (2..6).contains(c))?;
            (class * 100..class * 100 + 100).collect()
        }
        _ => return None,
    };
    candidates.into_iter().find(|s| !listed.contains(s))
}

fn status_answers(
    doc: &Value,
    schemas: &mut SourceSchemas,
    response: &Response,
    status: u16,
    found: &mut Vec<Answer>,
) {
    // A JSON body if one is documented (the client reads JSON); else the first media type.
    let Some((media, schema)) = response
        .media
        .iter()
        .find(|(m, _)| is_json(m))
        .or(response.media.first())
    else {
        return;
    };
    let content_type = if media.contains('*') {
        if is_json(media) || media == "*/*" || media == "application/*" {
            "application/json".to_string()
        } else {
            media.replace('*', "plain")
        }
    } else {
        media.clone()
    };
    let json = is_json(&content_type);
    let mut candidates: Vec<(String, Value)> = Vec::new();
    let media_at = pointer(&pointer(&response.at, "content"), media);
    let holder = media_at
        .strip_prefix('#')
        .and_then(|p| doc.pointer(p))
        .unwrap_or(&Value::Null);
    if let Some(example) = holder.get("example") {
        candidates.push((format!("example {media_at}/example"), example.clone()));
    }
    for (name, example) in holder
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let at = pointer(&pointer(&media_at, "examples"), name);
        let (at, example) = follow(doc, at, example);
        if let Some(value) = example.get("value") {
            candidates.push((format!("example {at}"), value.clone()));
        }
    }
    let target = schema
        .as_deref()
        .and_then(|s| s.strip_prefix('#'))
        .and_then(|p| doc.pointer(p));
    if let Some(target) = target {
        for (i, value) in values(doc, target).into_iter().enumerate() {
            candidates.push((format!("synthesized value {}", i + 1), value));
        }
    } else if candidates.is_empty() {
        candidates.push((
            "a body without a schema".into(),
            Value::String("text".into()),
        ));
    }
    let mut chosen: Vec<(String, Value)> = Vec::new();
    for (what, value) in candidates {
        if chosen.len() == PER_STATUS - 1 {
            break;
        }
        if chosen.iter().any(|(_, v)| *v == value) {
            continue;
        }
        let valid = match schema {
            Some(schema) => schemas.check(schema, &value).is_ok_and(|e| e.is_empty()),
            None => true,
        };
        if valid {
            chosen.push((what, value));
        }
    }
    // An API adds fields; a client must still read the answer.
    let extended = chosen.iter().find_map(|(_, value)| {
        let mut value = value.clone();
        let object = value.as_object_mut()?;
        object.insert(EXTRA_FIELD.into(), Value::Bool(true));
        let schema = schema.as_deref()?;
        schemas
            .check(schema, &value)
            .is_ok_and(|e| e.is_empty())
            .then_some(value)
    });
    if let Some(value) = extended {
        chosen.push(("with a field the document does not name".into(), value));
    }
    for (what, value) in chosen {
        let body = match (&value, json) {
            (Value::String(text), false) => text.clone().into_bytes(),
            (other, _) => other.to_string().into_bytes(),
        };
        found.push(Answer {
            status,
            documented: response.status.clone(),
            content_type: Some(content_type.clone()),
            body,
            what,
        });
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::operations::source_operations;

    #[test]
    fn each_status_gets_valid_answers_and_one_with_an_unknown_field() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
            "/a": {"get": {"responses": {
                "200": {"content": {"application/json": {
                    "schema": {"type": "object", "required": ["id"],
                               "properties": {"id": {"type": "string"}, "n": {"type": "integer"}}},
                    "example": {"id": "from the example"}}}},
                "204": {"description": "none"},
                "default": {"content": {"application/problem+json": {"schema": {
                    "type": "object", "additionalProperties": false,
                    "properties": {"title": {"type": "string"}}}}}}}}}}});
        let mut schemas = SourceSchemas::new(&doc, "doc").unwrap();
        let operation = &source_operations(&doc)[0];
        let (found, unanswerable) = answers(&doc, &mut schemas, operation);
        assert!(unanswerable.is_empty());
        let ok: Vec<&Answer> = found.iter().filter(|a| a.status == 200).collect();
        assert_eq!(ok[0].body, br#"{"id":"from the example"}"#);
        assert!(
            ok.iter()
                .any(|a| String::from_utf8_lossy(&a.body).contains(EXTRA_FIELD))
        );
        assert!(found.iter().any(|a| a.status == 204 && a.body.is_empty()));
        let errors: Vec<&Answer> = found.iter().filter(|a| a.documented == "default").collect();
        assert_eq!(errors[0].status, 500);
        assert_eq!(
            errors[0].content_type.as_deref(),
            Some("application/problem+json")
        );
        // `additionalProperties: false` refuses the unknown field, so none is sent.
        assert!(
            errors
                .iter()
                .all(|a| !String::from_utf8_lossy(&a.body).contains(EXTRA_FIELD))
        );
    }

    #[test]
    fn ranges_and_default_become_statuses_the_operation_does_not_list() {
        assert_eq!(concrete_status("4XX", &[400]), Some(401));
        assert_eq!(concrete_status("default", &[500]), Some(502));
        assert_eq!(concrete_status("201", &[]), Some(201));
        assert_eq!(concrete_status("1XX", &[]), None);
        assert_eq!(concrete_status("x-foo", &[]), None);
    }
}
