//! `--all`: a list command followed through every page. An operation pages when it takes a
//! cursor parameter ([`CURSOR_PARAMETERS`]); each answer's list is its one array field, and
//! the next page's cursor the field [`NEXT_CURSOR_FIELDS`] names, until there is none. With
//! `--limit N`, N is the most items in all (each page asks for at most N). The items are
//! written as one list (NDJSON: an item a line), and no hint goes to stdout.

use agentrun::Error;
use agentrun::runtime::Operation;
use serde_json::{Map, Value};

use super::flags::{ALL, input};
use super::{Invocation, Outcome, connection};

/// The names of a cursor parameter an operation pages with.
pub(crate) const CURSOR_PARAMETERS: &[&str] = &[
    "cursor",
    "pageToken",
    "page_token",
    "startingAfter",
    "starting_after",
    "after",
];

/// The names of an answer's field that holds the next page's cursor.
const NEXT_CURSOR_FIELDS: &[&str] = &[
    "nextCursor",
    "next_cursor",
    "nextPageToken",
    "next_page_token",
    "cursor",
];

/// The most pages followed, so that a server that keeps answering a cursor cannot loop forever.
const MAX_PAGES: usize = 10_000;

/// The cursor parameter `operation` pages with, if it pages.
pub(crate) fn cursor_parameter(operation: &Operation) -> Option<&'static str> {
    operation
        .parameters
        .iter()
        .map(|p| p.name)
        .find(|name| CURSOR_PARAMETERS.contains(name))
}

/// Whether the command line asked for `--all`.
pub(crate) fn asked(flags: &clap::ArgMatches) -> bool {
    flags
        .try_get_one::<bool>(ALL)
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false)
}

/// Sends the operation page after page and writes every item.
pub(crate) async fn all_pages(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let operation = invocation.operation.ok_or_else(|| Error::Invalid {
        message: "--all needs a command that sends one operation".into(),
    })?;
    let cursor = cursor_parameter(operation).ok_or_else(|| Error::Invalid {
        message: format!(
            "{} takes no cursor, so it has no pages to follow",
            operation.label
        ),
    })?;
    let client = connection::client(&invocation)?;
    let first = input(invocation.provider, operation, invocation.flags, Map::new())?;
    let cap = limit(invocation.flags);
    let mut items = Vec::new();
    let mut next: Option<String> = None;
    for page in 1..=MAX_PAGES {
        let request = match &next {
            Some(cursor_value) => first
                .clone()
                .replace_parameter(cursor, cursor_value.clone()),
            None => first.clone(),
        };
        let answer = client.send_described(operation, &request).await?;
        let (list, following) = page_of(operation, &answer)?;
        items.extend(list);
        if cap.is_some_and(|cap| items.len() >= cap) {
            break;
        }
        match following {
            Some(cursor_value) if Some(&cursor_value) != next.as_ref() => next = Some(cursor_value),
            _ => break,
        }
        if page == MAX_PAGES {
            eprintln!("warning: stopped after {MAX_PAGES} pages; the list may go on");
        }
    }
    if let Some(cap) = cap {
        items.truncate(cap);
    }
    invocation.output.unrendered(&Value::Array(items))?;
    Ok(Outcome::Done)
}

/// `--limit`, when the operation has one and it was given.
fn limit(flags: &clap::ArgMatches) -> Option<usize> {
    flags
        .try_get_one::<i64>("limit")
        .ok()
        .flatten()
        .and_then(|n| usize::try_from(*n).ok())
}

/// A page's items (its one array field) and the next page's cursor.
fn page_of(operation: &Operation, answer: &Value) -> Result<(Vec<Value>, Option<String>), Error> {
    let unreadable = |why: &str| Error::Decode {
        operation: Some(operation.label.to_string()),
        message: format!("--all cannot follow this answer: {why}"),
    };
    let object = match answer {
        Value::Array(items) => return Ok((items.clone(), None)),
        Value::Object(object) => object,
        _ => return Err(unreadable("it is neither a list nor an object")),
    };
    let lists: Vec<&Vec<Value>> = object.values().filter_map(Value::as_array).collect();
    let [list] = lists.as_slice() else {
        return Err(unreadable("it has no one list field of items"));
    };
    let next = NEXT_CURSOR_FIELDS
        .iter()
        .find_map(|name| object.get(*name))
        .and_then(Value::as_str)
        .filter(|cursor| !cursor.is_empty())
        .map(str::to_string);
    Ok(((*list).clone(), next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_page_is_its_one_list_and_the_cursor_it_names() {
        let op = agentrun::buildprint::operations::find("listVersions").expect("in the spec");
        assert_eq!(cursor_parameter(op), Some("cursor"));
        let page = json!({"versions": [{"v": 1}, {"v": 2}], "nextCursor": "c2"});
        assert_eq!(
            page_of(op, &page).unwrap(),
            (vec![json!({"v": 1}), json!({"v": 2})], Some("c2".into()))
        );
        let last = json!({"versions": [], "nextCursor": null});
        assert_eq!(page_of(op, &last).unwrap(), (vec![], None));
        let two = json!({"a": [], "b": []});
        assert!(
            page_of(op, &two)
                .unwrap_err()
                .to_string()
                .contains("no one list field")
        );
    }
}
