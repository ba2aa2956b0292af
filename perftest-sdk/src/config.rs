//! Client configuration: one builder for region or endpoint, credentials, timeouts, retries and
//! user agent; and the state every generated call reads through the client hooks.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use reqwest::header::HeaderValue;

use crate::Client;
use crate::auth::{Credentials, CredentialsChain, CredentialsError, SdkDate, SignError, Signer, SigningTemplate};
use crate::region::{self, Region, RegionError};
use crate::retry::RetryPolicy;

/// Default connect timeout, as the official SDKs use.
///
/// ```
/// assert_eq!(perftest_sdk::config::DEFAULT_CONNECT_TIMEOUT.as_secs(), 60);
/// ```
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time limit of one attempt (the official SDKs' read timeout).
///
/// ```
/// assert_eq!(perftest_sdk::config::DEFAULT_ATTEMPT_TIMEOUT.as_secs(), 120);
/// ```
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(120);
/// Default time limit of a whole call, retries and waits included.
///
/// ```
/// assert_eq!(perftest_sdk::config::DEFAULT_OVERALL_TIMEOUT.as_secs(), 300);
/// ```
pub const DEFAULT_OVERALL_TIMEOUT: Duration = Duration::from_secs(300);

/// The `User-Agent` prefix: the official SDKs send `huaweicloud-usdk-<language>/3.0; ...`.
const USER_AGENT: &str = concat!("huaweicloud-usdk-rust/3.0; perftest-sdk/", env!("CARGO_PKG_VERSION"));

/// Why a client could not be built.
///
/// ```
/// let err = perftest_sdk::Client::builder().build().unwrap_err();
/// println!("{err}"); // says what to set
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No usable credentials.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// The region is unknown or its endpoint override is invalid.
    #[error(transparent)]
    Region(#[from] RegionError),
    /// Neither a region nor an endpoint was given.
    #[error("no endpoint: set a region (for example `.region(\"cn-north-4\")`) or an explicit endpoint")]
    NoEndpoint,
    /// Every CPTS path carries the IAM project id.
    #[error(
        "no IAM project id: set HUAWEICLOUD_SDK_PROJECT_ID, add `project_id` to the credentials file, \
         or call `.project_id(..)` on the client builder"
    )]
    MissingProjectId,
    /// The user agent suffix is not a valid header value.
    #[error("invalid user agent suffix {0:?}: use printable ASCII")]
    InvalidUserAgent(String),
    /// A configured value cannot be sent in its header (for example a project id with a line break).
    #[error("invalid {name} value {value:?}: it must be printable ASCII")]
    InvalidHeader {
        /// The header it would be sent in.
        name: &'static str,
        /// The value (secrets shown as `<redacted>`).
        value: String,
    },
    /// The constant headers cannot be signed as a template (not expected for valid values).
    #[error(transparent)]
    Signing(#[from] SignError),
    /// The HTTP client could not be created.
    #[error("could not create the HTTP client: {0}")]
    HttpClient(#[source] reqwest::Error),
}

/// Sends a prepared, signed request. The default uses the client's `reqwest::Client`; tests plug in
/// an in-memory transport to capture requests without a socket.
///
/// ```
/// use futures::FutureExt;
/// // Answer every request with `{}` without a socket (tests).
/// let transport = |_req: reqwest::Request| async {
///     Ok(reqwest::Response::from(http::Response::new(b"{}".to_vec())))
/// }.boxed();
/// let builder = perftest_sdk::Client::builder().transport(transport);
/// # let _ = builder;
/// ```
pub trait Transport: Send + Sync + 'static {
    /// Send one attempt.
    fn send(&self, request: reqwest::Request) -> BoxFuture<'static, reqwest::Result<reqwest::Response>>;
}

impl<F> Transport for F
where
    F: Fn(reqwest::Request) -> BoxFuture<'static, reqwest::Result<reqwest::Response>> + Send + Sync + 'static,
{
    fn send(&self, request: reqwest::Request) -> BoxFuture<'static, reqwest::Result<reqwest::Response>> {
        self(request)
    }
}

/// State shared by every call of one client (the generated client's inner value).
///
/// ```
/// use progenitor_client::ClientInfo;
/// let client = perftest_sdk::Client::builder()
///     .credentials(perftest_sdk::auth::Credentials::new("AK", "SK").unwrap())
///     .project_id("p1").endpoint("http://127.0.0.1:1").build().unwrap();
/// let state: &perftest_sdk::ClientState = client.inner();
/// assert_eq!(state.project_id(), "p1");
/// ```
#[derive(Clone)]
pub struct ClientState {
    /// Signs with the constant headers below (and each attempt's `X-Sdk-Date`).
    pub(crate) signing: SigningTemplate,
    pub(crate) project_id: String,
    pub(crate) retry: RetryPolicy,
    pub(crate) attempt_timeout: Duration,
    pub(crate) overall_timeout: Duration,
    pub(crate) pinned_date: Option<SdkDate>,
    pub(crate) transport: Option<Arc<dyn Transport>>,
    /// The constant headers, validated once at build time.
    pub(crate) headers: FixedHeaders,
}

/// Header values every request carries, built once (they are signed exactly as sent).
#[derive(Clone)]
pub(crate) struct FixedHeaders {
    pub(crate) host: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    pub(crate) project_id: HeaderValue,
    pub(crate) security_token: Option<HeaderValue>,
}

impl ClientState {
    /// The IAM project id every path and `X-Project-Id` carry.
    ///
    /// ```
    /// let client = perftest_sdk::Client::builder()
    ///     .credentials(perftest_sdk::auth::Credentials::new("AK", "SK").unwrap())
    ///     .project_id("p1").endpoint("http://127.0.0.1:1").build().unwrap();
    /// assert_eq!(progenitor_client::ClientInfo::inner(&client).project_id(), "p1");
    /// ```
    pub fn project_id(&self) -> &str {
        &self.project_id
    }
    /// The retry policy.
    ///
    /// ```
    /// use progenitor_client::ClientInfo;
    /// let client = perftest_sdk::Client::builder()
    ///     .credentials(perftest_sdk::auth::Credentials::new("AK", "SK").unwrap())
    ///     .project_id("p1").endpoint("http://127.0.0.1:1").build().unwrap();
    /// assert_eq!(client.inner().retry_policy().attempts(), 3);
    /// ```
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState")
            .field("signing", &self.signing)
            .field("project_id", &self.project_id)
            .field("host", &self.headers.host)
            .field("retry", &self.retry)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("overall_timeout", &self.overall_timeout)
            .finish_non_exhaustive()
    }
}

/// Builds a configured [`Client`].
///
/// ```no_run
/// use std::time::Duration;
/// use perftest_sdk::Client;
///
/// // Credentials from HUAWEICLOUD_SDK_AK / _SK / _PROJECT_ID or ~/.huaweicloud/credentials.
/// let client = Client::builder()
///     .region("cn-north-4")
///     .attempt_timeout(Duration::from_secs(30))
///     .build()?;
/// # Ok::<(), perftest_sdk::ConfigError>(())
/// ```
#[derive(Default)]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    project_id: Option<String>,
    region: Option<String>,
    endpoint: Option<String>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    overall_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    user_agent_suffix: Option<String>,
    http_client: Option<reqwest::Client>,
    pinned_date: Option<SdkDate>,
    transport: Option<Arc<dyn Transport>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("project_id", &self.project_id)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Start configuring a client. See [`ClientBuilder`].
    ///
    /// ```
    /// let builder = perftest_sdk::Client::builder().region("cn-north-4");
    /// # let _ = builder;
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

impl ClientBuilder {
    /// Use these credentials instead of the default chain (environment, then profile file).
    ///
    /// ```
    /// use perftest_sdk::{auth::Credentials, Client};
    /// let builder = Client::builder().credentials(Credentials::new("AK", "SK")?.with_project_id("p1"));
    /// # let _ = builder;
    /// # Ok::<(), perftest_sdk::auth::CredentialsError>(())
    /// ```
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }
    /// The IAM project id of the region (overrides the one the credentials carry).
    ///
    /// ```
    /// let builder = perftest_sdk::Client::builder().project_id("0123456789abcdef0123456789abcdef");
    /// # let _ = builder;
    /// ```
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }
    /// A CPTS region id such as `cn-north-4`; its endpoint honours `HUAWEICLOUD_SDK_REGION_CPTS_<ID>`
    /// and the regions file.
    ///
    /// ```
    /// let builder = perftest_sdk::Client::builder().region("ap-southeast-1");
    /// # let _ = builder;
    /// ```
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }
    /// An explicit endpoint (`https://...`, or `http://127.0.0.1:PORT` for the simulator); wins over the region.
    ///
    /// ```
    /// let builder = perftest_sdk::Client::builder().endpoint("http://127.0.0.1:8080");
    /// # let _ = builder;
    /// ```
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }
    /// Time limit to establish a connection (default 60 s).
    ///
    /// ```
    /// let builder = perftest_sdk::Client::builder().connect_timeout(std::time::Duration::from_secs(5));
    /// # let _ = builder;
    /// ```
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = Some(d);
        self
    }
    /// Time limit of one attempt, from sending to the end of the body (default 120 s).
    ///
    /// ```
    /// let builder = perftest_sdk::Client::builder().attempt_timeout(std::time::Duration::from_secs(30));
    /// # let _ = builder;
    /// ```
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.attempt_timeout = Some(d);
        self
    }
    /// Time limit of a whole call including retries and backoff (default 300 s).
    ///
    /// ```
    /// let builder = perftest_sdk::Client::builder().overall_timeout(std::time::Duration::from_secs(90));
    /// # let _ = builder;
    /// ```
    pub fn overall_timeout(mut self, d: Duration) -> Self {
        self.overall_timeout = Some(d);
        self
    }
    /// The retry policy (default: [`RetryPolicy::default`]).
    ///
    /// ```
    /// use perftest_sdk::{Client, RetryPolicy};
    /// let builder = Client::builder().retry_policy(RetryPolicy::default().max_attempts(5));
    /// # let _ = builder;
    /// ```
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }
    /// Appended to the `User-Agent`, e.g. your tool's name and version.
    ///
    /// ```
    /// let builder = perftest_sdk::Client::builder().user_agent_suffix("release-gate/2.1");
    /// # let _ = builder;
    /// ```
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }
    /// Use this `reqwest::Client` (proxies, custom CAs, pools). Its own timeouts apply in addition.
    ///
    /// ```
    /// let http = reqwest::Client::builder().pool_max_idle_per_host(4).build().unwrap();
    /// let builder = perftest_sdk::Client::builder().http_client(http);
    /// # let _ = builder;
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }
    /// Send this `X-Sdk-Date` on every request instead of the current time. For replaying recorded
    /// requests in tests only: CPTS rejects dates more than 15 minutes off.
    ///
    /// ```
    /// use perftest_sdk::{auth::SdkDate, Client};
    /// let builder = Client::builder().pinned_sdk_date(SdkDate::parse("20250102T030405Z")?);
    /// # let _ = builder;
    /// # Ok::<(), perftest_sdk::auth::SignError>(())
    /// ```
    pub fn pinned_sdk_date(mut self, date: SdkDate) -> Self {
        self.pinned_date = Some(date);
        self
    }
    /// Send requests through this transport instead of HTTP (tests: capture requests in memory).
    ///
    /// ```
    /// use futures::FutureExt;
    /// let canned = |_req: reqwest::Request| async {
    ///     Ok(reqwest::Response::from(http::Response::new(b"{}".to_vec())))
    /// }.boxed();
    /// let builder = perftest_sdk::Client::builder().transport(canned);
    /// # let _ = builder;
    /// ```
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Resolve credentials, project id and endpoint, and build the client.
    ///
    /// ```
    /// use perftest_sdk::{auth::Credentials, Client, ConfigError};
    /// let err = Client::builder().credentials(Credentials::new("AK", "SK").unwrap()).build().unwrap_err();
    /// assert!(matches!(err, ConfigError::MissingProjectId));
    /// ```
    pub fn build(self) -> Result<Client, ConfigError> {
        let credentials = match self.credentials {
            Some(c) => c,
            None => CredentialsChain::new().resolve()?,
        };
        let project_id = self
            .project_id
            .or_else(|| credentials.project_id().map(str::to_owned))
            .filter(|p| !p.trim().is_empty())
            .ok_or(ConfigError::MissingProjectId)?;
        let endpoint = match (&self.endpoint, &self.region) {
            (Some(e), _) => region::parse_endpoint(e)?,
            (None, Some(r)) => Region::resolve(r)?.endpoint().clone(),
            (None, None) => return Err(ConfigError::NoEndpoint),
        };
        let host = host_header(self.endpoint.as_deref(), &endpoint);
        let mut user_agent = USER_AGENT.to_owned();
        if let Some(suffix) = &self.user_agent_suffix {
            if !suffix.chars().all(|c| c.is_ascii() && !c.is_ascii_control()) {
                return Err(ConfigError::InvalidUserAgent(suffix.clone()));
            }
            user_agent = format!("{user_agent}; {suffix}");
        }
        let http = match self.http_client {
            Some(c) => c,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(ConfigError::HttpClient)?,
        };
        let header = |name: &'static str, value: &str| {
            HeaderValue::from_str(value).map_err(|_| ConfigError::InvalidHeader { name, value: value.to_owned() })
        };
        let headers = FixedHeaders {
            host: header("Host", &host)?,
            user_agent: header("User-Agent", &user_agent)?,
            project_id: header("X-Project-Id", &project_id)?,
            security_token: match credentials.security_token() {
                Some(t) => Some(
                    HeaderValue::from_str(t)
                        .map(|mut v| {
                            v.set_sensitive(true);
                            v
                        })
                        .map_err(|_| ConfigError::InvalidHeader {
                            name: "X-Security-Token",
                            value: "<redacted>".to_owned(),
                        })?,
                ),
                None => None,
            },
        };
        // The headers the official SDK holds at signing time, as `prepare` sets them. What the HTTP
        // stack adds later (Accept, Accept-Encoding, Content-Length) is not signed, as with the official SDK.
        let mut signed = vec![
            ("Content-Type", "application/json"),
            ("Host", host.as_str()),
            ("User-Agent", user_agent.as_str()),
            ("X-Project-Id", project_id.as_str()),
        ];
        signed.extend(credentials.security_token().map(|t| ("X-Security-Token", t)));
        let signing = Signer::from(&credentials).template(&signed)?;
        let state = ClientState {
            headers,
            signing,
            project_id,
            retry: self.retry.unwrap_or_default(),
            attempt_timeout: self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT),
            overall_timeout: self.overall_timeout.unwrap_or(DEFAULT_OVERALL_TIMEOUT),
            pinned_date: self.pinned_date,
            transport: self.transport,
        };
        let base = endpoint.as_str().trim_end_matches('/');
        Ok(Client::new_with_client(base, http, state))
    }
}

/// The `Host` value to sign and send: the endpoint's authority as written (the `url` crate drops a
/// default port such as `:443`, the official SDKs keep what the user wrote).
fn host_header(written: Option<&str>, url: &url::Url) -> String {
    let from_written = written
        .and_then(|w| w.split_once("://").map(|(_, rest)| rest))
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(rest))
        .filter(|authority| !authority.is_empty() && !authority.contains('@'));
    match from_written {
        Some(a) => a.to_owned(),
        None => match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            _ => String::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_keeps_the_port_as_written() {
        let u = url::Url::parse("https://cpts.example.com:443").unwrap();
        assert_eq!(host_header(Some("https://cpts.example.com:443"), &u), "cpts.example.com:443");
        assert_eq!(host_header(None, &u), "cpts.example.com");
        let u = url::Url::parse("http://127.0.0.1:8080/").unwrap();
        assert_eq!(host_header(Some("http://127.0.0.1:8080/"), &u), "127.0.0.1:8080");
    }

    #[test]
    fn missing_project_id_is_a_config_error() {
        let creds = Credentials::new("AKFAKE0000000001", "SKFAKE").unwrap();
        let err = Client::builder().credentials(creds).endpoint("http://127.0.0.1:1").build().unwrap_err();
        assert!(matches!(err, ConfigError::MissingProjectId), "{err}");
        assert!(err.to_string().contains("HUAWEICLOUD_SDK_PROJECT_ID"));
    }
}
