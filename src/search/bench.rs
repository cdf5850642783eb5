//! Load check at appliance scale, run by hand (it takes a while in a debug build):
//!
//! ```text
//! cargo test --release --lib search::bench -- --ignored --nocapture
//! ```
//! Optional: `GK_SEARCH_BENCH_DOCS=10000` for a smaller run; `GK_SEARCH_BENCH_DIR=/tmp/x` to
//! keep the index, so that a second run measures a fresh process over an existing index.
//!
//! Builds an on-disk index of generated documents (titles and bodies drawn from the sentences
//! below), then times queries. Prints bulk index time, index size, p50/p99 per query and the
//! process RSS at each stage.

use std::path::Path;
use std::time::Instant;

use super::*;

const SENTENCES: &[&str] = &[
    "区政府召开常务会议，研究部署下一阶段重点工作。",
    "会议强调，要持续优化营商环境，切实减轻企业负担。",
    "街道组织志愿者走访独居老人，了解生活困难。",
    "本年度政府信息公开工作总体平稳有序。",
    "依申请公开答复均在法定期限内完成。",
    "全区新增城镇就业岗位三千余个，完成年度目标。",
    "市场监管部门开展食品安全专项检查，抽检样品两百批次。",
    "应急管理局部署汛期安全生产工作，要求排查隐患。",
    "教育部门公布义务教育阶段学校招生划片范围。",
    "卫生健康部门提醒市民注意流感季节个人防护。",
    "住房和城乡建设部门推进老旧小区改造，涉及居民一千二百户。",
    "交通部门发布道路施工期间临时交通管制通告。",
    "财政部门公开上年度部门决算和三公经费支出情况。",
    "税务部门落实小微企业减税降费政策，办理退税申请。",
    "人力资源和社会保障部门举办春季招聘会，提供岗位两千个。",
    "生态环境部门通报空气质量监测结果，优良天数比例提高。",
    "民政部门调整最低生活保障标准，自下月起执行。",
    "文化馆举办非物质文化遗产展演，市民免费参观。",
    "农业农村部门组织春耕备耕，保障种子化肥供应。",
    "司法局开展法律援助进社区活动，解答群众咨询。",
    "区长信箱本月共收到来信八十封，均已按时办结。",
    "政务服务中心推行一网通办，企业开办时间压缩到一个工作日。",
    "审计部门对专项资金使用情况开展审计，发现问题立行立改。",
    "统计部门发布一季度经济运行情况，地区生产总值同比增长。",
    "消防救援大队走进学校开展消防安全演练。",
    "社区卫生服务中心为辖区居民提供免费体检。",
    "城市管理部门整治占道经营，规范街面秩序。",
    "图书馆延长开放时间，方便读者周末借阅。",
    "招商引资项目集中签约，总投资额超过五十亿元。",
    "区人大常委会听取关于预算执行情况的报告。",
    "退役军人事务部门走访慰问优抚对象。",
    "水务部门完成河道清淤，提升防洪排涝能力。",
    "科技部门认定一批高新技术企业并给予奖励。",
    "公安分局提醒群众警惕电信网络诈骗。",
    "商务局组织企业参加进出口商品交易会。",
];

const TITLES: &[&str] = &[
    "关于{}的通知",
    "{}工作情况通报",
    "{}实施方案",
    "关于做好{}的公告",
    "{}政策解读",
    "{}年度报告",
];

const TOPICS: &[&str] = &[
    "政府信息公开",
    "优化营商环境",
    "安全生产检查",
    "老旧小区改造",
    "减税降费",
    "春季招聘",
    "防汛抗旱",
    "垃圾分类",
    "义务教育招生",
    "最低生活保障",
    "食品安全抽检",
    "法律援助",
];

const SITES: &[&str] = &[
    "gov",
    "commerce",
    "education",
    "safety",
    "health",
    "jiedao1",
];

/// xorshift64*: deterministic data without a rand dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.next() % list.len() as u64) as usize]
    }
}

fn generate(n: u64) -> impl Iterator<Item = SearchDoc> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (1..=n).map(move |id| {
        let title = rng.pick(TITLES).replace("{}", rng.pick(TOPICS));
        let sentences = 3 + rng.next() % 6;
        let body: String = (0..sentences).map(|_| rng.pick(SENTENCES)).collect();
        let mut channels = vec![rng.next() % 40];
        if rng.next().is_multiple_of(4) {
            channels.push(40 + rng.next() % 10);
        }
        SearchDoc {
            kind: "article",
            id,
            site: rng.pick(SITES).to_string(),
            channels,
            unit: format!("unit{}", rng.next() % 20),
            title: format!("{title}（第{id}期）"),
            body_text: body,
            attachment_names: if id % 5 == 0 {
                vec![format!("附件{id}.pdf")]
            } else {
                vec![]
            },
            // Five years, newest last.
            publish_ms: 1_600_000_000_000 + id as i64 * 1_500_000,
            url: format!("/a/{id}/"),
        }
    })
}

/// A `/proc/self/status` memory line (Linux), in MB; 0 elsewhere.
fn status_mb(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn rss_mb() -> f64 {
    status_mb("VmRSS:")
}

fn peak_mb() -> f64 {
    status_mb("VmHWM:")
}

fn dir_size_mb(dir: &Path) -> f64 {
    std::fs::read_dir(dir)
        .map(|it| {
            it.flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum::<u64>()
        })
        .unwrap_or(0) as f64
        / 1_048_576.0
}

fn time_query(idx: &SearchIndex, label: &str, q: &Query, runs: usize) {
    let first = Instant::now();
    let r = idx.search(q).expect("search");
    let first_ms = first.elapsed().as_secs_f64() * 1000.0;
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let r = idx.search(q).expect("search");
            std::hint::black_box(r);
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let p = |x: f64| times[((times.len() - 1) as f64 * x).round() as usize];
    println!(
        "{label:<34} hits {:>6}  first {first_ms:>7.2} ms  p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>6.2} ms",
        r.total,
        p(0.5),
        p(0.99),
        p(1.0)
    );
}

#[test]
#[ignore = "load check; run by hand in release"]
fn bench_100k() {
    let n: u64 = std::env::var("GK_SEARCH_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    // GK_SEARCH_BENCH_DIR keeps the index: a second run then only reopens and queries,
    // which shows the steady-state RSS of a server restarted over an existing index.
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = std::env::var_os("GK_SEARCH_BENCH_DIR")
        .map_or_else(|| tmp.path().join("search"), std::path::PathBuf::from);
    println!("RSS at start: {:.1} MB", rss_mb());

    let t = Instant::now();
    let idx = SearchIndex::open(&dir, Memory::default()).expect("open");
    println!(
        "open: {:.1} ms, {} docs, RSS {:.1} MB, index {:.1} MB on disk",
        t.elapsed().as_secs_f64() * 1000.0,
        idx.num_docs(),
        rss_mb(),
        dir_size_mb(&dir)
    );
    let t = Instant::now();
    let _ = query::query_words("加载词典");
    println!(
        "jieba dictionary ready after: {:.0} ms, RSS {:.1} MB",
        t.elapsed().as_secs_f64() * 1000.0,
        rss_mb()
    );

    if idx.num_docs() == 0 {
        let t = Instant::now();
        let added = idx.upsert_many(generate(n)).expect("bulk");
        let secs = t.elapsed().as_secs_f64();
        println!(
            "bulk index {added} docs: {secs:.1} s ({:.0} docs/s), RSS {:.1} MB (peak {:.1}), index {:.1} MB on disk",
            added as f64 / secs,
            rss_mb(),
            peak_mb(),
            dir_size_mb(&dir)
        );
        let t = Instant::now();
        idx.upsert(&SearchDoc {
            id: n + 1,
            ..generate(1).next().expect("one")
        })
        .expect("upsert");
        println!(
            "single upsert + commit + reload: {:.1} ms, index {:.1} MB on disk",
            t.elapsed().as_secs_f64() * 1000.0,
            dir_size_mb(&dir)
        );
    }

    let runs = 300;
    let q = |text: &str| Query::text(text);
    time_query(&idx, "1 char 税", &q("税"), runs);
    time_query(&idx, "2 chars 审计", &q("审计"), runs);
    time_query(&idx, "2 chars 公开 (very common)", &q("公开"), runs);
    time_query(&idx, "4 chars 营商环境", &q("营商环境"), runs);
    time_query(&idx, "4 chars 信息公开", &q("信息公开"), runs);
    time_query(&idx, "two words 安全生产 检查", &q("安全生产 检查"), runs);
    time_query(&idx, "2025年 (rare)", &q("2025年"), runs);
    let mut site = q("营商环境");
    site.site = Some("commerce".into());
    time_query(&idx, "营商环境 + site filter", &site, runs);
    let mut all = q("信息公开");
    all.site = Some("gov".into());
    all.channel = Some(3);
    all.from_ms = Some(1_600_000_000_000 + 30_000 * 1_500_000);
    all.to_ms = Some(1_600_000_000_000 + 90_000 * 1_500_000);
    time_query(&idx, "信息公开 + site+channel+dates", &all, runs);
    let mut deep = q("公开");
    deep.page = 50;
    deep.per_page = 20;
    time_query(&idx, "公开 page 50 of 20", &deep, runs);
    let list = Query {
        channel: Some(5),
        ..Query::default()
    };
    time_query(&idx, "no text, channel filter (newest)", &list, runs);
    println!(
        "RSS after queries: {:.1} MB (peak {:.1})",
        rss_mb(),
        peak_mb()
    );
}
