//! Building blocks of the canonical request: the unreserved-only encoder, the canonical URI and
//! query, Python-compatible trimming and the payload hash.

use std::borrow::Cow;

use sha2::{Digest, Sha256};

/// SHA-256 of the empty string, used as the payload hash of every empty body.
///
/// ```
/// use sha2::Digest;
/// assert_eq!(perftest_sdk::auth::EMPTY_PAYLOAD_HASH, hex::encode(sha2::Sha256::digest(b"")));
/// ```
pub const EMPTY_PAYLOAD_HASH: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

const fn unreserved_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' || b == b'~';
        i += 1;
    }
    t
}

static UNRESERVED: [bool; 256] = unreserved_table();

/// Whether `b` is kept as it is by [`encode_component`].
pub(crate) fn is_unreserved(b: u8) -> bool {
    UNRESERVED[usize::from(b)]
}

/// Percent-encodes `s` for the canonical request: keeps `A–Z a–z 0–9 - _ . ~` and turns every other
/// byte of the UTF-8 form into `%XX` (upper-case hex).
///
/// ```
/// use perftest_sdk::auth::encode_component;
///
/// assert_eq!(encode_component("a b+c/d~e"), "a%20b%2Bc%2Fd~e");
/// assert_eq!(encode_component("中"), "%E4%B8%AD");
/// assert_eq!(encode_component("%20"), "%2520");
/// ```
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_into(s, false, &mut out);
    out
}

/// Appends the encoding of `s` to `out`; with `keep_slash`, `/` is copied literally.
pub(crate) fn encode_into(s: &str, keep_slash: bool, out: &mut String) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            continue;
        }
        // `start..i` only covers ASCII bytes, so both ends are char boundaries.
        if let Some(run) = s.get(start..i) {
            out.push_str(run);
        }
        out.push('%');
        out.push(char::from(HEX_UPPER[usize::from(b >> 4)]));
        out.push(char::from(HEX_UPPER[usize::from(b & 0x0f)]));
        start = i + 1;
    }
    if let Some(run) = s.get(start..) {
        out.push_str(run);
    }
}

/// Appends the canonical URI of `path`: percent-decode (malformed escapes stay literal, invalid
/// UTF-8 becomes U+FFFD), re-encode every `/`-separated segment, ensure a trailing `/`.
pub(crate) fn canonical_uri_into(path: &str, out: &mut String) {
    let decoded: Cow<'_, str> = if path.contains('%') {
        percent_encoding::percent_decode_str(path).decode_utf8_lossy()
    } else {
        Cow::Borrowed(path)
    };
    encode_into(&decoded, true, out);
    if !out.ends_with('/') {
        out.push('/');
    }
}

/// The canonical query string: pairs sorted by raw `(key, value)`, each rendered `enc(k)=enc(v)`,
/// joined with `&`.
pub(crate) fn canonical_query(pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort_unstable();
    let cap = pairs
        .iter()
        .map(|(k, v)| k.len() + v.len() + 2)
        .sum::<usize>();
    let mut out = String::with_capacity(cap + cap / 4);
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(k, false, &mut out);
        out.push('=');
        encode_into(v, false, &mut out);
    }
    out
}

/// `path` followed by `?query` when the canonical query is non-empty.
pub(crate) fn build_uri(path: &str, canonical_query: &str) -> String {
    let mut uri = String::with_capacity(path.len() + canonical_query.len() + 1);
    uri.push_str(path);
    if !canonical_query.is_empty() {
        uri.push('?');
        uri.push_str(canonical_query);
    }
    uri
}

/// Trims like Python's `str.strip()`: Unicode `White_Space` plus U+001C–U+001F.
pub(crate) fn py_strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// A header name ready for lower-casing: ASCII names are borrowed as they are and lower-cased
/// on the fly (see [`HeaderLine`]); other names are Unicode-lower-cased up front, like Python's
/// `str.lower()`.
pub(crate) fn lower_name(name: &str) -> Cow<'_, str> {
    if name.is_ascii() {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(name.to_lowercase())
    }
}

/// Appends `name` ASCII-lower-cased.
pub(crate) fn push_lower(out: &mut String, name: &str) {
    let start = out.len();
    out.push_str(name);
    if let Some(tail) = out.get_mut(start..) {
        tail.make_ascii_lowercase();
    }
}

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// Appends the lower-case hex of `bytes` (table-driven; `hex::encode` goes through a char iterator).
pub(crate) fn push_hex_lower(out: &mut String, bytes: &[u8]) {
    let mut buf = [0u8; 64];
    for chunk in bytes.chunks(32) {
        for (pair, &b) in buf.chunks_exact_mut(2).zip(chunk) {
            pair[0] = HEX_LOWER[usize::from(b >> 4)];
            pair[1] = HEX_LOWER[usize::from(b & 0x0f)];
        }
        if let Some(Ok(text)) = buf.get(..chunk.len() * 2).map(std::str::from_utf8) {
            out.push_str(text);
        }
    }
}

/// Lower-case hex of a SHA-256 digest, as bytes (to feed a hash without a string in between).
pub(crate) fn hex_array(digest: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, &b) in out.chunks_exact_mut(2).zip(digest) {
        pair[0] = HEX_LOWER[usize::from(b >> 4)];
        pair[1] = HEX_LOWER[usize::from(b & 0x0f)];
    }
    out
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex_lower(&mut out, bytes);
    out
}

/// Lower-case hex SHA-256 of `data`.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex_lower(&Sha256::digest(data))
}

/// The payload hash: empty body → [`EMPTY_PAYLOAD_HASH`]; else a non-empty `x-sdk-content-sha256`
/// value (any name case) verbatim; else SHA-256 of the body.
pub(crate) fn payload_hash<'a, I>(body: &[u8], headers: I) -> String
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    if body.is_empty() {
        return EMPTY_PAYLOAD_HASH.to_owned();
    }
    headers
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("x-sdk-content-sha256"))
        .map(|(_, v)| py_strip(v))
        .filter(|v| !v.is_empty())
        .map_or_else(|| sha256_hex(body), str::to_owned)
}

/// One signed header: name (lower-cased when written or compared, ASCII-wise) and trimmed value.
pub(crate) struct HeaderLine<'a> {
    pub(crate) name: Cow<'a, str>,
    pub(crate) value: &'a str,
}

impl HeaderLine<'_> {
    /// Orders by lower-cased name.
    pub(crate) fn cmp_name(&self, other: &Self) -> std::cmp::Ordering {
        self.name
            .bytes()
            .map(|b| b.to_ascii_lowercase())
            .cmp(other.name.bytes().map(|b| b.to_ascii_lowercase()))
    }
}

/// `;`-joined lower-cased names.
pub(crate) fn join_names(lines: &[HeaderLine<'_>]) -> String {
    let mut out = String::with_capacity(lines.iter().map(|l| l.name.len() + 1).sum());
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        push_lower(&mut out, &l.name);
    }
    out
}

/// The canonical header lines, `name:value\n` each.
pub(crate) fn header_block(headers: &[HeaderLine<'_>]) -> String {
    let mut out = String::with_capacity(headers.iter().map(|h| h.name.len() + h.value.len() + 2).sum());
    push_header_lines(&mut out, headers);
    out
}

fn push_header_lines(out: &mut String, headers: &[HeaderLine<'_>]) {
    for h in headers {
        push_lower(out, &h.name);
        out.push(':');
        out.push_str(h.value);
        out.push('\n');
    }
}

/// Assembles the six-line canonical request. `headers` must already be in signing order.
pub(crate) fn canonical_request(
    method: &str,
    path: &str,
    canonical_query: &str,
    headers: &[HeaderLine<'_>],
    signed_headers: &str,
    payload_hash: &str,
) -> String {
    let header_len: usize = headers
        .iter()
        .map(|h| h.name.len() + h.value.len() + 2)
        .sum();
    let cap = method.len()
        + path.len() * 3 / 2
        + 2
        + canonical_query.len()
        + header_len
        + signed_headers.len()
        + payload_hash.len()
        + 5;
    let mut out = String::with_capacity(cap);
    if method.is_ascii() {
        out.push_str(method);
        out.make_ascii_uppercase();
    } else {
        out.push_str(&method.to_uppercase());
    }
    out.push('\n');
    canonical_uri_into(path, &mut out);
    out.push('\n');
    out.push_str(canonical_query);
    out.push('\n');
    push_header_lines(&mut out, headers);
    out.push('\n');
    out.push_str(signed_headers);
    out.push('\n');
    out.push_str(payload_hash);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(path: &str) -> String {
        let mut s = String::new();
        canonical_uri_into(path, &mut s);
        s
    }

    #[test]
    fn canonical_uri_rules() {
        assert_eq!(uri(""), "/");
        assert_eq!(uri("/v1/p/tasks"), "/v1/p/tasks/");
        assert_eq!(uri("/v1/p/tasks/"), "/v1/p/tasks/");
        assert_eq!(uri("/a%2Fb"), "/a/b/");
        assert_eq!(uri("/a+b"), "/a%2Bb/");
        assert_eq!(uri("/%zz/%"), "/%25zz/%25/");
        assert_eq!(uri("/%e4%b8%ad"), "/%E4%B8%AD/");
        assert_eq!(uri("/%FF"), "/%EF%BF%BD/");
        assert_eq!(uri("/x%4"), "/x%254/");
    }

    #[test]
    fn query_sorted_on_raw_strings() {
        let q: Vec<(String, String)> = [
            ("a/b", "1"),
            ("a.b", "2"),
            ("~", "3"),
            ("Z", "4"),
            ("é", "5"),
            ("a", ""),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        assert_eq!(canonical_query(&q), "Z=4&a=&a.b=2&a%2Fb=1&~=3&%C3%A9=5");
    }

    #[test]
    fn strip_matches_python() {
        assert_eq!(
            py_strip(" \t\u{1c}\u{1f}\u{a0}\u{3000}x y\u{2029}\u{85}"),
            "x y"
        );
        assert_eq!(py_strip("\u{200b}x"), "\u{200b}x");
        assert_eq!(py_strip(""), "");
    }
}
