//! The request's fields (第二十九条): who asks, what for, in what form and how delivered.
//! Used by the public form and by staff registering a request that came on paper.

use maud::{Markup, html};

use super::model::{Applicant, ApplicantKind, Delivery, Medium, Wanted, Way};
use crate::disclosure::fields::{radios, text, textarea};
use crate::views::form::{Field, FormState, field, select};

pub const MAX_DESCRIPTION: usize = 2000;

/// 证件类型 a person may use.
const PERSON_IDS: [&str; 4] = ["居民身份证", "护照", "港澳台居民居住证", "其他有效证件"];

/// The applicant's kind as offered: 自然人, or an organisation of one of five kinds.
fn kind_options() -> Vec<(String, String)> {
    ApplicantKind::ALL
        .iter()
        .map(|k| {
            let label = if k.is_person() {
                "自然人".to_owned()
            } else {
                format!("法人或其他组织：{}", k.label())
            };
            (k.id().to_owned(), label)
        })
        .collect()
}

/// The fields, in the order of the paper form.
pub fn fields(fs: &FormState) -> Markup {
    let id_kinds: Vec<(String, String)> = PERSON_IDS
        .iter()
        .chain(std::iter::once(&"统一社会信用代码"))
        .map(|s| ((*s).to_owned(), (*s).to_owned()))
        .collect();
    let media: Vec<(&str, &str)> = Medium::ALL.iter().map(|m| (m.id(), m.label())).collect();
    let ways: Vec<(&str, &str)> = Way::ALL.iter().map(|w| (w.id(), w.label())).collect();
    html! {
        fieldset.group {
            legend { "申请人信息" }
            (select("kind", "申请人类型", &kind_options(), fs))
            (field(&Field::new("name", "姓名或名称").autocomplete("name").hint("自然人填写姓名；法人或其他组织填写全称"), fs))
            (select("id_kind", "证件类型", &id_kinds, fs))
            (field(&Field::new("id_number", "证件号码").hint("法人或其他组织填写统一社会信用代码"), fs))
            (field(&Field::new("representative", "法定代表人").optional().hint("法人或其他组织填写"), fs))
            (field(&Field::new("contact_person", "联系人").optional().hint("法人或其他组织填写"), fs))
            (field(&Field::new("phone", "联系电话").kind("tel").autocomplete("tel"), fs))
            (field(&Field::new("email", "电子邮箱").kind("email").autocomplete("email").optional().hint("选择以电子邮件获取时必填"), fs))
            (field(&Field::new("address", "通信地址").autocomplete("street-address").optional().hint("选择邮寄时必填"), fs))
            (field(&Field::new("postcode", "邮政编码").autocomplete("postal-code").optional(), fs))
        }
        fieldset.group {
            legend { "所需政府信息" }
            (field(&Field::new("info_name", "信息名称").optional(), fs))
            (field(&Field::new("doc_no", "文号").optional().hint("如知道，请填写，如 示政办发〔2026〕3号"), fs))
            (textarea("description", "所需信息的内容描述", true, MAX_DESCRIPTION, 5, "请写明所需信息的特征，便于查找", fs))
        }
        fieldset.group {
            legend { "获取信息的方式" }
            (radios("medium", "信息的载体形式", &media, fs))
            (radios("way", "获取信息的方式", &ways, fs))
        }
    }
}

/// What the fields say, or `None` with the reasons beside the fields in `fs`.
pub fn read(p: &[(String, String)], fs: &mut FormState) -> Option<(Applicant, Wanted, Delivery)> {
    let get = |k: &str| {
        p.iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.as_str())
    };
    let kind = ApplicantKind::parse(get("kind"));
    if kind.is_none() {
        fs.add_error("kind", "请选择申请人类型");
    }
    let name = text(p, fs, "name", "姓名或名称", 100, true);
    let id_kind = text(p, fs, "id_kind", "证件类型", 20, true);
    let id_number = text(p, fs, "id_number", "证件号码", 40, true);
    let representative = text(p, fs, "representative", "法定代表人", 40, false);
    let contact_person = text(p, fs, "contact_person", "联系人", 40, false);
    let phone = text(p, fs, "phone", "联系电话", 20, true);
    let email = text(p, fs, "email", "电子邮箱", 100, false);
    let address = text(p, fs, "address", "通信地址", 200, false);
    let postcode = text(p, fs, "postcode", "邮政编码", 6, false);
    let info_name = text(p, fs, "info_name", "信息名称", 200, false);
    let doc_no = text(p, fs, "doc_no", "文号", 60, false);
    let description = text(
        p,
        fs,
        "description",
        "所需信息的内容描述",
        MAX_DESCRIPTION,
        true,
    );
    let medium = Medium::parse(get("medium"));
    if medium.is_none() {
        fs.add_error("medium", "请选择信息的载体形式");
    }
    let way = Way::parse(get("way"));
    if way.is_none() {
        fs.add_error("way", "请选择获取信息的方式");
    }
    if let Some(k) = kind {
        let org_code = id_kind == "统一社会信用代码";
        if k.is_person() && org_code {
            fs.add_error(
                "id_kind",
                "自然人请选择身份证件，统一社会信用代码用于法人或其他组织",
            );
        } else if !k.is_person() && !org_code {
            fs.add_error("id_kind", "法人或其他组织请选择统一社会信用代码");
        } else if !id_number.is_empty()
            && let Err(e) = check_id(&id_kind, &id_number)
        {
            fs.add_error("id_number", e);
        }
        if !k.is_person() && contact_person.is_empty() {
            fs.add_error("contact_person", "法人或其他组织请填写联系人");
        }
    }
    if !phone.is_empty() && !valid_phone(&phone) {
        fs.add_error(
            "phone",
            "联系电话应为手机号（11 位）或固定电话（如 010-12345678）",
        );
    }
    if !email.is_empty() && !valid_email(&email) {
        fs.add_error("email", "电子邮箱格式不正确，应如 name@example.com");
    }
    let postcode_ok = postcode.len() == 6 && postcode.bytes().all(|b| b.is_ascii_digit());
    if !postcode.is_empty() && !postcode_ok {
        fs.add_error("postcode", "邮政编码应为 6 位数字");
    }
    match way {
        Some(Way::Email) if email.is_empty() => {
            fs.add_error("email", "选择以电子邮件获取时，请填写电子邮箱");
        }
        Some(Way::Post) if address.is_empty() => {
            fs.add_error("address", "选择邮寄时，请填写通信地址");
        }
        _ => {}
    }
    let brackets = doc_no.contains('〔') && doc_no.contains('〕');
    if !doc_no.is_empty() && !brackets {
        fs.add_error(
            "doc_no",
            "文号的年份应使用六角括号〔〕，如 示政办发〔2026〕3号",
        );
    }
    let (Some(kind), Some(medium), Some(way), false) = (kind, medium, way, fs.has_errors()) else {
        return None;
    };
    Some((
        Applicant {
            kind,
            name,
            id_kind,
            id_number: id_number.to_ascii_uppercase(),
            representative,
            contact_person,
            phone,
            email,
            address,
            postcode,
            proof: Vec::new(),
        },
        Wanted {
            name: info_name,
            doc_no,
            description,
        },
        Delivery { medium, way },
    ))
}

/// A certificate number that can be checked: a 居民身份证 (GB 11643, its check digit) or a
/// 统一社会信用代码 (its check character); others only by length.
fn check_id(kind: &str, n: &str) -> Result<(), String> {
    let n = n.trim().to_ascii_uppercase();
    match kind {
        "居民身份证" => {
            let b = n.as_bytes();
            if b.len() != 18
                || !b[..17].iter().all(u8::is_ascii_digit)
                || !(b[17].is_ascii_digit() || b[17] == b'X')
            {
                return Err("居民身份证号码应为 18 位（最后一位可为 X）".into());
            }
            const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
            let sum: u32 = b[..17]
                .iter()
                .zip(W)
                .map(|(c, w)| u32::from(c - b'0') * w)
                .sum();
            let check = b"10X98765432"[(sum % 11) as usize];
            if b[17] != check {
                return Err("居民身份证号码校验位不符，请核对是否抄错".into());
            }
            Ok(())
        }
        "统一社会信用代码" => crate::auth::model::CreditCode::parse(&n).map(|_| ()),
        _ if n.chars().count() < 5 => Err("证件号码过短，请核对".into()),
        _ => Ok(()),
    }
}

fn valid_phone(p: &str) -> bool {
    let digits: String = p.chars().filter(char::is_ascii_digit).collect();
    let allowed = p
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
    allowed && (7..=13).contains(&digits.len())
}

fn valid_email(e: &str) -> bool {
    match e.split_once('@') {
        Some((a, d)) => !a.is_empty() && d.contains('.') && !d.starts_with('.') && !e.contains(' '),
        None => false,
    }
}

/// A certificate number as staff lists show it: the first 3 and last 4 characters.
pub fn mask_id(n: &str) -> String {
    let chars: Vec<char> = n.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// A name as shown to anyone but the handlers: the first character and a star.
pub fn mask_name(n: &str) -> String {
    let mut c = n.chars();
    match c.next() {
        Some(first) => format!("{first}{}", "*".repeat(c.count().clamp(1, 3))),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_id_check_digit() {
        assert!(check_id("居民身份证", "11010519491231002X").is_ok());
        assert!(check_id("居民身份证", "110105194912310021").is_err());
        assert!(check_id("居民身份证", "1101051949").is_err());
    }

    #[test]
    fn masks() {
        assert_eq!(mask_id("11010519491231002X"), "110***********002X");
        assert_eq!(mask_name("张三"), "张*");
    }
}
