//! The INI profile file (`~/.huaweicloud/credentials`).

use std::path::Path;

use super::{Credentials, CredentialsError};

/// Sections read, in order of preference: `[basiccredentials]` is what the official implicit chain
/// reads, `[basic]` what its explicit profile provider reads.
pub(crate) const SECTIONS: [&str; 2] = ["basiccredentials", "basic"];

#[derive(Default)]
struct Section {
    name: String,
    ak: Option<String>,
    sk: Option<String>,
    project_id: Option<String>,
    security_token: Option<String>,
}

fn malformed(path: &Path, line: usize, reason: &str) -> CredentialsError {
    CredentialsError::Malformed {
        path: path.to_path_buf(),
        line,
        reason: reason.to_owned(),
    }
}

/// Parses a credentials profile. `Ok(None)` when neither wanted section is present. Section
/// names and keys are case-insensitive; `#`/`;` start comment lines; `key = value` or
/// `key: value`; unknown keys and sections are ignored (but must still be well-formed).
pub(crate) fn parse_profile(
    path: &Path,
    content: &str,
) -> Result<Option<Credentials>, CredentialsError> {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let mut sections: Vec<Section> = Vec::new();
    // Index into `sections` of the current wanted section; `Some(None)` = inside another section.
    let mut current: Option<Option<usize>> = None;
    for (idx, raw) in content.lines().enumerate() {
        let line_no = idx + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .ok_or_else(|| {
                    malformed(path, line_no, "section header is missing its closing `]`")
                })?
                .trim()
                .to_ascii_lowercase();
            if name.is_empty() {
                return Err(malformed(path, line_no, "empty section name"));
            }
            current = Some(if SECTIONS.contains(&name.as_str()) {
                let pos = match sections.iter().position(|s| s.name == name) {
                    Some(p) => p,
                    None => {
                        sections.push(Section {
                            name,
                            ..Section::default()
                        });
                        sections.len() - 1
                    }
                };
                Some(pos)
            } else {
                None
            });
            continue;
        }
        let (key, value) = line.split_once(['=', ':']).ok_or_else(|| {
            malformed(
                path,
                line_no,
                "expected `key = value`, a `[section]` header or a `#`/`;` comment",
            )
        })?;
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        if key.is_empty() {
            return Err(malformed(path, line_no, "missing key before `=`"));
        }
        let Some(section) = current else {
            return Err(malformed(path, line_no, "key outside of any `[section]`"));
        };
        let Some(section) = section.and_then(|i| sections.get_mut(i)) else {
            continue;
        };
        let slot = match key.as_str() {
            "ak" => &mut section.ak,
            "sk" => &mut section.sk,
            "project_id" => &mut section.project_id,
            "security_token" => &mut section.security_token,
            _ => continue,
        };
        *slot = Some(value.to_owned()).filter(|v| !v.is_empty());
    }
    let Some(pos) = SECTIONS
        .iter()
        .find_map(|want| sections.iter().position(|s| s.name == *want))
    else {
        return Ok(None);
    };
    let mut section = sections.swap_remove(pos);
    let missing = |key: &'static str, name: &str| CredentialsError::MissingKey {
        path: path.to_path_buf(),
        section: name.to_owned(),
        key,
    };
    let ak = section
        .ak
        .take()
        .ok_or_else(|| missing("ak", &section.name))?;
    let sk = section
        .sk
        .take()
        .ok_or_else(|| missing("sk", &section.name))?;
    let mut creds = Credentials::new(ak, sk)?;
    if let Some(token) = section.security_token.take() {
        creds = creds.with_security_token(token);
    }
    if let Some(project) = section.project_id.take() {
        creds = creds.with_project_id(project);
    }
    Ok(Some(creds))
}
