//! A small scanner for sanitized HTML: the visible text (what words are matched in), and the
//! images and links with their attributes and places in that text.
//!
//! The text: tags removed, entities decoded, runs of whitespace folded to one space, block
//! elements (`p`, `div`, `li`, `td`, `br` …) separated by a newline, inline elements (`strong`,
//! `span`, `a` …) joined without a separator so `示范<b>区</b>政府` reads `示范区政府`; trimmed.
//! Attribute values never reach the text.

/// An `<img>` and where it stands in the text (a char offset; images take no room).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub at: usize,
    pub src: String,
    /// `None` when the attribute is missing; `Some("")` for a decorative image.
    pub alt: Option<String>,
}

/// An `<a href>` and the char span of its text (empty when the link has no text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub href: String,
    pub start: usize,
    pub end: usize,
}

/// The scanned fragment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scanned {
    pub text: String,
    pub images: Vec<ImageRef>,
    pub links: Vec<LinkRef>,
}

const BLOCK: &[&str] = &[
    "p",
    "div",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "figure",
    "figcaption",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
];
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "noscript"];

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    None,
    Space,
    Line,
}

struct Out {
    chars: Vec<char>,
    gap: Gap,
    /// Index into `links` of the open `<a>` and whether its text has started.
    open_link: Option<(usize, bool)>,
    links: Vec<LinkRef>,
}

impl Out {
    fn push(&mut self, c: char) {
        if c.is_whitespace() {
            self.gap = self.gap.max(Gap::Space);
            return;
        }
        if !self.chars.is_empty() {
            match self.gap {
                Gap::None => {}
                Gap::Space => self.chars.push(' '),
                Gap::Line => self.chars.push('\n'),
            }
        }
        self.gap = Gap::None;
        if let Some((i, started)) = &mut self.open_link
            && !*started
        {
            *started = true;
            self.links[*i].start = self.chars.len();
        }
        self.chars.push(c);
    }
    fn close_link(&mut self) {
        if let Some((i, started)) = self.open_link.take() {
            let end = self.chars.len();
            let l = &mut self.links[i];
            if !started {
                l.start = end;
            }
            l.end = end;
        }
    }
}

/// Decodes the entity starting at `chars[i] == '&'`: the character and the chars consumed.
fn entity(chars: &[char], i: usize) -> Option<(char, usize)> {
    let mut j = i + 1;
    let mut name = String::new();
    while j < chars.len() && j - i <= 12 {
        let c = chars[j];
        if c == ';' {
            break;
        }
        if !(c.is_ascii_alphanumeric() || c == '#') {
            return None;
        }
        name.push(c);
        j += 1;
    }
    if chars.get(j) != Some(&';') {
        return None;
    }
    let c = match name.as_str() {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        n => {
            let num = n.strip_prefix('#')?;
            let v = match num.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(v)?
        }
    };
    Some((c, j + 1 - i))
}

fn decode(chars: &[char]) -> String {
    let mut s = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '&'
            && let Some((c, n)) = entity(chars, i)
        {
            s.push(c);
            i += n;
            continue;
        }
        s.push(chars[i]);
        i += 1;
    }
    s
}

struct Tag {
    name: String,
    end: bool,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses a tag starting at `chars[i] == '<'`; returns it and the index after `>`.
fn tag(chars: &[char], i: usize) -> Option<(Tag, usize)> {
    let mut j = i + 1;
    let end = chars.get(j) == Some(&'/');
    if end {
        j += 1;
    }
    if !chars.get(j)?.is_ascii_alphabetic() {
        return None;
    }
    let mut name = String::new();
    while let Some(&c) = chars.get(j) {
        if c.is_ascii_alphanumeric() || c == '-' {
            name.push(c.to_ascii_lowercase());
            j += 1;
        } else {
            break;
        }
    }
    let mut attrs = Vec::new();
    loop {
        while chars.get(j).is_some_and(|c| c.is_whitespace() || *c == '/') {
            j += 1;
        }
        match chars.get(j) {
            None => return Some((Tag { name, end, attrs }, j)),
            Some('>') => return Some((Tag { name, end, attrs }, j + 1)),
            _ => {}
        }
        let mut an = String::new();
        while let Some(&c) = chars.get(j) {
            if c.is_whitespace() || matches!(c, '=' | '>' | '/') {
                break;
            }
            an.push(c.to_ascii_lowercase());
            j += 1;
        }
        while chars.get(j).is_some_and(|c| c.is_whitespace()) {
            j += 1;
        }
        let mut value = String::new();
        if chars.get(j) == Some(&'=') {
            j += 1;
            while chars.get(j).is_some_and(|c| c.is_whitespace()) {
                j += 1;
            }
            let start;
            let stop;
            match chars.get(j) {
                Some(&q) if q == '"' || q == '\'' => {
                    start = j + 1;
                    let mut k = start;
                    while chars.get(k).is_some_and(|c| *c != q) {
                        k += 1;
                    }
                    stop = k;
                    j = (k + 1).min(chars.len());
                }
                _ => {
                    start = j;
                    while chars
                        .get(j)
                        .is_some_and(|c| !c.is_whitespace() && *c != '>')
                    {
                        j += 1;
                    }
                    stop = j;
                }
            }
            value = decode(&chars[start..stop]);
        }
        if !an.is_empty() {
            attrs.push((an, value));
        }
    }
}

/// Scans an HTML fragment.
pub fn scan(html: &str) -> Scanned {
    let chars: Vec<char> = html.chars().collect();
    let mut out = Out {
        chars: Vec::with_capacity(chars.len()),
        gap: Gap::None,
        open_link: None,
        links: Vec::new(),
    };
    let mut images = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '<' {
            if chars[i + 1..].starts_with(&['!', '-', '-']) {
                // Comment: skip to `-->`.
                let mut k = i + 4;
                while k < chars.len() && !chars[k..].starts_with(&['-', '-', '>']) {
                    k += 1;
                }
                i = (k + 3).min(chars.len());
                continue;
            }
            if matches!(chars.get(i + 1), Some('!' | '?')) {
                while i < chars.len() && chars[i] != '>' {
                    i += 1;
                }
                i += 1;
                continue;
            }
            if let Some((t, next)) = tag(&chars, i) {
                i = next;
                if BLOCK.contains(&t.name.as_str()) {
                    out.gap = Gap::Line;
                }
                match (t.name.as_str(), t.end) {
                    ("img", false) => images.push(ImageRef {
                        at: out.chars.len(),
                        src: t.attr("src").unwrap_or("").trim().to_owned(),
                        alt: t.attr("alt").map(str::to_owned),
                    }),
                    ("a", false) => {
                        out.close_link();
                        if let Some(h) = t.attr("href") {
                            out.links.push(LinkRef {
                                href: h.trim().to_owned(),
                                start: 0,
                                end: 0,
                            });
                            out.open_link = Some((out.links.len() - 1, false));
                        }
                    }
                    ("a", true) => out.close_link(),
                    (n, false) if RAW_TEXT.contains(&n) => {
                        // Skip the raw text up to the matching end tag.
                        let close: Vec<char> = format!("</{n}").chars().collect();
                        while i < chars.len()
                            && !chars[i..]
                                .iter()
                                .zip(&close)
                                .all(|(a, b)| a.to_ascii_lowercase() == *b)
                        {
                            i += 1;
                        }
                    }
                    _ => {}
                }
                continue;
            }
            out.push('<');
            i += 1;
            continue;
        }
        if c == '&'
            && let Some((d, n)) = entity(&chars, i)
        {
            out.push(d);
            i += n;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out.close_link();
    let len = out.chars.len();
    for img in &mut images {
        img.at = img.at.min(len);
    }
    Scanned {
        text: out.chars.into_iter().collect(),
        images,
        links: out.links,
    }
}
