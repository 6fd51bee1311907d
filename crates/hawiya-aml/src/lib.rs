//! AML screening for Hawiya: sanctions and blacklist import and Arabic/Latin person-name matching.
//!
//! * [`import`] reads OFAC SDN (CSV trio or `SDN.XML`), the UN Security Council consolidated
//!   XML, the EU consolidated XML, the UK consolidated CSV and a tenant blacklist CSV into
//!   [`ListEntry`] values (persons only).
//! * [`normalize_name`] and [`latin_key`] fold names of either script to comparable forms.
//! * [`Index`] is a candidate index over list names; [`Index::search`] scores a [`Query`]
//!   (name, optional national ID and birth date) and returns [`Hit`]s. A hit at or above
//!   [`DEFAULT_THRESHOLD`] is a match.
//! * [`gen`] builds seeded synthetic lists and writes them in every import format;
//!   [`eval::run_benchmark`] measures recall, false positives and speed.

pub mod eval;
pub mod gen;
mod import;
mod index;
pub mod lexicon;
mod nid;
mod normalize;
mod xml;

pub use import::{import, ImportError, ListFormat};
pub use index::{Hit, Index, Query, DEFAULT_THRESHOLD, MIN_SCORE};
pub use nid::{
    is_egyptian_nid, make_nid, nid_birth_date, nid_check_digit, nid_checksum_ok, normalize_id, Dob,
};
pub use normalize::{latin_key, normalize_name};

use serde::{Deserialize, Serialize};

/// One listed person.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ListEntry {
    /// Stable id within its list (OFAC ent_num, UN DATAID, EU logicalId, UK Group ID, tenant
    /// CSV case number or row).
    pub entry_id: String,
    /// Primary name first, then aliases; any script.
    pub names: Vec<String>,
    /// National ID number as given.
    pub national_id: Option<String>,
    /// Birth dates, `YYYY-MM-DD` or `YYYY`.
    pub birth_dates: Vec<String>,
    /// Case number (tenant lists; UN reference number; EU reference number).
    pub case_no: Option<String>,
    /// Case year.
    pub case_year: Option<i32>,
    /// Date the record was listed, `YYYY-MM-DD` when known.
    pub record_date: Option<String>,
    /// Sanctions programme or regime.
    pub program: Option<String>,
    /// Free-text remarks.
    pub remarks: Option<String>,
}
