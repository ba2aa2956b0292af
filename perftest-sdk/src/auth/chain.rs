//! The credentials provider chain: explicit → environment → profile file.

use std::path::PathBuf;

use super::credentials::{Credentials, CredentialsError, ENV_AK, ENV_CREDENTIALS_FILE, ENV_SK};
use super::env::{home_dir, non_empty};
use super::profile::parse_profile;
use super::{Env, ProcessEnv};

/// Resolves credentials in the official order: explicit → environment variables → profile file.
/// The first provider with credentials wins; a provider that finds broken configuration (only one
/// of AK/SK, a malformed file…) stops the chain with that error.
///
/// ```
/// use perftest_sdk::auth::{Credentials, CredentialsChain};
/// use std::collections::HashMap;
///
/// let env = HashMap::from([
///     ("HUAWEICLOUD_SDK_AK", "ENVAK"),
///     ("HUAWEICLOUD_SDK_SK", "ENVSK"),
///     ("HOME", "/nonexistent"),
/// ]);
/// assert_eq!(CredentialsChain::new().resolve_with(&env)?.access_key(), "ENVAK");
/// let explicit = Credentials::new("MINE", "SECRET")?;
/// let chain = CredentialsChain::new().with_explicit(explicit);
/// assert_eq!(chain.resolve_with(&env)?.access_key(), "MINE");
/// let err = CredentialsChain::new().resolve_with(&HashMap::from([("HOME", "/nonexistent")])).unwrap_err();
/// assert!(err.to_string().contains("HUAWEICLOUD_SDK_AK"));
/// # Ok::<(), perftest_sdk::auth::CredentialsError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct CredentialsChain {
    explicit: Option<Credentials>,
}

impl CredentialsChain {
    /// A chain with no explicit credentials.
    ///
    /// ```
    /// use perftest_sdk::auth::CredentialsChain;
    /// let chain = CredentialsChain::new();
    /// # let _ = chain;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Puts `credentials` first in the chain.
    ///
    /// ```
    /// use perftest_sdk::auth::{Credentials, CredentialsChain};
    /// let c = CredentialsChain::new().with_explicit(Credentials::new("AK", "SK")?).resolve()?;
    /// assert_eq!(c.access_key(), "AK");
    /// # Ok::<(), perftest_sdk::auth::CredentialsError>(())
    /// ```
    #[must_use]
    pub fn with_explicit(mut self, credentials: Credentials) -> Self {
        self.explicit = Some(credentials);
        self
    }

    /// Resolves against the process environment.
    ///
    /// ```
    /// use perftest_sdk::auth::CredentialsChain;
    /// match CredentialsChain::new().resolve() {
    ///     Ok(c) => println!("using {c:?}"),
    ///     Err(e) => eprintln!("{e}"),
    /// }
    /// ```
    pub fn resolve(&self) -> Result<Credentials, CredentialsError> {
        self.resolve_with(&ProcessEnv)
    }

    /// Resolves against `env` (files are still read from disk).
    ///
    /// ```
    /// use perftest_sdk::auth::CredentialsChain;
    /// let env = std::collections::HashMap::from([("HUAWEICLOUD_SDK_AK", "AK"), ("HUAWEICLOUD_SDK_SK", "SK")]);
    /// assert_eq!(CredentialsChain::new().resolve_with(&env)?.access_key(), "AK");
    /// # Ok::<(), perftest_sdk::auth::CredentialsError>(())
    /// ```
    pub fn resolve_with(&self, env: &dyn Env) -> Result<Credentials, CredentialsError> {
        if let Some(c) = &self.explicit {
            return Ok(c.clone());
        }
        let mut tried = vec![format!(
            "explicit credentials (none given), environment variables {ENV_AK}/{ENV_SK} (unset)"
        )];
        if let Some(c) = Credentials::from_env_with(env)? {
            return Ok(c);
        }
        match profile_lookup(env)? {
            Lookup::Found(c) => Ok(c),
            Lookup::NotFound(what) => {
                tried.push(what);
                Err(CredentialsError::NotFound {
                    tried: tried.join("; "),
                })
            }
        }
    }
}

pub(crate) enum Lookup {
    Found(Credentials),
    NotFound(String),
}

pub(crate) fn profile_lookup(env: &dyn Env) -> Result<Lookup, CredentialsError> {
    let (path, explicit) = match non_empty(env, ENV_CREDENTIALS_FILE) {
        Some(p) => (PathBuf::from(p), true),
        None => match home_dir(env) {
            Some(home) => (home.join(".huaweicloud").join("credentials"), false),
            None => {
                return Ok(Lookup::NotFound(format!(
                    "credentials file (neither {ENV_CREDENTIALS_FILE}, HOME nor USERPROFILE is set)"
                )))
            }
        },
    };
    let content = match std::fs::read_to_string(&path) {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if explicit {
                return Err(CredentialsError::FileNotFound {
                    variable: ENV_CREDENTIALS_FILE,
                    path,
                });
            }
            return Ok(Lookup::NotFound(format!(
                "credentials file {} (not found)",
                path.display()
            )));
        }
        Err(source) => return Err(CredentialsError::Read { path, source }),
    };
    match parse_profile(&path, &content)? {
        Some(c) => Ok(Lookup::Found(c)),
        None => Ok(Lookup::NotFound(format!(
            "credentials file {} (no [basiccredentials] or [basic] section)",
            path.display()
        ))),
    }
}
