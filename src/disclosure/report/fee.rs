//! 行政事业性收费's amount (万元, up to four decimals), kept exact.

use serde::{Deserialize, Serialize};

/// An amount in 万元 with up to four decimals, kept exactly as ten-thousandths (one 元).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Fee(pub u64);

impl Fee {
    /// "12.34", "0.0005", "3": digits, one optional point, at most four decimals.
    pub fn parse(s: &str) -> Option<Fee> {
        let s = s.trim();
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
        if int.is_empty() || !digits(int) || !digits(frac) || frac.len() > 4 {
            return None;
        }
        if s.ends_with('.') {
            return None;
        }
        let whole: u64 = int.parse().ok()?;
        let frac_val: u64 = format!("{frac:0<4}").parse().ok()?;
        whole.checked_mul(10_000)?.checked_add(frac_val).map(Fee)
    }
    pub fn plus(self, o: Fee) -> Fee {
        Fee(self.0.saturating_add(o.0))
    }
    /// As a number for the workbook.
    pub fn as_f64(self) -> f64 {
        // Exact for any amount a district collects (well under 2^53 元).
        self.0 as f64 / 10_000.0
    }
}

impl std::fmt::Display for Fee {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (w, r) = (self.0 / 10_000, self.0 % 10_000);
        if r == 0 {
            write!(f, "{w}")
        } else {
            let frac = format!("{r:04}");
            write!(f, "{w}.{}", frac.trim_end_matches('0'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Fee;

    #[test]
    fn fees_parse_with_up_to_four_decimals() {
        assert_eq!(Fee::parse("12.34"), Some(Fee(123_400)));
        assert_eq!(Fee::parse("0.0005"), Some(Fee(5)));
        assert_eq!(Fee::parse(" 3 "), Some(Fee(30_000)));
        for bad in ["", "-1", "1.23456", "1.", ".5", "1,5", "abc", "1.2.3"] {
            assert_eq!(Fee::parse(bad), None, "{bad}");
        }
        assert_eq!(Fee(123_400).to_string(), "12.34");
        assert_eq!(Fee(5).to_string(), "0.0005");
        assert_eq!(Fee(0).to_string(), "0");
    }
}
