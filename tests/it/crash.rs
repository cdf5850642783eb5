//! The crash test: the real server binary makes acknowledged writes (a unit created over
//! HTTP, answered 303 only after its write transaction committed) and is killed with
//! SIGKILL at random moments. After every kill nothing acknowledged may be lost, every
//! unit must have its audit record (same transaction) and the audit chain must verify.

use std::collections::BTreeSet;
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gongkai::auth::audit::{self, AuditRecord};
use gongkai::store::{Store, tables};
use redb::ReadableTable;

use crate::cli::{BIN, gongkai};
use crate::helpers::{Client, PASSWORD};

const ROUNDS: usize = 60;
/// Longest random delay between the server answering and the kill.
const MAX_DELAY_MS: u64 = 400;

/// A tiny xorshift64 generator; the seed is printed so a failure can be replayed with
/// `CRASH_TEST_SEED=…`.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A server child process we started; killed (SIGKILL) and reaped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    /// Spawns the server; the receiver gets its address once it listens.
    fn spawn(data: &Path) -> (Server, std::sync::mpsc::Receiver<String>) {
        let mut cmd = Command::new(BIN);
        cmd.arg("--data")
            .arg(data)
            .args(["--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, _) in std::env::vars() {
            if k.starts_with("GONGKAI_") {
                cmd.env_remove(k);
            }
        }
        cmd.env("GONGKAI_LOG__LEVEL", "warn");
        let mut child = cmd.spawn().expect("spawn server");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        // Reads the listening line, then keeps draining stdout until the process dies.
        std::thread::spawn(move || {
            let marker = "正在监听 http://";
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(i) = line.find(marker) {
                    let _ = tx.send(line[i + marker.len()..].trim().to_owned());
                }
            }
        });
        let server = Server {
            child,
            base: String::new(),
        };
        (server, rx)
    }

    /// Spawns the server and waits until it listens.
    fn start(data: &Path) -> Server {
        let (mut server, rx) = Server::spawn(data);
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(addr) => server.base = format!("http://{addr}"),
            Err(_) => {
                let status = server.child.try_wait().ok().flatten();
                panic!("server did not print its address (exit status {status:?})");
            }
        }
        server
    }

    /// SIGKILL, then reap.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

fn csrf_of(body: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let i = body.find(marker).expect("page has a csrf field") + marker.len();
    body[i..i + 64].to_owned()
}

/// crashadmin's two-factor login once enrolled: its secret and the last time step used.
type Totp = Option<(String, u64)>;

/// The time step of the server's clock (the real one: the server is the real binary).
fn server_step() -> u64 {
    use gongkai::clock::Clock;
    gongkai::auth::totp::step_at(gongkai::clock::SystemClock.now().unix_timestamp())
}

/// Signs crashadmin in on `c`. A system administrator must use two-factor login: the first
/// time it enrols (keeping the secret in `totp`), later it enters a code for a time step
/// not used before (waiting for the next step when the window's three are spent).
async fn sign_in(c: &Client, totp: &mut Totp) {
    use gongkai::auth::totp as t;
    let login = c.login("crashadmin", PASSWORD).await;
    assert_eq!(login.status, 303, "login: {}", login.body);
    match (login.location(), totp.as_mut()) {
        (Some("/login/totp"), Some((secret, last))) => {
            let step = loop {
                let now = server_step();
                if let Some(s) = [now - 1, now, now + 1].into_iter().find(|s| s > last) {
                    break s;
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            };
            let code = t::code(secret, step).unwrap();
            let r = c
                .post_form("/login/totp", "/login/totp", &[("code", &code)])
                .await;
            assert_eq!(r.location(), Some("/admin"), "login code: {}", r.body);
            *last = step;
        }
        (Some("/admin"), None) => {
            let page = c.get("/account/totp").await;
            let shown = crate::helpers::tag_text(&page.body, "id=\"totp-secret\"")
                .expect("enrolment page shows the secret");
            let secret: String = shown.chars().filter(|c| !c.is_whitespace()).collect();
            let step = server_step();
            let code = t::code(&secret, step).unwrap();
            let r = c
                .post_raw("/account/totp", &[("csrf", &page.csrf()), ("code", &code)])
                .await;
            assert_eq!(r.location(), Some("/account"), "enrol: {}", r.body);
            *totp = Some((secret, step));
        }
        (to, _) => panic!("login went to {to:?}"),
    }
}

/// GET /admin/units with the session cookie, logging in first if the session is gone.
async fn units_page(base: &str, cookie: &mut String, totp: &mut Totp) -> String {
    for attempt in 0..2 {
        let r = http()
            .get(format!("{base}/admin/units"))
            .header("cookie", cookie.as_str())
            .send()
            .await
            .expect("GET /admin/units");
        if r.status().as_u16() == 200 {
            return r.text().await.unwrap();
        }
        assert_eq!(
            attempt,
            0,
            "still not allowed after logging in: {}",
            r.status()
        );
        let c = Client::new(base);
        sign_in(&c, totp).await;
        *cookie = c
            .cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
    }
    unreachable!()
}

/// Checks the folder directly: acknowledged units present, each unit with exactly one
/// creation record in the audit log and vice versa, and an intact chain.
fn check_store(data: &Path, acked: &[String], round: usize) -> usize {
    let store =
        Store::open(data, &*crate::helpers::test_clock()).expect("store opens after SIGKILL");
    let (units, created) = store
        .read_blocking(|txn| {
            let mut units = BTreeSet::new();
            for row in txn.open_table(tables::UNITS)?.iter()? {
                units.insert(row?.0.value().to_owned());
            }
            let mut created = Vec::new();
            for row in txn.open_table(tables::AUDIT)?.iter()? {
                let (_, v) = row?;
                let r: AuditRecord = serde_json::from_slice(v.value())?;
                if r.action == "unit_create" {
                    created.push(r.object.trim_start_matches("unit:").to_owned());
                }
            }
            Ok((units, created))
        })
        .unwrap();
    for code in acked {
        assert!(
            units.contains(code),
            "round {round}: acknowledged unit {code} lost"
        );
    }
    let created_set: BTreeSet<String> = created.iter().cloned().collect();
    assert_eq!(
        created.len(),
        created_set.len(),
        "round {round}: duplicate audit records"
    );
    let made: BTreeSet<String> = units.iter().filter(|c| *c != "gov").cloned().collect();
    assert_eq!(
        made, created_set,
        "round {round}: units and their audit records differ"
    );
    let v = audit::verify(&store).unwrap();
    assert_eq!(v.broken, None, "round {round}: audit chain broken");
    units.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_moments_loses_nothing_acknowledged() {
    let started = Instant::now();
    let seed = std::env::var("CRASH_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            // Only a random seed (printed, and settable above): it stamps nothing.
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap();
            (t.as_nanos() as u64) | 1
        });
    println!("crash test seed: CRASH_TEST_SEED={seed}");
    let mut rng = XorShift(seed);

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_path_buf();
    let d = data.to_str().unwrap();
    gongkai(
        &[
            "admin",
            "create",
            "--username",
            "crashadmin",
            "--password-stdin",
            "--data",
            d,
        ],
        &[],
        Some(PASSWORD),
    )
    .succeeds();

    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut cookie = String::new();
    let mut totp: Totp = None;
    let mut startup_kills = 0usize;
    for round in 0..ROUNDS {
        // Every fourth round, first kill a server while it is still starting up
        // (opening the database, repairing it after the last kill, migrating).
        if round % 4 == 3 {
            let (server, _rx) = Server::spawn(&data);
            tokio::time::sleep(Duration::from_millis(rng.below(40))).await;
            server.kill();
            startup_kills += 1;
            check_store(&data, &acked.lock().unwrap().clone(), round);
        }
        let server = Server::start(&data);
        // After the restart, every unit acknowledged so far is served.
        let body = units_page(&server.base, &mut cookie, &mut totp).await;
        for code in acked.lock().unwrap().iter() {
            assert!(
                body.contains(&format!("<code>{code}</code>")),
                "round {round}: acknowledged unit {code} not listed after restart"
            );
        }
        let csrf = csrf_of(&body);

        // Write as fast as the server acknowledges.
        let writer = {
            let base = server.base.clone();
            let cookie = cookie.clone();
            let acked = acked.clone();
            tokio::spawn(async move {
                let client = http();
                for i in 0.. {
                    let code = format!("r{round}-{i}");
                    let form = [
                        ("csrf", csrf.as_str()),
                        ("code", code.as_str()),
                        ("name", "崩溃测试单位"),
                        ("kind", "department"),
                        ("parent", "gov"),
                    ];
                    let r = client
                        .post(format!("{base}/admin/units"))
                        .header("cookie", cookie.as_str())
                        .form(&form)
                        .send()
                        .await;
                    match r {
                        // Acknowledged: the redirect back to the list, sent after commit.
                        Ok(resp)
                            if resp.status().as_u16() == 303
                                && resp
                                    .headers()
                                    .get("location")
                                    .is_some_and(|l| l == "/admin/units") =>
                        {
                            acked.lock().unwrap().push(code);
                        }
                        Ok(resp) => panic!(
                            "round {round}: write {code} answered {}: {}",
                            resp.status(),
                            resp.text().await.unwrap_or_default()
                        ),
                        // The server died under us: this write was not acknowledged.
                        Err(_) => break,
                    }
                }
            })
        };

        tokio::time::sleep(Duration::from_millis(rng.below(MAX_DELAY_MS + 1))).await;
        server.kill();
        tokio::time::timeout(Duration::from_secs(30), writer)
            .await
            .expect("writer stops once the server is gone")
            .expect("writer saw only 303s before the kill");

        let snapshot = acked.lock().unwrap().clone();
        check_store(&data, &snapshot, round);
        let out = gongkai(&["audit", "verify", "--data", d], &[], None);
        assert_eq!(out.code, Some(0), "round {round}: audit verify: {out:?}");
    }

    // One last restart: everything acknowledged is still there, served over HTTP.
    let server = Server::start(&data);
    let body = units_page(&server.base, &mut cookie, &mut totp).await;
    let acked = acked.lock().unwrap().clone();
    for code in &acked {
        assert!(
            body.contains(&format!("<code>{code}</code>")),
            "unit {code} lost"
        );
    }
    server.kill();
    let units = check_store(&data, &acked, ROUNDS);
    gongkai(&["audit", "verify", "--data", d], &[], None).succeeds();
    assert!(
        acked.len() >= ROUNDS,
        "too few acknowledged writes to mean anything: {}",
        acked.len()
    );
    println!(
        "crash test: {ROUNDS} SIGKILL rounds during writes (+{startup_kills} during \
         start-up), {} acknowledged writes, {} more committed but unanswered, {:.1} s",
        acked.len(),
        units - 1 - acked.len(),
        started.elapsed().as_secs_f64()
    );
}
