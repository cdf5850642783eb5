use super::*;

#[test]
fn committed_default_file_matches_definitions() {
    let committed = include_str!("../../config/gongkai.toml");
    assert_eq!(
        committed,
        default_file(),
        "config/gongkai.toml is out of date: run `gongkai config default > config/gongkai.toml`"
    );
}

#[test]
fn default_file_parses_back_to_defaults() {
    let mut c = Config::default();
    c.apply_toml(&default_file(), "default").unwrap();
    assert_eq!(c.show(), Config::default().show());
}

#[test]
fn precedence_default_file_env_flag() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("c.toml");
    std::fs::write(
        &f,
        "[server]\ndata_dir = \"from-file\"\nmax_body_bytes = 5\n[site]\nname = \"文件\"\n",
    )
    .unwrap();
    let mut env = BTreeMap::new();
    env.insert("GONGKAI_SERVER__DATA_DIR".into(), "from-env".into());
    env.insert("GONGKAI_SITE__NAME".into(), "环境".into());
    env.insert("PATH".into(), "/bin".into());
    let flags = Overrides {
        data_dir: Some("from-flag".into()),
        listen: vec![],
    };
    let c = Config::load(Some(&f), &env, &flags).unwrap();
    assert_eq!(c.server.data_dir, "from-flag");
    assert_eq!(c.site.name, "环境");
    assert_eq!(c.server.max_body_bytes, 5);
    assert_eq!(c.auth.lockout_threshold, 5);
}

#[test]
fn errors_name_the_key() {
    let mut c = Config::default();
    let e = c.apply_toml("[server]\nlisen = 1\n", "f").unwrap_err();
    assert!(e.0.contains("server.lisen"), "{e}");
    let e = c
        .apply_toml("[server]\nmax_body_bytes = \"x\"\n", "f")
        .unwrap_err();
    assert!(e.0.contains("server.max_body_bytes"), "{e}");
    let e = c.apply_toml("[audit]\nretention_days = 100\n", "f");
    assert!(e.is_ok());
    assert!(c.check().unwrap_err().0.contains("audit.retention_days"));
}

#[test]
fn memory_bounds_are_checked() {
    let c = Config::default();
    assert_eq!(c.store_cache_bytes(), 8 * 1024 * 1024);
    assert_eq!(c.page_cache_bytes(), 16 * 1024 * 1024);
    assert_eq!(c.search_memory(), crate::search::Memory::default());
    for (toml, key) in [
        (
            "[memory]\nsearch_writer_mib = 10\n",
            "memory.search_writer_mib",
        ),
        ("[memory]\npage_cache_mib = 0\n", "memory.page_cache_mib"),
        ("[memory]\nstore_cache_mib = 0\n", "memory.store_cache_mib"),
        (
            "[memory]\nsearch_doc_blocks = 0\n",
            "memory.search_doc_blocks",
        ),
    ] {
        let mut c = Config::default();
        c.apply_toml(toml, "f").expect("parses");
        let e = c.check().expect_err(toml).0;
        assert!(e.contains(key), "{e}");
    }
}

#[test]
fn trusted_proxies_parse_or_name_the_bad_entry() {
    let mut c = Config::default();
    assert!(c.trusted_proxies().unwrap().is_empty());
    c.apply_toml(
        "[server]\ntrusted_proxies = [\"10.0.0.0/8\", \"192.168.1.10\", \"fd00::/8\"]\n",
        "f",
    )
    .unwrap();
    c.check().unwrap();
    let t = c.trusted_proxies().unwrap();
    for ip in ["10.1.2.3", "192.168.1.10", "fd00::1", "::ffff:10.9.9.9"] {
        assert!(t.contains(ip.parse().unwrap()), "{ip}");
    }
    for ip in ["192.168.1.11", "11.0.0.1", "fe80::1"] {
        assert!(!t.contains(ip.parse().unwrap()), "{ip}");
    }
    c.apply_toml("[server]\ntrusted_proxies = [\"10.0.0.0/33\"]\n", "f")
        .unwrap();
    let e = c.check().unwrap_err().0;
    assert!(
        e.contains("server.trusted_proxies") && e.contains("10.0.0.0/33"),
        "{e}"
    );
    let mut env = BTreeMap::new();
    env.insert(
        "GONGKAI_SERVER__TRUSTED_PROXIES".into(),
        "10.0.0.1, proxy".into(),
    );
    let e = Config::load(None, &env, &Overrides::default())
        .unwrap_err()
        .0;
    assert!(e.contains("\"proxy\""), "{e}");
}

#[test]
fn secrets_are_masked() {
    let mut c = Config::default();
    c.ops.metrics_token = "s3cret".into();
    let s = c.show();
    assert!(!s.contains("s3cret"));
    assert!(s.contains("metrics_token = \"********\""));
}
