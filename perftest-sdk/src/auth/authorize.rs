//! The lean signing path for any header set: only the `Authorization` value and the canonical
//! query, without the intermediate strings and header copies that [`Signer::sign`] keeps. (A client,
//! whose headers are the same on every request, signs through a [`super::SigningTemplate`].)

use super::canonical::{self, HeaderLine, EMPTY_PAYLOAD_HASH};
use super::signer::{string_to_sign, ALGORITHM, HEADER_DATE};
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
        let date_header = req.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(HEADER_DATE));
        let (Some((_, date_value)), true, true, false, false) =
            (date_header, json_or_none, has("host"), has("authorization"), has("x-sdk-content-sha256"))
        else {
            let signed = self.sign(req, date)?;
            return Ok(Authorized { authorization: signed.authorization, canonical_query: signed.canonical_query });
        };
        let date = SdkDate::parse(canonical::py_strip(date_value))?;
        Ok(self.authorize_prepared(req.method, req.path, req.query, req.headers, req.body, &date))
    }

    /// The core of [`Signer::authorize`]: `headers` already hold `Host` and `X-Sdk-Date` (= `date`)
    /// and no `Authorization`, and the body is JSON or empty.
    fn authorize_prepared(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        headers: &[(String, String)],
        body: &[u8],
        date: &SdkDate,
    ) -> Authorized {
        let canonical_query = canonical::canonical_query(query);
        let mut lines: Vec<HeaderLine<'_>> = headers
            .iter()
            .filter(|(n, _)| !n.contains('_'))
            .map(|(n, v)| HeaderLine { name: canonical::lower_name(n), value: canonical::py_strip(v) })
            .collect();
        lines.sort_by(HeaderLine::cmp_name);
        let signed_headers = canonical::join_names(&lines);
        let payload_hash = if body.is_empty() { EMPTY_PAYLOAD_HASH.to_owned() } else { canonical::sha256_hex(body) };
        let canonical_request =
            canonical::canonical_request(method, path, &canonical_query, &lines, &signed_headers, &payload_hash);
        let sts = string_to_sign(date, &canonical_request);
        let mut authorization =
            String::with_capacity(ALGORITHM.len() + self.access_key().len() + signed_headers.len() + 104);
        authorization.push_str(ALGORITHM);
        authorization.push_str(" Access=");
        authorization.push_str(self.access_key());
        authorization.push_str(", SignedHeaders=");
        authorization.push_str(&signed_headers);
        authorization.push_str(", Signature=");
        canonical::push_hex_lower(&mut authorization, &self.mac_of(sts.as_bytes()));
        Authorized { authorization: Some(authorization), canonical_query }
    }
}
