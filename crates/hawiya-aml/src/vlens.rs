//! The Vlens-compatible `services.AML` object of `POST /v1/ocr/aml/validate`.

use crate::{Hit, ListEntry};
use serde::{Deserialize, Serialize};

/// One matched list record as Vlens reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AmlRecord {
    /// Case number.
    #[serde(rename = "caseNo")]
    pub case_no: Option<String>,
    /// Case year.
    #[serde(rename = "caseYear")]
    pub case_year: Option<i32>,
    /// Record date.
    #[serde(rename = "recordDate")]
    pub record_date: Option<String>,
    /// The list name that matched.
    #[serde(rename = "fullName")]
    pub full_name: String,
    /// National ID on the list.
    #[serde(rename = "idNumber")]
    pub id_number: Option<String>,
    /// First birth date on the list.
    #[serde(rename = "dateOfBirth")]
    pub date_of_birth: Option<String>,
    /// Final score 0..1.
    pub score: f32,
}

/// `services.AML`: `{AML_matched, data: [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AmlResult {
    /// True when any hit reaches the threshold.
    #[serde(rename = "AML_matched")]
    pub aml_matched: bool,
    /// The hits at or above the threshold, best first.
    pub data: Vec<AmlRecord>,
}

/// Builds `services.AML` from the hits of [`crate::Index::search`] over `entries` (the slice
/// the index was built from), keeping hits with `score >= threshold`.
pub fn aml_result(entries: &[ListEntry], hits: &[Hit], threshold: f32) -> AmlResult {
    let data: Vec<AmlRecord> = hits
        .iter()
        .filter(|h| h.score >= threshold)
        .filter_map(|h| {
            let e = entries.get(h.entry)?;
            Some(AmlRecord {
                case_no: e.case_no.clone(),
                case_year: e.case_year,
                record_date: e.record_date.clone(),
                full_name: h.matched_name.clone(),
                id_number: e.national_id.clone(),
                date_of_birth: e.birth_dates.first().cloned(),
                score: h.score,
            })
        })
        .collect();
    AmlResult {
        aml_matched: !data.is_empty(),
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Index, Query, DEFAULT_THRESHOLD};

    #[test]
    fn serialises_like_vlens() {
        let entries = vec![ListEntry {
            entry_id: "7".into(),
            names: vec!["Ahmed Mohamed Ali".into()],
            national_id: Some("29001011234567".into()),
            birth_dates: vec!["1990-01-01".into()],
            case_no: Some("7".into()),
            case_year: Some(2021),
            record_date: Some("2021-02-03".into()),
            ..ListEntry::default()
        }];
        let idx = Index::build(&entries);
        let hits = idx.search(&Query::name("احمد محمد علي"), 5);
        let r = aml_result(&entries, &hits, DEFAULT_THRESHOLD);
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["AML_matched"], true);
        assert_eq!(v["data"][0]["caseNo"], "7");
        assert_eq!(v["data"][0]["caseYear"], 2021);
        assert_eq!(v["data"][0]["recordDate"], "2021-02-03");
        assert_eq!(v["data"][0]["fullName"], "Ahmed Mohamed Ali");
        assert_eq!(v["data"][0]["idNumber"], "29001011234567");
        assert_eq!(v["data"][0]["dateOfBirth"], "1990-01-01");
        let none = aml_result(
            &entries,
            &idx.search(&Query::name("Omar Khaled"), 5),
            DEFAULT_THRESHOLD,
        );
        assert_eq!(serde_json::to_value(&none).unwrap()["AML_matched"], false);
    }
}
