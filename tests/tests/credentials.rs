//! Credential chain, profile file, region and endpoint resolution, with injected environments and
//! temporary files (no process environment is read or modified).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use perftest_sdk::auth::{Credentials, CredentialsChain, CredentialsError};
use perftest_sdk::region::{CPTS_REGION_IDS, Region, RegionError, parse_endpoint};

const SECRET: &str = "SKsecretDoNotLeak0000000000000000000001";
const TOKEN: &str = "TOKENsecretDoNotLeak==";

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!(
            "perftest-creds-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn write(&self, rel: &str, content: &str) -> PathBuf {
        let path = self.0.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent");
        }
        std::fs::write(&path, content).expect("write temp file");
        path
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn env_with_home(home: &Path, pairs: &[(&str, &str)]) -> HashMap<String, String> {
    let mut e = env(pairs);
    e.insert("HOME".to_owned(), home.to_string_lossy().into_owned());
    e
}

fn home_with_profile(content: &str) -> TempDir {
    let home = TempDir::new();
    home.write(".huaweicloud/credentials", content);
    home
}

#[test]
fn chain_order_explicit_then_env_then_file() {
    let home = home_with_profile("[basiccredentials]\nak = FILEAK\nsk = FILESK\n");
    let both = env_with_home(
        home.path(),
        &[
            ("HUAWEICLOUD_SDK_AK", "ENVAK"),
            ("HUAWEICLOUD_SDK_SK", "ENVSK"),
        ],
    );
    let explicit = Credentials::new("EXPLICITAK", "EXPLICITSK").unwrap();

    let c = CredentialsChain::new()
        .with_explicit(explicit)
        .resolve_with(&both)
        .unwrap();
    assert_eq!(c.access_key(), "EXPLICITAK");
    let c = CredentialsChain::new().resolve_with(&both).unwrap();
    assert_eq!((c.access_key(), c.secret_key()), ("ENVAK", "ENVSK"));
    let c = CredentialsChain::new()
        .resolve_with(&env_with_home(home.path(), &[]))
        .unwrap();
    assert_eq!((c.access_key(), c.secret_key()), ("FILEAK", "FILESK"));
}

#[test]
fn env_credentials_with_token_and_project() {
    let e = env(&[
        ("HUAWEICLOUD_SDK_AK", " ENVAK "),
        ("HUAWEICLOUD_SDK_SK", "ENVSK"),
        ("HUAWEICLOUD_SDK_SECURITY_TOKEN", TOKEN),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "proj-1"),
    ]);
    let c = CredentialsChain::new().resolve_with(&e).unwrap();
    assert_eq!(c.access_key(), "ENVAK");
    assert_eq!(c.security_token(), Some(TOKEN));
    assert_eq!(c.project_id(), Some("proj-1"));
}

#[test]
fn env_with_only_one_key_names_the_missing_variable() {
    let home = home_with_profile("[basiccredentials]\nak = FILEAK\nsk = FILESK\n");
    let err = CredentialsChain::new()
        .resolve_with(&env_with_home(
            home.path(),
            &[("HUAWEICLOUD_SDK_AK", "ENVAK")],
        ))
        .unwrap_err();
    assert!(
        matches!(
            err,
            CredentialsError::IncompleteEnv {
                missing: "HUAWEICLOUD_SDK_SK",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("HUAWEICLOUD_SDK_SK"), "{err}");

    let err = CredentialsChain::new()
        .resolve_with(&env(&[("HUAWEICLOUD_SDK_SK", SECRET)]))
        .unwrap_err();
    assert!(err.to_string().contains("HUAWEICLOUD_SDK_AK"), "{err}");
    assert!(!err.to_string().contains(SECRET));
}

#[test]
fn profile_sections_basiccredentials_and_basic() {
    let text = format!(
        "; comment\n# another\n[other]\nak = NOPE\n\n[basic]\nAK=BASICAK\nsk: {SECRET}\nproject_id = p-basic\n\
         security_token = {TOKEN}\nunknown = ignored\n"
    );
    let home = home_with_profile(&text);
    let c = CredentialsChain::new()
        .resolve_with(&env_with_home(home.path(), &[]))
        .unwrap();
    assert_eq!(c.access_key(), "BASICAK");
    assert_eq!(c.secret_key(), SECRET);
    assert_eq!(c.project_id(), Some("p-basic"));
    assert_eq!(c.security_token(), Some(TOKEN));

    // [basiccredentials] (the implicit chain's section) wins over [basic].
    let both =
        format!("[basic]\nak = BASICAK\nsk = x\n[basiccredentials]\nak = BCAK\nsk = {SECRET}\n");
    let c = Credentials::from_profile_str(Path::new("f"), &both)
        .unwrap()
        .unwrap();
    assert_eq!(c.access_key(), "BCAK");
}

#[test]
fn file_named_by_variable_is_used() {
    let dir = TempDir::new();
    let file = dir.write("custom.ini", "[basiccredentials]\nak = CUSTOM\nsk = S\n");
    let home = home_with_profile("[basiccredentials]\nak = HOMEAK\nsk = S\n");
    let e = env_with_home(
        home.path(),
        &[("HUAWEICLOUD_SDK_CREDENTIALS_FILE", file.to_str().unwrap())],
    );
    assert_eq!(
        CredentialsChain::new()
            .resolve_with(&e)
            .unwrap()
            .access_key(),
        "CUSTOM"
    );
}

#[test]
fn malformed_line_reports_file_and_line() {
    let home = home_with_profile(&format!("[basiccredentials]\nak = AK\n# ok\n{SECRET}\n"));
    let err = CredentialsChain::new()
        .resolve_with(&env_with_home(home.path(), &[]))
        .unwrap_err();
    match &err {
        CredentialsError::Malformed { path, line, .. } => {
            assert_eq!(*line, 4);
            assert!(path.ends_with(".huaweicloud/credentials"));
        }
        other => panic!("expected Malformed, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("credentials:4:"), "{msg}");
    assert!(!msg.contains(SECRET), "secret leaked: {msg}");

    let err = Credentials::from_profile_str(Path::new("f"), "[basic\nak = 1\n").unwrap_err();
    assert!(
        matches!(err, CredentialsError::Malformed { line: 1, .. }),
        "{err:?}"
    );
    let err = Credentials::from_profile_str(Path::new("f"), "ak = 1\n").unwrap_err();
    assert!(
        matches!(err, CredentialsError::Malformed { line: 1, .. }),
        "{err:?}"
    );
}

#[test]
fn section_without_sk_names_file_and_key() {
    let home = home_with_profile("[basiccredentials]\nak = AK\nproject_id = p\n");
    let err = CredentialsChain::new()
        .resolve_with(&env_with_home(home.path(), &[]))
        .unwrap_err();
    assert!(
        matches!(err, CredentialsError::MissingKey { key: "sk", .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("credentials") && msg.contains("`sk`"), "{msg}");
}

#[test]
fn explicitly_named_missing_file_is_an_error() {
    let dir = TempDir::new();
    let missing = dir.path().join("nope.ini");
    let e = env(&[(
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
        missing.to_str().unwrap(),
    )]);
    let err = CredentialsChain::new().resolve_with(&e).unwrap_err();
    assert!(
        matches!(err, CredentialsError::FileNotFound { .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("HUAWEICLOUD_SDK_CREDENTIALS_FILE") && msg.contains("nope.ini"),
        "{msg}"
    );
}

#[test]
fn nothing_found_lists_what_was_tried() {
    let home = TempDir::new();
    let err = CredentialsChain::new()
        .resolve_with(&env_with_home(home.path(), &[]))
        .unwrap_err();
    assert!(matches!(err, CredentialsError::NotFound { .. }), "{err:?}");
    let msg = err.to_string();
    for needle in [
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        ".huaweicloud/credentials",
        "not found",
        "[basiccredentials]",
    ] {
        assert!(msg.contains(needle), "{needle:?} missing from: {msg}");
    }
    // A file without a usable section also lets the chain continue to that error.
    let home = home_with_profile("[global]\nak = x\n");
    let err = CredentialsChain::new()
        .resolve_with(&env_with_home(home.path(), &[]))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("no [basiccredentials] or [basic] section"),
        "{err}"
    );
}

#[test]
fn debug_hides_secret_and_token() {
    let c = Credentials::new("AKFAKE0000000001", SECRET)
        .unwrap()
        .with_security_token(TOKEN)
        .with_project_id("proj");
    let dbg = format!("{c:?}");
    assert!(!dbg.contains(SECRET), "{dbg}");
    assert!(!dbg.contains(TOKEN), "{dbg}");
    assert!(!dbg.contains("AKFAKE0000000001"), "{dbg}");
    assert!(
        dbg.contains("AKFA…") && dbg.contains("<redacted>") && dbg.contains("proj"),
        "{dbg}"
    );
    let signer_dbg = format!("{:?}", perftest_sdk::auth::Signer::from(&c));
    assert!(!signer_dbg.contains(SECRET), "{signer_dbg}");
}

#[test]
fn empty_keys_are_rejected() {
    assert!(matches!(
        Credentials::new("", "sk"),
        Err(CredentialsError::Empty { .. })
    ));
    assert!(matches!(
        Credentials::new("ak", "  "),
        Err(CredentialsError::Empty { .. })
    ));
    let err = Credentials::from_profile_str(Path::new("f"), "[basic]\nak =\nsk = x\n").unwrap_err();
    assert!(
        matches!(err, CredentialsError::MissingKey { key: "ak", .. }),
        "{err:?}"
    );
}

#[test]
fn builtin_regions() {
    let home = TempDir::new();
    let e = env_with_home(home.path(), &[]);
    assert_eq!(CPTS_REGION_IDS.len(), 12);
    for id in CPTS_REGION_IDS {
        let r = Region::resolve_with(id, &e).unwrap();
        assert_eq!(r.id(), id);
        assert_eq!(
            r.endpoint().as_str(),
            format!("https://cpts.{id}.myhuaweicloud.com/")
        );
    }
}

#[test]
fn region_env_override() {
    let e = env(&[(
        "HUAWEICLOUD_SDK_REGION_CPTS_CN_NORTH_4",
        " http://127.0.0.1:8080 , backup.example.com ",
    )]);
    let r = Region::resolve_with("cn-north-4", &e).unwrap();
    assert_eq!(r.endpoint().as_str(), "http://127.0.0.1:8080/");
    assert_eq!(r.endpoints()[1].as_str(), "https://backup.example.com/");

    let e = env(&[("HUAWEICLOUD_SDK_REGION_CPTS_CN_NORTH_4", "ftp://x")]);
    let err = Region::resolve_with("cn-north-4", &e).unwrap_err();
    assert!(
        err.to_string()
            .contains("HUAWEICLOUD_SDK_REGION_CPTS_CN_NORTH_4"),
        "{err}"
    );
}

#[test]
fn regions_yaml_override() {
    let home = TempDir::new();
    home.write(
        ".huaweicloud/regions.yaml",
        "ECS:\n  - id: cn-north-4\n    endpoint: https://ecs.example.com\nCPTS:\n  - id: cn-north-4\n    endpoint: cpts.local.example.com\n  - id: my-private-1\n    endpoints:\n      - http://10.0.0.1:8080\n      - https://10.0.0.2\n",
    );
    let e = env_with_home(home.path(), &[]);
    assert_eq!(
        Region::resolve_with("cn-north-4", &e)
            .unwrap()
            .endpoint()
            .as_str(),
        "https://cpts.local.example.com/"
    );
    let r = Region::resolve_with("my-private-1", &e).unwrap();
    assert_eq!(
        r.endpoints().iter().map(|u| u.as_str()).collect::<Vec<_>>(),
        ["http://10.0.0.1:8080/", "https://10.0.0.2/"]
    );
    // Not in the file: built-in table.
    assert_eq!(
        Region::resolve_with("cn-east-3", &e)
            .unwrap()
            .endpoint()
            .as_str(),
        "https://cpts.cn-east-3.myhuaweicloud.com/"
    );
    // The environment beats the file.
    let mut e2 = e.clone();
    e2.insert(
        "HUAWEICLOUD_SDK_REGION_CPTS_CN_NORTH_4".into(),
        "https://env.example.com".into(),
    );
    assert_eq!(
        Region::resolve_with("cn-north-4", &e2)
            .unwrap()
            .endpoint()
            .as_str(),
        "https://env.example.com/"
    );

    // HUAWEICLOUD_SDK_REGIONS_FILE wins over ~/.huaweicloud/regions.yaml; invalid URLs name the file.
    let other = home.write(
        "other.yaml",
        "CPTS:\n  - id: cn-north-4\n    endpoint: https://bad host\n",
    );
    let mut e3 = e.clone();
    e3.insert(
        "HUAWEICLOUD_SDK_REGIONS_FILE".into(),
        other.to_string_lossy().into_owned(),
    );
    let err = Region::resolve_with("cn-north-4", &e3).unwrap_err();
    assert!(
        matches!(err, RegionError::InvalidEndpoint { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("other.yaml"), "{err}");

    let mut e4 = e.clone();
    e4.insert(
        "HUAWEICLOUD_SDK_REGIONS_FILE".into(),
        home.path()
            .join("missing.yaml")
            .to_string_lossy()
            .into_owned(),
    );
    let err = Region::resolve_with("cn-north-4", &e4).unwrap_err();
    assert!(
        err.to_string().contains("HUAWEICLOUD_SDK_REGIONS_FILE"),
        "{err}"
    );
}

#[test]
fn unknown_region_lists_supported_ones() {
    let home = TempDir::new();
    let err = Region::resolve_with("mars-west-1", &env_with_home(home.path(), &[])).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("mars-west-1"), "{msg}");
    for id in CPTS_REGION_IDS {
        assert!(msg.contains(id), "{id} missing from: {msg}");
    }
    assert!(Region::resolve_with("", &env(&[])).is_err());
}

#[test]
fn endpoints_get_https_and_are_validated() {
    assert_eq!(
        parse_endpoint("cpts.example.com").unwrap().as_str(),
        "https://cpts.example.com/"
    );
    assert_eq!(
        parse_endpoint("127.0.0.1:8080").unwrap().as_str(),
        "https://127.0.0.1:8080/"
    );
    assert_eq!(
        parse_endpoint("http://127.0.0.1:8080/").unwrap().as_str(),
        "http://127.0.0.1:8080/"
    );
    assert_eq!(
        parse_endpoint("http://[::1]:8443").unwrap().host_str(),
        Some("[::1]")
    );
    for bad in [
        "",
        "ftp://x",
        "https://x/v1",
        "https://x?q=1",
        "https://u:p@x",
        "https://",
        "http://x#f",
    ] {
        assert!(parse_endpoint(bad).is_err(), "{bad:?} accepted");
    }
}
