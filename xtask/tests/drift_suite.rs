//! drift against a labelled suite nobody here wrote: oasdiff's checker pairs, in
//! `../shared/corpus/drift-oasdiff/` (or `$AGENTRUN_CORPUS/drift-oasdiff/`). Every scored pair
//! (labels but `warn`) gets the labelled verdict, except the pairs
//! `drift_suite/disagreements.json` lists, each with why. Where the suite is absent, the test
//! says so in one line and passes. `cargo xtask drift-suite` prints the same by category.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::Write;

use xtask::checks::drift::suite::{Label, judge, load};
use xtask::read::providers::workspace_root;

#[test]
fn drift_agrees_with_every_label_of_the_suite_but_the_listed_disagreements() {
    let root = workspace_root();
    let dir = match xtask::checks::corpus::set_dir(&root, "drift-oasdiff") {
        Ok(dir) => dir,
        Err(why) => {
            let _ = writeln!(std::io::stderr(), "skipped: {why}");
            return;
        }
    };
    let listed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("xtask/tests/drift_suite/disagreements.json")).unwrap(),
    )
    .unwrap();
    let listed: BTreeMap<String, String> = serde_json::from_value(listed["pairs"].clone()).unwrap();
    let pairs = load(&dir).unwrap();
    assert!(pairs.len() >= 200, "the suite holds {} pairs", pairs.len());
    for id in listed.keys() {
        assert!(
            pairs.iter().any(|p| &p.id == id),
            "disagreements.json lists {id}, which the suite does not have"
        );
    }
    let mut wrong = Vec::new();
    for pair in &pairs {
        let outcome = judge(pair);
        let found = match &outcome.found {
            Ok((label, fired)) => format!("{} {fired:?}", label.as_str()),
            Err(error) => panic!("{}: drift cannot judge it: {error}", pair.id),
        };
        if pair.expected == Label::Warn {
            continue;
        }
        match (outcome.agrees(), listed.get(&pair.id)) {
            (true, Some(_)) => wrong.push(format!(
                "{}: drift now agrees ({found}); remove it from disagreements.json",
                pair.id
            )),
            (false, None) => wrong.push(format!(
                "{} ({}): expected {}, drift says {found}",
                pair.id,
                pair.category,
                pair.expected.as_str()
            )),
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
