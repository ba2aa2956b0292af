//! AK/SK credentials and the default provider chain: explicit → environment → profile file.

use std::fmt;
use std::path::{Path, PathBuf};

use super::chain::{profile_lookup, Lookup};
use super::env::non_empty;
use super::profile::parse_profile;
use super::{Env, MaskedAccessKey, Redacted, Signer};

pub use super::chain::CredentialsChain;

/// Environment variable holding the access key.
///
/// ```
/// assert_eq!(perftest_sdk::auth::credentials::ENV_AK, "HUAWEICLOUD_SDK_AK");
/// ```
pub const ENV_AK: &str = "HUAWEICLOUD_SDK_AK";
/// Environment variable holding the secret key.
///
/// ```
/// assert_eq!(perftest_sdk::auth::credentials::ENV_SK, "HUAWEICLOUD_SDK_SK");
/// ```
pub const ENV_SK: &str = "HUAWEICLOUD_SDK_SK";
/// Environment variable holding a temporary security token.
///
/// ```
/// assert_eq!(perftest_sdk::auth::credentials::ENV_SECURITY_TOKEN, "HUAWEICLOUD_SDK_SECURITY_TOKEN");
/// ```
pub const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// Environment variable holding the project id.
///
/// ```
/// assert_eq!(perftest_sdk::auth::credentials::ENV_PROJECT_ID, "HUAWEICLOUD_SDK_PROJECT_ID");
/// ```
pub const ENV_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// Environment variable naming the profile file (default `~/.huaweicloud/credentials`).
///
/// ```
/// assert_eq!(perftest_sdk::auth::credentials::ENV_CREDENTIALS_FILE, "HUAWEICLOUD_SDK_CREDENTIALS_FILE");
/// ```
pub const ENV_CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";

/// Access key, secret key and the optional security token and project id.
///
/// `Debug` shows only the first four characters of the access key and redacts the secret key
/// and the token; there is deliberately no `Display`.
///
/// ```
/// use perftest_sdk::auth::Credentials;
///
/// let c = Credentials::new("AKFAKE0000000001", "my-secret")?
///     .with_security_token("tok")
///     .with_project_id("0a1b2c3d");
/// assert_eq!(c.access_key(), "AKFAKE0000000001");
/// assert_eq!(c.project_id(), Some("0a1b2c3d"));
/// let dbg = format!("{c:?}");
/// assert!(dbg.contains("AKFA…") && !dbg.contains("my-secret") && !dbg.contains("tok\""));
/// assert!(Credentials::new("", "sk").is_err());
/// # Ok::<(), perftest_sdk::auth::CredentialsError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key: String,
    secret_key: String,
    security_token: Option<String>,
    project_id: Option<String>,
}

impl Credentials {
    /// Creates credentials; an empty (or blank) access key or secret key is an error.
    ///
    /// ```
    /// use perftest_sdk::auth::Credentials;
    /// assert!(Credentials::new("", "SK").is_err());
    /// ```
    pub fn new(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Result<Self, CredentialsError> {
        let (access_key, secret_key) = (access_key.into(), secret_key.into());
        if access_key.trim().is_empty() {
            return Err(CredentialsError::Empty {
                field: "access key",
            });
        }
        if secret_key.trim().is_empty() {
            return Err(CredentialsError::Empty {
                field: "secret key",
            });
        }
        Ok(Credentials {
            access_key,
            secret_key,
            security_token: None,
            project_id: None,
        })
    }

    /// Sets the temporary security token (sent as `X-Security-Token`); an empty one clears it.
    ///
    /// ```
    /// use perftest_sdk::auth::Credentials;
    /// let c = Credentials::new("AKFAKE0001", "SKFAKE")?.with_security_token("tok").with_project_id("p1");
    /// assert_eq!(c.security_token(), Some("tok"));
    /// # Ok::<(), perftest_sdk::auth::CredentialsError>(())
    /// ```
    #[must_use]
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into()).filter(|t| !t.is_empty());
        self
    }

    /// Sets the project id (sent as `X-Project-Id`); an empty one clears it.
    ///
    /// ```
    /// use perftest_sdk::auth::Credentials;
    /// let c = Credentials::new("AKFAKE0001", "SKFAKE")?.with_security_token("tok").with_project_id("p1");
    /// assert_eq!(c.project_id(), Some("p1"));
    /// # Ok::<(), perftest_sdk::auth::CredentialsError>(())
    /// ```
    #[must_use]
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into()).filter(|p| !p.is_empty());
        self
    }

    /// The access key id.
    ///
    /// ```
    /// use perftest_sdk::auth::Credentials;
    /// let c = Credentials::new("AKFAKE0001", "SKFAKE")?.with_security_token("tok").with_project_id("p1");
    /// assert_eq!(c.access_key(), "AKFAKE0001");
    /// # Ok::<(), perftest_sdk::auth::CredentialsError>(())
    /// ```
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The secret key, for signing. Do not log it.
    ///
    /// ```
    /// use perftest_sdk::auth::Credentials;
    /// let c = Credentials::new("AKFAKE0001", "SKFAKE")?.with_security_token("tok").with_project_id("p1");
    /// assert_eq!(c.secret_key(), "SKFAKE");
    /// assert!(!format!("{c:?}").contains("SKFAKE"));
    /// # Ok::<(), perftest_sdk::auth::CredentialsError>(())
    /// ```
    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    /// The security token, if any. Do not log it.
    ///
    /// ```
    /// use perftest_sdk::auth::Credentials;
    /// let c = Credentials::new("AKFAKE0001", "SKFAKE")?.with_security_token("tok").with_project_id("p1");
    /// assert_eq!(c.security_token(), Some("tok"));
    /// # Ok::<(), perftest_sdk::auth::CredentialsError>(())
    /// ```
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    /// The project id, if any.
    ///
    /// ```
    /// use perftest_sdk::auth::Credentials;
    /// let c = Credentials::new("AKFAKE0001", "SKFAKE")?.with_security_token("tok").with_project_id("p1");
    /// assert_eq!(c.project_id(), Some("p1"));
    /// # Ok::<(), perftest_sdk::auth::CredentialsError>(())
    /// ```
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    /// Resolves credentials from the process environment and the profile file
    /// (see [`CredentialsChain`]).
    ///
    /// ```
    /// use perftest_sdk::auth::Credentials;
    /// if let Err(e) = Credentials::from_default_chain() {
    ///     eprintln!("{e}"); // says which variables and file were tried
    /// }
    /// ```
    pub fn from_default_chain() -> Result<Self, CredentialsError> {
        CredentialsChain::new().resolve()
    }

    /// The environment provider alone: `Ok(None)` when neither `HUAWEICLOUD_SDK_AK` nor
    /// `HUAWEICLOUD_SDK_SK` is set, an error when only one is.
    ///
    /// ```
    /// use perftest_sdk::auth::Credentials;
    /// use std::collections::HashMap;
    ///
    /// let env = HashMap::from([("HUAWEICLOUD_SDK_AK", "AK"), ("HUAWEICLOUD_SDK_SK", "SK")]);
    /// assert_eq!(Credentials::from_env_with(&env)?.unwrap().access_key(), "AK");
    /// let only_ak = HashMap::from([("HUAWEICLOUD_SDK_AK", "AK")]);
    /// assert!(Credentials::from_env_with(&only_ak).unwrap_err().to_string().contains("HUAWEICLOUD_SDK_SK"));
    /// # Ok::<(), perftest_sdk::auth::CredentialsError>(())
    /// ```
    pub fn from_env_with(env: &dyn Env) -> Result<Option<Self>, CredentialsError> {
        let (ak, sk) = match (non_empty(env, ENV_AK), non_empty(env, ENV_SK)) {
            (None, None) => return Ok(None),
            (Some(_), None) => {
                return Err(CredentialsError::IncompleteEnv {
                    present: ENV_AK,
                    missing: ENV_SK,
                })
            }
            (None, Some(_)) => {
                return Err(CredentialsError::IncompleteEnv {
                    present: ENV_SK,
                    missing: ENV_AK,
                })
            }
            (Some(ak), Some(sk)) => (ak, sk),
        };
        let mut creds = Credentials::new(ak, sk)?;
        if let Some(token) = non_empty(env, ENV_SECURITY_TOKEN) {
            creds = creds.with_security_token(token);
        }
        if let Some(project) = non_empty(env, ENV_PROJECT_ID) {
            creds = creds.with_project_id(project);
        }
        Ok(Some(creds))
    }

    /// The profile-file provider alone: reads `$HUAWEICLOUD_SDK_CREDENTIALS_FILE` or
    /// `~/.huaweicloud/credentials`. `Ok(None)` when the default file is absent or has neither a
    /// `[basiccredentials]` nor a `[basic]` section.
    ///
    /// ```
    /// use perftest_sdk::auth::Credentials;
    /// let env = std::collections::HashMap::from([("HUAWEICLOUD_SDK_CREDENTIALS_FILE", "/nonexistent/credentials")]);
    /// assert!(Credentials::from_profile_with(&env).is_err()); // a named file must exist
    /// ```
    pub fn from_profile_with(env: &dyn Env) -> Result<Option<Self>, CredentialsError> {
        match profile_lookup(env)? {
            Lookup::Found(c) => Ok(Some(c)),
            Lookup::NotFound(_) => Ok(None),
        }
    }

    /// Parses profile-file text (`path` is only used in error messages).
    ///
    /// ```
    /// use perftest_sdk::auth::Credentials;
    /// use std::path::Path;
    ///
    /// let text = "# comment\n[basiccredentials]\nak = AK1\nsk = SK1\nproject_id = p1\n";
    /// let c = Credentials::from_profile_str(Path::new("credentials"), text)?.unwrap();
    /// assert_eq!((c.access_key(), c.project_id()), ("AK1", Some("p1")));
    /// let err = Credentials::from_profile_str(Path::new("credentials"), "[basic]\nak AK1\n").unwrap_err();
    /// assert!(err.to_string().starts_with("credentials:2:"));
    /// # Ok::<(), perftest_sdk::auth::CredentialsError>(())
    /// ```
    pub fn from_profile_str(path: &Path, content: &str) -> Result<Option<Self>, CredentialsError> {
        parse_profile(path, content)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &MaskedAccessKey(&self.access_key))
            .field("secret_key", &Redacted)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| Redacted),
            )
            .field("project_id", &self.project_id)
            .finish()
    }
}

impl From<&Credentials> for Signer {
    fn from(c: &Credentials) -> Self {
        Signer::new(c.access_key(), c.secret_key())
    }
}

/// Why credentials could not be resolved. Messages name variables, files and line numbers but
/// never contain secret keys or tokens.
///
/// ```
/// use perftest_sdk::auth::{Credentials, CredentialsError};
/// assert!(matches!(Credentials::new("AK", ""), Err(CredentialsError::Empty { .. })));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// An access key or secret key was empty.
    #[error("the {field} must not be empty")]
    Empty {
        /// `"access key"` or `"secret key"`.
        field: &'static str,
    },
    /// Only one of the AK/SK environment variables is set.
    #[error("environment variable {present} is set but {missing} is not: set both, or neither to use the credentials file")]
    IncompleteEnv {
        /// The variable that is set.
        present: &'static str,
        /// The variable that is missing.
        missing: &'static str,
    },
    /// The file named by an environment variable does not exist.
    #[error("credentials file {} named by {variable} does not exist", path.display())]
    FileNotFound {
        /// The variable naming the file.
        variable: &'static str,
        /// The missing file.
        path: PathBuf,
    },
    /// The credentials file exists but cannot be read.
    #[error("cannot read credentials file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line of the credentials file is not valid INI.
    #[error("{}:{line}: {reason}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong (the line's content is not repeated, it may hold a secret).
        reason: String,
    },
    /// The credentials section lacks a required key.
    #[error("{}: section [{section}] has no `{key}` (both `ak` and `sk` are required)", path.display())]
    MissingKey {
        /// The file.
        path: PathBuf,
        /// The section read.
        section: String,
        /// `"ak"` or `"sk"`.
        key: &'static str,
    },
    /// No provider had credentials.
    #[error(
        "no Huawei Cloud credentials found (tried: {tried}); set {ENV_AK} and {ENV_SK}, \
         or write a [basiccredentials] section with `ak = …` and `sk = …` to the credentials file \
         ({ENV_CREDENTIALS_FILE} or ~/.huaweicloud/credentials), or pass credentials explicitly"
    )]
    NotFound {
        /// What was tried, `; `-separated.
        tried: String,
    },
}
