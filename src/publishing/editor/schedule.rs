//! 定时发布: reading the requested time from the flow form. The `schedule` transition
//! (`portal::review::take`) records it; the scheduler in `jobs` publishes what falls due.

use crate::views::form::FormState;

/// `2026-11-26T15:30` (a datetime-local value, Beijing time) as UTC ms.
fn parse_local(s: &str) -> Option<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let fmt_s = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let t = time::PrimitiveDateTime::parse(s.trim(), &fmt)
        .or_else(|_| time::PrimitiveDateTime::parse(s.trim(), &fmt_s))
        .ok()?;
    Some(crate::clock::to_ms(t.assume_offset(crate::clock::CST)))
}

/// The scheduled time the form asks for; problems go next to the `publish_at` field.
pub fn parse_at(value: &str, now: i64, fs: &mut FormState) -> Option<i64> {
    match parse_local(value) {
        Some(at) if at > now + 60_000 => Some(at),
        Some(_) => {
            fs.add_error("publish_at", "定时发布时间须晚于当前时间至少一分钟");
            None
        }
        None => {
            fs.add_error("publish_at", "请填写定时发布的日期和时间");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_time_is_read_as_such() {
        let mut fs = FormState::default();
        let at = parse_at("2026-11-27T08:00", 0, &mut fs).unwrap();
        assert_eq!(crate::clock::show(at), "2026-11-27 08:00:00");
        assert!(parse_at("明天", 0, &mut fs).is_none());
        assert!(fs.error("publish_at").is_some());
        let mut fs = FormState::default();
        assert!(parse_at("2026-11-27T08:00", at, &mut fs).is_none());
    }
}
