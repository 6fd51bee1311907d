//! CSV importers: OFAC SDN trio, UK consolidated list, tenant blacklist.

use super::{clean, parse_ofac_remarks, push_dob, push_name, read_text, ImportError};
use crate::{Dob, ListEntry};
use std::collections::HashMap;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

fn line_of(r: &csv::StringRecord) -> String {
    r.position()
        .map(|p| format!("line {}", p.line()))
        .unwrap_or_else(|| "file".into())
}

fn csv_error(path: &Path, e: csv::Error) -> ImportError {
    let loc = match e.position() {
        Some(p) => format!("line {}", p.line()),
        None => "file".to_string(),
    };
    let msg = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields, found {len}"),
        csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8 in field {}", err.field() + 1),
        _ => e.to_string(),
    };
    ImportError::new(path, loc, msg)
}

fn open_csv(
    path: &Path,
    headers: bool,
    delimiter: u8,
) -> Result<csv::Reader<Box<dyn Read>>, ImportError> {
    let f = std::fs::File::open(path).map_err(|e| ImportError::new(path, "file", e.to_string()))?;
    let mut r = BufReader::with_capacity(1 << 16, f);
    // Skip a UTF-8 byte order mark.
    let mut bom = [0u8; 3];
    let n = r
        .by_ref()
        .take(3)
        .read(&mut bom)
        .map_err(|e| ImportError::new(path, "file", e.to_string()))?;
    let head: Box<dyn Read> = if n == 3 && bom == [0xEF, 0xBB, 0xBF] {
        Box::new(r)
    } else {
        Box::new(std::io::Cursor::new(bom[..n].to_vec()).chain(r))
    };
    Ok(csv::ReaderBuilder::new()
        .has_headers(headers)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(head))
}

/// True for a record that is empty or holds only OFAC's end-of-file character.
fn is_blank(r: &csv::StringRecord) -> bool {
    r.iter()
        .all(|f| f.trim().trim_matches('\u{1a}').trim().is_empty())
}

fn check_len(path: &Path, r: &csv::StringRecord, expected: usize) -> Result<(), ImportError> {
    if r.len() != expected {
        return Err(ImportError::new(
            path,
            line_of(r),
            format!("expected {expected} fields, found {}", r.len()),
        ));
    }
    Ok(())
}

fn ent_num(path: &Path, r: &csv::StringRecord) -> Result<u64, ImportError> {
    let s = r.get(0).unwrap_or("").trim();
    s.parse::<u64>()
        .map_err(|_| ImportError::new(path, line_of(r), format!("ent_num {s:?} is not a number")))
}

/// `LAST, First Middle` → `First Middle LAST`.
pub(crate) fn ofac_name(s: &str) -> String {
    match s.split_once(',') {
        Some((last, first)) if !first.trim().is_empty() => {
            format!("{} {}", first.trim(), last.trim())
        }
        _ => s.trim().trim_end_matches(',').to_string(),
    }
}

pub(crate) fn import_ofac_csv(path: &Path) -> Result<Vec<ListEntry>, ImportError> {
    let dir: PathBuf = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let find = |name: &str| -> Option<PathBuf> {
        [name.to_string(), name.to_ascii_uppercase()]
            .into_iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
    };
    let sdn = if path.is_file() {
        path.to_path_buf()
    } else {
        find("sdn.csv").ok_or_else(|| {
            ImportError::new(
                &dir.join("sdn.csv"),
                "file",
                "sdn.csv not found in the directory",
            )
        })?
    };
    let mut entries: Vec<ListEntry> = Vec::new();
    let mut by_ent: HashMap<u64, usize> = HashMap::new();
    let mut seen: HashMap<u64, String> = HashMap::new();
    let mut rdr = open_csv(&sdn, false, b',')?;
    for rec in rdr.records() {
        let r = rec.map_err(|e| csv_error(&sdn, e))?;
        if is_blank(&r) {
            continue;
        }
        check_len(&sdn, &r, 12)?;
        let ent = ent_num(&sdn, &r)?;
        if let Some(prev) = seen.insert(ent, line_of(&r)) {
            return Err(ImportError::new(
                &sdn,
                line_of(&r),
                format!("ent_num {ent} repeats ({prev})"),
            ));
        }
        let kind = clean(&r[2]).unwrap_or_default().to_ascii_lowercase();
        if kind != "individual" {
            continue;
        }
        let name = clean(&r[1]).ok_or_else(|| {
            ImportError::new(&sdn, line_of(&r), format!("ent_num {ent}: empty SDN_Name"))
        })?;
        let mut e = ListEntry {
            entry_id: ent.to_string(),
            names: vec![ofac_name(&name)],
            program: clean(&r[3]),
            remarks: clean(&r[11]),
            ..ListEntry::default()
        };
        if let Some(rem) = e.remarks.clone() {
            parse_ofac_remarks(&rem, &mut e);
        }
        by_ent.insert(ent, entries.len());
        entries.push(e);
    }
    if let Some(alt) = find("alt.csv") {
        let mut rdr = open_csv(&alt, false, b',')?;
        for rec in rdr.records() {
            let r = rec.map_err(|e| csv_error(&alt, e))?;
            if is_blank(&r) {
                continue;
            }
            check_len(&alt, &r, 5)?;
            let ent = ent_num(&alt, &r)?;
            if !seen.contains_key(&ent) {
                return Err(ImportError::new(
                    &alt,
                    line_of(&r),
                    format!("ent_num {ent} is not in sdn.csv"),
                ));
            }
            if let (Some(&i), Some(name)) = (by_ent.get(&ent), clean(&r[3])) {
                push_name(&mut entries[i].names, &ofac_name(&name));
            }
        }
    }
    if let Some(add) = find("add.csv") {
        let mut rdr = open_csv(&add, false, b',')?;
        for rec in rdr.records() {
            let r = rec.map_err(|e| csv_error(&add, e))?;
            if is_blank(&r) {
                continue;
            }
            check_len(&add, &r, 6)?;
            let ent = ent_num(&add, &r)?;
            if !seen.contains_key(&ent) {
                return Err(ImportError::new(
                    &add,
                    line_of(&r),
                    format!("ent_num {ent} is not in sdn.csv"),
                ));
            }
        }
    }
    Ok(entries)
}

/// Header names of a CSV, normalised for lookup (lower case, no spaces/underscores).
fn header_key(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

pub(crate) fn import_uk_csv(path: &Path) -> Result<Vec<ListEntry>, ImportError> {
    // Delimiter: ',' (HMT) or ';' (seen in one integration): whichever the header line has more of.
    let text = read_text(path)?;
    let header_line = text
        .lines()
        .find(|l| l.contains("Group ID") || l.contains("Name 6"))
        .unwrap_or("");
    let delim = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    drop(text);
    let mut rdr = open_csv(path, false, delim)?;
    let mut header: Option<HashMap<String, usize>> = None;
    let mut header_len = 0;
    let mut entries: Vec<ListEntry> = Vec::new();
    let mut by_group: HashMap<String, usize> = HashMap::new();
    for rec in rdr.records() {
        let r = rec.map_err(|e| csv_error(path, e))?;
        let Some(h) = &header else {
            let keys: Vec<String> = r.iter().map(header_key).collect();
            if keys.iter().any(|k| k == "groupid") && keys.iter().any(|k| k == "name6") {
                header_len = keys.len();
                header = Some(keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect());
                let h = header.as_ref().unwrap();
                if !h.contains_key("grouptype") {
                    return Err(ImportError::new(
                        path,
                        line_of(&r),
                        "header lacks 'Group Type'",
                    ));
                }
            }
            continue;
        };
        if is_blank(&r) {
            continue;
        }
        if r.len() != header_len {
            return Err(ImportError::new(
                path,
                line_of(&r),
                format!("expected {header_len} fields, found {}", r.len()),
            ));
        }
        let get = |k: &str| h.get(k).and_then(|&i| clean(&r[i]));
        let group =
            get("groupid").ok_or_else(|| ImportError::new(path, line_of(&r), "empty Group ID"))?;
        let gtype = get("grouptype").unwrap_or_default().to_ascii_lowercase();
        if gtype != "individual" {
            continue;
        }
        let mut parts: Vec<String> = (1..=5).filter_map(|i| get(&format!("name{i}"))).collect();
        parts.extend(get("name6"));
        let name = parts.join(" ");
        let non_latin = get("namenonlatinscript");
        if name.is_empty() && non_latin.is_none() {
            return Err(ImportError::new(
                path,
                line_of(&r),
                format!("group {group}: no name in Name 1..Name 6"),
            ));
        }
        let dob = match get("dob") {
            Some(d) => Some(Dob::parse_loose(&d).ok_or_else(|| {
                ImportError::new(
                    path,
                    line_of(&r),
                    format!("DOB {d:?} is not a date (dd/mm/yyyy)"),
                )
            })?),
            None => None,
        };
        let idx = *by_group.entry(group.clone()).or_insert_with(|| {
            entries.push(ListEntry {
                entry_id: group.clone(),
                ..ListEntry::default()
            });
            entries.len() - 1
        });
        let e = &mut entries[idx];
        let primary = get("aliastype").is_some_and(|t| t.eq_ignore_ascii_case("primary name"));
        if !name.is_empty() {
            if primary && !e.names.contains(&name) {
                e.names.insert(0, name);
            } else {
                push_name(&mut e.names, &name);
            }
        }
        if let Some(n) = non_latin {
            push_name(&mut e.names, &n);
        }
        if let Some(d) = dob {
            push_dob(&mut e.birth_dates, d);
        }
        if e.national_id.is_none() {
            e.national_id = get("nationalidentificationnumber").or_else(|| get("ninumber"));
        }
        if e.program.is_none() {
            e.program = get("regime");
        }
        if e.case_no.is_none() {
            e.case_no = get("uksanctionslistref");
        }
        if e.record_date.is_none() {
            e.record_date = get("listedon").map(|d| match Dob::parse_loose(&d) {
                Some(x) => x.to_iso(),
                None => d,
            });
        }
        if e.remarks.is_none() {
            e.remarks = get("otherinformation");
        }
    }
    if header.is_none() {
        return Err(ImportError::new(
            path,
            "line 1",
            "no header row with 'Name 6' and 'Group ID'",
        ));
    }
    Ok(entries)
}

pub(crate) fn import_tenant_csv(path: &Path) -> Result<Vec<ListEntry>, ImportError> {
    let mut rdr = open_csv(path, true, b',')?;
    let headers = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let mut col: HashMap<&'static str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let field = match header_key(h).as_str() {
            "name" | "fullname" | "nameen" | "englishname" | "latinname" => "name",
            "arabicname" | "namear" | "fullnamear" | "namearabic" | "الاسم" => "name_ar",
            "nationalid" | "idnumber" | "nid" | "nationalidnumber" => "national_id",
            "birthdate" | "dateofbirth" | "dob" => "birth_date",
            "caseno" | "casenumber" => "case_no",
            "caseyear" => "case_year",
            "recorddate" => "record_date",
            "program" | "programme" | "list" => "program",
            "remarks" | "notes" | "comment" => "remarks",
            _ => continue,
        };
        col.entry(field).or_insert(i);
    }
    if !col.contains_key("name") && !col.contains_key("name_ar") {
        return Err(ImportError::new(
            path,
            "line 1",
            "header has neither a 'name' nor an 'arabic_name' column",
        ));
    }
    let width = headers.len();
    let mut entries = Vec::new();
    let mut used_ids: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut rec = csv::StringRecord::new();
    let mut row = 0usize;
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(path, e)),
        }
        row += 1;
        let r = &rec;
        if is_blank(r) {
            continue;
        }
        if r.len() != width {
            return Err(ImportError::new(
                path,
                line_of(r),
                format!("expected {width} fields, found {}", r.len()),
            ));
        }
        let get = |k: &str| col.get(k).and_then(|&i| clean(&r[i]));
        let mut names = Vec::with_capacity(2);
        if let Some(n) = get("name") {
            push_name(&mut names, &n);
        }
        if let Some(n) = get("name_ar") {
            push_name(&mut names, &n);
        }
        if names.is_empty() {
            return Err(ImportError::new(path, line_of(r), "no name"));
        }
        let mut birth_dates = Vec::new();
        if let Some(d) = get("birth_date") {
            for one in d.split(['|', ';']) {
                let x = Dob::parse_loose(one).ok_or_else(|| {
                    ImportError::new(
                        path,
                        line_of(r),
                        format!("birth_date {one:?} is not a date (YYYY-MM-DD or YYYY)"),
                    )
                })?;
                push_dob(&mut birth_dates, x);
            }
        }
        let case_year = match get("case_year") {
            Some(y) => Some(
                crate::nid::normalize_digits(&y)
                    .parse::<i32>()
                    .map_err(|_| {
                        ImportError::new(path, line_of(r), format!("case_year {y:?} is not a year"))
                    })?,
            ),
            None => None,
        };
        let record_date = match get("record_date") {
            Some(d) => Some(
                Dob::parse_loose(&d)
                    .ok_or_else(|| {
                        ImportError::new(
                            path,
                            line_of(r),
                            format!("record_date {d:?} is not a date (YYYY-MM-DD)"),
                        )
                    })?
                    .to_iso(),
            ),
            None => None,
        };
        let case_no = get("case_no");
        let entry_id = match &case_no {
            Some(c) if used_ids.insert(c.clone()) => c.clone(),
            _ => format!("row-{row}"),
        };
        entries.push(ListEntry {
            entry_id,
            names,
            national_id: get("national_id"),
            birth_dates,
            case_no,
            case_year,
            record_date,
            program: get("program"),
            remarks: get("remarks"),
        });
    }
    Ok(entries)
}
