//! Error messages on one line.
//!
//! Every error edgegrad reports is one line, printed after the file's name. Some messages come
//! from other crates (decoders, the `.npy` header parser) or quote what a user typed, and those
//! may hold line breaks; [`one_line`] folds them.

use std::fmt::Display;

/// `text` on one line: each run of whitespace that holds a line break becomes one space, and
/// the ends are trimmed.
///
/// ```
/// use edgegrad::io::message::one_line;
/// assert_eq!(one_line("syntax error:\n  --> 1:12\n  |\n"), "syntax error: --> 1:12 |");
/// assert_eq!(one_line("two  spaces stay"), "two  spaces stay");
/// ```
pub fn one_line(text: impl Display) -> String {
    let text = text.to_string();
    let mut line = String::with_capacity(text.len());
    let mut gap = String::new();
    for c in text.chars() {
        if c.is_whitespace() {
            gap.push(c);
            continue;
        }
        if !gap.is_empty() {
            if !line.is_empty() {
                if gap.contains(['\n', '\r']) {
                    line.push(' ');
                } else {
                    line.push_str(&gap);
                }
            }
            gap.clear();
        }
        line.push(c);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn line_breaks_and_their_indentation_become_one_space() {
        assert_eq!(one_line("a\n\n   b\r\nc"), "a b c");
        assert_eq!(one_line("\n  lead and trail \n"), "lead and trail");
        assert_eq!(one_line("tab\tstays"), "tab\tstays");
        assert_eq!(one_line(""), "");
    }
}
