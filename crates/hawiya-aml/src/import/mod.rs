//! List import: OFAC SDN (CSV trio, XML), UN consolidated XML, EU consolidated XML, UK
//! consolidated CSV, tenant blacklist CSV. Persons only; entities, vessels and aircraft are skipped.

mod csvs;
mod xmls;

use crate::ListEntry;
use std::path::Path;
use std::str::FromStr;

/// A list file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListFormat {
    /// OFAC SDN CSV: a directory with `sdn.csv` and optional `alt.csv`, `add.csv`.
    OfacCsv,
    /// OFAC SDN legacy XML (`SDN.XML`).
    OfacXml,
    /// UN Security Council consolidated list XML.
    UnXml,
    /// EU consolidated financial sanctions XML.
    EuXml,
    /// UK HMT/OFSI consolidated list CSV (`ConList.csv`).
    UkCsv,
    /// A tenant's own blacklist CSV (see [`crate::gen::write_tenant_csv`] for the columns).
    TenantCsv,
}

impl ListFormat {
    /// The name accepted by [`FromStr`].
    pub fn as_str(&self) -> &'static str {
        match self {
            ListFormat::OfacCsv => "ofac-csv",
            ListFormat::OfacXml => "ofac-xml",
            ListFormat::UnXml => "un-xml",
            ListFormat::EuXml => "eu-xml",
            ListFormat::UkCsv => "uk-csv",
            ListFormat::TenantCsv => "csv",
        }
    }

    /// All formats.
    pub const ALL: [ListFormat; 6] = [
        ListFormat::OfacCsv,
        ListFormat::OfacXml,
        ListFormat::UnXml,
        ListFormat::EuXml,
        ListFormat::UkCsv,
        ListFormat::TenantCsv,
    ];
}

impl FromStr for ListFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        ListFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .or(match s.as_str() {
                "tenant-csv" | "tenant" => Some(ListFormat::TenantCsv),
                _ => None,
            })
            .ok_or_else(|| {
                format!(
                    "unknown list format {s:?} (ofac-csv, ofac-xml, un-xml, eu-xml, uk-csv, csv)"
                )
            })
    }
}

impl std::fmt::Display for ListFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A file that could not be imported: which file, where in it, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {location}: {message}")]
pub struct ImportError {
    /// The file (path as given).
    pub file: String,
    /// `line 17`, `element <INDIVIDUAL> #3 (line 40)`, or `file`.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

impl ImportError {
    pub(crate) fn new(
        file: &Path,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ImportError {
            file: file.display().to_string(),
            location: location.into(),
            message: message.into(),
        }
    }
}

/// Reads a list file (or, for [`ListFormat::OfacCsv`], the directory holding `sdn.csv` and
/// optional `alt.csv`, `add.csv`) into person entries.
pub fn import(format: ListFormat, path: &Path) -> Result<Vec<ListEntry>, ImportError> {
    match format {
        ListFormat::OfacCsv => csvs::import_ofac_csv(path),
        ListFormat::OfacXml => xmls::import_ofac_xml(path),
        ListFormat::UnXml => xmls::import_un_xml(path),
        ListFormat::EuXml => xmls::import_eu_xml(path),
        ListFormat::UkCsv => csvs::import_uk_csv(path),
        ListFormat::TenantCsv => csvs::import_tenant_csv(path),
    }
}

/// Reads a whole text file (UTF-8, or Latin-1 as a fallback; BOM removed).
pub(crate) fn read_text(path: &Path) -> Result<String, ImportError> {
    let bytes = std::fs::read(path).map_err(|e| ImportError::new(path, "file", e.to_string()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    Ok(match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    })
}

/// Trimmed value, `None` when empty or OFAC's null `-0-`.
pub(crate) fn clean(s: &str) -> Option<String> {
    let t = s.trim().trim_matches('\u{1a}').trim();
    if t.is_empty() || t == "-0-" {
        None
    } else {
        Some(t.to_string())
    }
}

/// Pushes a birth date in list form (`YYYY-MM-DD`/`YYYY`), ignoring duplicates.
pub(crate) fn push_dob(dates: &mut Vec<String>, d: crate::Dob) {
    let s = d.to_iso();
    if !dates.contains(&s) {
        dates.push(s);
    }
}

/// Pushes a name, ignoring empties and duplicates.
pub(crate) fn push_name(names: &mut Vec<String>, n: &str) {
    let n = n.split_whitespace().collect::<Vec<_>>().join(" ");
    if !n.is_empty() && !names.contains(&n) {
        names.push(n);
    }
}

/// Parses the birth dates, national ID and other facts OFAC keeps in its `Remarks` field:
/// `DOB 12 Feb 1965; DOB 1960 to 1962; ... National ID No. 29001011234567 (Egypt); ...`.
pub(crate) fn parse_ofac_remarks(remarks: &str, e: &mut ListEntry) {
    for part in remarks.split(';') {
        let p = part.trim().trim_end_matches('.').trim();
        if let Some(rest) = p.strip_prefix("DOB ") {
            let rest = rest.trim();
            if let Some((a, b)) = rest.split_once(" to ") {
                if let (Some(x), Some(y)) = (crate::Dob::parse_loose(a), crate::Dob::parse_loose(b))
                {
                    if y.year >= x.year && y.year - x.year <= 10 {
                        for year in x.year..=y.year {
                            push_dob(&mut e.birth_dates, crate::Dob::year_only(year));
                        }
                    }
                }
            } else if let Some(d) = crate::Dob::parse_loose(rest) {
                push_dob(&mut e.birth_dates, d);
            }
        } else if let Some(rest) = p
            .strip_prefix("National ID No. ")
            .or_else(|| p.strip_prefix("National ID No "))
        {
            let id = rest.split(" (").next().unwrap_or("").trim();
            if !id.is_empty() && e.national_id.is_none() {
                e.national_id = Some(id.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in ListFormat::ALL {
            assert_eq!(f.as_str().parse::<ListFormat>().unwrap(), f);
        }
        assert!("pdf".parse::<ListFormat>().is_err());
    }

    #[test]
    fn error_display_names_all_three() {
        let e = ImportError::new(
            Path::new("x/sdn.csv"),
            "line 17",
            "ent_num 'abc' is not a number",
        );
        assert_eq!(
            e.to_string(),
            "x/sdn.csv: line 17: ent_num 'abc' is not a number"
        );
    }

    #[test]
    fn ofac_remarks() {
        let mut e = ListEntry::default();
        parse_ofac_remarks(
            "DOB 12 Feb 1965; DOB 1970 to 1971; POB Cairo, Egypt; National ID No. 26502121234567 (Egypt).",
            &mut e,
        );
        assert_eq!(e.birth_dates, vec!["1965-02-12", "1970", "1971"]);
        assert_eq!(e.national_id.as_deref(), Some("26502121234567"));
    }
}
