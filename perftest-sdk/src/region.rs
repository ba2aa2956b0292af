//! CodeArts PerfTest (CPTS) regions and endpoints.
//!
//! Resolution order for a region id (first hit wins): environment variable
//! `HUAWEICLOUD_SDK_REGION_CPTS_<ID>` → YAML regions file (`$HUAWEICLOUD_SDK_REGIONS_FILE` or
//! `~/.huaweicloud/regions.yaml`) → built-in table.

use std::fmt;
use std::path::PathBuf;

use url::Url;

use crate::auth::{home_dir, non_empty, Env, ProcessEnv};

/// Environment variable naming the YAML regions file.
///
/// ```
/// assert_eq!(perftest_sdk::region::ENV_REGIONS_FILE, "HUAWEICLOUD_SDK_REGIONS_FILE");
/// ```
pub const ENV_REGIONS_FILE: &str = "HUAWEICLOUD_SDK_REGIONS_FILE";
/// Prefix of the per-region endpoint override variables.
///
/// ```
/// assert_eq!(perftest_sdk::region::ENV_REGION_PREFIX, "HUAWEICLOUD_SDK_REGION_CPTS_");
/// ```
pub const ENV_REGION_PREFIX: &str = "HUAWEICLOUD_SDK_REGION_CPTS_";

/// The region ids CPTS is available in (built-in table).
///
/// ```
/// assert!(perftest_sdk::region::CPTS_REGION_IDS.contains(&"cn-north-4"));
/// ```
pub const CPTS_REGION_IDS: [&str; 12] = [
    "cn-north-1",
    "cn-north-4",
    "cn-south-1",
    "cn-east-2",
    "cn-east-3",
    "cn-southwest-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "af-south-1",
    "la-south-2",
    "sa-brazil-1",
];

/// A CPTS region: an id and one or more endpoints (the first is used; the others are fallbacks).
///
/// ```
/// use perftest_sdk::region::Region;
/// use std::collections::HashMap;
///
/// let env: HashMap<&str, &str> = HashMap::from([("HOME", "/nonexistent")]);
/// let r = Region::resolve_with("cn-north-4", &env)?;
/// assert_eq!(r.endpoint().as_str(), "https://cpts.cn-north-4.myhuaweicloud.com/");
///
/// let env = HashMap::from([("HUAWEICLOUD_SDK_REGION_CPTS_CN_NORTH_4", " 127.0.0.1:9000 , https://b")]);
/// let r = Region::resolve_with("cn-north-4", &env)?;
/// assert_eq!(r.endpoint().as_str(), "https://127.0.0.1:9000/");
/// assert_eq!(r.endpoints().len(), 2);
/// # Ok::<(), perftest_sdk::region::RegionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    id: String,
    endpoints: Vec<Url>,
}

impl Region {
    /// A region with an explicit endpoint (no lookup).
    ///
    /// ```
    /// use perftest_sdk::region::{self, Region};
    /// let r = Region::custom("lab", url::Url::parse("http://127.0.0.1:8080").unwrap());
    /// assert_eq!(r.id(), "lab");
    /// ```
    pub fn custom(id: impl Into<String>, endpoint: Url) -> Self {
        Region {
            id: id.into(),
            endpoints: vec![endpoint],
        }
    }

    /// Resolves `id` against the process environment, the regions file and the built-in table.
    ///
    /// ```
    /// use perftest_sdk::region::{self, Region};
    /// assert!(Region::resolve("mars-north-1").is_err());
    /// ```
    pub fn resolve(id: &str) -> Result<Self, RegionError> {
        Self::resolve_with(id, &ProcessEnv)
    }

    /// Resolves `id` against `env` (the regions file is still read from disk).
    ///
    /// ```
    /// use perftest_sdk::region::{self, Region};
    /// let env = std::collections::HashMap::from([("HUAWEICLOUD_SDK_REGION_CPTS_CN_NORTH_4", "https://cpts.example.com")]);
    /// assert_eq!(Region::resolve_with("cn-north-4", &env)?.endpoint().as_str(), "https://cpts.example.com/");
    /// # Ok::<(), perftest_sdk::region::RegionError>(())
    /// ```
    pub fn resolve_with(id: &str, env: &dyn Env) -> Result<Self, RegionError> {
        let id = id.trim();
        if !id.is_empty() {
            if let Some(r) = from_env(id, env)? {
                return Ok(r);
            }
            if let Some(r) = from_file(id, env)? {
                return Ok(r);
            }
        }
        Self::builtin(id).ok_or_else(|| RegionError::UnknownRegion {
            id: id.to_owned(),
            supported: CPTS_REGION_IDS.join(", "),
        })
    }

    /// The built-in entry for `id`: `https://cpts.<id>.myhuaweicloud.com`.
    ///
    /// ```
    /// use perftest_sdk::region::{self, Region};
    /// assert_eq!(Region::builtin("cn-north-4").unwrap().endpoint().as_str(), "https://cpts.cn-north-4.myhuaweicloud.com/");
    /// ```
    pub fn builtin(id: &str) -> Option<Self> {
        let id = CPTS_REGION_IDS.iter().find(|known| **known == id)?;
        let endpoint = Url::parse(&format!("https://cpts.{id}.myhuaweicloud.com")).ok()?;
        Some(Region::custom(*id, endpoint))
    }

    /// The region id, e.g. `cn-north-4`.
    ///
    /// ```
    /// use perftest_sdk::region::{self, Region};
    /// assert_eq!(Region::builtin("af-south-1").unwrap().id(), "af-south-1");
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The primary endpoint.
    ///
    /// ```
    /// use perftest_sdk::region::{self, Region};
    /// assert_eq!(Region::builtin("la-south-2").unwrap().endpoint().host_str(), Some("cpts.la-south-2.myhuaweicloud.com"));
    /// ```
    pub fn endpoint(&self) -> &Url {
        // `endpoints` is never empty: every constructor stores at least one.
        &self.endpoints[0]
    }

    /// All endpoints, primary first.
    ///
    /// ```
    /// use perftest_sdk::region::{self, Region};
    /// assert_eq!(Region::builtin("cn-east-3").unwrap().endpoints().len(), 1);
    /// ```
    pub fn endpoints(&self) -> &[Url] {
        &self.endpoints
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.id, self.endpoint())
    }
}

/// Why a region or endpoint could not be resolved.
///
/// ```
/// use perftest_sdk::region::{self, Region};
/// assert!(matches!(Region::resolve("nowhere"), Err(region::RegionError::UnknownRegion { .. })));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegionError {
    /// The id is not known to any source.
    #[error("unknown CPTS region {id:?}; supported regions: {supported} (or define it with {ENV_REGION_PREFIX}<ID> or in the regions file)")]
    UnknownRegion {
        /// The id asked for.
        id: String,
        /// The built-in ids, comma-separated.
        supported: String,
    },
    /// An endpoint is not a valid `http(s)://host[:port]` URL.
    #[error("invalid endpoint {endpoint:?} from {origin}: {reason}")]
    InvalidEndpoint {
        /// The endpoint text.
        endpoint: String,
        /// Where it came from (a variable, a file, or "argument").
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// The regions file named by the variable does not exist.
    #[error("regions file {} named by {variable} does not exist", path.display())]
    FileNotFound {
        /// The variable naming the file.
        variable: &'static str,
        /// The missing file.
        path: PathBuf,
    },
    /// The regions file could not be read or parsed.
    #[error("regions file {}: {reason}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

/// Parses an explicit endpoint: `http://` or `https://` (added when no scheme is written), a host,
/// an optional port, and no path other than `/`, no query, fragment or user info.
///
/// ```
/// use perftest_sdk::region::parse_endpoint;
///
/// assert_eq!(parse_endpoint("http://127.0.0.1:8080")?.as_str(), "http://127.0.0.1:8080/");
/// assert_eq!(parse_endpoint("cpts.cn-north-4.myhuaweicloud.com")?.scheme(), "https");
/// assert!(parse_endpoint("ftp://x").is_err());
/// assert!(parse_endpoint("https://x/v1").is_err());
/// assert!(parse_endpoint("https://x/?a=1").is_err());
/// # Ok::<(), perftest_sdk::region::RegionError>(())
/// ```
pub fn parse_endpoint(s: &str) -> Result<Url, RegionError> {
    parse_endpoint_from(s, "argument")
}

fn parse_endpoint_from(s: &str, origin: &str) -> Result<Url, RegionError> {
    let err = |reason: &str| RegionError::InvalidEndpoint {
        endpoint: without_user_info(s),
        origin: origin.to_owned(),
        reason: reason.to_owned(),
    };
    let text = s.trim();
    if text.is_empty() {
        return Err(err("empty"));
    }
    let with_scheme = if text.contains("://") {
        text.to_owned()
    } else {
        format!("https://{text}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| err(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(err("scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(err("missing host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(err("user info is not allowed"));
    }
    if url.path() != "/" {
        return Err(err("a path is not allowed"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(err("a query or fragment is not allowed"));
    }
    Ok(url)
}

/// The endpoint text for messages: `user:password@` (which may hold a secret) becomes `***@`.
fn without_user_info(s: &str) -> String {
    let (scheme, rest) = s.split_once("://").map_or(("", s), |(a, b)| (a, b));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) if scheme.is_empty() => format!("***@{}", &rest[at + 1..]),
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => s.to_owned(),
    }
}

/// `HUAWEICLOUD_SDK_REGION_CPTS_<ID>` for `id` (upper-cased, `-` → `_`).
///
/// ```
/// assert_eq!(perftest_sdk::region::env_variable_for("cn-north-4"), "HUAWEICLOUD_SDK_REGION_CPTS_CN_NORTH_4");
/// ```
pub fn env_variable_for(id: &str) -> String {
    let mut name = String::with_capacity(ENV_REGION_PREFIX.len() + id.len());
    name.push_str(ENV_REGION_PREFIX);
    name.extend(id.chars().map(|c| {
        if c == '-' {
            '_'
        } else {
            c.to_ascii_uppercase()
        }
    }));
    name
}

fn from_env(id: &str, env: &dyn Env) -> Result<Option<Region>, RegionError> {
    let var = env_variable_for(id);
    let Some(value) = non_empty(env, &var) else {
        return Ok(None);
    };
    let origin = format!("environment variable {var}");
    let endpoints = value
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| parse_endpoint_from(e, &origin))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((!endpoints.is_empty()).then(|| Region {
        id: id.to_owned(),
        endpoints,
    }))
}

#[derive(serde::Deserialize)]
struct FileEntry {
    id: String,
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    endpoints: Option<Vec<String>>,
}

fn from_file(id: &str, env: &dyn Env) -> Result<Option<Region>, RegionError> {
    let (path, explicit) = match non_empty(env, ENV_REGIONS_FILE) {
        Some(p) => (PathBuf::from(p), true),
        None => match home_dir(env) {
            Some(home) => (home.join(".huaweicloud").join("regions.yaml"), false),
            None => return Ok(None),
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return if explicit {
                Err(RegionError::FileNotFound {
                    variable: ENV_REGIONS_FILE,
                    path,
                })
            } else {
                Ok(None)
            };
        }
        Err(e) => {
            return Err(RegionError::File {
                path,
                reason: e.to_string(),
            })
        }
    };
    let file_err = |reason: String| RegionError::File {
        path: path.clone(),
        reason,
    };
    let doc: serde_yaml::Value =
        serde_yaml::from_str(&text).map_err(|e| file_err(e.to_string()))?;
    let Some(map) = doc.as_mapping() else {
        return if doc.is_null() {
            Ok(None)
        } else {
            Err(file_err("expected a mapping of services".into()))
        };
    };
    let Some(list) = map
        .iter()
        .find(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case("CPTS")))
        .map(|(_, v)| v)
    else {
        return Ok(None);
    };
    let entries: Vec<FileEntry> = serde_yaml::from_value(list.clone()).map_err(|e| {
        file_err(format!(
            "CPTS must be a list of {{id, endpoint | endpoints}}: {e}"
        ))
    })?;
    let Some(entry) = entries.into_iter().find(|e| e.id.trim() == id) else {
        return Ok(None);
    };
    let origin = format!("regions file {} (CPTS region {id})", path.display());
    let raw: Vec<String> = match (entry.endpoints, entry.endpoint) {
        (Some(list), _) if !list.is_empty() => list,
        (_, Some(one)) => vec![one],
        _ => {
            return Err(file_err(format!(
                "CPTS region {id} has no `endpoint` or `endpoints`"
            )))
        }
    };
    let endpoints = raw
        .iter()
        .map(|e| parse_endpoint_from(e, &origin))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Region {
        id: id.to_owned(),
        endpoints,
    }))
}
