use super::*;

#[test]
fn removes_scripts_and_handlers() {
    let dirty = r#"<p onclick="x()">正文<script>alert(1)</script><a href="javascript:alert(1)">链接</a><img src="/files/ab/x.png" onerror="y()" alt="图"></p><style>p{}</style>"#;
    let c = clean(dirty);
    assert!(!c.contains("script"), "{c}");
    assert!(!c.contains("onclick"), "{c}");
    assert!(!c.contains("onerror"), "{c}");
    assert!(!c.contains("javascript"), "{c}");
    assert!(!c.contains("style"), "{c}");
    assert!(
        !c.contains("p{}"),
        "style content is dropped, not kept as text: {c}"
    );
    assert!(c.contains("正文"));
    assert!(c.contains(r#"<img src="/files/ab/x.png" alt="图">"#), "{c}");
}

#[test]
fn keeps_tables_and_links() {
    let c = clean(
        r#"<table><tr><td colspan="2">表</td></tr></table><a href="https://www.gov.cn/">国务院</a>"#,
    );
    assert!(c.contains("<td colspan=\"2\">表</td>"), "{c}");
    assert!(c.contains("rel=\"noopener noreferrer\""), "{c}");
}

#[test]
fn paragraphs_escape() {
    assert_eq!(
        paragraphs("一<b>\n二\n\n三"),
        "<p>一&lt;b&gt;<br>二</p><p>三</p>"
    );
}

/// What Chromium puts on the clipboard when a table and a few paragraphs are copied
/// from Word (shortened, but with Word's own markup).
const WORD: &str = r#"<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"
xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv=Content-Type content="text/html; charset=utf-8">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<title>关于做好春节期间安全生产工作的通知</title>
<!--[if gte mso 9]><xml>
 <w:WordDocument>
  <w:View>Normal</w:View>
  <w:Zoom>0</w:Zoom>
 </w:WordDocument>
</xml><![endif]-->
<style>
<!--
 /* Font Definitions */
 @font-face
	{font-family:仿宋_GB2312;
	mso-font-charset:134;}
 p.MsoNormal, li.MsoNormal, div.MsoNormal
	{mso-style-unhide:no;
	margin:0cm;
	text-align:justify;
	font-size:10.5pt;
	font-family:等线;}
-->
</style>
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;word-wrap:break-word;text-justify-trim:punctuation'>
<!--StartFragment-->
<h1 style='margin:0cm;text-align:center'><span style='font-family:方正小标宋简体;mso-hansi-font-family:黑体'>关于做好春节期间安全生产工作的通知<span lang=EN-US><o:p></o:p></span></span></h1>
<p class=MsoNormal align=center style='text-align:center;line-height:28.0pt;mso-line-height-rule:exactly'><b><span style='font-size:16.0pt;font-family:仿宋_GB2312;mso-hansi-font-family:"Times New Roman"'>各街道办事处、区直各部门：</span></b><span lang=EN-US style='font-size:16.0pt'><o:p></o:p></span></p>
<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0'><span style='font-size:16.0pt;font-family:仿宋_GB2312'>为切实做好<font color=red>春节</font>期间安全生产工作，现就<i>有关事项</i>通知如下。<span lang=EN-US><o:p></o:p></span></span></p>
<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>
<p class=MsoListParagraph style='margin-left:18.0pt;text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span lang=EN-US style='mso-list:Ignore'>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]><span style='font-family:仿宋_GB2312'>压实安全责任</span></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0
 style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;
 mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>
 <tr style='mso-yfti-irow:0;mso-yfti-firstrow:yes'>
  <td width=184 valign=top style='width:138.25pt;border:solid windowtext 1.0pt;
  mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal><b><span style='font-family:仿宋_GB2312'>检查单位</span></b></p>
  </td>
  <td width=369 colspan=2 valign=top style='width:276.5pt;border:solid windowtext 1.0pt;
  border-left:none;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><b><span style='font-family:仿宋_GB2312'>检查内容</span></b></p>
  </td>
 </tr>
 <tr style='mso-yfti-irow:1;mso-yfti-lastrow:yes'>
  <td rowspan=1 style='border:solid windowtext 1.0pt;border-top:none'>
  <p class=MsoNormal><span style='font-family:仿宋_GB2312'>区应急管理局</span></p>
  </td>
  <td style='border-top:none'><p class=MsoNormal><span lang=EN-US>1</span></p></td>
  <td style='border-top:none'><p class=MsoNormal><span>消防通道</span><span lang=EN-US><o:p></o:p></span></p></td>
 </tr>
</table>
<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>
<!--EndFragment-->
</body>
</html>"#;

#[test]
fn word_paste_keeps_structure_and_drops_the_junk() {
    let c = clean(WORD);
    for junk in [
        "mso",
        "Mso",
        "o:p",
        "<font",
        "<span",
        "style",
        "class=\"Mso",
        "仿宋",
        "等线",
        "Font Definitions",
        "StartFragment",
        "WordDocument",
        "<title",
        "<meta",
        "lang=",
        "width=\"184\"",
        "valign",
        "border",
        "<h1",
    ] {
        assert!(!c.contains(junk), "{junk} left in: {c}");
    }
    assert!(
        c.starts_with("<h2 class=\"align-center\">关于做好春节期间安全生产工作的通知</h2>"),
        "{c}"
    );
    assert!(
        c.contains("<p class=\"align-center\"><b>各街道办事处、区直各部门：</b></p>"),
        "{c}"
    );
    assert!(
        c.contains("<p>为切实做好春节期间安全生产工作，现就<i>有关事项</i>通知如下。</p>"),
        "{c}"
    );
    assert!(c.contains("<table>"), "{c}");
    assert!(c.contains("<tr>"), "{c}");
    assert!(c.contains("<td colspan=\"2\">"), "{c}");
    assert!(c.contains("<td rowspan=\"1\">"), "{c}");
    assert!(
        c.contains("<p class=\"align-center\"><b>检查内容</b></p>"),
        "{c}"
    );
    assert!(c.contains("区应急管理局") && c.contains("消防通道"), "{c}");
    assert!(c.contains("压实安全责任"), "{c}");
    // Word's blank paragraphs (<o:p>&nbsp;</o:p>) are gone.
    assert!(
        !c.contains("<p></p>") && !c.contains("<p>&nbsp;</p>"),
        "{c}"
    );
    assert_eq!(clean(&c), c, "cleaning is idempotent");
}

#[test]
fn editor_markup_survives() {
    let html = concat!(
        r#"<h2>一、总体要求</h2><h3 style="text-align: right;">（一）</h3><h4>1.</h4>"#,
        r#"<p style="text-align: center;">居中</p><p style="text-align: justify;">两端</p>"#,
        r#"<ul><li>甲</li><li><strong>乙</strong></li></ul><ol start="3"><li><em>丙</em></li></ol>"#,
        r#"<table style="border-collapse:collapse;width: 100%;"><caption>表1</caption>"#,
        r#"<thead><tr><th scope="col" style="width: 50%;">项目</th><th scope="bogus">数</th></tr></thead>"#,
        r#"<tbody><tr><td rowspan="2" colspan="x">甲</td><td style="text-align: center;">1</td></tr></tbody>"#,
        r#"<tfoot><tr><td>合计</td></tr></tfoot></table>"#,
        r#"<p><img src="/files/0123abcd/%E5%9B%BE.png" alt="示意图" style="width: 320px; height: 200px;"></p>"#,
        r#"<p><img src="https://www.gov.cn/logo.png" alt="外站" width="100"></p>"#,
        r#"<hr><p><a href="https://www.gov.cn/" target="_blank">国务院</a> <u>下划线</u><sub>2</sub><sup>3</sup></p>"#,
    );
    let c = clean(html);
    for want in [
        "<h2>一、总体要求</h2>",
        "<h3 class=\"align-right\">（一）</h3>",
        "<h4>1.</h4>",
        "<p class=\"align-center\">居中</p>",
        "<p class=\"align-justify\">两端</p>",
        "<ul><li>甲</li><li><strong>乙</strong></li></ul>",
        "<ol start=\"3\"><li><em>丙</em></li></ol>",
        "<table><caption>表1</caption><thead><tr><th scope=\"col\">项目</th><th>数</th></tr></thead>",
        "<td rowspan=\"2\">甲</td><td class=\"align-center\">1</td>",
        "<tfoot><tr><td>合计</td></tr></tfoot></table>",
        "<img src=\"/files/0123abcd/%E5%9B%BE.png\" alt=\"示意图\" width=\"320\" height=\"200\">",
        "<img src=\"https://www.gov.cn/logo.png\" alt=\"外站\" width=\"100\">",
        "<hr>",
        "<a href=\"https://www.gov.cn/\" rel=\"noopener noreferrer\">国务院</a>",
        "<u>下划线</u><sub>2</sub><sup>3</sup>",
    ] {
        assert!(c.contains(want), "{want} missing in: {c}");
    }
    assert!(!c.contains("style") && !c.contains("target"), "{c}");
    assert_eq!(clean(&c), c, "cleaning is idempotent");
}

#[test]
fn images_only_from_our_files_or_http() {
    for bad in [
        "data:image/png;base64,iVBORw0KGgo=",
        "file:///C:/Users/x/AppData/Local/Temp/msohtmlclip1/01/clip_image002.png",
        "javascript:alert(1)",
        "//evil.example/x.png",
        "/admin/users",
        "/files/../admin",
        "x.png",
    ] {
        let c = clean(&format!(r#"<p>前<img src="{bad}" alt="图">后</p>"#));
        assert_eq!(c, "<p>前后</p>", "{bad}");
    }
}

#[test]
fn alignment_is_a_class_never_a_style() {
    assert_eq!(
        clean(
            r#"<p align="right">右</p><td align="center">x</td><p class="align-center MsoNormal" style="color:red">中</p><p class="evil">e</p>"#
        ),
        r#"<p class="align-right">右</p>x<p class="align-center">中</p><p>e</p>"#
    );
    assert_eq!(
        clean(r#"<p class="align-center" style="text-align: left">左</p>"#),
        r#"<p class="align-left">左</p>"#,
        "the editor's style wins over an older class"
    );
    assert_eq!(
        clean(r#"<p style="text-align: expression(alert(1))">x</p>"#),
        "<p>x</p>"
    );
    assert_eq!(
        clean(r#"<span style="text-align:center">x</span>"#),
        "x",
        "spans are unwrapped"
    );
}

#[test]
fn empty_leftovers_go_but_spaces_stay() {
    assert_eq!(clean("<p>&nbsp;</p><p> </p><p>正文</p>"), "<p>正文</p>");
    assert_eq!(clean("<p>甲<b> </b>乙</p>"), "<p>甲 乙</p>");
    assert_eq!(
        clean("<p><br></p>"),
        "<p><br></p>",
        "the editor's blank line stays"
    );
    assert_eq!(
        clean(r#"<p><a name="_Toc1">目录</a></p>"#),
        "<p>目录</p>",
        "an anchor without a link is unwrapped"
    );
    assert_eq!(clean("<p><strong><em></em></strong>字</p>"), "<p>字</p>");
}
