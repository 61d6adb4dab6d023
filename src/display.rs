//! Making user data safe to print: plan text, ids and file contents may hold
//! control characters (a stray `ESC [2J` clears the screen, `ESC ] 0;` sets
//! the window title). [`clean`] shows them as visible symbols instead.

use std::borrow::Cow;

/// Whether printing `c` could drive the terminal rather than show a glyph.
fn is_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character except newline and tab replaced by a
/// visible stand-in: C0 controls by their Unicode "control picture" (␛ for
/// ESC, ␍ for CR), others by `\u{…}`. Unchanged text is not copied.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_control(c) {
            out.push(c);
        } else if (c as u32) < 0x20 {
            out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'));
        } else if c == '\u{7f}' {
            out.push('\u{2421}');
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

/// Like [`clean`] for one line: newlines and tabs become spaces too.
pub fn clean_line(text: &str) -> Cow<'_, str> {
    let cleaned = clean(text);
    if cleaned.contains(['\n', '\t']) {
        Cow::Owned(cleaned.replace(['\n', '\t'], " "))
    } else {
        cleaned
    }
}

/// Like [`clean`], but every control character becomes `?` repeated to its
/// own byte length, so byte offsets into the text stay valid (for carets
/// under a source line). Line ends (`\n`, `\r`) and tabs are kept.
pub fn clean_same_len(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_control(c) && c != '\r') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_control(c) && c != '\r' {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether `text` holds a character [`clean`] would replace.
pub fn has_control(text: &str) -> bool {
    text.chars().any(is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(clean("\u{1b}]0;PWNED\u{7}x"), "␛]0;PWNED␇x");
        assert_eq!(clean("\u{1b}[2J"), "␛[2J");
        assert_eq!(clean("a\u{9b}b"), "a\\u{9b}b");
        assert!(matches!(clean("plain\ntext\té"), Cow::Borrowed(_)));
        assert_eq!(clean_line("a\nb\r"), "a b␍");
        let t = "x\u{1b}[2J\u{9b}y\r\n";
        assert_eq!(clean_same_len(t).len(), t.len());
        assert_eq!(clean_same_len(t), "x?[2J??y\r\n");
    }
}
