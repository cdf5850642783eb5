//! A letter's dates that follow from the calendar in effect (never stored, so a corrected
//! calendar moves them): the answer due date, whether it is overdue, the 60-day alarm, and
//! the end of the rating window.

use time::{Date, Duration};

use super::flow::{is_open, state};
use super::model::Letter;
use super::settings::Settings;
use crate::calendar::WorkCalendar;

/// The answer's due date while the letter is being handled.
pub fn due(l: &Letter, cal: &WorkCalendar) -> Option<Date> {
    if !matches!(l.flow.state.as_str(), state::HANDLING | state::REVIEWING) {
        return None;
    }
    l.clock.as_ref().and_then(|c| c.deadline(cal).date())
}

/// Past its due date and not answered.
pub fn overdue(l: &Letter, cal: &WorkCalendar, today: Date) -> bool {
    due(l, cal).is_some_and(|d| d < today)
}

/// Due within the next working day (a reminder goes out).
pub fn due_soon(l: &Letter, cal: &WorkCalendar, today: Date) -> bool {
    due(l, cal).is_some_and(|d| d >= today && d <= cal.add_workdays(today, 1))
}

/// Accepted, still unanswered, and `alarm_days` or more since acceptance (the national
/// single veto fires at three months).
pub fn alarm(l: &Letter, s: &Settings, today: Date) -> bool {
    is_open(&l.flow.state)
        && l.flow.state != state::RECEIVED
        && l.accepted_on
            .is_some_and(|a| today >= a + Duration::days(i64::from(s.alarm_days)))
}

/// Days since acceptance of an unanswered letter.
pub fn days_open(l: &Letter, today: Date) -> Option<i64> {
    l.accepted_on
        .filter(|_| is_open(&l.flow.state))
        .map(|a| (today - a).whole_days())
}

/// The last day the writer may rate the answer; after it, unrated counts as satisfied.
pub fn rate_until(l: &Letter, s: &Settings, cal: &WorkCalendar) -> Option<Date> {
    l.answered_on()
        .map(|d| cal.add_workdays(d, s.rate_workdays))
}

/// Answered on time: sent out no later than the due date of the assignment it answered.
pub fn on_time(l: &Letter, cal: &WorkCalendar) -> Option<bool> {
    let sent = l.answered_on()?;
    let due = l.clock.as_ref()?.deadline(cal).date()?;
    Some(sent <= due)
}
