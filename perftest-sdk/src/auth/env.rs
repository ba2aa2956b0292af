//! Injectable environment-variable lookup.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};
use std::path::PathBuf;

/// A source of environment variables, so credential and region resolution can be tested without
/// touching the process environment.
///
/// Implemented by [`ProcessEnv`] and by `HashMap`/`BTreeMap`s of string-like keys and values.
/// Empty (or all-whitespace) values are treated as unset by every consumer in this crate.
///
/// ```
/// use perftest_sdk::auth::Env;
/// use std::collections::HashMap;
///
/// let env = HashMap::from([("HUAWEICLOUD_SDK_AK", "AK")]);
/// assert_eq!(env.var("HUAWEICLOUD_SDK_AK").as_deref(), Some("AK"));
/// assert_eq!(env.var("HUAWEICLOUD_SDK_SK"), None);
/// ```
pub trait Env {
    /// The value of `name`, or `None` when unset (or not valid Unicode).
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment (`std::env::var`).
///
/// ```
/// use perftest_sdk::auth::{Env, ProcessEnv};
/// let home = ProcessEnv.var("HOME");
/// # let _ = home;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl<K, V, S> Env for HashMap<K, V, S>
where
    K: std::borrow::Borrow<str> + Eq + Hash,
    V: AsRef<str>,
    S: BuildHasher,
{
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).map(|v| v.as_ref().to_owned())
    }
}

impl<K, V> Env for BTreeMap<K, V>
where
    K: std::borrow::Borrow<str> + Ord,
    V: AsRef<str>,
{
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).map(|v| v.as_ref().to_owned())
    }
}

impl<E: Env + ?Sized> Env for &E {
    fn var(&self, name: &str) -> Option<String> {
        (**self).var(name)
    }
}

/// `name`'s value trimmed, `None` when unset or blank.
pub(crate) fn non_empty(env: &dyn Env, name: &str) -> Option<String> {
    env.var(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The user's home directory from `HOME`, else `USERPROFILE`.
pub(crate) fn home_dir(env: &dyn Env) -> Option<PathBuf> {
    non_empty(env, "HOME")
        .or_else(|| non_empty(env, "USERPROFILE"))
        .map(PathBuf::from)
}
