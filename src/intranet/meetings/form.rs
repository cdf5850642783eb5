//! The meeting form (sending and changing): its fields, reading them back with a message
//! beside each field, and the Beijing date and time each time field takes.

use maud::{Markup, html};

use super::model::Details;
use crate::views::form::{self, Field, FormState};

/// "2026-12-05T09:00" (what a `datetime-local` field sends) or "2026-12-05 09:00[:00]",
/// Beijing time, into UTC ms.
pub fn parse_time(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, time) = s.split_once(['T', ' '])?;
    let mut d = date.trim().split('-');
    let (y, mo, da) = (d.next()?, d.next()?, d.next()?);
    if d.next().is_some() || y.len() != 4 {
        return None;
    }
    let date = time::Date::from_calendar_date(
        y.parse().ok()?,
        time::Month::try_from(mo.parse::<u8>().ok()?).ok()?,
        da.parse().ok()?,
    )
    .ok()?;
    let mut t = time.trim().split(':');
    let (h, mi) = (t.next()?, t.next()?);
    let sec = match t.next() {
        Some(x) => x.parse().ok()?,
        None => 0,
    };
    if t.next().is_some() {
        return None;
    }
    let time = time::Time::from_hms(h.parse().ok()?, mi.parse().ok()?, sec).ok()?;
    Some(crate::clock::to_ms(
        time::PrimitiveDateTime::new(date, time).assume_offset(crate::clock::CST),
    ))
}

/// A time as the form shows it: "2026-12-05T09:00" (Beijing).
pub fn form_time(ms: i64) -> String {
    let t = crate::clock::from_ms(ms).to_offset(crate::clock::CST);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// A time as pages show it: "2026-12-05 09:00" (Beijing).
pub fn show_minutes(ms: i64) -> String {
    let s = crate::clock::show(ms);
    s.get(..16).unwrap_or(&s).to_owned()
}

/// The form's values for a meeting being changed.
pub fn values(d: &Details) -> FormState {
    FormState {
        values: vec![
            ("title".into(), d.title.clone()),
            ("start".into(), form_time(d.start_ms)),
            ("end".into(), form_time(d.end_ms)),
            ("place".into(), d.place.clone()),
            ("agenda".into(), d.agenda.clone()),
            ("attendees".into(), d.attendees.clone()),
            ("deadline".into(), form_time(d.deadline_ms)),
        ],
        ..Default::default()
    }
}

const TIME_HINT: &str = "北京时间，如 2026-12-05 09:00";

/// A labelled multi-line field with its message beside it.
pub fn textarea(name: &str, label: &str, hint: &str, rows: u32, fs: &FormState) -> Markup {
    let id = format!("f-{name}");
    let err = fs.error(name);
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-err");
    let described = match (err.is_some(), hint.is_empty()) {
        (true, false) => format!("{err_id} {hint_id}"),
        (true, true) => err_id.clone(),
        (false, false) => hint_id.clone(),
        (false, true) => String::new(),
    };
    html! {
        div.field.has-error[err.is_some()] {
            label for=(id) { (label) }
            @if !hint.is_empty() { p.hint id=(hint_id) { (hint) } }
            @if let Some(e) = err { p.error id=(err_id) role="alert" { (e) } }
            textarea id=(id) name=(name) rows=(rows) aria-invalid=[err.map(|_| "true")]
                aria-describedby=[(!described.is_empty()).then_some(described.as_str())] { (fs.value(name)) }
        }
    }
}

/// The meeting's own fields (the units are the picker's, on the send form only).
pub fn fields(fs: &FormState) -> Markup {
    html! {
        (form::field(&Field::new("title", "会议名称").hint("不超过 100 个字"), fs))
        (form::field(&Field::new("start", "开始时间").kind("datetime-local").hint(TIME_HINT), fs))
        (form::field(&Field::new("end", "结束时间").kind("datetime-local").hint(TIME_HINT), fs))
        (form::field(&Field::new("place", "会议地点").hint("如：区政府三楼第一会议室"), fs))
        (textarea("agenda", "会议议程", "每项一行", 6, fs))
        (form::field(&Field::new("attendees", "参会人员要求").hint("各单位都按这一要求派员，如：主要负责同志"), fs))
        (form::field(&Field::new("deadline", "回执截止时间").kind("datetime-local").hint("须早于开始时间；截止后不能再回执或修改回执"), fs))
    }
}

fn text(
    fs: &mut FormState,
    fields: &[(String, String)],
    key: &str,
    label: &str,
    max: usize,
) -> String {
    let v = get(fields, key).trim().to_owned();
    if v.is_empty() {
        fs.add_error(key, format!("请填写{label}"));
    } else if v.chars().count() > max {
        fs.add_error(key, format!("{label}不超过 {max} 个字"));
    }
    v
}

fn get<'a>(fields: &'a [(String, String)], key: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn time_field(
    fs: &mut FormState,
    fields: &[(String, String)],
    key: &str,
    label: &str,
) -> Option<i64> {
    let raw = get(fields, key);
    if raw.trim().is_empty() {
        fs.add_error(key, format!("请填写{label}"));
        return None;
    }
    let t = parse_time(raw);
    if t.is_none() {
        fs.add_error(key, format!("{label}格式不对，请按“2026-12-05 09:00”填写"));
    }
    t
}

/// The posted details, or the messages beside the fields (added to `fs`). `before` is the
/// meeting being changed: a deadline left as it was may already have passed.
pub fn read(
    fs: &mut FormState,
    fields: &[(String, String)],
    now_ms: i64,
    before: Option<&Details>,
) -> Option<Details> {
    let title = text(fs, fields, "title", "会议名称", 100);
    let start = time_field(fs, fields, "start", "开始时间");
    let end = time_field(fs, fields, "end", "结束时间");
    let place = text(fs, fields, "place", "会议地点", 100);
    let agenda = get(fields, "agenda").trim().replace("\r\n", "\n");
    if agenda.is_empty() {
        fs.add_error("agenda", "请填写会议议程");
    } else if agenda.chars().count() > 5_000 {
        fs.add_error("agenda", "会议议程不超过 5000 个字");
    }
    let attendees = text(fs, fields, "attendees", "参会人员要求", 100);
    let deadline = time_field(fs, fields, "deadline", "回执截止时间");
    if let (Some(s), Some(e)) = (start, end)
        && e <= s
    {
        fs.add_error("end", "结束时间须晚于开始时间");
    }
    if let Some(s) = start
        && s <= now_ms
        && before.is_none_or(|b| b.start_ms != s)
    {
        fs.add_error("start", "开始时间已经过去，请重新填写");
    }
    if let (Some(s), Some(d)) = (start, deadline)
        && d >= s
    {
        fs.add_error("deadline", "回执截止时间须早于会议开始时间");
    }
    if let Some(d) = deadline
        && d <= now_ms
        && before.is_none_or(|b| b.deadline_ms != d)
    {
        fs.add_error("deadline", "回执截止时间已经过去，请重新填写");
    }
    if fs.has_errors() {
        return None;
    }
    Some(Details {
        title,
        start_ms: start?,
        end_ms: end?,
        place,
        agenda,
        attendees,
        deadline_ms: deadline?,
    })
}

/// What changed, field by field: (field, before, after).
pub fn changes(a: &Details, b: &Details) -> Vec<(String, String, String)> {
    let short = |s: &str| {
        let one = s.replace('\n', " ");
        if one.chars().count() > 60 {
            format!("{}…", one.chars().take(60).collect::<String>())
        } else {
            one
        }
    };
    let pairs = [
        ("会议名称", a.title.clone(), b.title.clone()),
        (
            "开始时间",
            show_minutes(a.start_ms),
            show_minutes(b.start_ms),
        ),
        ("结束时间", show_minutes(a.end_ms), show_minutes(b.end_ms)),
        ("会议地点", a.place.clone(), b.place.clone()),
        ("会议议程", short(&a.agenda), short(&b.agenda)),
        ("参会人员要求", a.attendees.clone(), b.attendees.clone()),
        (
            "回执截止时间",
            show_minutes(a.deadline_ms),
            show_minutes(b.deadline_ms),
        ),
    ];
    let mut out: Vec<(String, String, String)> = pairs
        .into_iter()
        .filter(|(_, x, y)| x != y)
        .map(|(k, x, y)| (k.to_owned(), x, y))
        .collect();
    // An agenda changed past the first 60 characters still counts.
    if a.agenda != b.agenda && !out.iter().any(|(k, _, _)| k == "会议议程") {
        out.push(("会议议程".into(), "（原议程）".into(), "（已修改）".into()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_beijing_times() {
        let a = parse_time("2026-12-05T09:00").expect("parses");
        assert_eq!(parse_time("2026-12-05 09:00:00"), Some(a));
        assert_eq!(form_time(a), "2026-12-05T09:00");
        assert_eq!(crate::clock::show(a), "2026-12-05 09:00:00");
        for bad in [
            "",
            "2026-13-01T09:00",
            "2026-12-05",
            "明天 9 点",
            "2026-12-05T25:00",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}
