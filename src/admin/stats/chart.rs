//! Bar charts drawn on the server as inline SVG: no script, no outside service, no `style`
//! attributes (the CSP forbids them; colours are presentation attributes and CSS classes).
//! Each chart is one image to assistive technology (`role="img"`, `aria-label` and `<title>`
//! saying what it shows); the numbers themselves are in the tables beside it. Every element
//! is written with its closing tag: inside HTML, `<rect>` without one would swallow what
//! follows it.

use maud::{Markup, html};

const BAR_FILL: &str = "#0b4c8c";
const AXIS: &str = "#8c959f";
const INK: &str = "#1f2328";

/// A round number at or above `max` for the top of the scale (at least 1).
pub fn scale_top(max: u32) -> u32 {
    if max <= 5 {
        return max.max(1);
    }
    let mut step = 1u32;
    while step.saturating_mul(10) <= max {
        step = step.saturating_mul(10);
    }
    for m in [1, 2, 5, 10] {
        let top = step.saturating_mul(m);
        if top >= max {
            return top;
        }
    }
    max
}

/// Columns, one per label, values upwards (e.g. items per month).
pub fn columns(id: &str, summary: &str, bars: &[(String, u32)]) -> Markup {
    let (w, h) = (640.0_f64, 260.0_f64);
    let (left, right, top, bottom) = (44.0, 12.0, 24.0, 30.0);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let max = scale_top(bars.iter().map(|b| b.1).max().unwrap_or(0));
    let slot = plot_w / bars.len().max(1) as f64;
    let y_of = |v: u32| top + plot_h - plot_h * f64::from(v) / f64::from(max);
    let ticks = if max >= 2 && max.is_multiple_of(2) {
        vec![0, max / 2, max]
    } else {
        vec![0, max]
    };
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {w} {h}"))
            role="img" aria-label=(summary) id=(id) {
            title { (summary) }
            @for t in &ticks {
                line.grid x1=(left) x2=(w - right) y1=(y_of(*t)) y2=(y_of(*t)) stroke=(AXIS) stroke-width="1" {}
                text x=(left - 6.0) y=(y_of(*t) + 4.0) text-anchor="end" font-size="12" fill=(INK) { (t) }
            }
            @for (i, (label, v)) in bars.iter().enumerate() {
                @let x = left + slot * i as f64 + slot * 0.2;
                @let bw = slot * 0.6;
                @let y = y_of(*v);
                rect.bar x=(fmt(x)) y=(fmt(y)) width=(fmt(bw)) height=(fmt(top + plot_h - y)) fill=(BAR_FILL) {}
                @if *v > 0 {
                    text x=(fmt(x + bw / 2.0)) y=(fmt(y - 4.0)) text-anchor="middle" font-size="12" fill=(INK) { (v) }
                }
                text x=(fmt(x + bw / 2.0)) y=(fmt(h - bottom + 18.0)) text-anchor="middle" font-size="12" fill=(INK) { (label) }
            }
        }
    }
}

/// Rows, one per label, values to the right (e.g. items per unit).
pub fn rows(id: &str, summary: &str, bars: &[(String, u32)]) -> Markup {
    let row_h = 24.0_f64;
    let (w, label_w, right, top) = (640.0_f64, 180.0, 48.0, 8.0);
    let h = top * 2.0 + row_h * bars.len().max(1) as f64;
    let plot_w = w - label_w - right;
    let max = scale_top(bars.iter().map(|b| b.1).max().unwrap_or(0));
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {w} {}", fmt(h)))
            role="img" aria-label=(summary) id=(id) {
            title { (summary) }
            line x1=(label_w) x2=(label_w) y1=(top) y2=(fmt(h - top)) stroke=(AXIS) stroke-width="1" {}
            @for (i, (label, v)) in bars.iter().enumerate() {
                @let y = top + row_h * i as f64;
                @let bw = plot_w * f64::from(*v) / f64::from(max);
                text x=(label_w - 8.0) y=(fmt(y + row_h * 0.68)) text-anchor="end" font-size="12" fill=(INK) { (label) }
                rect.bar x=(label_w) y=(fmt(y + 4.0)) width=(fmt(bw)) height=(fmt(row_h - 8.0)) fill=(BAR_FILL) {}
                text x=(fmt(label_w + bw + 6.0)) y=(fmt(y + row_h * 0.68)) font-size="12" fill=(INK) { (v) }
            }
        }
    }
}

/// Coordinates with at most one decimal.
fn fmt(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}
