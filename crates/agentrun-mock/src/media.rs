//! Media types: their essence, which ones are JSON, and ranges (`application/*`).

/// A media type without its parameters, in lowercase (`Application/JSON; charset=utf-8` →
/// `application/json`).
pub fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type is JSON: `application/json`, a `+json` one, or another `/json` one.
pub fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json" || essence.ends_with("+json") || essence.ends_with("/json")
}

/// Whether `offered` (a media type, perhaps a range like `application/*`) is admitted by the
/// range `wanted` (from an `Accept` or a document: `*/*`, `text/*`, `application/json`).
/// Parameters are left aside.
pub fn media_matches(wanted: &str, offered: &str) -> bool {
    let (wanted, offered) = (essence(wanted), essence(offered));
    let split = |m: &str| {
        let (kind, sub) = m.split_once('/').unwrap_or((m, ""));
        (kind.to_string(), sub.to_string())
    };
    let ((wk, ws), (ok, os)) = (split(&wanted), split(&offered));
    (wk == "*" || ok == "*" || wk == ok) && (ws == "*" || os == "*" || ws == os)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_ranges_match_either_way() {
        assert!(media_matches("*/*", "application/json"));
        assert!(media_matches("application/*", "application/problem+json"));
        assert!(media_matches(
            "application/json; charset=utf-8",
            "application/json"
        ));
        assert!(!media_matches(
            "application/json",
            "application/problem+json"
        ));
        assert!(media_matches("application/json", "application/*"));
    }
}
