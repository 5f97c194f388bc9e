//! Mentions in a chat message's text (chat §5.1): `@alice`, `@"alice smith"`,
//! `@"guest/<sha1>"`, `@"group/<gid>"`, `@all`. Found with the rules of Nextcloud's
//! `Comment::getMentions`, without a regular expression engine.

/// What a mention names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MentionKind {
    /// A user id (also `all`, which the renderer treats specially).
    User,
    /// A guest, by the hex id after `guest/`.
    Guest,
    /// A group, by the id after `group/`.
    Group,
    /// A team or a federated user: recognised, never resolved here.
    Other,
}

/// One distinct mention: what it names, the id, and the text after `@` as written (with its
/// quotes, if quoted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub kind: MentionKind,
    pub id: String,
    pub written: String,
}

/// Characters of an unquoted mention (case-insensitive ASCII).
fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '@' | '.' | '\'')
}

/// Characters of a quoted mention without a prefix.
fn is_quoted(c: char) -> bool {
    is_plain(c) || c == ' '
}

/// Characters after `group/`, `team/`, `user/` (and `federated_` forms) inside quotes.
fn is_prefixed(c: char) -> bool {
    is_quoted(c) || matches!(c, '/' | ':')
}

/// Whether an `@` may start a mention after `previous` (`\B(?<![^a-z0-9_\-@\.\'\s])`): at the
/// start, or after white space, `-`, `@`, `.` or `'`.
fn may_start_after(previous: Option<char>) -> bool {
    previous.is_none_or(|c| c.is_whitespace() || matches!(c, '-' | '@' | '.' | '\''))
}

/// The mention starting right after an `@`, if any.
fn mention_at(rest: &str) -> Option<Mention> {
    if let Some(quoted) = rest.strip_prefix('"') {
        let end = quoted.find('"')?;
        let inner = &quoted[..end];
        let written = format!("\"{inner}\"");
        let lower = inner.to_ascii_lowercase();
        if let Some(id) = lower.strip_prefix("guest/") {
            let valid = !id.is_empty() && id.chars().all(|c| c.is_ascii_hexdigit());
            return valid.then(|| Mention {
                kind: MentionKind::Guest,
                id: inner["guest/".len()..].to_string(),
                written,
            });
        }
        for (prefix, kind) in [
            ("group/", MentionKind::Group),
            ("federated_group/", MentionKind::Other),
            ("team/", MentionKind::Other),
            ("federated_team/", MentionKind::Other),
            ("user/", MentionKind::User),
            ("federated_user/", MentionKind::Other),
        ] {
            if lower.starts_with(prefix) {
                let id = &inner[prefix.len()..];
                return (!id.is_empty() && id.chars().all(is_prefixed)).then(|| Mention {
                    kind,
                    id: id.to_string(),
                    written,
                });
            }
        }
        return (!inner.is_empty() && inner.chars().all(is_quoted)).then(|| Mention {
            kind: MentionKind::User,
            id: inner.to_string(),
            written,
        });
    }
    let end = rest.find(|c: char| !is_plain(c)).unwrap_or(rest.len());
    let id = &rest[..end];
    (!id.is_empty()).then(|| Mention {
        kind: MentionKind::User,
        id: id.to_string(),
        written: id.to_string(),
    })
}

/// Every distinct mention in `text`, longest first (chat §5.1).
pub fn find_mentions(text: &str) -> Vec<Mention> {
    let mut found: Vec<Mention> = Vec::new();
    let mut previous = None;
    for (index, c) in text.char_indices() {
        if c == '@'
            && may_start_after(previous)
            && let Some(mention) = mention_at(&text[index + 1..])
            && !found.iter().any(|m| m.written == mention.written)
        {
            found.push(mention);
        }
        previous = Some(c);
    }
    found.sort_by_key(|m| std::cmp::Reverse(m.written.len()));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<(MentionKind, String)> {
        find_mentions(text).into_iter().map(|m| (m.kind, m.id)).collect()
    }

    #[test]
    fn plain_and_quoted_user_mentions() {
        assert_eq!(ids("hi @alice"), [(MentionKind::User, "alice".into())]);
        assert_eq!(
            ids("@\"alice smith\" and @bob."),
            [
                (MentionKind::User, "alice smith".into()),
                (MentionKind::User, "bob.".into())
            ]
        );
        assert_eq!(ids("@all please"), [(MentionKind::User, "all".into())]);
    }

    #[test]
    fn prefixed_mentions() {
        assert_eq!(ids("@\"guest/0a1b\""), [(MentionKind::Guest, "0a1b".into())]);
        assert_eq!(ids("@\"group/admins\""), [(MentionKind::Group, "admins".into())]);
        assert_eq!(ids("@\"guest/xyz\""), []);
    }

    #[test]
    fn not_a_mention_inside_a_word_or_an_address() {
        assert_eq!(ids("mail me at bob@example.com"), []);
        assert_eq!(ids("x@alice"), []);
        assert_eq!(ids("@"), []);
        assert_eq!(ids("@ alice"), []);
        assert_eq!(ids("(@alice)"), []);
    }

    #[test]
    fn distinct_and_longest_first() {
        let found = find_mentions("@al @alice @al");
        assert_eq!(
            found.iter().map(|m| m.written.as_str()).collect::<Vec<_>>(),
            ["alice", "al"]
        );
    }

    #[test]
    fn any_text_is_safe() {
        for text in [
            "@\"",
            "@\"\"",
            "@\"unterminated",
            "é@é",
            "@@@",
            "\u{0}@\u{0}",
            "@\"group/\"",
        ] {
            let _ = find_mentions(text);
        }
    }
}
