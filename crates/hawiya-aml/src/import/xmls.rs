//! XML importers: OFAC `SDN.XML`, UN consolidated list, EU consolidated list.

use super::{push_dob, push_name, read_text, ImportError};
use crate::xml::{for_each_record, Node};
use crate::{Dob, ListEntry};
use std::path::Path;

fn run(
    path: &Path,
    root: &str,
    record: &str,
    mut f: impl FnMut(&Node) -> Result<Option<ListEntry>, String>,
) -> Result<Vec<ListEntry>, ImportError> {
    let text = read_text(path)?;
    let mut out = Vec::new();
    for_each_record(&text, root, record, |node| {
        if let Some(e) = f(node)? {
            out.push(e);
        }
        Ok(())
    })
    .map_err(|(loc, msg)| ImportError::new(path, loc, msg))?;
    Ok(out)
}

fn join_parts<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts.into_iter().flatten().collect::<Vec<_>>().join(" ")
}

fn is_national_id(kind: &str) -> bool {
    let k = kind.to_ascii_lowercase();
    k.contains("national id") || k.contains("national identification") || k == "id"
}

pub(crate) fn import_ofac_xml(path: &Path) -> Result<Vec<ListEntry>, ImportError> {
    run(path, "sdnList", "sdnEntry", |n| {
        let uid = n.text_of("uid").ok_or("no <uid>")?;
        uid.parse::<u64>()
            .map_err(|_| format!("<uid> {uid:?} is not a number"))?;
        if !n
            .text_of("sdnType")
            .is_some_and(|t| t.eq_ignore_ascii_case("individual"))
        {
            return Ok(None);
        }
        let name = join_parts([n.text_of("firstName"), n.text_of("lastName")]);
        if name.is_empty() {
            return Err(format!("uid {uid}: no <firstName>/<lastName>"));
        }
        let mut e = ListEntry {
            entry_id: uid.to_string(),
            names: vec![name],
            remarks: n.text_of("remarks").map(str::to_string),
            ..ListEntry::default()
        };
        if let Some(pl) = n.child("programList") {
            let progs: Vec<&str> = pl
                .children_named("program")
                .map(|p| p.text.trim())
                .filter(|p| !p.is_empty())
                .collect();
            if !progs.is_empty() {
                e.program = Some(progs.join("; "));
            }
        }
        if let Some(al) = n.child("akaList") {
            for a in al.children_named("aka") {
                let alias = join_parts([a.text_of("firstName"), a.text_of("lastName")]);
                push_name(&mut e.names, &alias);
            }
        }
        if let Some(dl) = n.child("dateOfBirthList") {
            for d in dl.children_named("dateOfBirthItem") {
                if let Some(x) = d.text_of("dateOfBirth").and_then(Dob::parse_loose) {
                    push_dob(&mut e.birth_dates, x);
                }
            }
        }
        if let Some(il) = n.child("idList") {
            for id in il.children_named("id") {
                if e.national_id.is_none() && id.text_of("idType").is_some_and(is_national_id) {
                    e.national_id = id.text_of("idNumber").map(str::to_string);
                }
            }
        }
        Ok(Some(e))
    })
}

pub(crate) fn import_un_xml(path: &Path) -> Result<Vec<ListEntry>, ImportError> {
    run(path, "CONSOLIDATED_LIST", "INDIVIDUAL", |n| {
        let id = n
            .text_of("DATAID")
            .or_else(|| n.text_of("REFERENCE_NUMBER"))
            .ok_or("no <DATAID>")?;
        let name = join_parts(
            ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"].map(|k| n.text_of(k)),
        );
        let original = n.text_of("NAME_ORIGINAL_SCRIPT");
        if name.is_empty() && original.is_none() {
            return Err(format!("DATAID {id}: no <FIRST_NAME>"));
        }
        let mut e = ListEntry {
            entry_id: id.to_string(),
            case_no: n.text_of("REFERENCE_NUMBER").map(str::to_string),
            record_date: n.text_of("LISTED_ON").map(|d| {
                Dob::parse_loose(d)
                    .map(|x| x.to_iso())
                    .unwrap_or(d.to_string())
            }),
            program: n.text_of("UN_LIST_TYPE").map(str::to_string),
            remarks: n.text_of("COMMENTS1").map(str::to_string),
            ..ListEntry::default()
        };
        push_name(&mut e.names, &name);
        if let Some(o) = original {
            push_name(&mut e.names, o);
        }
        for a in n.children_named("INDIVIDUAL_ALIAS") {
            if let Some(alias) = a.text_of("ALIAS_NAME") {
                push_name(&mut e.names, alias);
            }
        }
        for d in n.children_named("INDIVIDUAL_DATE_OF_BIRTH") {
            if let Some(x) = d.text_of("DATE").and_then(Dob::parse_loose) {
                push_dob(&mut e.birth_dates, x);
            } else if let Some(y) = d.text_of("YEAR").and_then(|y| y.parse::<u16>().ok()) {
                push_dob(&mut e.birth_dates, Dob::year_only(y));
            } else if let (Some(a), Some(b)) = (
                d.text_of("FROM_YEAR").and_then(|y| y.parse::<u16>().ok()),
                d.text_of("TO_YEAR").and_then(|y| y.parse::<u16>().ok()),
            ) {
                if b >= a && b - a <= 10 {
                    for y in a..=b {
                        push_dob(&mut e.birth_dates, Dob::year_only(y));
                    }
                }
            }
        }
        for d in n.children_named("INDIVIDUAL_DOCUMENT") {
            if e.national_id.is_none() && d.text_of("TYPE_OF_DOCUMENT").is_some_and(is_national_id)
            {
                e.national_id = d.text_of("NUMBER").map(str::to_string);
            }
        }
        Ok(Some(e))
    })
}

pub(crate) fn import_eu_xml(path: &Path) -> Result<Vec<ListEntry>, ImportError> {
    run(path, "export", "sanctionEntity", |n| {
        let id = n.attr("logicalId").ok_or("no logicalId attribute")?;
        let person = n
            .child("subjectType")
            .and_then(|s| s.attr("code"))
            .is_some_and(|c| c.eq_ignore_ascii_case("person"));
        if !person {
            return Ok(None);
        }
        let mut e = ListEntry {
            entry_id: id.to_string(),
            case_no: n.attr("euReferenceNumber").map(str::to_string),
            ..ListEntry::default()
        };
        for a in n.children_named("nameAlias") {
            let whole = a.attr("wholeName").map(str::to_string).unwrap_or_else(|| {
                join_parts([
                    a.attr("firstName"),
                    a.attr("middleName"),
                    a.attr("lastName"),
                ])
            });
            push_name(&mut e.names, &whole);
        }
        if e.names.is_empty() {
            return Err(format!("logicalId {id}: no <nameAlias> with a name"));
        }
        for b in n.children_named("birthdate") {
            if let Some(x) = b.attr("birthdate").and_then(Dob::parse_loose) {
                push_dob(&mut e.birth_dates, x);
            } else if let Some(y) = b.attr("year").and_then(|y| y.parse::<u16>().ok()) {
                push_dob(&mut e.birth_dates, Dob::year_only(y));
            }
        }
        for i in n.children_named("identification") {
            let kind = i
                .attr("identificationTypeCode")
                .or_else(|| i.attr("identificationTypeDescription"))
                .unwrap_or("");
            let desc = i.attr("identificationTypeDescription").unwrap_or("");
            if e.national_id.is_none() && (is_national_id(kind) || is_national_id(desc)) {
                e.national_id = i.attr("number").map(str::to_string);
            }
        }
        if let Some(r) = n.child("regulation") {
            e.program = r.attr("programme").map(str::to_string);
            e.record_date = r
                .attr("publicationDate")
                .or_else(|| r.attr("entryIntoForceDate"))
                .map(str::to_string);
        }
        let remarks: Vec<&str> = n
            .children_named("remark")
            .map(|r| r.text.trim())
            .filter(|t| !t.is_empty())
            .collect();
        if !remarks.is_empty() {
            e.remarks = Some(remarks.join(" "));
        }
        Ok(Some(e))
    })
}
