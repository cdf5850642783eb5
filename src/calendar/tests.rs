//! Working-day counting against the 2025/2026 national schedules. Every expected date below was
//! counted by hand in the comment beside it (n = the working day's number).

use time::Date;
use time::macros::date;

use super::*;

fn cal() -> WorkCalendar {
    WorkCalendar::builtin()
}

fn pause(from: Date, until: Option<Date>, reason: &str) -> Pause {
    Pause {
        from,
        until,
        reason: reason.to_string(),
    }
}

// ---------- the built-in schedule ----------

#[test]
fn builtin_text_parses_and_covers_2025_and_2026_only() {
    let edit = CalendarEdit::parse(BUILTIN_TEXT).expect("built-in text parses");
    assert!(!edit.is_empty());
    let c = cal();
    assert_eq!(c.years().into_iter().collect::<Vec<_>>(), vec![2025, 2026]);
    assert!(!c.covers_year(2027));
}

#[test]
fn builtin_2025_days_off_and_make_up_days() {
    let c = cal();
    // Days off that are weekdays.
    for d in [
        date!(2025 - 01 - 01),
        date!(2025 - 01 - 28),
        date!(2025 - 02 - 04),
        date!(2025 - 04 - 04),
        date!(2025 - 05 - 05),
        date!(2025 - 06 - 02),
        date!(2025 - 10 - 01),
        date!(2025 - 10 - 08),
    ] {
        assert!(!c.is_workday(d), "{d} should be off");
    }
    // 调休上班: 1/26 Sun, 2/8 Sat, 4/27 Sun, 9/28 Sun, 10/11 Sat.
    for d in [
        date!(2025 - 01 - 26),
        date!(2025 - 02 - 08),
        date!(2025 - 04 - 27),
        date!(2025 - 09 - 28),
        date!(2025 - 10 - 11),
    ] {
        assert!(
            is_weekend(d) && c.is_workday(d),
            "{d} should be a make-up day"
        );
    }
    // Ordinary days keep the Mon–Fri rule.
    assert!(c.is_workday(date!(2025 - 10 - 09))); // Thu
    assert!(!c.is_workday(date!(2025 - 10 - 12))); // Sun
    assert!(!c.is_workday(date!(2025 - 02 - 09))); // Sun after the make-up Sat
    // Whole year: 365 days, 104 of them Sat/Sun (1/1 is a Wednesday, so 52 full weeks + Wed 12/31).
    // Weekday holidays: 1/1; 1/28–1/31, 2/3–2/4; 4/4; 5/1, 5/2, 5/5; 6/2; 10/1–10/3, 10/6–10/8
    // = 1 + 6 + 1 + 3 + 1 + 6 = 18. Make-up days: 5. So 365 − 104 − 18 + 5 = 248.
    assert_eq!(
        c.workdays_between(date!(2024 - 12 - 31), date!(2025 - 12 - 31)),
        248
    );
}

#[test]
fn builtin_2026_schedule() {
    let c = cal();
    // 元旦 1/1–1/3 (Thu–Sat), 1/4 Sun works.
    assert!(!c.is_workday(date!(2026 - 01 - 02)));
    assert!(c.is_workday(date!(2026 - 01 - 04)));
    // 春节 2/15 Sun – 2/23 Mon; 2/14 Sat and 2/28 Sat work.
    assert!(c.is_workday(date!(2026 - 02 - 14)));
    assert!(!c.is_workday(date!(2026 - 02 - 16)));
    assert!(!c.is_workday(date!(2026 - 02 - 23)));
    assert!(c.is_workday(date!(2026 - 02 - 24)));
    assert!(c.is_workday(date!(2026 - 02 - 28)));
    // 清明 4/4–4/6 (Mon 4/6 off); 劳动节 5/1–5/5, 5/9 Sat works.
    assert!(!c.is_workday(date!(2026 - 04 - 06)));
    assert!(!c.is_workday(date!(2026 - 05 - 05)));
    assert!(c.is_workday(date!(2026 - 05 - 09)));
    // 端午 6/19 Fri; 中秋 9/25 Fri; 国庆 10/1–10/7; 9/20 Sun and 10/10 Sat work.
    assert!(!c.is_workday(date!(2026 - 06 - 19)));
    assert!(!c.is_workday(date!(2026 - 09 - 25)));
    assert!(c.is_workday(date!(2026 - 09 - 20)));
    assert!(!c.is_workday(date!(2026 - 10 - 07)));
    assert!(c.is_workday(date!(2026 - 10 - 08)));
    assert!(c.is_workday(date!(2026 - 10 - 10)));
}

// ---------- add_workdays ----------

#[test]
fn twenty_workdays_across_national_day_2025() {
    // Received Fri 2025-09-26 (day 0, not counted).
    // 9/28 Sun 调休 (1), 9/29 Mon (2), 9/30 Tue (3), 10/1–10/8 off,
    // 10/9 Thu (4), 10/10 Fri (5), 10/11 Sat 调休 (6), 10/12 Sun off,
    // 10/13–10/17 (7–11), 10/20–10/24 (12–16), 10/27–10/30 (17–20) → Thu 2025-10-30.
    assert_eq!(
        cal().add_workdays(date!(2025 - 09 - 26), 20),
        date!(2025 - 10 - 30)
    );
    // Plain Mon–Fri arithmetic would say Fri 2025-10-24: the wrong answer.
    assert_eq!(
        WorkCalendar::empty().add_workdays(date!(2025 - 09 - 26), 20),
        date!(2025 - 10 - 24)
    );
}

#[test]
fn twenty_workdays_across_spring_festival_2025() {
    // Received Mon 2025-01-20.
    // 1/21–1/24 (1–4), 1/25 Sat off, 1/26 Sun 调休 (5), 1/27 Mon (6), 1/28–2/4 off,
    // 2/5 Wed (7), 2/6 (8), 2/7 (9), 2/8 Sat 调休 (10), 2/9 Sun off,
    // 2/10–2/14 (11–15), 2/17–2/21 (16–20) → Fri 2025-02-21.
    assert_eq!(
        cal().add_workdays(date!(2025 - 01 - 20), 20),
        date!(2025 - 02 - 21)
    );
}

#[test]
fn twenty_workdays_across_spring_festival_2026() {
    // Received Mon 2026-02-09.
    // 2/10–2/13 (1–4), 2/14 Sat 调休 (5), 2/15–2/23 off, 2/24–2/27 (6–9),
    // 2/28 Sat 调休 (10), 3/1 Sun off, 3/2–3/6 (11–15), 3/9–3/13 (16–20) → Fri 2026-03-13.
    assert_eq!(
        cal().add_workdays(date!(2026 - 02 - 09), 20),
        date!(2026 - 03 - 13)
    );
}

#[test]
fn twenty_workdays_across_the_year_end() {
    // Received Mon 2025-12-15.
    // 12/16–12/19 (1–4), 12/22–12/26 (5–9), 12/29–12/31 (10–12), 2026-01-01–01-03 off,
    // 1/4 Sun 调休 (13), 1/5–1/9 (14–18), 1/12 (19), 1/13 Tue (20) → 2026-01-13.
    assert_eq!(
        cal().add_workdays(date!(2025 - 12 - 15), 20),
        date!(2026 - 01 - 13)
    );
    // The next working day after New Year's Eve 2025 is the make-up Sunday 2026-01-04.
    assert_eq!(
        cal().add_workdays(date!(2025 - 12 - 31), 1),
        date!(2026 - 01 - 04)
    );
}

#[test]
fn zero_workdays_is_the_start_day_itself() {
    let c = cal();
    assert_eq!(
        c.add_workdays(date!(2025 - 10 - 09), 0),
        date!(2025 - 10 - 09)
    );
    // Even on a holiday.
    assert_eq!(
        c.add_workdays(date!(2025 - 10 - 01), 0),
        date!(2025 - 10 - 01)
    );
}

#[test]
fn start_day_never_counts_even_when_it_is_a_workday() {
    // Thu 2025-10-09 is a working day; 1 working day later is Fri 10/10.
    assert_eq!(
        cal().add_workdays(date!(2025 - 10 - 09), 1),
        date!(2025 - 10 - 10)
    );
}

#[test]
fn starting_on_a_holiday_or_weekend() {
    let c = cal();
    // Received Fri 2025-10-03 (国庆): off until 10/8; 10/9 (1), 10/10 (2), 10/11 Sat 调休 (3),
    // 10/13–10/17 (4–8), 10/20–10/24 (9–13), 10/27–10/31 (14–18), 11/3 Mon (19), 11/4 Tue (20).
    assert_eq!(
        c.add_workdays(date!(2025 - 10 - 03), 20),
        date!(2025 - 11 - 04)
    );
    // Received Sat 2025-03-01: first working day is Mon 3/3.
    assert_eq!(
        c.add_workdays(date!(2025 - 03 - 01), 1),
        date!(2025 - 03 - 03)
    );
}

#[test]
fn make_up_saturday_counts() {
    // Fri 2025-02-07 → the next working day is the make-up Saturday 2/8.
    assert_eq!(
        cal().add_workdays(date!(2025 - 02 - 07), 1),
        date!(2025 - 02 - 08)
    );
}

#[test]
fn long_holiday_across_a_month_end() {
    // Mon 2025-01-27 → 1/28–2/4 off (crosses January/February) → Wed 2/5.
    assert_eq!(
        cal().add_workdays(date!(2025 - 01 - 27), 1),
        date!(2025 - 02 - 05)
    );
    assert_eq!(
        cal().workdays_between(date!(2025 - 01 - 27), date!(2025 - 02 - 05)),
        1
    );
}

#[test]
fn workdays_between_matches_add_workdays() {
    let c = cal();
    let mut start = date!(2024 - 12 - 20);
    while start < date!(2026 - 12 - 31) {
        for n in [0, 1, 5, 15, 20, 40] {
            let end = c.add_workdays(start, n);
            assert_eq!(c.workdays_between(start, end), n, "start {start}, n {n}");
        }
        start = start.next_day().unwrap();
    }
    assert_eq!(
        c.workdays_between(date!(2025 - 10 - 30), date!(2025 - 09 - 26)),
        0
    );
    assert_eq!(
        c.workdays_between(date!(2025 - 09 - 26), date!(2025 - 09 - 26)),
        0
    );
}

// ---------- Clock: limits, extensions, pauses ----------

#[test]
fn clock_without_pauses_matches_add_workdays() {
    let clock = Clock::new(date!(2025 - 09 - 26), 20);
    assert_eq!(clock.deadline(&cal()), Deadline::Due(date!(2025 - 10 - 30)));
}

#[test]
fn clock_with_zero_limit_is_due_the_same_day() {
    let clock = Clock::new(date!(2025 - 10 - 01), 0);
    assert_eq!(clock.deadline(&cal()), Deadline::Due(date!(2025 - 10 - 01)));
    assert!(
        clock
            .explain(&cal())
            .iter()
            .any(|l| l.contains("应当场办理"))
    );
}

#[test]
fn extension_of_twenty_workdays() {
    // 20 days end Thu 2025-10-30 (see above); then 10/31 Fri (21), 11/3–11/7 (22–26),
    // 11/10–11/14 (27–31), 11/17–11/21 (32–36), 11/24–11/27 (37–40) → Thu 2025-11-27.
    let mut clock = Clock::new(date!(2025 - 09 - 26), 20);
    clock.extensions.push(Extension {
        workdays: 20,
        reason: "经工作机构负责人同意".into(),
    });
    assert_eq!(clock.total_workdays(), 40);
    assert_eq!(clock.deadline(&cal()), Deadline::Due(date!(2025 - 11 - 27)));
    let text = clock.explain(&cal()).join("\n");
    assert!(
        text.contains("延长20个工作日（经工作机构负责人同意）"),
        "{text}"
    );
    assert!(text.contains("合计：40个工作日"), "{text}");
}

#[test]
fn closed_pause_days_are_not_counted() {
    // Received Fri 2025-09-26; counted through Sat 10/11 (6, see above); Sun 10/12 off.
    // Pause Mon 10/13 – Fri 10/17 (third party): those 5 working days do not count.
    // 10/20–10/24 (7–11), 10/27–10/31 (12–16), 11/3–11/6 (17–20) → Thu 2025-11-06.
    let mut clock = Clock::new(date!(2025 - 09 - 26), 20);
    clock.pauses.push(pause(
        date!(2025 - 10 - 13),
        Some(date!(2025 - 10 - 17)),
        "征求第三方意见",
    ));
    assert_eq!(clock.deadline(&cal()), Deadline::Due(date!(2025 - 11 - 06)));
    let text = clock.explain(&cal()).join("\n");
    assert!(
        text.contains("2025年10月13日至10月17日暂停计时（征求第三方意见），其间5个工作日不计入"),
        "{text}"
    );
}

#[test]
fn pause_ends_are_inclusive_and_overlaps_count_once() {
    // One-day pause on Thu 10/9 (a working day): that day is not counted, so every later day
    // shifts by one: 20th working day moves from 10/30 to Fri 10/31.
    let mut one = Clock::new(date!(2025 - 09 - 26), 20);
    one.pauses.push(pause(
        date!(2025 - 10 - 09),
        Some(date!(2025 - 10 - 09)),
        "",
    ));
    assert_eq!(one.deadline(&cal()), Deadline::Due(date!(2025 - 10 - 31)));

    // Two overlapping pauses 10/13–10/15 and 10/14–10/17 cover 10/13–10/17 once:
    // same result as the single 10/13–10/17 pause above.
    let mut two = Clock::new(date!(2025 - 09 - 26), 20);
    two.pauses.push(pause(
        date!(2025 - 10 - 13),
        Some(date!(2025 - 10 - 15)),
        "a",
    ));
    two.pauses.push(pause(
        date!(2025 - 10 - 14),
        Some(date!(2025 - 10 - 17)),
        "b",
    ));
    assert_eq!(two.deadline(&cal()), Deadline::Due(date!(2025 - 11 - 06)));
}

#[test]
fn pause_during_a_holiday_takes_no_workdays() {
    // A pause 10/1–10/8 lies entirely in the 国庆 holiday: nothing changes.
    let mut clock = Clock::new(date!(2025 - 09 - 26), 20);
    clock.pauses.push(pause(
        date!(2025 - 10 - 01),
        Some(date!(2025 - 10 - 08)),
        "征求其他机关意见",
    ));
    assert_eq!(clock.deadline(&cal()), Deadline::Due(date!(2025 - 10 - 30)));
    let text = clock.explain(&cal()).join("\n");
    assert!(text.contains("其间没有需要扣除的工作日"), "{text}");
}

#[test]
fn pause_after_the_deadline_does_not_move_it() {
    let mut clock = Clock::new(date!(2025 - 09 - 26), 20);
    clock
        .pauses
        .push(pause(date!(2025 - 11 - 10), None, "晚到的暂停"));
    assert_eq!(clock.deadline(&cal()), Deadline::Due(date!(2025 - 10 - 30)));
}

#[test]
fn open_pause_leaves_the_deadline_unknown() {
    // Counted 6 working days through 10/11; paused from Mon 10/13 with no end yet.
    let mut clock = Clock::new(date!(2025 - 09 - 26), 20);
    clock
        .pauses
        .push(pause(date!(2025 - 10 - 13), None, "征求第三方意见"));
    let d = clock.deadline(&cal());
    assert_eq!(
        d,
        Deadline::Paused {
            since: date!(2025 - 10 - 13),
            counted: 6,
            remaining: 14
        }
    );
    assert_eq!(d.date(), None);
    let text = clock.explain(&cal()).join("\n");
    assert!(
        text.contains("自2025年10月13日（周一）起暂停计时（征求第三方意见），尚未恢复"),
        "{text}"
    );
    assert!(text.contains("已计6个工作日，尚余14个工作日"), "{text}");
    assert!(!text.contains("截止日期："), "{text}");

    // When the pause is closed on Fri 10/17, the date becomes known (Thu 2025-11-06, as above).
    clock.pauses[0].until = Some(date!(2025 - 10 - 17));
    assert_eq!(clock.deadline(&cal()).date(), Some(date!(2025 - 11 - 06)));
}

// ---------- recomputation when the calendar changes ----------

#[test]
fn changed_calendar_gives_a_new_deadline() {
    let clock = Clock::new(date!(2025 - 12 - 15), 20);
    // Without a 2026 schedule: 12/16–12/31 give 12 (see above), then 2026-01-01 Thu (13),
    // 1/2 Fri (14), 1/5–1/9 (15–19), 1/12 Mon (20) → 2026-01-12.
    let only_2025 = WorkCalendar::from_edit(
        &CalendarEdit::parse(
            &BUILTIN_TEXT
                .lines()
                .filter(|l| !l.starts_with("2026"))
                .collect::<Vec<_>>()
                .join("\n"),
        )
        .unwrap(),
    );
    assert!(!only_2025.covers_year(2026));
    assert_eq!(
        clock.deadline(&only_2025),
        Deadline::Due(date!(2026 - 01 - 12))
    );
    let warn = clock.explain(&only_2025).join("\n");
    assert!(warn.contains("尚未录入2026年的节假日安排"), "{warn}");

    // The admin enters the 2026 元旦 arrangement: 1/1–1/3 off, Sun 1/4 works.
    let edit =
        CalendarEdit::parse("2026-01-01~2026-01-03 休 元旦\n2026-01-04 班 元旦调休").unwrap();
    let updated = only_2025.with_years_replaced(&edit);
    assert!(updated.covers_year(2025) && updated.covers_year(2026));
    // Now: 12 by 12/31, 1/4 Sun (13), 1/5–1/9 (14–18), 1/12 (19), 1/13 (20) → 2026-01-13.
    assert_eq!(
        clock.deadline(&updated),
        Deadline::Due(date!(2026 - 01 - 13))
    );
    assert!(!clock.explain(&updated).join("\n").contains("尚未录入"));

    // An extra day off declared later (e.g. a correction) moves an open case again.
    let extra = updated.with_years_replaced(
        &CalendarEdit::parse(
            "2026-01-01~2026-01-03 休 元旦\n2026-01-04 班 元旦调休\n2026-01-13 休 临时调整",
        )
        .unwrap(),
    );
    assert_eq!(clock.deadline(&extra), Deadline::Due(date!(2026 - 01 - 14)));
}

#[test]
fn with_years_replaced_keeps_other_years() {
    let edit = CalendarEdit::parse("2026-10-01~2026-10-08 休 国庆节（更正）").unwrap();
    let c = cal().with_years_replaced(&edit);
    // 2025 untouched.
    assert!(c.is_workday(date!(2025 - 09 - 28)));
    // 2026 replaced entirely: the old 2026 make-up days are gone.
    assert!(!c.is_workday(date!(2026 - 02 - 14)));
    assert!(!c.is_workday(date!(2026 - 10 - 08)));
}

// ---------- explain ----------

#[test]
fn explain_names_skipped_holidays_and_counted_make_up_days() {
    let clock = Clock::new(date!(2025 - 09 - 26), 20);
    let lines = clock.explain(&cal());
    let text = lines.join("\n");
    assert_eq!(
        lines[0],
        "收到日期：2025年9月26日（周五）。当日不计入，自下一个工作日起算。"
    );
    assert_eq!(lines[1], "办理期限：20个工作日。");
    assert!(
        text.contains("2025年9月28日（周日）是调休上班日（国庆节、中秋节调休），计为第1个工作日。"),
        "{text}"
    );
    assert!(
        text.contains(
            "2025年10月1日至10月8日为国庆节、中秋节假期，共8天，不计入（其中6天原本是周一至周五）。"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "2025年10月11日（周六）是调休上班日（国庆节、中秋节调休），计为第6个工作日。"
        ),
        "{text}"
    );
    // Plain weekends: 9/27; 10/12; 10/18–19; 10/25–26 = 6 days.
    assert!(text.contains("周六、周日休息日共6天"), "{text}");
    assert_eq!(lines.last().unwrap(), "截止日期：2025年10月30日（周四）。");
    // Events are told in date order: the make-up day 9/28 before the holiday, before 10/11.
    let pos = |s: &str| text.find(s).unwrap();
    assert!(pos("2025年9月28日") < pos("2025年10月1日至"));
    assert!(pos("2025年10月1日至") < pos("2025年10月11日"));
}

#[test]
fn explain_across_spring_festival_and_year_end() {
    let lines = Clock::new(date!(2026 - 02 - 09), 20).explain(&cal());
    let text = lines.join("\n");
    assert!(
        text.contains(
            "2026年2月15日至2月23日为春节假期，共9天，不计入（其中6天原本是周一至周五）。"
        ),
        "{text}"
    );
    assert!(text.contains("计为第5个工作日"), "{text}"); // 2/14
    assert!(text.contains("计为第10个工作日"), "{text}"); // 2/28
    assert!(
        text.ends_with("截止日期：2026年3月13日（周五）。"),
        "{text}"
    );

    let text = Clock::new(date!(2025 - 12 - 15), 20)
        .explain(&cal())
        .join("\n");
    assert!(
        text.contains("2026年1月1日至1月3日为元旦假期，共3天，不计入（其中2天原本是周一至周五）。"),
        "{text}"
    );
}

#[test]
fn explain_warns_for_years_without_a_schedule() {
    let text = Clock::new(date!(2026 - 12 - 20), 20)
        .explain(&cal())
        .join("\n");
    assert!(text.contains("尚未录入2027年的节假日安排"), "{text}");
    assert!(!text.contains("尚未录入2026年"), "{text}");
}

// ---------- storage ----------

#[test]
fn calendar_serde_round_trip() {
    let c = cal();
    let json = serde_json::to_string(&c).unwrap();
    assert!(
        json.contains(r#"{"date":"2025-10-01","kind":"off","note":"国庆节、中秋节"}"#),
        "{json}"
    );
    assert!(
        json.contains(r#"{"date":"2025-09-28","kind":"work","note":"国庆节、中秋节调休"}"#),
        "{json}"
    );
    let back: WorkCalendar = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
    let empty: WorkCalendar = serde_json::from_str(r#"{"days":[]}"#).unwrap();
    assert_eq!(empty, WorkCalendar::empty());
}

#[test]
fn calendar_deserialization_keeps_the_invariants() {
    // A make-up working day on a weekday (2025-10-09 is a Thursday).
    let e =
        serde_json::from_str::<WorkCalendar>(r#"{"days":[{"date":"2025-10-09","kind":"work"}]}"#)
            .unwrap_err();
    assert!(e.to_string().contains("不能标为调休上班日"), "{e}");
    let e = serde_json::from_str::<WorkCalendar>(
        r#"{"days":[{"date":"2025-10-01","kind":"off"},{"date":"2025-10-01","kind":"off"}]}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("重复"), "{e}");
    assert!(
        serde_json::from_str::<WorkCalendar>(r#"{"days":[{"date":"2025-02-30","kind":"off"}]}"#)
            .is_err()
    );
}

#[test]
fn clock_serde_round_trip() {
    let mut clock = Clock::new(date!(2025 - 09 - 26), 20);
    clock.pauses.push(pause(
        date!(2025 - 10 - 13),
        Some(date!(2025 - 10 - 17)),
        "征求第三方意见",
    ));
    clock
        .pauses
        .push(pause(date!(2025 - 11 - 03), None, "征求其他机关意见"));
    clock.extensions.push(Extension {
        workdays: 20,
        reason: "延期答复".into(),
    });
    let json = serde_json::to_string(&clock).unwrap();
    let back: Clock = serde_json::from_str(&json).unwrap();
    assert_eq!(back, clock);
}

#[test]
fn text_round_trip() {
    let c = cal();
    let text = c.to_text();
    assert!(
        text.contains("2025-10-01~2025-10-08 休 国庆节、中秋节\n"),
        "{text}"
    );
    assert!(text.contains("2026-02-14 班 春节调休\n"), "{text}");
    assert!(text.contains("# 2026年\n"), "{text}");
    let back = WorkCalendar::from_edit(&CalendarEdit::parse(&text).unwrap());
    assert_eq!(back, c);
    assert_eq!(WorkCalendar::empty().to_text(), "");
}

#[test]
fn date_formatting() {
    assert_eq!(
        format_date_zh(date!(2025 - 10 - 01)),
        "2025年10月1日（周三）"
    );
    assert_eq!(
        format_range_zh(date!(2025 - 12 - 31), date!(2026 - 01 - 03)),
        "2025年12月31日至2026年1月3日"
    );
    assert_eq!(iso(date!(2026 - 01 - 04)), "2026-01-04");
}

#[test]
fn walk_names_every_day_up_to_the_result() {
    // Wed 2026-09-30 + 5: 10-01..07 国庆节 off, 08 Thu (1), 09 Fri (2), 10 Sat 调休 (3),
    // 11 Sun off, 12 Mon (4), 13 Tue (5).
    let w = cal().walk(date!(2026 - 09 - 30), 5);
    assert_eq!(w.len(), 13);
    assert_eq!(w[0].date, date!(2026 - 10 - 01));
    assert_eq!(w[0].counted, None);
    assert_eq!(w[0].why, "放假（国庆节）");
    let saturday = &w[9];
    assert_eq!(saturday.date, date!(2026 - 10 - 10));
    assert_eq!(saturday.counted, Some(3));
    assert_eq!(saturday.why, "调休上班（国庆节调休）");
    assert_eq!(w[10].why, "周末休息");
    assert_eq!(w[12].date, date!(2026 - 10 - 13));
    assert_eq!(w[12].counted, Some(5));
    assert_eq!(w[12].why, "工作日");
    assert!(cal().walk(date!(2026 - 09 - 30), 0).is_empty());
}

#[test]
fn missing_years_are_named_and_one_year_can_be_taken_apart() {
    let c = cal();
    assert!(
        c.missing_years(date!(2025 - 03 - 01), date!(2026 - 12 - 31))
            .is_empty()
    );
    assert_eq!(
        c.missing_years(date!(2026 - 12 - 20), date!(2028 - 01 - 05)),
        vec![2027, 2028]
    );
    let y = c.year(2025);
    assert_eq!(y.years().into_iter().collect::<Vec<_>>(), vec![2025]);
    assert!(y.to_text().starts_with("# 2025年\n2025-01-01 休 元旦\n"));
}
