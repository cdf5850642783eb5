//! Storage: the audit hash chain (and tampering with it), backup → restore compared
//! item by item, scheduled backups with rotation, and the committed fixture data folder
//! that every later build must still open.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gongkai::auth::audit::{self, AuditRecord};
use gongkai::auth::model::Role;
use gongkai::store::backup::{dump_all, rotate};
use gongkai::store::{Store, tables};
use redb::{ReadableDatabase, ReadableTable};

use crate::cli::gongkai;
use crate::helpers::{PASSWORD, TestApp};

type Rows = Vec<(String, String, Vec<u8>)>;

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Runs the binary on a blocking thread, so an in-process server can answer its
/// control-socket request meanwhile.
async fn gongkai_async(args: Vec<String>) -> crate::cli::Out {
    tokio::task::spawn_blocking(move || {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        gongkai(&a, &[], None)
    })
    .await
    .unwrap()
}

/// Logs in a system administrator and creates `codes` under the root unit over HTTP.
async fn make_activity(app: &TestApp, codes: &[&str]) {
    app.seed_user("sys1", Role::Sysadmin, "gov").await;
    let c = app.client();
    let r = app.sign_in(&c, "sys1", PASSWORD).await;
    assert_eq!(r.location(), Some("/admin"), "{}", r.body);
    for code in codes {
        let r = c
            .post_form(
                "/admin/units",
                "/admin/units",
                &[
                    ("code", code),
                    ("name", &format!("测试单位{code}")),
                    ("kind", "department"),
                    ("parent", "gov"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "unit {code} created: {}", r.body);
    }
    // A failed login is recorded too.
    let bad = app.client();
    assert_ne!(bad.login("sys1", "Wrong-Password-1").await.status, 303);
}

fn read_audit(store: &Store, seq: u64) -> Vec<u8> {
    let txn = store.db().begin_read().unwrap();
    let t = txn.open_table(tables::AUDIT).unwrap();
    t.get(seq).unwrap().expect("record exists").value().to_vec()
}

fn write_audit(store: &Store, seq: u64, bytes: Option<Vec<u8>>) {
    store
        .write_blocking(move |txn| {
            let mut t = txn.open_table(tables::AUDIT)?;
            match bytes {
                Some(b) => {
                    t.insert(seq, b.as_slice())?;
                }
                None => {
                    t.remove(seq)?;
                }
            }
            Ok(())
        })
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_chain_verifies_and_detects_tampering() {
    let app = TestApp::start().await;
    make_activity(&app, &["tax", "health", "edu"]).await;
    let v = audit::verify(&app.state.store).unwrap();
    assert_eq!(v.broken, None);
    // 3 unit creations, 1 successful and 1 failed login at least.
    assert!(v.count >= 5, "{v:?}");
    let total = v.count;
    let dir = app.stop().await;
    let data = dir.path().to_path_buf();

    // Intact: the CLI agrees.
    let out = gongkai(&["audit", "verify", "--data", p(&data)], &[], None);
    assert!(out.succeeds().contains(&total.to_string()), "{out:?}");

    // Change one record's action without fixing its hash.
    let target = 2u64;
    let store = Store::open(&data, &*crate::helpers::test_clock()).unwrap();
    let original = read_audit(&store, target);
    let mut rec: AuditRecord = serde_json::from_slice(&original).unwrap();
    assert_ne!(rec.action, "tampered");
    rec.action = "tampered".into();
    write_audit(&store, target, Some(serde_json::to_vec(&rec).unwrap()));
    let v = audit::verify(&store).unwrap();
    let (seq, why) = v.broken.clone().expect("tampering detected");
    assert_eq!(seq, target, "{why}");
    assert_eq!(v.count, target - 1, "records before it are intact");
    drop(store);
    let out = gongkai(&["audit", "verify", "--data", p(&data)], &[], None);
    let line = out.fails();
    assert!(line.contains(&format!("第 {target} 条")), "{line}");

    // Rewriting the record's own hash too is caught by the next record's link.
    let store = Store::open(&data, &*crate::helpers::test_clock()).unwrap();
    rec.hash = rec.compute_hash();
    write_audit(&store, target, Some(serde_json::to_vec(&rec).unwrap()));
    let v = audit::verify(&store).unwrap();
    assert_eq!(v.broken.map(|b| b.0), Some(target + 1));

    // Put it back: intact again.
    write_audit(&store, target, Some(original));
    assert_eq!(audit::verify(&store).unwrap().broken, None);

    // Delete a record in the middle.
    let gone = 3u64;
    assert!(total > gone + 1, "a record after the deleted one exists");
    write_audit(&store, gone, None);
    let v = audit::verify(&store).unwrap();
    assert_eq!(v.broken.as_ref().map(|b| b.0), Some(gone), "{v:?}");
    drop(store);
    let out = gongkai(&["audit", "verify", "--data", p(&data)], &[], None);
    let line = out.fails();
    assert!(line.contains(&format!("第 {gone} 条")), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_tail_truncation_is_detected_and_verify_works_while_running() {
    let app = TestApp::start().await;
    make_activity(&app, &["tax", "health"]).await;
    // The server holds the database; the CLI asks it through the control socket.
    let data = app.dir.path().to_path_buf();
    let out = gongkai_async(vec![
        "audit".into(),
        "verify".into(),
        "--data".into(),
        p(&data).into(),
    ])
    .await;
    assert!(out.succeeds().contains("哈希链校验通过"), "{out:?}");
    let total = audit::verify(&app.state.store).unwrap().count;
    let dir = app.stop().await;
    let data = dir.path().to_path_buf();

    // Cut the newest two records off the end: the chain itself still links up,
    // but the head kept beside it no longer matches.
    let store = Store::open(&data, &*crate::helpers::test_clock()).unwrap();
    write_audit(&store, total, None);
    write_audit(&store, total - 1, None);
    let v = audit::verify(&store).unwrap();
    assert_eq!(v.broken.as_ref().map(|b| b.0), Some(total - 1), "{v:?}");
    assert!(v.broken.unwrap().1.contains("截断"));
    drop(store);
    let out = gongkai(&["audit", "verify", "--data", p(&data)], &[], None);
    assert!(out.fails().contains("截断"));
}

/// Seeds everything backup must carry: users, units, a session, a referenced blob
/// (and an unreferenced one, which must not travel). Returns (kept, dropped) blob bytes.
async fn seed_for_backup(app: &TestApp) -> (Vec<u8>, Vec<u8>) {
    make_activity(app, &["tax", "health"]).await;
    app.seed_user("rep1", Role::Reporter, "tax").await;
    app.seed_user("aud1", Role::Auditor, "gov").await;
    // A session that stays open.
    let c = app.client();
    assert_eq!(c.login("rep1", PASSWORD).await.status, 303);
    let kept = b"%PDF-1.4 backup test attachment \x00\x01\x02".to_vec();
    let dropped = b"an orphan blob nobody references".to_vec();
    let store = app.state.store.clone();
    let sha = store.blobs().put(&kept).unwrap();
    store.blobs().put(&dropped).unwrap();
    store
        .write(move |txn| {
            txn.open_table(tables::BLOB_REFS)?
                .insert(sha.as_str(), 1u64)?;
            Ok(())
        })
        .await
        .unwrap();
    (kept, dropped)
}

fn sha_hex(b: &[u8]) -> String {
    gongkai::ids::sha256_hex(b)
}

fn blob_path(data: &Path, sha: &str) -> PathBuf {
    data.join("blobs").join(&sha[..2]).join(&sha[2..])
}

/// The original store after the backup has exactly the restored rows plus the audit
/// record(s) appended after the snapshot (the record of the backup itself).
fn assert_same_rows(original: &Rows, restored: &Rows) {
    // The chain head moves with every record; the restored one must name the restored tail.
    let is_head = |r: &(String, String, Vec<u8>)| r.0 == "meta" && r.1 == "audit_head";
    let head: audit::Head =
        serde_json::from_slice(&restored.iter().find(|r| is_head(r)).expect("head").2).unwrap();
    let original: Rows = original.iter().filter(|r| !is_head(r)).cloned().collect();
    let restored: Rows = restored.iter().filter(|r| !is_head(r)).cloned().collect();
    let (original, restored) = (&original, &restored);
    let max_seq = restored
        .iter()
        .filter(|r| r.0 == "audit")
        .map(|r| r.1.parse::<u64>().unwrap())
        .max()
        .expect("restored audit log not empty");
    let (before, after): (Vec<_>, Vec<_>) = original
        .iter()
        .cloned()
        .partition(|r| r.0 != "audit" || r.1.parse::<u64>().unwrap() <= max_seq);
    assert_eq!(
        after.len(),
        1,
        "one audit record written after the snapshot"
    );
    let rec: AuditRecord = serde_json::from_slice(&after[0].2).unwrap();
    assert_eq!(rec.action, "backup");
    assert_eq!(head.seq, max_seq, "restored head names the restored tail");
    assert_eq!(before.len(), restored.len(), "same number of rows");
    for (a, b) in before.iter().zip(restored) {
        assert_eq!(
            a,
            b,
            "row differs: {}/{}: {} vs {}",
            a.0,
            a.1,
            String::from_utf8_lossy(&a.2),
            String::from_utf8_lossy(&b.2)
        );
    }
    for table in [
        "users",
        "user_names",
        "units",
        "sessions",
        "audit",
        "blob_refs",
        "meta",
    ] {
        assert!(
            restored.iter().any(|r| r.0 == table),
            "table {table} has rows"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_restore_round_trip_while_running_and_offline() {
    let app = TestApp::start().await;
    let (kept, dropped) = seed_for_backup(&app).await;
    let data = app.dir.path().to_path_buf();
    assert!(
        data.join("control.sock").exists(),
        "control socket listening"
    );
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("online.tar");

    // While the server runs, the CLI goes through the control socket (redb is locked).
    let out = gongkai_async(vec![
        "backup".into(),
        "--out".into(),
        file.display().to_string(),
        "--data".into(),
        data.display().to_string(),
    ])
    .await;
    assert!(out.succeeds().contains("备份已写入"), "{out:?}");
    assert!(file.exists());
    let leftovers: Vec<_> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temp files left: {leftovers:?}");
    let dir = app.stop().await;

    let restored_dir = tempfile::tempdir().unwrap();
    let target = restored_dir.path().join("restored");
    let out = gongkai(&["restore", p(&file), "--data", p(&target)], &[], None);
    assert!(out.succeeds().contains("已恢复"), "{out:?}");

    let original = Store::open(dir.path(), &*crate::helpers::test_clock()).unwrap();
    let restored = Store::open(&target, &*crate::helpers::test_clock()).unwrap();
    assert_same_rows(&dump_all(&original).unwrap(), &dump_all(&restored).unwrap());
    assert_eq!(audit::verify(&restored).unwrap().broken, None);
    assert_eq!(restored.blobs().get(&sha_hex(&kept)).unwrap(), kept);
    assert!(
        !blob_path(&target, &sha_hex(&dropped)).exists(),
        "unreferenced blob not carried"
    );
    drop(restored);

    // Offline: no server on the folder.
    let offline = work.path().join("offline.tar");
    drop(original);
    let original_rows = {
        let s = Store::open(dir.path(), &*crate::helpers::test_clock()).unwrap();
        dump_all(&s).unwrap()
    };
    let out = gongkai(
        &["backup", "--out", p(&offline), "--data", p(dir.path())],
        &[],
        None,
    );
    assert!(out.succeeds().contains("备份已写入"), "{out:?}");
    let target2 = restored_dir.path().join("restored-offline");
    gongkai(&["restore", p(&offline), "--data", p(&target2)], &[], None).succeeds();
    let after = Store::open(dir.path(), &*crate::helpers::test_clock()).unwrap();
    let after_rows = dump_all(&after).unwrap();
    let restored2 = Store::open(&target2, &*crate::helpers::test_clock()).unwrap();
    let restored2_rows = dump_all(&restored2).unwrap();
    assert_same_rows(&after_rows, &restored2_rows);
    assert_eq!(
        restored2_rows, original_rows,
        "offline backup is the folder as it was"
    );
    assert_eq!(restored2.blobs().get(&sha_hex(&kept)).unwrap(), kept);
    drop(restored2);
    drop(after);

    // The restored folder serves: no setup link, the seeded accounts log in.
    let serve_dir = tempfile::tempdir().unwrap();
    gongkai(
        &["restore", p(&file), "--data", p(serve_dir.path())],
        &[],
        None,
    )
    .succeeds();
    let app = TestApp::start_in(serve_dir, |_| {}).await;
    assert!(app.setup_token.is_none());
    assert_eq!(app.client().login("rep1", PASSWORD).await.status, 303);
    let c = app.client();
    let r = app.sign_in(&c, "sys1", PASSWORD).await;
    assert_eq!(r.location(), Some("/admin"), "{}", r.body);
    let page = c.get("/admin/units").await;
    assert!(page.body.contains("health"), "restored unit listed");
    app.stop().await;
}

fn is_empty_dir(d: &Path) -> bool {
    !d.exists() || std::fs::read_dir(d).unwrap().next().is_none()
}

/// Byte offset and length of `name`'s data inside a tar file.
fn tar_entry_span(file: &Path, name: &str) -> (u64, u64) {
    let mut ar = tar::Archive::new(std::fs::File::open(file).unwrap());
    for e in ar.entries().unwrap() {
        let e = e.unwrap();
        if e.path().unwrap().to_str() == Some(name) {
            return (e.raw_file_position(), e.header().entry_size().unwrap());
        }
    }
    panic!("{name} not in {}", file.display());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_bad_input_and_leaves_target_untouched() {
    let app = TestApp::start().await;
    seed_for_backup(&app).await;
    let dir = app.stop().await;
    let work = tempfile::tempdir().unwrap();
    let good = work.path().join("good.tar");
    gongkai(
        &["backup", "--out", p(&good), "--data", p(dir.path())],
        &[],
        None,
    )
    .succeeds();
    let bytes = std::fs::read(&good).unwrap();

    // Into a folder that is not empty: refused, nothing changed.
    let busy = work.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("keep.txt"), b"mine").unwrap();
    let line = gongkai(&["restore", p(&good), "--data", p(&busy)], &[], None)
        .fails()
        .to_owned();
    assert!(line.contains(p(&busy)), "{line}");
    let names: Vec<_> = std::fs::read_dir(&busy)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["keep.txt"]);
    assert_eq!(std::fs::read(busy.join("keep.txt")).unwrap(), b"mine");

    // Without --data.
    gongkai(&["restore", p(&good)], &[], None).fails();

    // One flipped byte inside the database entry: the checksum catches it.
    let (off, len) = tar_entry_span(&good, "gongkai.redb");
    assert!(len > 0);
    let mut bad = bytes.clone();
    let at = usize::try_from(off + len / 2).unwrap();
    bad[at] ^= 0x5a;
    let corrupt = work.path().join("corrupt.tar");
    std::fs::write(&corrupt, &bad).unwrap();
    let target = work.path().join("t-corrupt");
    let out = gongkai(&["restore", p(&corrupt), "--data", p(&target)], &[], None);
    let line = out.fails();
    assert!(line.contains("校验"), "{line}");
    assert!(line.contains("gongkai.redb"), "{line}");
    assert!(is_empty_dir(&target), "target left empty");

    // A flipped byte inside the manifest.
    let (off, _) = tar_entry_span(&good, "manifest.json");
    let mut bad = bytes.clone();
    bad[usize::try_from(off).unwrap()] = b'#';
    let corrupt = work.path().join("corrupt-manifest.tar");
    std::fs::write(&corrupt, &bad).unwrap();
    let target = work.path().join("t-manifest");
    gongkai(&["restore", p(&corrupt), "--data", p(&target)], &[], None).fails();
    assert!(is_empty_dir(&target));

    // Truncated at several points (inside the manifest, inside the database, inside a
    // header). Cutting only the trailing zero blocks would leave a complete archive.
    let (db_off, db_len) = tar_entry_span(&good, "gongkai.redb");
    let db_mid = usize::try_from(db_off + db_len / 2).unwrap();
    for cut in [db_mid, bytes.len() / 2, 700, 10] {
        let trunc = work.path().join(format!("trunc-{cut}.tar"));
        std::fs::write(&trunc, &bytes[..cut]).unwrap();
        let target = work.path().join(format!("t-trunc-{cut}"));
        let out = gongkai(&["restore", p(&trunc), "--data", p(&target)], &[], None);
        out.fails();
        assert!(
            is_empty_dir(&target),
            "target left empty after cut at {cut}"
        );
    }

    // Garbage, an empty file, a missing file.
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let garbage: Vec<u8> = (0..8192)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    for (name, content) in [("garbage.tar", garbage), ("empty.tar", Vec::new())] {
        let f = work.path().join(name);
        std::fs::write(&f, content).unwrap();
        let target = work.path().join(format!("t-{name}"));
        gongkai(&["restore", p(&f), "--data", p(&target)], &[], None).fails();
        assert!(is_empty_dir(&target), "{name}: target left empty");
    }
    let missing = work.path().join("missing.tar");
    let line = gongkai(
        &[
            "restore",
            p(&missing),
            "--data",
            p(&work.path().join("t-missing")),
        ],
        &[],
        None,
    )
    .fails()
    .to_owned();
    assert!(line.contains(p(&missing)), "{line}");

    // The good file still restores after all that.
    let target = work.path().join("t-good");
    gongkai(&["restore", p(&good), "--data", p(&target)], &[], None).succeeds();
    let s = Store::open(&target, &*crate::helpers::test_clock()).unwrap();
    assert_eq!(audit::verify(&s).unwrap().broken, None);
}

/// Copies a backup tar byte for byte (its database entry is a GNU sparse file) and
/// adds one more entry made by `extra` before the end-of-archive blocks.
fn with_extra_entry(good: &Path, out: &Path, extra: impl FnOnce(&mut tar::Builder<Vec<u8>>)) {
    let bytes = std::fs::read(good).unwrap();
    let mut end = 0u64;
    let mut ar = tar::Archive::new(bytes.as_slice());
    for e in ar.entries().unwrap() {
        let e = e.unwrap();
        let stored = e.header().entry_size().unwrap();
        end = e.raw_file_position() + stored.div_ceil(512) * 512;
    }
    let mut b = tar::Builder::new(Vec::new());
    extra(&mut b);
    let tail = b.into_inner().unwrap();
    let mut all = bytes[..usize::try_from(end).unwrap()].to_vec();
    all.extend_from_slice(&tail);
    std::fs::write(out, all).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_files_the_manifest_does_not_list() {
    let app = TestApp::start().await;
    seed_for_backup(&app).await;
    let dir = app.stop().await;
    let work = tempfile::tempdir().unwrap();
    let good = work.path().join("good.tar");
    gongkai(
        &["backup", "--out", p(&good), "--data", p(dir.path())],
        &[],
        None,
    )
    .succeeds();

    // A blob smuggled in beside the listed ones.
    let smuggled = work.path().join("smuggled.tar");
    let payload = b"not in the manifest";
    let sha = gongkai::ids::sha256_hex(payload);
    with_extra_entry(&good, &smuggled, |b| {
        let mut h = tar::Header::new_gnu();
        h.set_size(payload.len() as u64);
        h.set_mode(0o600);
        h.set_cksum();
        let path = format!("blobs/{}/{}", &sha[..2], &sha[2..]);
        b.append_data(&mut h, path, &payload[..]).unwrap();
    });
    let target = work.path().join("t-smuggled");
    let line = gongkai(&["restore", p(&smuggled), "--data", p(&target)], &[], None)
        .fails()
        .to_owned();
    assert!(line.contains(&sha[2..]), "names the file: {line}");
    assert!(is_empty_dir(&target), "target left empty");

    // A symlink pointing out of the data folder.
    let linked = work.path().join("symlink.tar");
    with_extra_entry(&good, &linked, |b| {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_size(0);
        h.set_mode(0o777);
        b.append_link(&mut h, "blobs/ff/link", "/etc/passwd")
            .unwrap();
    });
    let target = work.path().join("t-symlink");
    gongkai(&["restore", p(&linked), "--data", p(&target)], &[], None).fails();
    assert!(is_empty_dir(&target), "target left empty");

    // The unmodified copy still restores (the rebuilt tar itself is fine).
    let plain = work.path().join("plain.tar");
    with_extra_entry(&good, &plain, |_| {});
    let target = work.path().join("t-plain");
    gongkai(&["restore", p(&plain), "--data", p(&target)], &[], None).succeeds();
}

fn scheduled_backups(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with("gongkai-") && n.ends_with(".tar"))
            .collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

/// Waits (bounded) until `cond` holds for the listing of `dir`.
async fn wait_for_backups(dir: &Path, what: &str, cond: impl Fn(&[String]) -> bool) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let v = scheduled_backups(dir);
        if cond(&v) {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; have {v:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_daily_backup_and_rotation() {
    let app = TestApp::start_with(|c| {
        c.backup.daily = true;
        c.backup.hour = 0;
        c.backup.keep = 2;
    })
    .await;
    let bdir = app.dir.path().join("backups");
    // The manual clock starts at 2026-11-26 09:00 UTC = 17:00 Beijing time.
    let first = wait_for_backups(&bdir, "the first daily backup", |v| !v.is_empty()).await;
    assert_eq!(first, ["gongkai-20261126-1700.tar"]);

    // Only once a day: a later scheduler pass on the same day makes none. The pass that
    // starts after the second advance proves the one before it has finished.
    for step in [time::Duration::hours(1), time::Duration::minutes(1)] {
        app.clock.advance(step);
        let now = app.state.now_ms();
        let deadline = Instant::now() + Duration::from_secs(30);
        while app
            .state
            .scheduler_beat_ms
            .load(std::sync::atomic::Ordering::SeqCst)
            < now
        {
            assert!(Instant::now() < deadline, "scheduler did not wake");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    assert_eq!(scheduled_backups(&bdir), first);

    // The next two days: rotation keeps the newest two.
    app.clock
        .advance(time::Duration::hours(23) - time::Duration::minutes(1));
    wait_for_backups(&bdir, "the second daily backup", |v| v.len() == 2).await;
    app.clock.advance(time::Duration::days(1));
    let v = wait_for_backups(&bdir, "the third daily backup, rotated", |v| {
        // The new file appears first; rotation follows.
        v.len() == 2 && v.last().is_some_and(|n| n.starts_with("gongkai-20261128"))
    })
    .await;
    assert_eq!(
        v,
        ["gongkai-20261127-1700.tar", "gongkai-20261128-1700.tar"]
    );

    // Each scheduled backup was audited.
    let store = app.state.store.clone();
    let n = store
        .read(|txn| {
            let t = txn.open_table(tables::AUDIT)?;
            let mut n = 0;
            for row in t.iter()? {
                let (_, v) = row?;
                let r: AuditRecord = serde_json::from_slice(v.value())?;
                if r.action == "backup" {
                    n += 1;
                }
            }
            Ok(n)
        })
        .await
        .unwrap();
    assert_eq!(n, 3);
    let dir = app.stop().await;

    // A scheduled backup is a valid backup.
    let target = tempfile::tempdir().unwrap();
    let f = dir.path().join("backups").join(&v[1]);
    gongkai(&["restore", p(&f), "--data", p(target.path())], &[], None).succeeds();
}

#[test]
fn rotate_keeps_only_the_newest() {
    let d = tempfile::tempdir().unwrap();
    let names = [
        "gongkai-20261120-0200.tar",
        "gongkai-20261121-0200.tar",
        "gongkai-20261122-0200.tar",
        "gongkai-20261123-0200.tar",
    ];
    for n in names {
        std::fs::write(d.path().join(n), n).unwrap();
    }
    // Files that are not scheduled backups are never touched.
    std::fs::write(d.path().join("manual.tar"), b"x").unwrap();
    std::fs::write(d.path().join("gongkai-20261124-0200.tar.part"), b"x").unwrap();
    let removed = rotate(d.path(), 2).unwrap();
    assert_eq!(removed.len(), 2);
    let mut left: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "gongkai-20261122-0200.tar",
            "gongkai-20261123-0200.tar",
            "gongkai-20261124-0200.tar.part",
            "manual.tar",
        ]
    );
    // Keeping more than there are removes nothing.
    assert!(rotate(d.path(), 5).unwrap().is_empty());
    assert_eq!(rotate(d.path(), 1).unwrap().len(), 1);
    assert!(d.path().join("gongkai-20261123-0200.tar").exists());
}

// ---------------------------------------------------------------------------------
// The fixture data folder tests/fixtures/data-v1, made by gongkai 0.1.0 (schema 1).
// It is committed and must never be regenerated; see tests/fixtures/README.md.

const FIXTURE_PASSWORD: &str = "Fixture-Pass-2026";
const FIXTURE_BLOB: &[u8] = b"gongkai fixture attachment v1\n";
const FIXTURE_UNITS: [(&str, &str, Option<&str>); 5] = [
    ("gov", "示范区人民政府", None),
    ("office", "示范区人民政府办公室", Some("gov")),
    ("tax", "示范区税务局", Some("gov")),
    ("east", "东城街道办事处", Some("gov")),
    ("east-c1", "东城第一社区", Some("east")),
];
const FIXTURE_USERS: [(&str, Role, &str); 3] = [
    ("sysadmin1", Role::Sysadmin, "gov"),
    ("auditor1", Role::Auditor, "gov"),
    ("reporter1", Role::Reporter, "tax"),
];

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data-v1")
}

/// How tests/fixtures/data-v1 was made (once, with gongkai 0.1.0):
/// `GONGKAI_FIXTURE_OUT=/tmp/data-v1 cargo test --test it make_fixture_data_v1 -- --ignored`,
/// then the folder was copied in without its `blobs/tmp`. It refuses to write into an
/// existing folder, so it can never overwrite the committed fixture in place.
#[test]
#[ignore = "writes a new fixture folder; run by hand only"]
fn make_fixture_data_v1() {
    use gongkai::auth::audit::{Event, Outcome};
    use gongkai::auth::model::{Grant, Unit, UnitCode, UnitKind, Username};
    use gongkai::auth::store::{self as users, NewUser};

    let out = PathBuf::from(std::env::var("GONGKAI_FIXTURE_OUT").expect("GONGKAI_FIXTURE_OUT"));
    assert!(
        !out.exists(),
        "{} exists; fixtures are only ever added",
        out.display()
    );
    let store = Store::open(&out, &*crate::helpers::test_clock()).unwrap();
    let t0 = 1_795_600_000_000i64; // a fixed time in November 2026
    let hash = gongkai::auth::password::hash(FIXTURE_PASSWORD).unwrap();
    let sha = store.blobs().put(FIXTURE_BLOB).unwrap();
    let ev = |action: &'static str, object: String| Event {
        user: "命令行".into(),
        unit: String::new(),
        action,
        object,
        ip: "127.0.0.1".into(),
        outcome: Outcome::Success,
        detail: "fixture data-v1".into(),
    };
    store
        .write_blocking(|txn| {
            let mut now = t0;
            for (code, name, parent) in FIXTURE_UNITS {
                let kind = match code {
                    "gov" => UnitKind::Government,
                    "office" => UnitKind::Office,
                    "east" => UnitKind::Subdistrict,
                    "east-c1" => UnitKind::Community,
                    _ => UnitKind::Department,
                };
                users::create_unit(
                    txn,
                    Unit {
                        code: UnitCode::parse(code).unwrap(),
                        name: name.into(),
                        kind,
                        parent: parent.map(|p| UnitCode::parse(p).unwrap()),
                        created_ms: now,
                        profile: Default::default(),
                        retired: false,
                    },
                )?
                .unwrap();
                audit::append(txn, ev("unit_create", format!("unit:{code}")), now)?;
                now += 1000;
            }
            for (name, role, unit) in FIXTURE_USERS {
                let unit = UnitCode::parse(unit).unwrap();
                users::create_user(
                    txn,
                    NewUser {
                        username: Username::parse(name).unwrap(),
                        display_name: format!("{name} 测试"),
                        unit: unit.clone(),
                        grants: vec![Grant { role, unit }],
                        password_hash: hash.clone(),
                        must_change_password: false,
                    },
                    now,
                )?
                .unwrap();
                audit::append(txn, ev("user_create", format!("user:{name}")), now)?;
                now += 1000;
            }
            txn.open_table(tables::BLOB_REFS)?
                .insert(sha.as_str(), 1u64)?;
            audit::append(txn, ev("blob_put", format!("blob:{sha}")), now)?;
            Ok(())
        })
        .unwrap();
    drop(store);
    std::fs::remove_dir_all(out.join("blobs/tmp")).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_data_v1_still_opens() {
    let src = fixture_dir();
    assert!(
        src.join("gongkai.redb").is_file(),
        "fixture missing: {}",
        src.display()
    );
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&src, tmp.path());

    // Opening runs the migrations.
    let store = Store::open(tmp.path(), &*crate::helpers::test_clock()).unwrap();
    assert_eq!(
        gongkai::store::schema::version(&store).unwrap(),
        gongkai::store::schema::CURRENT
    );
    let units = store
        .read_blocking(gongkai::auth::store::list_units)
        .unwrap();
    for (code, name, parent) in FIXTURE_UNITS {
        let u = units
            .iter()
            .find(|u| u.code.as_str() == code)
            .unwrap_or_else(|| panic!("unit {code} in fixture"));
        assert_eq!(u.name, name);
        assert_eq!(u.parent.as_ref().map(|p| p.as_str()), parent);
    }
    assert_eq!(units.len(), FIXTURE_UNITS.len());
    let all = store
        .read_blocking(gongkai::auth::store::list_users)
        .unwrap();
    assert_eq!(all.len(), FIXTURE_USERS.len());
    for (name, role, unit) in FIXTURE_USERS {
        let u = store
            .read_blocking(|txn| gongkai::auth::store::find_user(txn, name))
            .unwrap()
            .unwrap_or_else(|| panic!("user {name} in fixture"));
        assert!(u.has_role(role), "{name} holds {role:?}");
        assert_eq!(u.unit.as_str(), unit);
        assert!(gongkai::auth::password::verify(
            FIXTURE_PASSWORD,
            &u.password_hash
        ));
    }
    let v = audit::verify(&store).unwrap();
    assert_eq!(v.broken, None);
    assert_eq!(v.count, 9);
    let sha = gongkai::ids::sha256_hex(FIXTURE_BLOB);
    assert_eq!(store.blobs().get(&sha).unwrap(), FIXTURE_BLOB);
    let refs = store
        .read_blocking(|txn| {
            Ok(txn
                .open_table(tables::BLOB_REFS)?
                .get(sha.as_str())?
                .map(|v| v.value()))
        })
        .unwrap();
    assert_eq!(refs, Some(1));
    drop(store);

    // The CLI verifies it too.
    gongkai(&["audit", "verify", "--data", p(tmp.path())], &[], None).succeeds();

    // And it serves: no setup link (an administrator exists), the accounts log in.
    let app = TestApp::start_in(tmp, |_| {}).await;
    assert!(app.setup_token.is_none());
    let c = app.client();
    assert_eq!(c.login("sysadmin1", FIXTURE_PASSWORD).await.status, 303);
    // Made before two-factor login was required of the three duties: enrol first.
    assert_eq!(
        c.get("/admin/units").await.location(),
        Some("/account/totp")
    );
    app.enrol_totp(&c).await;
    let page = c.get("/admin/units").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("东城第一社区"));
    app.stop().await;

    // The committed folder itself was not touched (the test worked on a copy).
    assert!(!src.join(".write-probe").exists());
    assert!(!src.join("control.sock").exists());
}
