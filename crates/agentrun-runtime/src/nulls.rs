//! Body fields sent as `null` on request, for the generated builders' `null_fields`.

use serde::Serialize;
use serde_json::Value;

/// `body` as JSON, with each of `nulls` set to `null`; an error, before anything is sent, for a
/// name the document does not let be `null` (`allowed`) or a body that is not an object.
///
/// ```
/// use serde_json::json;
///
/// let body = json!({"name": "n", "size": 3});
/// let sent = agentrun_runtime::with_nulls(&body, &["size".into()], &["size"]).unwrap();
/// assert_eq!(sent, json!({"name": "n", "size": null}));
/// let refused = agentrun_runtime::with_nulls(&body, &["name".into()], &["size"]).unwrap_err();
/// assert_eq!(refused, "the body's `name` cannot be sent as null: the document lets only `size` be null");
/// ```
pub fn with_nulls<T: Serialize + ?Sized>(
    body: &T,
    nulls: &[String],
    allowed: &[&str],
) -> Result<Value, String> {
    let mut value = serde_json::to_value(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    if nulls.is_empty() {
        return Ok(value);
    }
    let Value::Object(fields) = &mut value else {
        return Err("the body is not an object, so none of its fields can be null".into());
    };
    for name in nulls {
        if !allowed.contains(&name.as_str()) {
            let listed: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
            return Err(format!(
                "the body's `{name}` cannot be sent as null: the document lets only {} be null",
                listed.join(", ")
            ));
        }
        fields.insert(name.clone(), Value::Null);
    }
    Ok(value)
}
