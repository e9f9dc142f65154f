//! Making untrusted text (from documents and fetched pages) safe to show: no escape sequences,
//! no control characters, no bidirectional overrides. Every output path goes through here.

/// Removes terminal escape sequences (CSI, OSC, 8-bit CSI), other control characters and
/// bidirectional overrides: page text is untrusted and may try to restyle a terminal or
/// disguise itself. Line breaks and tabs become spaces. The plain direction marks (LRM, RLM,
/// ALM) stay: Arabic and Urdu titles use them, and they cannot reorder text around them.
pub fn strip_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.peek() {
                Some('[') => {
                    chars.next();
                    skip_csi(&mut chars);
                }
                Some(']' | 'P' | '_' | '^' | 'X') => {
                    chars.next();
                    // A string sequence ends with BEL or ST (ESC \\).
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' || c == '\u{9c}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                Some(_) => {
                    chars.next();
                }
                None => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' => out.push(' '),
            c if c.is_control() => {}
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c => out.push(c),
        }
    }
    out
}

fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    // Parameters and intermediates, then one final byte in @..~.
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_escape_sequences_controls_and_overrides() {
        assert_eq!(strip_controls("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(strip_controls("x\u{1b}]8;;http://e.vil\u{7}link\u{1b}]8;;\u{7}y"), "xlinky");
        assert_eq!(strip_controls("t\u{202e}abc\u{0}\u{9b}31m"), "tabc");
        assert_eq!(strip_controls("“quoted” — dash\tand\nline"), "“quoted” — dash and line");
    }
}
