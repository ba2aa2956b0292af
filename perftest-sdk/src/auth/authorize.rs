//! The lean signing path: only the `Authorization` value and the canonical query, without the
//! intermediate strings and header copies that [`Signer::sign`] keeps.

use super::canonical;
use super::signer::HEADER_DATE;
use super::template::Parts;
use super::{SdkDate, SignError, SignableRequest, Signer};

/// What [`Signer::authorize`] returns.
///
/// ```
/// use perftest_sdk::auth::{SdkDate, SignableRequest, Signer};
/// let headers = vec![("Host".to_owned(), "h".to_owned()), ("X-Sdk-Date".to_owned(), "19700101T000000Z".to_owned())];
/// let req = SignableRequest { method: "GET", host: "h", path: "/v1/p", query: &[("b".into(), "2".into()), ("a".into(), "1".into())], headers: &headers, body: b"" };
/// let a = Signer::new("AK", "SK").authorize(&req, &SdkDate::from_unix_seconds(0))?;
/// assert_eq!(a.canonical_query, "a=1&b=2");
/// # Ok::<(), perftest_sdk::auth::SignError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorized {
    /// The `Authorization` value to send; `None` when the request already carried one.
    pub authorization: Option<String>,
    /// The query to send, in canonical order and encoding.
    pub canonical_query: String,
}

impl Signer {
    /// The `Authorization` header for `req`, exactly as [`Signer::sign`] computes it. Fastest when
    /// the request already holds its `X-Sdk-Date` and `Host` headers and a JSON (or no) body, as a
    /// client's requests do; anything else takes the full path.
    ///
    /// ```
    /// use perftest_sdk::auth::{SdkDate, SignableRequest, Signer};
    /// let headers = vec![
    ///     ("Content-Type".to_owned(), "application/json".to_owned()),
    ///     ("Host".to_owned(), "127.0.0.1:8080".to_owned()),
    ///     ("X-Sdk-Date".to_owned(), "20240117T101011Z".to_owned()),
    /// ];
    /// let req = SignableRequest { method: "GET", host: "127.0.0.1:8080", path: "/v1/p/tasks",
    ///     query: &[], headers: &headers, body: b"" };
    /// let signer = Signer::new("AK", "SK");
    /// let date = SdkDate::parse("20240117T101011Z")?;
    /// assert_eq!(signer.authorize(&req, &date)?.authorization, signer.sign(&req, &date)?.authorization);
    /// # Ok::<(), perftest_sdk::auth::SignError>(())
    /// ```
    pub fn authorize(&self, req: &SignableRequest<'_>, date: &SdkDate) -> Result<Authorized, SignError> {
        let has = |name: &str| req.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
        let json_or_none = req
            .headers
            .iter()
            .find(|(n, _)| n == "Content-Type")
            .is_none_or(|(_, v)| v.is_empty() || v.starts_with("application/json") || v.starts_with("application/bson"));
        let is_date = |n: &str| n.eq_ignore_ascii_case(HEADER_DATE);
        let mut dates = req.headers.iter().filter(|(n, _)| is_date(n));
        let (Some((_, date_value)), None) = (dates.next(), dates.next()) else {
            return self.authorize_in_full(req, date);
        };
        if !json_or_none || has("authorization") || has("x-sdk-content-sha256") {
            return self.authorize_in_full(req, date);
        }
        let date = SdkDate::parse(canonical::py_strip(date_value))?;
        // The other headers are constant for this request: sign through a template of them.
        let others: Vec<(&str, &str)> =
            req.headers.iter().filter(|(n, _)| !is_date(n)).map(|(n, v)| (n.as_str(), v.as_str())).collect();
        match Parts::new(self, &others) {
            Ok(parts) => Ok(parts.authorize(self, req.method, req.path, req.query, req.body, &date)),
            Err(_) => self.authorize_in_full(req, &date),
        }
    }

    /// Through [`Signer::sign`], keeping only what [`Authorized`] holds.
    fn authorize_in_full(&self, req: &SignableRequest<'_>, date: &SdkDate) -> Result<Authorized, SignError> {
        let signed = self.sign(req, date)?;
        Ok(Authorized { authorization: signed.authorization, canonical_query: signed.canonical_query })
    }
}
