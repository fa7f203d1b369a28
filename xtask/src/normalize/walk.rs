//! The walks over an OpenAPI document every stage shares: every operation with its path and
//! method ([`operations`], [`for_each_operation`]), and every Schema Object wherever it is
//! nested (that walk lives in `agentrun-mock`, which the emulator shares).

use serde_json::{Map, Value};

pub use agentrun_mock::document::{
    METHODS, SCHEMA_PREFIX, Visit, component, component_ref, for_each_schema, merge_member,
    ref_name, referenced_schemas, required_names, walk_schema,
};

/// Every operation of a document: `(path, method, operation)`, in document order.
pub fn operations(doc: &Value) -> Vec<(&str, &str, &Map<String, Value>)> {
    let mut found = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method).and_then(Value::as_object) {
                    found.push((path.as_str(), method, op));
                }
            }
        }
    }
    found
}

/// A visitor over operations: the path, the method and the Operation Object.
pub type OperationVisit<'a> = dyn FnMut(&str, &str, &mut Map<String, Value>) + 'a;

/// Calls `visit` on every operation of the document with its path and method, in document
/// order.
pub fn for_each_operation(doc: &mut Value, visit: &mut OperationVisit<'_>) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            if let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) {
                visit(path, method, op);
            }
        }
    }
}

/// The schema a `$ref` chain (and single-branch `allOf`s) ends at, within `doc`.
pub fn resolve_schema<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let mut current = schema;
    for _ in 0..32 {
        if let Some(reference) = current
            .get("$ref")
            .and_then(Value::as_str)
            .filter(|reference| ref_name(reference).is_some())
        {
            match component(doc, reference) {
                Some(target) => current = target,
                None => return current,
            }
        } else if let Some([only]) = current
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            current = only;
        } else {
            return current;
        }
    }
    current
}
