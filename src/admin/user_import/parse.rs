//! The pure part of 批量导入账号: the file's bytes to text (UTF-8 with or without a BOM,
//! else GBK as Excel writes CSV on Chinese Windows), the text to rows (the `csv` crate; a
//! header row names the columns, in Chinese or in English), and every row checked against
//! the units and usernames the store holds and the password policy. No I/O.

use std::collections::{HashMap, HashSet};

use crate::auth::model::{PasswordPolicy, Role, UnitCode, Username};

/// The largest file taken.
pub const MAX_FILE: usize = 2 * 1024 * 1024;
/// The most accounts one file creates (each password is hashed with argon2 before the
/// write, within the request's time).
pub const MAX_ROWS: usize = 200;

/// The columns, with their Chinese and English header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Username,
    DisplayName,
    Unit,
    Role,
    Password,
}

const COLUMNS: [(Col, &str, &str); 5] = [
    (Col::Username, "用户名", "username"),
    (Col::DisplayName, "姓名", "display_name"),
    (Col::Unit, "单位代码", "unit"),
    (Col::Role, "角色", "role"),
    (Col::Password, "初始密码", "password"),
];

/// The header row of the template.
pub const HEADER: &str = "用户名,姓名,单位代码,角色,初始密码";

/// Which encoding the file was in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gbk,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gbk => "GBK",
        }
    }
}

/// The file as text: valid UTF-8 (a BOM dropped) is UTF-8, anything else is decoded as GBK;
/// bytes that are neither, or text with NUL characters (UTF-16, a workbook), are refused.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), String> {
    const UNREADABLE: &str = "无法识别文件的编码：请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”或“CSV（逗号分隔）”后重新上传";
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (text, enc) = match std::str::from_utf8(b) {
        Ok(s) => (s.to_owned(), Encoding::Utf8),
        Err(_) => {
            let (s, had_errors) = encoding_rs::GBK.decode_without_bom_handling(b);
            if had_errors {
                return Err(UNREADABLE.into());
            }
            (s.into_owned(), Encoding::Gbk)
        }
    };
    if text.contains('\0') {
        return Err(UNREADABLE.into());
    }
    Ok((text, enc))
}

/// One data row as written (cells trimmed), with its line in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub username: String,
    pub display_name: String,
    pub unit: String,
    pub role: String,
    pub password: String,
    /// Non-empty cells beyond the header's columns.
    pub extra: usize,
}

fn column_of(name: &str) -> Option<Col> {
    let name = name.trim().trim_start_matches('\u{feff}').trim();
    COLUMNS
        .iter()
        .find(|(_, zh, en)| name == *zh || name.eq_ignore_ascii_case(en))
        .map(|(c, _, _)| *c)
}

/// A cell shown back in a message, cut short.
pub fn shown(s: &str) -> String {
    let mut t: String = s.chars().take(24).collect();
    if s.chars().count() > 24 {
        t.push('…');
    }
    t
}

/// The rows of the file (blank rows left out). Refuses a missing or wrong header row, a
/// file without data rows, and more than `MAX_ROWS` rows.
pub fn read_rows(text: &str) -> Result<Vec<Row>, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    // The csv crate's own line count leaves out blank lines. A record's byte offset is
    // where the reader stood: just past the previous record's first line-break byte (or
    // at 0, before a BOM); the record itself starts after the line breaks from there.
    let starts = line_starts(text);
    let b = text.as_bytes();
    let line_at = |p: Option<&csv::Position>| {
        p.map_or(0, |p| {
            let mut at = usize::try_from(p.byte()).unwrap_or(usize::MAX);
            if at == 0 && b.starts_with(b"\xEF\xBB\xBF") {
                at = 3;
            }
            while matches!(b.get(at), Some(b'\r' | b'\n')) {
                at += 1;
            }
            starts.partition_point(|s| *s <= at) as u64
        })
    };
    let mut header: Option<Vec<Option<Col>>> = None;
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = line_at(e.position());
            format!("第 {line} 行无法按 CSV 读取，请检查引号是否成对")
        })?;
        let line = line_at(rec.position());
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let Some(cols) = &header else {
            header = Some(read_header(&rec)?);
            continue;
        };
        if rows.len() == MAX_ROWS {
            return Err(format!(
                "一次最多导入 {MAX_ROWS} 个账号，请把文件分成几个分别导入"
            ));
        }
        let mut row = Row {
            line,
            ..Row::default()
        };
        for (i, cell) in rec.iter().enumerate() {
            let cell = cell.trim().to_owned();
            match cols.get(i).copied().flatten() {
                Some(Col::Username) => row.username = cell,
                Some(Col::DisplayName) => row.display_name = cell,
                Some(Col::Unit) => row.unit = cell,
                Some(Col::Role) => row.role = cell,
                Some(Col::Password) => row.password = cell,
                None if !cell.is_empty() => row.extra += 1,
                None => {}
            }
        }
        rows.push(row);
    }
    if header.is_none() {
        return Err(format!("文件是空的：第一行应为表头“{HEADER}”"));
    }
    if rows.is_empty() {
        return Err("文件中只有表头，没有要导入的账号".into());
    }
    Ok(rows)
}

/// The byte offset where each line starts (after "\n", "\r\n" or a lone "\r").
fn line_starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut starts = vec![0];
    for (i, c) in b.iter().enumerate() {
        if *c == b'\n' || (*c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    starts
}

fn read_header(rec: &csv::StringRecord) -> Result<Vec<Option<Col>>, String> {
    let mut cols = Vec::new();
    for (i, name) in rec.iter().enumerate() {
        if name.trim().is_empty() {
            cols.push(None);
            continue;
        }
        let Some(c) = column_of(name) else {
            return Err(format!(
                "表头第 {} 列“{}”不认识：第一行应为表头“{HEADER}”（也可用 username,display_name,unit,role,password）",
                i + 1,
                shown(name.trim())
            ));
        };
        if cols.contains(&Some(c)) {
            return Err(format!("表头中“{}”列出现了两次", shown(name.trim())));
        }
        cols.push(Some(c));
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|(c, _, _)| *c != Col::Password && !cols.contains(&Some(*c)))
        .map(|(_, zh, _)| *zh)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "表头缺少“{}”列：第一行应为表头“{HEADER}”（初始密码列可省略）",
            missing.join("”“")
        ));
    }
    Ok(cols)
}

/// What the rows are checked against.
pub struct Known<'a> {
    pub units: &'a HashSet<UnitCode>,
    /// Usernames in use, as `Username::key` (lower case).
    pub taken: &'a HashSet<String>,
    pub policy: PasswordPolicy,
}

/// A row that passed every check.
#[derive(Debug, Clone)]
pub struct Account {
    pub line: u64,
    pub username: Username,
    pub display_name: String,
    pub unit: UnitCode,
    pub role: Role,
    /// The initial password from the file; `None`: one is generated.
    pub password: Option<String>,
}

/// A row and what the check found: the account, or every problem in Chinese.
#[derive(Debug, Clone)]
pub struct Checked {
    pub row: Row,
    pub outcome: Result<Account, Vec<String>>,
}

/// The role in a cell: an id (`reporter`) or a Chinese label (信息员). The three separated
/// admin duties are refused with the reason.
pub fn parse_role(s: &str) -> Result<Role, String> {
    if s.is_empty() {
        return Err("请填写角色".into());
    }
    match Role::ALL
        .into_iter()
        .find(|r| r.id().eq_ignore_ascii_case(s) || r.label() == s)
    {
        Some(r) if r.is_separated_admin() => Err(format!(
            "三员分立：{}账号不能批量导入，须在“新建账号”中逐个提出，经另一位管理员批准后生效",
            r.label()
        )),
        Some(r) => Ok(r),
        None => Err(format!(
            "角色“{}”不认识，应为 信息员、审核人、发布人、单位管理员（或 reporter、reviewer、publisher、unit_admin）",
            shown(s)
        )),
    }
}

/// Checks every row; nothing is skipped, so each row lists all of its problems.
pub fn check(rows: Vec<Row>, known: &Known<'_>) -> Vec<Checked> {
    // Where each username first appears, to name the earlier line of a duplicate.
    let mut first: HashMap<String, u64> = HashMap::new();
    rows.into_iter()
        .map(|row| {
            let mut problems = Vec::new();
            let username = match Username::parse(&row.username) {
                Ok(u) => {
                    if known.taken.contains(&u.key()) {
                        problems.push("该用户名已被使用".to_owned());
                    }
                    match first.get(&u.key()) {
                        Some(line) => problems.push(format!("用户名与第 {line} 行重复")),
                        None => {
                            first.insert(u.key(), row.line);
                        }
                    }
                    Some(u)
                }
                Err(m) => {
                    problems.push(if row.username.is_empty() {
                        "请填写用户名".to_owned()
                    } else {
                        m.to_owned()
                    });
                    None
                }
            };
            let display = row.display_name.clone();
            if display.is_empty() || display.chars().count() > 32 {
                problems.push("请填写姓名（不超过 32 个字）".into());
            }
            let unit = match UnitCode::parse(&row.unit) {
                _ if row.unit.is_empty() => {
                    problems.push("请填写单位代码".into());
                    None
                }
                Ok(c) if known.units.contains(&c) => Some(c),
                _ => {
                    problems.push(format!("单位代码“{}”不存在", shown(&row.unit)));
                    None
                }
            };
            let role = parse_role(&row.role).map_err(|m| problems.push(m)).ok();
            let password = (!row.password.is_empty()).then(|| row.password.clone());
            if let Some(p) = &password
                && let Err(m) = known.policy.check(p, &row.username)
            {
                problems.push(format!("初始密码不符合要求：{m}"));
            }
            if row.extra > 0 {
                problems.push("本行的列比表头多，请检查是否多了逗号".into());
            }
            let outcome = match (username, unit, role) {
                (Some(username), Some(unit), Some(role)) if problems.is_empty() => Ok(Account {
                    line: row.line,
                    username,
                    display_name: display,
                    unit,
                    role,
                    password,
                }),
                _ => Err(problems),
            };
            Checked { row, outcome }
        })
        .collect()
}

/// A random initial password that passes `policy` and does not contain `username`: mixed
/// case, a digit and a symbol, at least as long as the policy asks.
pub fn generate_password(policy: PasswordPolicy, username: &str) -> String {
    let bytes = policy.min_len.clamp(8, 60);
    let mut last = String::new();
    for _ in 0..64 {
        let mut b = vec![0u8; bytes];
        crate::ids::fill_random(&mut b);
        last = format!(
            "Gk-{}7",
            data_encoding::BASE32_NOPAD.encode(&b).to_lowercase()
        );
        if policy.check(&last, username).is_ok() {
            break;
        }
    }
    last
}

/// The template: UTF-8 with a BOM (so Excel reads the Chinese), the header and one example.
pub fn template(example_unit: &str) -> Vec<u8> {
    format!("\u{feff}{HEADER}\r\nzhang.san,张三,{example_unit},信息员,\r\n").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: PasswordPolicy = PasswordPolicy {
        min_len: 10,
        min_classes: 3,
    };

    fn known_check(text: &str) -> Vec<Checked> {
        let units: HashSet<UnitCode> = ["gov", "commerce"]
            .iter()
            .map(|c| UnitCode::parse(c).unwrap())
            .collect();
        let taken: HashSet<String> = ["old.user".to_owned()].into_iter().collect();
        let known = Known {
            units: &units,
            taken: &taken,
            policy: POLICY,
        };
        check(read_rows(text).unwrap(), &known)
    }

    #[test]
    fn utf8_with_or_without_bom_and_gbk_are_read() {
        let text = "用户名,姓名\r\nli.ming,李明\r\n";
        assert_eq!(
            decode(text.as_bytes()).unwrap(),
            (text.to_owned(), Encoding::Utf8)
        );
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom).unwrap().0, text);
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert!(
            std::str::from_utf8(&gbk).is_err(),
            "GBK bytes are not UTF-8"
        );
        assert_eq!(decode(&gbk).unwrap(), (text.to_owned(), Encoding::Gbk));
        assert!(decode(b"\xFF\xFEa\x00b\x00").is_err(), "UTF-16");
        assert!(decode(b"a\x00b").is_err(), "NUL");
    }

    #[test]
    fn headers_in_chinese_or_english_in_any_order() {
        let rows = read_rows("角色,用户名,单位代码,姓名\nreporter,li.ming,gov,李明\n").unwrap();
        assert_eq!(rows[0].username, "li.ming");
        assert_eq!(rows[0].role, "reporter");
        assert_eq!(rows[0].line, 2);
        let rows = read_rows(
            "\u{feff}\r\nUsername, Display_Name ,unit,role,password\r\n\r\n\"a.b\",\"王, 五\",gov,信息员,Xx-123456789\r\n\"c.d\",\"两\n行\",gov,信息员,\r\ne.f,某,gov,信息员,\r\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 3, "the blank line is skipped: {rows:?}");
        assert_eq!(rows[0].line, 4);
        assert_eq!(rows[1].line, 5);
        assert_eq!(rows[2].line, 7, "a quoted line break counts");
        let breaks =
            read_rows("用户名,姓名,单位代码,角色\r\r\ra.b,某,gov,信息员\n\nc.d,某,gov,信息员")
                .unwrap();
        assert_eq!(
            (breaks[0].line, breaks[1].line),
            (4, 6),
            "lone CR and LF line breaks"
        );
        assert_eq!(rows[0].display_name, "王, 五");
        assert_eq!(rows[0].password, "Xx-123456789");
    }

    #[test]
    fn bad_headers_and_empty_files_are_refused() {
        assert!(read_rows("").unwrap_err().contains("表头"));
        assert!(read_rows(",,,\n").unwrap_err().contains("表头"));
        assert!(read_rows(HEADER).unwrap_err().contains("只有表头"));
        let e = read_rows("用户名,姓名,单位,角色\nx,y,z,w\n").unwrap_err();
        assert!(e.contains("第 3 列“单位”不认识"), "{e}");
        let e = read_rows("用户名,姓名,角色\nx,y,w\n").unwrap_err();
        assert!(e.contains("缺少“单位代码”列"), "{e}");
        let e = read_rows("用户名,姓名,单位代码,角色,username\n").unwrap_err();
        assert!(e.contains("两次"), "{e}");
        let mut many = format!("{HEADER}\n");
        for i in 0..=MAX_ROWS {
            many.push_str(&format!("user{i},某,gov,信息员,\n"));
        }
        assert!(read_rows(&many).unwrap_err().contains("最多"));
    }

    #[test]
    fn every_problem_of_every_row_is_named() {
        let checked = known_check(
            "用户名,姓名,单位代码,角色,初始密码\n\
             li.ming,李明,gov,信息员,\n\
             李明,,nowhere,boss,short\n\
             LI.MING,李明二,commerce,reviewer,Good-Pass-123\n\
             old.user,老用户,gov,auditor,\n\
             new.one,新人,gov,unit_admin,new.one-Pass-1\n\
             x.y,某,gov,信息员,,extra\n",
        );
        assert_eq!(checked.len(), 6);
        let ok = checked[0].outcome.as_ref().unwrap();
        assert_eq!(
            (ok.line, ok.role, ok.password.clone()),
            (2, Role::Reporter, None)
        );
        let p = checked[1].outcome.as_ref().unwrap_err();
        assert_eq!(p.len(), 5, "{p:?}");
        assert!(p.iter().any(|m| m.contains("用户名只能包含")));
        assert!(p.iter().any(|m| m.contains("请填写姓名")));
        assert!(p.iter().any(|m| m.contains("单位代码“nowhere”不存在")));
        assert!(p.iter().any(|m| m.contains("角色“boss”不认识")));
        assert!(p.iter().any(|m| m.contains("初始密码不符合要求")));
        let p = checked[2].outcome.as_ref().unwrap_err();
        assert_eq!(p, &vec!["用户名与第 2 行重复".to_owned()]);
        let p = checked[3].outcome.as_ref().unwrap_err();
        assert!(p.contains(&"该用户名已被使用".to_owned()));
        assert!(p.iter().any(|m| m.contains("三员分立：审计管理员")));
        let p = checked[4].outcome.as_ref().unwrap_err();
        assert!(p[0].contains("不能包含用户名"), "{p:?}");
        let p = checked[5].outcome.as_ref().unwrap_err();
        assert!(p[0].contains("多"), "{p:?}");
    }

    #[test]
    fn generated_passwords_pass_the_policy() {
        for policy in [
            POLICY,
            PasswordPolicy {
                min_len: 40,
                min_classes: 4,
            },
        ] {
            let p = generate_password(policy, "li.ming");
            assert!(policy.check(&p, "li.ming").is_ok(), "{p}");
        }
        assert_ne!(
            generate_password(POLICY, "a.b"),
            generate_password(POLICY, "a.b")
        );
        let t = String::from_utf8(template("gov")).unwrap();
        assert!(t.starts_with('\u{feff}'));
        let rows = read_rows(t.trim_start_matches('\u{feff}')).unwrap();
        assert_eq!(rows[0].unit, "gov");
    }
}
