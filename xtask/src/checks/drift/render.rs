//! The three forms of a report: text for a terminal, Markdown for a pull request, JSON for
//! tools. Every string that comes from a document is escaped for the form it is written in.

use std::fmt::Write;

use serde_json::Value;

use super::{Change, CrateApi, Impact, Report, Wire};

/// How many API changes the text and Markdown reports list; JSON lists all.
const MOST_LISTED: usize = 40;

/// What the wire verdict means.
fn wire_why(wire: Wire) -> &'static str {
    match wire {
        Wire::Breaking => {
            "a client generated from the old document can fail against the new API; exit code 1"
        }
        Wire::Additive => "clients generated from the old document keep working",
        Wire::Unchanged => "no change a client can see",
    }
}

impl Report {
    /// The report as text, naming the two documents compared. Every string that comes from
    /// the documents is on one line, with control and direction characters and runs of three
    /// backticks (which would close a fence the text is pasted into) escaped.
    pub fn render(&self, old: &str, new: &str) -> String {
        let (old, new) = (safe_text(old), safe_text(new));
        let mut out = String::new();
        if self.changes.is_empty() {
            let _ = writeln!(out, "No API changes from {old} to {new}.");
        } else {
            let breaking = self.breaking();
            let additive = self.changes.len() - breaking;
            let _ = writeln!(
                out,
                "API drift from {old} to {new}: {breaking} breaking, {additive} additive."
            );
            for (impact, title, mark) in [
                (Impact::Breaking, "Breaking", '-'),
                (Impact::Additive, "Additive", '+'),
            ] {
                let group: Vec<&Change> =
                    self.changes.iter().filter(|c| c.impact == impact).collect();
                if group.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "\n{title}:");
                for change in group {
                    let _ = writeln!(
                        out,
                        "  {mark} {}: {} [{}]",
                        safe_text(&change.place),
                        safe_text(&change.what),
                        change.rule.id()
                    );
                    if !change.affects.is_empty() {
                        let _ = writeln!(
                            out,
                            "      at {}; affects {}",
                            safe_text(&change.pointer),
                            safe_text(&change.affects.join(", "))
                        );
                    }
                }
            }
        }
        self.render_api_text(&mut out);
        let _ = writeln!(
            out,
            "\nWire verdict: {} ({}).",
            self.wire().as_str(),
            wire_why(self.wire())
        );
        let _ = writeln!(
            out,
            "Version bump the generated crate needs: {} ({}).",
            self.bump().as_str(),
            safe_text(&self.bump_why())
        );
        out
    }

    /// The crate's API changes, as text: the first [`MOST_LISTED`].
    fn render_api_text(&self, out: &mut String) {
        let CrateApi::Compared(changes) = &self.api else {
            return;
        };
        if changes.is_empty() {
            let _ = writeln!(out, "\nThe generated crate's public API is unchanged.");
            return;
        }
        let _ = writeln!(
            out,
            "\nThe generated crate's public API: {}.",
            crate::generate::surface::plural(changes.len(), "change")
        );
        for change in changes.iter().take(MOST_LISTED) {
            let _ = writeln!(
                out,
                "  {:<5} {}: {}",
                change.bump.as_str(),
                safe_text(&change.item),
                safe_text(&change.what)
            );
        }
        if changes.len() > MOST_LISTED {
            let _ = writeln!(
                out,
                "  ... and {} more (`--format json` lists every one)",
                changes.len() - MOST_LISTED
            );
        }
    }

    /// The report as Markdown that is safe to paste into a pull request body: every string from
    /// the documents is escaped so it renders as the text it is (no markup, no links, no HTML,
    /// no fence it could close), one line each.
    pub fn render_markdown(&self, old: &str, new: &str) -> String {
        let (old, new) = (safe_markdown(old), safe_markdown(new));
        let mut out = String::new();
        let breaking = self.breaking();
        let additive = self.changes.len() - breaking;
        let _ = writeln!(out, "### API drift\n");
        if self.changes.is_empty() {
            let _ = writeln!(out, "No API changes from {old} to {new}.");
        } else {
            let _ = writeln!(
                out,
                "From {old} to {new}: **{breaking} breaking**, {additive} additive."
            );
            for (impact, title) in [
                (Impact::Breaking, "Breaking"),
                (Impact::Additive, "Additive"),
            ] {
                let group: Vec<&Change> =
                    self.changes.iter().filter(|c| c.impact == impact).collect();
                if group.is_empty() {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "\n#### {title}\n\n| Where | What changed | Rule | Operations it affects |\n|---|---|---|---|"
                );
                for change in group {
                    let _ = writeln!(
                        out,
                        "| {} | {} | `{}` | {} |",
                        safe_markdown(&change.place),
                        safe_markdown(&change.what),
                        change.rule.id(),
                        affects_markdown(change)
                    );
                }
            }
        }
        if let CrateApi::Compared(changes) = &self.api
            && !changes.is_empty()
        {
            let _ = writeln!(
                out,
                "\n#### The generated crate's public API\n\n| Bump | Item | What changed |\n|---|---|---|"
            );
            for change in changes.iter().take(MOST_LISTED) {
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {} |",
                    change.bump.as_str(),
                    change.item.replace(['`', '|'], ""),
                    safe_markdown(&change.what)
                );
            }
            if changes.len() > MOST_LISTED {
                let _ = writeln!(
                    out,
                    "\n{} more; `cargo xtask drift --format json` lists every one.",
                    changes.len() - MOST_LISTED
                );
            }
        }
        let _ = writeln!(
            out,
            "\nWire verdict: **{}** ({}).",
            self.wire().as_str(),
            wire_why(self.wire())
        );
        let _ = writeln!(
            out,
            "\nVersion bump the generated crate needs: **{}** ({}).",
            self.bump().as_str(),
            safe_markdown(&self.bump_why())
        );
        out
    }

    /// The report as JSON, for tools: the documents, the counts, the bump and every change.
    pub fn render_json(&self, old: &str, new: &str) -> String {
        let changes: Vec<Value> = self
            .changes
            .iter()
            .map(|c| {
                serde_json::json!({
                    "impact": match c.impact {
                        Impact::Breaking => "breaking",
                        Impact::Additive => "additive",
                    },
                    "rule": c.rule.id(),
                    "place": c.place,
                    "pointer": c.pointer,
                    "what": c.what,
                    "affects": c.affects,
                })
            })
            .collect();
        let api_changes: Vec<Value> = match &self.api {
            CrateApi::Compared(changes) => changes
                .iter()
                .map(|c| serde_json::json!({"bump": c.bump.as_str(), "item": c.item, "what": c.what}))
                .collect(),
            CrateApi::NotCompared | CrateApi::Failed(_) => Vec::new(),
        };
        let report = serde_json::json!({
            "old": old,
            "new": new,
            "wire": self.wire().as_str(),
            "breaking": self.breaking(),
            "additive": self.changes.len() - self.breaking(),
            "bump": self.bump().as_str(),
            "bump_from": match self.api {
                CrateApi::Compared(_) => "crate-api",
                CrateApi::NotCompared | CrateApi::Failed(_) => "wire-estimate",
            },
            "bump_why": self.bump_why(),
            "changes": changes,
            "api_changes": api_changes,
        });
        let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The operations a shared-schema change reaches, and where the schema is.
fn affects_markdown(change: &Change) -> String {
    if change.affects.is_empty() {
        return String::new();
    }
    format!(
        "{} (at {})",
        safe_markdown(&change.affects.join(", ")),
        safe_markdown(&change.pointer)
    )
}

/// A string from a document, for the text report: one line, control and direction characters
/// escaped, and no run of three backticks.
fn safe_text(text: &str) -> String {
    crate::text::one_line(text).replace("```", "`\\u{60}`")
}

/// A string from a document, for Markdown: one line, and every character Markdown or HTML
/// could read as markup escaped (backslash escapes, and entities for `<`, `>`, `&` and `|`).
fn safe_markdown(text: &str) -> String {
    let mut out = String::new();
    for c in crate::text::one_line(text).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' => out.push_str("&#124;"),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '.'
            | '!' | '~' | ':' | '@' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}
