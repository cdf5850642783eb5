use super::*;

fn fields<'a>(title: &'a str, body: &'a str) -> Fields<'a> {
    Fields {
        title,
        subtitle: "",
        source: "区政府办公室",
        author: "张三",
        keywords: "政务公开",
        summary: "",
        body_html: body,
    }
}

fn body(d: &[FieldDiff]) -> &FieldDiff {
    d.iter().find(|f| f.field == BODY).unwrap()
}

fn field<'d>(d: &'d [FieldDiff], name: &str) -> &'d FieldDiff {
    d.iter().find(|f| f.field == name).unwrap()
}

#[test]
fn identical_versions_have_no_changes() {
    let a = fields(
        "关于做好冬季供暖工作的通知",
        "<p>各街道：</p><p>现将有关事项通知如下。</p>",
    );
    let d = diff(&a, &a);
    assert_eq!(
        d.iter().map(|f| f.field).collect::<Vec<_>>(),
        ["标题", "副标题", "来源", "作者", "关键词", "摘要", "正文"]
    );
    assert!(d.iter().all(|f| !f.changed));
    assert!(
        d.iter()
            .all(|f| !f.html.contains("<ins>") && !f.html.contains("<del>"))
    );
    assert_eq!(
        body(&d).html,
        "<p>各街道：</p><p>现将有关事项通知如下。</p>"
    );
    assert_eq!(field(&d, "标题").html, "关于做好冬季供暖工作的通知");
    assert_eq!(summary(&d), "无修改");
}

#[test]
fn an_inserted_sentence_is_one_insertion() {
    let old = fields("通知", "<p>会议定于周一召开。请准时参加。</p>");
    let new = fields(
        "通知",
        "<p>会议定于周一召开。地点在三楼会议室。请准时参加。</p>",
    );
    let d = diff(&old, &new);
    let b = body(&d);
    assert!(b.changed);
    assert_eq!(
        b.html,
        "<p>会议定于周一召开。<ins>地点在三楼会议室。</ins>请准时参加。</p>"
    );
    assert_eq!((b.inserted, b.deleted), (9, 0));
    assert!(!field(&d, "标题").changed);
}

#[test]
fn a_deleted_word_is_one_deletion() {
    let old = fields("通知", "<p>全区各级各部门要认真贯彻落实。</p>");
    let new = fields("通知", "<p>全区各部门要认真落实。</p>");
    let b = body(&diff(&old, &new)).clone();
    assert_eq!(
        b.html,
        "<p>全区各<del>级各</del>部门要认真<del>贯彻</del>落实。</p>"
    );
    assert_eq!((b.inserted, b.deleted), (0, 4));
}

#[test]
fn a_replaced_character_inside_a_word() {
    let old = fields("通知", "<p>联系人：张三丰，电话 12345。</p>");
    let new = fields("通知", "<p>联系人：张五丰，电话 12345。</p>");
    let b = body(&diff(&old, &new)).clone();
    assert_eq!(
        b.html,
        "<p>联系人：张<del>三</del><ins>五</ins>丰，电话 12345。</p>"
    );
    assert_eq!((b.inserted, b.deleted), (1, 1));
}

#[test]
fn scattered_single_characters_read_as_one_phrase() {
    let old = fields("t", "<p>甲乙丙丁戊</p>");
    let new = fields("t", "<p>甲子丙寅戊</p>");
    let b = body(&diff(&old, &new)).clone();
    assert_eq!(b.html, "<p>甲<del>乙丙丁</del><ins>子丙寅</ins>戊</p>");
    // Counts are of real changes, not of the folded stretch.
    assert_eq!((b.inserted, b.deleted), (2, 2));
}

#[test]
fn a_changed_title() {
    let old = fields("关于开展消防安全检查的通知", "<p>正文</p>");
    let new = fields("关于开展冬季消防安全大检查的通知", "<p>正文</p>");
    let d = diff(&old, &new);
    let t = field(&d, "标题");
    assert!(t.changed);
    assert_eq!(
        t.html,
        "关于开展<ins>冬季</ins>消防安全<ins>大</ins>检查的通知"
    );
    assert_eq!((t.inserted, t.deleted), (3, 0));
    assert!(!body(&d).changed);
    assert_eq!(summary(&d), "标题有修改");
}

#[test]
fn a_new_paragraph() {
    let old = fields("t", "<p>第一段。</p><p>第三段。</p>");
    let new = fields("t", "<p>第一段。</p><p>新增的第二段。</p><p>第三段。</p>");
    let b = body(&diff(&old, &new)).clone();
    assert_eq!(
        b.html,
        "<p>第一段。</p><p><ins>新增的第二段。</ins></p><p>第三段。</p>"
    );
    assert_eq!((b.inserted, b.deleted), (7, 0));
}

#[test]
fn a_removed_and_a_split_paragraph() {
    let old = fields("t", "<p>甲段。</p><p>乙段。</p><p>丙段前半。丙段后半。</p>");
    let new = fields("t", "<p>甲段。</p><p>丙段前半。</p><p>丙段后半。</p>");
    let b = body(&diff(&old, &new)).clone();
    assert!(b.changed);
    assert_eq!(
        b.html,
        "<p>甲段。</p><p><del>乙段。¶</del></p><p>丙段前半。<ins>¶</ins></p><p>丙段后半。</p>"
    );
    assert_eq!(b.inserted, 0);
    assert_eq!(b.deleted, 3);
}

#[test]
fn paragraphs_are_cut_at_block_tags_and_markup_is_dropped() {
    let html = "<h2>一、总体要求</h2><p>坚持<strong>以人民为中心</strong>。<br>第二行</p>\
                <ul><li>甲</li><li>乙</li></ul>\
                <table><tr><td>姓名</td><td>职务</td></tr><tr><td>王五</td><td>区长</td></tr></table>\
                <p><img src=\"/f/abc\" alt=\"会议&quot;现场&quot;\"><img src=\"/f/x\"></p><p>A&amp;B &lt;c&gt;</p>";
    assert_eq!(
        paragraphs(html),
        [
            "一、总体要求",
            "坚持以人民为中心。",
            "第二行",
            "甲",
            "乙",
            "姓名 职务",
            "王五 区长",
            "〔图片：会议\"现场\"〕 〔图片〕",
            "A&B <c>",
        ]
    );
}

#[test]
fn a_new_picture_is_visible() {
    let old = fields("t", "<p>现场照片如下。</p>");
    let new = fields(
        "t",
        "<p>现场照片如下。</p><p><img src=\"/f/1\" alt=\"会场\"></p>",
    );
    let b = body(&diff(&old, &new)).clone();
    assert!(b.html.contains("<ins>〔图片：会场〕</ins>"), "{}", b.html);
}

#[test]
fn markup_only_changes_count_without_marks() {
    let old = fields("t", "<p>请各单位按时报送。</p>");
    let new = fields("t", "<p>请各单位<strong>按时</strong>报送。</p>");
    let d = diff(&old, &new);
    let b = body(&d);
    assert!(b.changed);
    assert_eq!(b.html, "<p>请各单位按时报送。</p>");
    assert_eq!(summary(&d), "正文有修改（正文仅调整格式或分段）");
}

#[test]
fn content_is_escaped_everywhere() {
    let mut old = fields("通知", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
    let mut new = fields(
        "<script>alert(\"x\")</script>通知",
        "<p>&lt;script&gt;alert(2)&lt;/script&gt; &amp; 'q'</p>",
    );
    old.subtitle = "<b>副</b>";
    new.subtitle = "<b>副标题</b>";
    let d = diff(&old, &new);
    for f in &d {
        assert!(!f.html.contains("<script"), "{}: {}", f.field, f.html);
        assert!(!f.html.contains("<b>"), "{}: {}", f.field, f.html);
        // Only our own tags remain.
        let stripped = f
            .html
            .replace("<ins>", "")
            .replace("</ins>", "")
            .replace("<del>", "")
            .replace("</del>", "")
            .replace("<p>", "")
            .replace("</p>", "");
        assert!(
            !stripped.contains('<') && !stripped.contains('>'),
            "{}",
            f.html
        );
        assert!(
            !stripped.contains('"') && !stripped.contains('\''),
            "{}",
            f.html
        );
    }
    assert_eq!(
        field(&d, "标题").html,
        "<ins>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</ins>通知"
    );
    assert_eq!(
        field(&d, "副标题").html,
        "&lt;b&gt;副<ins>标题</ins>&lt;/b&gt;"
    );
    assert!(
        body(&d)
            .html
            .contains("&lt;script&gt;alert(<del>1</del><ins>2</ins>)")
    );
    assert!(body(&d).html.contains("&amp; &#39;q&#39;"));
}

#[test]
fn summary_names_fields_and_counts_body_characters() {
    let old = fields("旧标题", "<p>会议定于周一召开。请准时参加，不得缺席。</p>");
    let mut new = fields("新标题", "<p>会议定于周二上午召开。请准时参加。</p>");
    new.author = "李四";
    let d = diff(&old, &new);
    let b = body(&d);
    assert_eq!((b.inserted, b.deleted), (3, 6));
    assert_eq!(summary(&d), "标题、作者、正文有修改（正文 +3 −6 字）");
}

#[test]
fn context_hides_long_unchanged_stretches() {
    let old: String = (1..=10).map(|i| format!("<p>第{i}段。</p>")).collect();
    let new = old.replace("第5段。", "第5段，已修改。");
    let opts = Options {
        context: Some(1),
        ..Options::default()
    };
    let d = diff_with(&fields("t", &old), &fields("t", &new), &opts);
    assert_eq!(
        body(&d).html,
        "<p class=\"diff-gap\">……（3 段未改动）</p><p>第4段。</p>\
         <p>第5段<ins>，已修改</ins>。</p>\
         <p>第6段。</p><p class=\"diff-gap\">……（4 段未改动）</p>"
    );
}

/// Deterministic pseudo-random Chinese text.
fn text(seed: &mut u64, n: usize) -> String {
    (0..n)
        .map(|_| {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            char::from_u32(0x4E00 + ((*seed >> 33) % 3000) as u32).unwrap()
        })
        .collect()
}

#[test]
fn long_bodies_diff_fast() {
    let mut seed = 7;
    let paras: Vec<String> = (0..100).map(|_| text(&mut seed, 200)).collect();
    let old_html: String = paras.iter().map(|p| format!("<p>{p}</p>")).collect();
    let mut edited = paras.clone();
    edited[10].insert_str(60, "这是新插入的一句话。");
    edited[50].replace_range(30..60, ""); // 10 characters (3 bytes each)
    edited[80].replace_range(99..102, "改");
    edited.insert(90, "全新的一段。".to_owned());
    let new_html: String = edited.iter().map(|p| format!("<p>{p}</p>")).collect();
    assert!(old_html.chars().count() > 20_000);

    let t = Instant::now();
    let d = diff(&fields("t", &old_html), &fields("t", &new_html));
    let took = t.elapsed();
    assert!(took < Duration::from_millis(100), "paragraphs: {took:?}");
    let b = body(&d);
    assert_eq!((b.inserted, b.deleted), (10 + 1 + 6, 10 + 1));
    assert_eq!(side(&b.html, false), paras);
    assert_eq!(side(&b.html, true), edited);

    // The same text pasted as one paragraph with no breaks.
    let one_old = format!("<p>{}</p>", paras.concat());
    let one_new = format!("<p>{}</p>", edited.concat());
    let t = Instant::now();
    let d = diff(&fields("t", &one_old), &fields("t", &one_new));
    let took = t.elapsed();
    assert!(took < Duration::from_millis(100), "one paragraph: {took:?}");
    assert_eq!((body(&d).inserted, body(&d).deleted), (10 + 1 + 6, 10 + 1));
}

#[test]
fn completely_rewritten_long_bodies_stay_bounded() {
    let mut seed = 1;
    let old = format!("<p>{}</p>", text(&mut seed, 20_000));
    let new = format!("<p>{}</p>", text(&mut seed, 20_000));
    let opts = Options {
        timeout: Duration::from_millis(50),
        ..Options::default()
    };
    let t = Instant::now();
    let d = diff_with(&fields("t", &old), &fields("t", &new), &opts);
    let took = t.elapsed();
    assert!(took < Duration::from_secs(2), "{took:?}");
    let b = body(&d);
    assert!(b.changed && b.inserted > 0 && b.deleted > 0);
    assert_eq!(side(&b.html, false), paragraphs(&old));
    assert_eq!(side(&b.html, true), paragraphs(&new));
}

/// One side of a rendered body: the old text (without `<ins>`) or the new (without `<del>`).
fn side(html: &str, new: bool) -> Vec<String> {
    let (drop, keep) = if new { ("del", "ins") } else { ("ins", "del") };
    let mut s = html.to_owned();
    while let Some(a) = s.find(&format!("<{drop}>")) {
        let b = s[a..].find(&format!("</{drop}>")).unwrap() + a + drop.len() + 3;
        s.replace_range(a..b, "");
    }
    s.replace(&format!("<{keep}>"), "")
        .replace(&format!("</{keep}>"), "")
        .replace("</p><p>", "\n")
        .replace("<p>", "")
        .replace("</p>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .split('\n')
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}
