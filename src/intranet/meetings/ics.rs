//! The meeting as an iCalendar file (RFC 5545): one VEVENT with a UID stable per meeting,
//! SEQUENCE bumped by every change, STATUS:CANCELLED and METHOD:CANCEL once cancelled; text
//! escaped, lines folded at 75 octets (never inside a UTF-8 character), CRLF line ends.

use super::model::Meeting;

/// The UID: the same for every version of one meeting.
pub fn uid(id: u64) -> String {
    format!("meeting-{id}@gongkai")
}

/// `20261205T010000Z`
pub fn utc(ms: i64) -> String {
    let t = crate::clock::from_ms(ms);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// TEXT value escaping: backslash, semicolon, comma and line breaks.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded: no physical line longer than 75 octets (the leading space of a
/// continuation counts), each ending in CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0usize;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

/// The whole file.
pub fn calendar(m: &Meeting) -> String {
    let d = &m.details;
    let cancelled = m.is_cancelled();
    let mut description = d.agenda.clone();
    if !d.attendees.is_empty() {
        description.push_str(&format!("\n参会人员：{}", d.attendees));
    }
    description.push_str(&format!("\n发起：{} {}", m.sender_unit_name, m.sender_name));
    if let Some(r) = m.cancel_reason() {
        description.push_str(&format!("\n会议已取消：{r}"));
    }
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//gongkai//meetings//ZH".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!("METHOD:{}", if cancelled { "CANCEL" } else { "PUBLISH" }),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", uid(m.id)),
        format!("DTSTAMP:{}", utc(m.updated_ms)),
        format!("DTSTART:{}", utc(d.start_ms)),
        format!("DTEND:{}", utc(d.end_ms)),
        format!("SEQUENCE:{}", m.sequence),
        format!(
            "STATUS:{}",
            if cancelled { "CANCELLED" } else { "CONFIRMED" }
        ),
        format!("SUMMARY:{}", escape(&d.title)),
        format!("LOCATION:{}", escape(&d.place)),
        format!("DESCRIPTION:{}", escape(&description)),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    lines.iter().map(|l| fold(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text() {
        assert_eq!(escape("a\\b;c,d\ne\r\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
    }

    #[test]
    fn folds_at_75_octets_without_splitting_a_character() {
        let line = format!("DESCRIPTION:{}", "会议议程".repeat(30));
        let folded = fold(&line);
        assert!(folded.ends_with("\r\n"));
        for l in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        let back: String = folded.trim_end_matches("\r\n").split("\r\n ").collect();
        assert_eq!(back, line);
        assert_eq!(fold("SHORT:x"), "SHORT:x\r\n");
    }

    #[test]
    fn utc_form() {
        // 2026-12-05 09:00 Beijing time
        assert_eq!(utc(1_796_432_400_000), "20261205T010000Z");
    }
}
