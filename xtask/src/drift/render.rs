//! The three forms of a report: text for a terminal, Markdown for a pull request, JSON for
//! tools. Every string that comes from a document is escaped for the form it is written in.

use std::fmt::Write;

use serde_json::Value;

use super::{Change, Impact, Report};

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
        let bump = self.bump();
        let _ = writeln!(
            out,
            "\nVersion bump the generated crate needs: {} ({}).",
            bump.as_str(),
            bump.why()
        );
        out
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
        let bump = self.bump();
        let _ = writeln!(
            out,
            "\nVersion bump the generated crate needs: **{}** ({}).",
            bump.as_str(),
            bump.why()
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
        let report = serde_json::json!({
            "old": old,
            "new": new,
            "breaking": self.breaking(),
            "additive": self.changes.len() - self.breaking(),
            "bump": self.bump().as_str(),
            "changes": changes,
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
