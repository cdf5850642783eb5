//! Behaviour of the search module, with small hand-written Chinese documents.

use super::*;

const DAY: i64 = 86_400_000;
/// 2025-03-01 00:00 UTC.
const T0: i64 = 1_740_787_200_000;

fn doc(id: u64, title: &str, body: &str) -> SearchDoc {
    SearchDoc {
        kind: "article",
        id,
        site: "gov".into(),
        channels: vec![1],
        unit: "office".into(),
        title: title.into(),
        body_text: body.into(),
        attachment_names: vec![],
        publish_ms: T0 + id as i64 * DAY,
        url: format!("/a/{id}/"),
    }
}

fn index_with(docs: Vec<SearchDoc>) -> SearchIndex {
    let idx = SearchIndex::open_in_ram().expect("open");
    idx.upsert_many(docs).expect("index");
    idx
}

fn ids(idx: &SearchIndex, q: &Query) -> Vec<u64> {
    idx.search(q)
        .expect("search")
        .hits
        .iter()
        .map(|h| h.id)
        .collect()
}

fn find(idx: &SearchIndex, text: &str) -> Vec<u64> {
    ids(idx, &Query::text(text))
}

fn sample() -> SearchIndex {
    index_with(vec![
        doc(
            1,
            "政府信息公开工作年度报告",
            "本报告根据条例要求编制，包括主动公开、依申请办理和复议诉讼情况。",
        ),
        doc(
            2,
            "优化营商环境若干措施",
            "为进一步激发市场主体活力，区政府决定压缩企业开办时间，推行一网通办。",
        ),
        doc(
            3,
            "副区长带队检查防汛工作",
            "检查组查看了河道堤防和排涝泵站，要求落实值班制度。",
        ),
        doc(
            4,
            "2025年财政预算执行情况",
            "全年一般公共预算收入完成目标，其中税收收入增长百分之五。",
        ),
        doc(
            5,
            "社区开展垃圾分类宣传",
            "志愿者向居民发放宣传册，讲解厨余垃圾和可回收物的区别。",
        ),
    ])
}

#[test]
fn words_are_found_inside_longer_titles() {
    let idx = sample();
    assert_eq!(find(&idx, "信息公开"), [1]);
    assert_eq!(find(&idx, "营商环境"), [2]);
    assert_eq!(find(&idx, "防汛"), [3]);
    // Two words, both required.
    assert_eq!(find(&idx, "垃圾分类 宣传"), [5]);
    assert!(find(&idx, "垃圾分类 防汛").is_empty());
    assert!(find(&idx, "高速铁路").is_empty());
}

#[test]
fn a_long_word_not_found_whole_is_searched_by_most_of_its_bigrams() {
    let idx = sample();
    // 防汛检查 is not in any text as typed, but 防汛 and 检查 are both in item 3's title.
    let r = idx.search(&Query::text("防汛检查")).expect("search");
    assert_eq!(r.hits.iter().map(|h| h.id).collect::<Vec<_>>(), [3]);
    // Marked by the bigrams it was found by, not as the word it never contains.
    assert_eq!(r.hits[0].title_html, "副区长带队<mark>检查防汛</mark>工作");
    // Strict first: an exact match is never diluted by relaxed ones.
    assert_eq!(find(&idx, "信息公开"), [1]);
    // Two thirds of the bigrams, not any one of them.
    assert!(find(&idx, "高速铁路").is_empty());
    assert!(find(&idx, "环境检查").is_empty());
}

#[test]
fn one_and_two_character_queries_match_inside_words() {
    let idx = sample();
    // 税 only occurs inside 税收; 区长 inside 副区长.
    assert_eq!(find(&idx, "税"), [4]);
    assert_eq!(find(&idx, "区长"), [3]);
    assert_eq!(find(&idx, "泵站"), [3]);
}

#[test]
fn mixed_chinese_ascii_and_digits() {
    let mut d = doc(6, "关于开展 GDP 核算的通知", "各街道按要求报送数据。");
    d.attachment_names = vec!["核算表格式说明.PDF".into()];
    let idx = sample();
    idx.upsert(&d).expect("upsert");
    assert_eq!(find(&idx, "2025年"), [4]);
    assert_eq!(find(&idx, "2025"), [4]);
    assert_eq!(find(&idx, "gdp"), [6]);
    assert_eq!(find(&idx, "GDP核算"), [6]);
    // Attachment names are searched, and shown as the snippet when the body has no match.
    let r = idx.search(&Query::text("pdf")).expect("search");
    assert_eq!(r.total, 1);
    assert!(
        r.hits[0]
            .snippet_html
            .starts_with("附件：核算表格式说明.<mark>PDF</mark>"),
        "{}",
        r.hits[0].snippet_html
    );
}

#[test]
fn title_hits_rank_above_body_hits() {
    let idx = index_with(vec![
        doc(
            1,
            "街道召开工作例会",
            "会议研究了老旧小区改造和停车难问题，改造方案下月公示。",
        ),
        doc(
            2,
            "老旧小区改造工程开工",
            "首批三个小区今天开工，工期约六个月。",
        ),
        doc(3, "便民服务点开放时间", "周一至周五上午九点至下午五点。"),
    ]);
    let r = idx.search(&Query::text("改造")).expect("search");
    assert_eq!(r.total, 2);
    assert_eq!(r.hits[0].id, 2, "title hit first: {r:?}");
    assert!(r.hits[0].score > r.hits[1].score);
    // Same for a one-character query found only through the grams.
    assert_eq!(find(&idx, "改")[0], 2);
}

#[test]
fn filters_combine_with_text() {
    let mk = |id: u64, site: &str, channels: Vec<u64>, unit: &str, day: i64| SearchDoc {
        site: site.into(),
        channels,
        unit: unit.into(),
        publish_ms: T0 + day * DAY,
        ..doc(
            id,
            &format!("通知公告第{id}号"),
            "请相关单位做好安全生产检查。",
        )
    };
    let idx = index_with(vec![
        mk(1, "gov", vec![10, 11], "office", 0),
        mk(2, "gov", vec![11], "safety", 5),
        mk(3, "commerce", vec![20, 10], "commerce", 10),
        mk(4, "commerce", vec![20], "commerce", 20),
    ]);
    let q = |f: &dyn Fn(&mut Query)| {
        let mut q = Query::text("安全生产");
        f(&mut q);
        let mut v = ids(&idx, &q);
        v.sort_unstable();
        v
    };
    assert_eq!(q(&|_| {}), [1, 2, 3, 4]);
    assert_eq!(q(&|q| q.site = Some("commerce".into())), [3, 4]);
    assert_eq!(q(&|q| q.channel = Some(10)), [1, 3]);
    assert_eq!(q(&|q| q.channel = Some(11)), [1, 2]);
    assert_eq!(q(&|q| q.unit = Some("safety".into())), [2]);
    assert_eq!(
        q(&|q| {
            q.from_ms = Some(T0 + 5 * DAY);
            q.to_ms = Some(T0 + 10 * DAY);
        }),
        [2, 3]
    );
    assert_eq!(q(&|q| q.from_ms = Some(T0 + 6 * DAY)), [3, 4]);
    assert_eq!(q(&|q| q.to_ms = Some(T0)), [1]);
    assert_eq!(
        q(&|q| {
            q.site = Some("commerce".into());
            q.channel = Some(10);
        }),
        [3]
    );
    assert!(q(&|q| q.site = Some("nosuchsite".into())).is_empty());
    // Filters only, no text: everything matching, newest first.
    let all = Query {
        site: Some("commerce".into()),
        ..Query::default()
    };
    assert_eq!(ids(&idx, &all), [4, 3]);
    // Filters do not change the ranking score.
    let plain = idx.search(&Query::text("安全生产")).expect("search");
    let mut filtered = Query::text("安全生产");
    filtered.site = Some("gov".into());
    let filtered = idx.search(&filtered).expect("search");
    let score = |r: &Results, id| r.hits.iter().find(|h| h.id == id).map(|h| h.score);
    assert_eq!(score(&plain, 1), score(&filtered, 1));
}

#[test]
fn highlighted_title_and_snippet_are_escaped_html() {
    let filler = "本段介绍辖区基本情况。".repeat(15);
    let idx = index_with(vec![
        doc(
            1,
            "<script>alert(1)</script>老年人助餐服务",
            &format!("{filler}全区新建助餐点十二个，老年人可刷卡就餐 & 享受补贴。"),
        ),
        doc(
            2,
            "老年人优待政策问答",
            &"<b>正文</b>与查询无关的内容。".repeat(30),
        ),
    ]);
    let r = idx.search(&Query::text("助餐")).expect("search");
    let h = &r.hits[0];
    assert_eq!(
        h.title_html,
        "&lt;script&gt;alert(1)&lt;/script&gt;老年人<mark>助餐</mark>服务"
    );
    assert!(h.snippet_html.starts_with('…'), "{}", h.snippet_html);
    assert!(
        h.snippet_html.contains("新建<mark>助餐</mark>点"),
        "{}",
        h.snippet_html
    );
    assert!(h.snippet_html.contains("&amp;"), "{}", h.snippet_html);
    // Body without a match: its first ~120 characters, escaped.
    let r = idx.search(&Query::text("优待")).expect("search");
    let s = &r.hits[0].snippet_html;
    assert!(s.starts_with("&lt;b&gt;正文&lt;/b&gt;与查询无关"), "{s}");
    assert!(s.ends_with('…'));
    assert!(!s.contains("<b>"));
    assert_eq!(r.hits[0].title_html, "老年人<mark>优待</mark>政策问答");
    assert_eq!(r.hits[0].url, "/a/2/");
    assert_eq!(r.hits[0].site, "gov");
    assert_eq!(r.hits[0].publish_ms, T0 + 2 * DAY);
}

#[test]
fn pagination_counts_all_and_ties_go_newest_first() {
    let docs = (1..=25)
        .map(|i| doc(i, "关于征集民生实事项目的公告", "欢迎市民提出建议。"))
        .collect::<Vec<_>>();
    let idx = index_with(docs);
    let page = |p: usize| {
        let mut q = Query::text("民生实事");
        q.page = p;
        q.per_page = 10;
        idx.search(&q).expect("search")
    };
    let p1 = page(1);
    assert_eq!(p1.total, 25);
    // Identical texts score the same; the newest (highest id here) come first.
    assert_eq!(
        p1.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        (16..=25).rev().collect::<Vec<_>>()
    );
    let p3 = page(3);
    assert_eq!(p3.total, 25);
    assert_eq!(
        p3.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        [5, 4, 3, 2, 1]
    );
    assert!(page(4).hits.is_empty());
    assert_eq!(page(4).total, 25);
    // Absurd page numbers: counted, not ranked, no panic or overflow.
    assert_eq!(page(usize::MAX).total, 25);
    assert!(page(usize::MAX).hits.is_empty());
    assert_eq!(page(0).hits.len(), 10);
}

#[test]
fn upsert_replaces_remove_and_clear_delete() {
    let idx = SearchIndex::open_in_ram().expect("open");
    idx.upsert(&doc(7, "春季植树活动通知", "")).expect("upsert");
    // Visible right after upsert returns.
    assert_eq!(find(&idx, "植树"), [7]);
    idx.upsert(&doc(7, "秋季运动会报名通知", ""))
        .expect("upsert");
    assert_eq!(idx.num_docs(), 1);
    assert!(find(&idx, "植树").is_empty());
    assert_eq!(find(&idx, "运动会"), [7]);
    idx.upsert(&doc(8, "运动会志愿者招募", "")).expect("upsert");
    idx.remove("article", 7).expect("remove");
    assert_eq!(find(&idx, "运动会"), [8]);
    idx.remove("article", 12345)
        .expect("removing an unknown id is fine");
    assert_eq!(
        idx.upsert_many((1..=3).map(|i| doc(i, "防灾减灾宣传周", "")))
            .expect("bulk"),
        3
    );
    assert_eq!(idx.num_docs(), 4);
    // Bulk upserts replace too: ids already indexed, and ids repeated within the batch.
    let batch = vec![
        doc(8, "运动会成绩公布", ""),
        doc(9, "第一版标题", ""),
        doc(9, "第二版标题", ""),
    ];
    assert_eq!(idx.upsert_many(batch).expect("bulk"), 3);
    assert_eq!(idx.num_docs(), 5);
    assert_eq!(find(&idx, "运动会"), [8]);
    assert_eq!(find(&idx, "成绩"), [8]);
    assert!(find(&idx, "第一版").is_empty());
    assert_eq!(find(&idx, "第二版"), [9]);
    idx.clear().expect("clear");
    assert_eq!(idx.num_docs(), 0);
    assert!(find(&idx, "防灾").is_empty());
}

#[test]
fn hostile_query_text_never_errors() {
    let idx = sample();
    for raw in [
        "title:(* AND",
        "\"\"\"",
        "信息公开^999~2",
        "*:*",
        "\\u0000\0\t\n",
        "[2025 TO *]",
        &"字".repeat(10_000),
    ] {
        let r = idx.search(&Query::text(raw));
        assert!(r.is_ok(), "{raw:?}: {r:?}");
    }
    // Nothing searchable: no results (not "everything", which an empty text means).
    let r = idx.search(&Query::text("！？ ()")).expect("search");
    assert_eq!((r.total, r.hits.len()), (0, 0));
    // Syntax characters are ignored; the words are still searched (all of them).
    assert_eq!(find(&idx, "(\"信息公开\")~*"), [1]);
    assert!(
        find(&idx, "title:信息公开").is_empty(),
        "title is a word here, not a field"
    );
}

#[test]
fn on_disk_index_persists_and_broken_index_is_recreated() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("search");
    {
        // Missing folder: created.
        let idx = SearchIndex::open(&dir, Memory::default()).expect("open new");
        idx.upsert(&doc(1, "政府信息公开指南", "")).expect("upsert");
    }
    {
        let (idx, recreated) = open_or_recreate(&dir, Memory::default()).expect("reopen");
        assert!(!recreated);
        assert_eq!(find(&idx, "公开指南"), [1]);
    }
    // Corrupt the metadata: `open` reports an error instead of panicking.
    std::fs::write(dir.join("meta.json"), b"{ not json").expect("corrupt");
    assert!(SearchIndex::open(&dir, Memory::default()).is_err());
    let (idx, recreated) = open_or_recreate(&dir, Memory::default()).expect("recreate");
    assert!(recreated);
    assert_eq!(idx.num_docs(), 0);
    idx.upsert(&doc(2, "重建后的索引", "")).expect("upsert");
    assert_eq!(find(&idx, "重建"), [2]);
}

#[test]
fn missing_segment_file_is_an_error_then_recreated() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("search");
    {
        let idx = SearchIndex::open(&dir, Memory::default()).expect("open");
        idx.upsert(&doc(1, "公共资源交易公告", "")).expect("upsert");
    }
    for e in std::fs::read_dir(&dir).expect("ls").flatten() {
        if e.path().extension().is_some_and(|x| x == "term") {
            std::fs::remove_file(e.path()).expect("rm");
        }
    }
    assert!(SearchIndex::open(&dir, Memory::default()).is_err());
    let (_, recreated) = open_or_recreate(&dir, Memory::default()).expect("recreate");
    assert!(recreated);
}

#[test]
fn recreate_refuses_a_folder_with_subfolders() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(tmp.path().join("blobs")).expect("mkdir");
    std::fs::write(tmp.path().join("meta.json"), b"garbage").expect("write");
    assert!(open_or_recreate(tmp.path(), Memory::default()).is_err());
    assert!(tmp.path().join("blobs").exists());
}

#[test]
fn second_open_of_same_folder_is_locked_not_wiped() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("search");
    let first = SearchIndex::open(&dir, Memory::default()).expect("open");
    first.upsert(&doc(1, "防汛抗旱预案", "")).expect("upsert");
    assert!(open_or_recreate(&dir, Memory::default()).is_err());
    assert_eq!(find(&first, "防汛"), [1]);
}

#[test]
fn index_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<SearchIndex>();
}

#[test]
fn rebuild_takes_batches_ends_in_one_segment_and_rolls_back_on_error() {
    let idx = sample();
    // Several batches, each committed by tantivy as segments fill: one segment at the end.
    let mut batches = (0..4u64).map(|b| {
        (0..50u64)
            .map(|i| doc(100 + b * 50 + i, "河道治理进展", "第二批整治工程完工。"))
            .collect::<Vec<_>>()
    });
    let n = idx.rebuild_from(|| Ok(batches.next())).expect("rebuild");
    assert_eq!(n, 200);
    assert_eq!(idx.num_docs(), 200);
    assert_eq!(idx.segments(), 1);
    // The old documents went with the rebuild.
    assert!(find(&idx, "防汛").is_empty());
    assert_eq!(idx.search(&Query::text("河道")).expect("search").total, 200);
    // A failing source changes nothing.
    let mut calls = 0;
    let r = idx.rebuild_from(|| {
        calls += 1;
        if calls == 1 {
            Ok(Some(vec![doc(1, "新的标题", "正文")]))
        } else {
            Err(crate::error::Error::Internal("store read failed".into()))
        }
    });
    assert!(r.is_err());
    assert_eq!(idx.num_docs(), 200);
    assert!(find(&idx, "新的").is_empty());
}

#[test]
fn kinds_keep_their_own_ids_and_filter() {
    let idx = SearchIndex::open_in_ram().expect("open");
    idx.upsert(&doc(5, "政府信息公开目录", "")).expect("upsert");
    let item = |title: &str| SearchDoc {
        kind: "catalog",
        url: "/catalog/5".into(),
        ..doc(5, title, "")
    };
    // Catalog item 5 does not replace article 5, nor does replacing or removing it.
    idx.upsert(&item("公开目录第一版")).expect("upsert");
    idx.upsert(&item("公开目录第二版")).expect("upsert");
    assert_eq!(idx.num_docs(), 2);
    idx.upsert_many(vec![item("公开目录第三版"), doc(6, "其他信息", "")])
        .expect("bulk");
    assert_eq!(idx.num_docs(), 3);
    let kinds = |q: &Query| {
        let mut v: Vec<(String, u64, String)> = idx
            .search(q)
            .expect("search")
            .hits
            .into_iter()
            .map(|h| (h.kind, h.id, h.url))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        kinds(&Query::text("公开目录")),
        [
            ("article".into(), 5, "/a/5/".into()),
            ("catalog".into(), 5, "/catalog/5".into())
        ]
    );
    let mut only = Query::text("公开目录");
    only.kind = Some("catalog".into());
    assert_eq!(kinds(&only), [("catalog".into(), 5, "/catalog/5".into())]);
    only.kind = Some("nosuchkind".into());
    assert!(kinds(&only).is_empty());
    idx.remove("catalog", 5).expect("remove");
    assert_eq!(
        kinds(&Query::text("公开目录")),
        [("article".into(), 5, "/a/5/".into())]
    );
}

#[test]
fn index_of_an_older_format_is_recreated() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("search");
    {
        let idx = SearchIndex::open(&dir, Memory::default()).expect("open");
        idx.upsert(&doc(1, "政府信息公开指南", "")).expect("upsert");
    }
    // Written before the format marker existed.
    std::fs::remove_file(dir.join("gongkai-format")).expect("rm marker");
    assert!(SearchIndex::open(&dir, Memory::default()).is_err());
    let (idx, recreated) = open_or_recreate(&dir, Memory::default()).expect("recreate");
    assert!(recreated);
    assert_eq!(idx.num_docs(), 0);
    drop(idx);
    // The recreated index carries the marker: reopened as it is.
    let (idx, recreated) = open_or_recreate(&dir, Memory::default()).expect("reopen");
    assert!(!recreated);
    drop(idx);
    // Another schema (the article-only index had no kind or key fields) is refused as well.
    let old = tmp.path().join("old");
    {
        let mut b = tantivy::schema::Schema::builder();
        b.add_u64_field("id", tantivy::schema::INDEXED | tantivy::schema::STORED);
        std::fs::create_dir_all(&old).expect("mkdir");
        let dir = tantivy::directory::MmapDirectory::open(&old).expect("mmap");
        tantivy::Index::create(dir, b.build(), Default::default()).expect("create");
        std::fs::write(old.join("gongkai-format"), "2").expect("marker");
    }
    let (_, recreated) = open_or_recreate(&old, Memory::default()).expect("recreate");
    assert!(recreated);
}

#[test]
fn rebuild_asks_every_source() {
    fn articles(
        _: &crate::store::Store,
        put: &mut dyn FnMut(SearchDoc) -> crate::error::Result<()>,
    ) -> crate::error::Result<()> {
        put(doc(1, "河道治理进展", ""))?;
        put(doc(2, "河道清淤通知", ""))
    }
    fn guides(
        _: &crate::store::Store,
        put: &mut dyn FnMut(SearchDoc) -> crate::error::Result<()>,
    ) -> crate::error::Result<()> {
        put(SearchDoc {
            kind: "guide",
            ..doc(1, "河道采砂许可办事指南", "")
        })
    }
    let sources = [
        Source {
            kind: Kind {
                key: "article",
                label: "信息",
            },
            rebuild: articles,
        },
        Source {
            kind: Kind {
                key: "guide",
                label: "办事指南",
            },
            rebuild: guides,
        },
    ];
    let tmp = tempfile::tempdir().expect("tempdir");
    let clock = crate::clock::ManualClock::new(crate::clock::from_ms(T0));
    let store = crate::store::Store::open(tmp.path(), &*clock).expect("store");
    let (idx, rebuilt) =
        indexer::open(tmp.path(), &store, Memory::default(), &sources).expect("open");
    assert_eq!(rebuilt, Some(3));
    assert_eq!(idx.search(&Query::text("河道")).expect("search").total, 3);
    let ix = Indexer::start(idx, &sources);
    assert_eq!(
        ix.kinds().iter().map(|k| k.key).collect::<Vec<_>>(),
        ["article", "guide"]
    );
    ix.remove("guide", 1);
    ix.flush();
    let mut left = find(&ix.index, "河道");
    left.sort();
    assert_eq!(left, [1, 2]);
}
