//! Every writer's output imports back; malformed files are reported with file, line/element and
//! reason.

use hawiya_aml::gen::{self, synthetic_list};
use hawiya_aml::{import, normalize_name, ImportError, Index, ListEntry, ListFormat, Query};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn names_of(e: &ListEntry) -> BTreeSet<String> {
    e.names.iter().map(|n| normalize_name(n)).collect()
}

fn dates_of(e: &ListEntry) -> BTreeSet<String> {
    e.birth_dates.iter().cloned().collect()
}

fn has_arabic(s: &str) -> bool {
    s.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// Writes `entries` in `format` under `dir`; returns the path to import.
fn write(format: ListFormat, dir: &Path, entries: &[ListEntry]) -> PathBuf {
    let p = match format {
        ListFormat::OfacCsv => dir.join("ofac"),
        ListFormat::OfacXml => dir.join("SDN.XML"),
        ListFormat::UnXml => dir.join("consolidated.xml"),
        ListFormat::EuXml => dir.join("eu.xml"),
        ListFormat::UkCsv => dir.join("ConList.csv"),
        ListFormat::TenantCsv => dir.join("blacklist.csv"),
    };
    match format {
        ListFormat::OfacCsv => gen::write_ofac_csv(&p, entries),
        ListFormat::OfacXml => gen::write_ofac_xml(&p, entries),
        ListFormat::UnXml => gen::write_un_xml(&p, entries),
        ListFormat::EuXml => gen::write_eu_xml(&p, entries),
        ListFormat::UkCsv => gen::write_uk_csv(&p, entries),
        ListFormat::TenantCsv => gen::write_tenant_csv(&p, entries),
    }
    .unwrap();
    p
}

#[test]
fn every_format_round_trips() {
    let list = synthetic_list(11, 60);
    for format in ListFormat::ALL {
        let dir = tempfile::tempdir().unwrap();
        let path = write(format, dir.path(), &list.entries);
        let got = import(format, &path).unwrap_or_else(|e| panic!("{format}: {e}"));
        assert_eq!(got.len(), list.entries.len(), "{format}");
        for (want, got) in list.entries.iter().zip(&got) {
            let ctx = format!("{format} {}", want.entry_id);
            assert_eq!(got.national_id, want.national_id, "{ctx}");
            assert_eq!(dates_of(got), dates_of(want), "{ctx}");
            if format == ListFormat::TenantCsv {
                // The tenant format keeps one Latin and one Arabic name.
                let mut keep = BTreeSet::new();
                keep.extend(
                    want.names
                        .iter()
                        .find(|n| !has_arabic(n))
                        .map(|n| normalize_name(n)),
                );
                keep.extend(
                    want.names
                        .iter()
                        .find(|n| has_arabic(n))
                        .map(|n| normalize_name(n)),
                );
                assert_eq!(names_of(got), keep, "{ctx}");
                assert_eq!(got.case_no, want.case_no, "{ctx}");
                assert_eq!(got.case_year, want.case_year, "{ctx}");
                assert_eq!(got.record_date, want.record_date, "{ctx}");
            } else {
                assert_eq!(names_of(got), names_of(want), "{ctx}");
                assert_eq!(
                    normalize_name(&got.names[0]),
                    normalize_name(&want.names[0]),
                    "{ctx}: primary name first"
                );
            }
            match format {
                ListFormat::OfacCsv
                | ListFormat::OfacXml
                | ListFormat::UkCsv
                | ListFormat::EuXml => {
                    assert_eq!(got.entry_id, want.entry_id, "{ctx}")
                }
                _ => assert!(!got.entry_id.is_empty()),
            }
            if matches!(format, ListFormat::UnXml | ListFormat::EuXml) {
                assert_eq!(got.case_no, want.case_no, "{ctx}");
                assert_eq!(got.record_date, want.record_date, "{ctx}");
            }
        }
        // Imported entries are searchable.
        let idx = Index::build(&got);
        for (i, e) in got.iter().enumerate().take(20) {
            let hits = idx.search(&Query::name(e.names[0].clone()), 5);
            assert!(
                hits.iter()
                    .any(|h| h.entry == i && h.score >= hawiya_aml::DEFAULT_THRESHOLD),
                "{format}: {} not found: {hits:?}",
                e.names[0]
            );
        }
    }
}

#[test]
fn entities_vessels_and_other_rows_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let sdn = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n\
               173,\"ANGLO-CARIBBEAN CO., LTD.\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n\
               306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'BNC'.\"\n\
               2674,\"ABU ZAYD, Hamza\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 01 Jan 1970; National ID No. 27001011234565 (Egypt).\"\n\
               15036,\"ALFA\",\"vessel\",\"SYRIA\",-0- ,-0- ,\"Tanker\",-0- ,-0- ,\"Syria\",-0- ,-0- \n\
               \u{1a}\n";
    std::fs::write(dir.path().join("sdn.csv"), sdn).unwrap();
    std::fs::write(
        dir.path().join("alt.csv"),
        "2674,1001,\"aka\",\"ABU ZEID, Hamza\",-0- \n306,1002,\"aka\",\"BNC\",-0- \n",
    )
    .unwrap();
    let got = import(ListFormat::OfacCsv, dir.path()).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].entry_id, "2674");
    assert_eq!(got[0].names, vec!["Hamza ABU ZAYD", "Hamza ABU ZEID"]);
    assert_eq!(got[0].birth_dates, vec!["1970-01-01"]);
    assert_eq!(got[0].national_id.as_deref(), Some("27001011234565"));
    assert_eq!(got[0].program.as_deref(), Some("SDGT"));
}

fn expect_err(format: ListFormat, path: &Path) -> ImportError {
    match import(format, path) {
        Ok(v) => panic!("{format}: imported {} entries from a bad file", v.len()),
        Err(e) => {
            let shown = e.to_string();
            assert!(
                shown.contains(&e.file)
                    && shown.contains(&e.location)
                    && shown.contains(&e.message)
            );
            e
        }
    }
}

#[test]
fn ofac_csv_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = "1,\"DOE, John\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n";
    std::fs::write(
        dir.path().join("sdn.csv"),
        format!("{good}x2,\"ROE, Jane\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n"),
    )
    .unwrap();
    let e = expect_err(ListFormat::OfacCsv, dir.path());
    assert!(e.file.ends_with("sdn.csv"));
    assert_eq!(e.location, "line 2");
    assert!(e.message.contains("ent_num"), "{e}");

    std::fs::write(dir.path().join("sdn.csv"), format!("{good}{good}")).unwrap();
    let e = expect_err(ListFormat::OfacCsv, dir.path());
    assert_eq!(e.location, "line 2");
    assert!(e.message.contains("repeats"), "{e}");

    std::fs::write(
        dir.path().join("sdn.csv"),
        format!("{good}3,\"SHORT, Row\",\"individual\"\n"),
    )
    .unwrap();
    let e = expect_err(ListFormat::OfacCsv, dir.path());
    assert_eq!(e.location, "line 2");
    assert!(e.message.contains("expected 12 fields, found 3"), "{e}");

    std::fs::write(dir.path().join("sdn.csv"), good).unwrap();
    std::fs::write(
        dir.path().join("alt.csv"),
        "1,10,\"aka\",\"DOE, Johnny\",-0- \n99,11,\"aka\",\"X\",-0- \n",
    )
    .unwrap();
    let e = expect_err(ListFormat::OfacCsv, dir.path());
    assert!(e.file.ends_with("alt.csv"));
    assert_eq!(e.location, "line 2");
    assert!(e.message.contains("99"), "{e}");

    let empty = tempfile::tempdir().unwrap();
    let e = expect_err(ListFormat::OfacCsv, empty.path());
    assert_eq!(e.location, "file");
    assert!(e.message.contains("sdn.csv"), "{e}");
}

#[test]
fn xml_errors_name_the_element() {
    let dir = tempfile::tempdir().unwrap();
    let list = synthetic_list(5, 3);

    // SDN.XML: the second entry has no uid.
    let p = write(ListFormat::OfacXml, dir.path(), &list.entries);
    let text = std::fs::read_to_string(&p).unwrap();
    let second = text.match_indices("<uid>2</uid>").next().unwrap().0;
    let bad = format!(
        "{}{}",
        &text[..second],
        &text[second + "<uid>2</uid>".len()..]
    );
    std::fs::write(&p, bad).unwrap();
    let e = expect_err(ListFormat::OfacXml, &p);
    assert!(
        e.location.starts_with("element <sdnEntry> #2 (line "),
        "{e}"
    );
    assert!(e.message.contains("uid"), "{e}");

    // SDN.XML: mismatched end tag.
    std::fs::write(
        &p,
        "<sdnList>\n<sdnEntry><uid>1</uid>\n<lastName>X</firstName></sdnEntry></sdnList>",
    )
    .unwrap();
    let e = expect_err(ListFormat::OfacXml, &p);
    assert!(e.location.contains("line 3"), "{e}");

    // UN: the third individual has no name; a truncated file.
    let p = write(ListFormat::UnXml, dir.path(), &list.entries);
    let text = std::fs::read_to_string(&p).unwrap();
    let mut parts: Vec<&str> = text.split("<INDIVIDUAL>").collect();
    let third = parts[3]
        .replace("<FIRST_NAME>", "<X>")
        .replace("</FIRST_NAME>", "</X>");
    let third = third
        .lines()
        .filter(|l| {
            !l.contains("_NAME>") && !l.contains("NAME_ORIGINAL_SCRIPT") && !l.contains("<X>")
        })
        .collect::<Vec<_>>()
        .join("\n");
    parts[3] = &third;
    std::fs::write(&p, parts.join("<INDIVIDUAL>")).unwrap();
    let e = expect_err(ListFormat::UnXml, &p);
    assert!(
        e.location.starts_with("element <INDIVIDUAL> #3 (line "),
        "{e}"
    );
    assert!(e.message.contains("FIRST_NAME"), "{e}");
    std::fs::write(&p, &text[..text.len() / 2]).unwrap();
    let e = expect_err(ListFormat::UnXml, &p);
    assert!(e.location.contains("line"), "{e}");

    // EU: an entity without logicalId; a file of another format.
    let p = write(ListFormat::EuXml, dir.path(), &list.entries);
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replacen(" logicalId=\"1\">", ">", 1)).unwrap();
    let e = expect_err(ListFormat::EuXml, &p);
    assert!(e.location.starts_with("element <sanctionEntity> #1"), "{e}");
    assert!(e.message.contains("logicalId"), "{e}");
    let un = write(ListFormat::UnXml, dir.path(), &list.entries);
    let e = expect_err(ListFormat::EuXml, &un);
    assert!(e.message.contains("expected <export>"), "{e}");
}

#[test]
fn uk_and_tenant_csv_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let list = synthetic_list(6, 4);

    let p = write(ListFormat::UkCsv, dir.path(), &list.entries);
    let text = std::fs::read_to_string(&p).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[3] = lines[3].replacen("Individual", "Individual,extra", 1);
    std::fs::write(&p, lines.join("\n")).unwrap();
    let e = expect_err(ListFormat::UkCsv, &p);
    assert_eq!(e.location, "line 4");
    assert!(e.message.contains("fields"), "{e}");
    std::fs::write(&p, "Name 1,Name 2\nA,B\n").unwrap();
    let e = expect_err(ListFormat::UkCsv, &p);
    assert_eq!(e.location, "line 1");

    let p = dir.path().join("t.csv");
    std::fs::write(
        &p,
        "name,arabic_name,national_id,birth_date,case_no,case_year,record_date\n\
         Ahmed Ali,أحمد علي,,1980-01-02,1,2020,2020-05-01\n\
         Mona Hassan,,,1981,2,2021,\n\
         Omar Said,,,31/02/1990,3,2021,\n",
    )
    .unwrap();
    let e = expect_err(ListFormat::TenantCsv, &p);
    assert_eq!(e.location, "line 4");
    assert!(e.message.contains("birth_date"), "{e}");

    std::fs::write(&p, "name,case_year\nAhmed,20x1\n").unwrap();
    let e = expect_err(ListFormat::TenantCsv, &p);
    assert_eq!(e.location, "line 2");
    assert!(e.message.contains("case_year"), "{e}");

    std::fs::write(
        &p,
        "name,arabic_name,national_id\n,,29001011234567\nAli,,\n",
    )
    .unwrap();
    let e = expect_err(ListFormat::TenantCsv, &p);
    assert_eq!(e.location, "line 2");

    std::fs::write(&p, "id,dob\n1,1990\n").unwrap();
    let e = expect_err(ListFormat::TenantCsv, &p);
    assert_eq!(e.location, "line 1");
    assert!(e.message.contains("name"), "{e}");
}

#[test]
fn tenant_csv_accepts_vlens_style_headers_and_arabic_digits() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.csv");
    std::fs::write(
        &p,
        "\u{feff}fullName,idNumber,dateOfBirth,caseNo,caseYear,recordDate\n\
         محمد أحمد علي,٢٩٠٠١٠١١٢٣٤٥٦٧,١٩٩٠-٠١-٠١,77,٢٠٢٢,2022-03-04\n",
    )
    .unwrap();
    let got = import(ListFormat::TenantCsv, &p).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].entry_id, "77");
    assert_eq!(got[0].names, vec!["محمد أحمد علي"]);
    assert_eq!(got[0].birth_dates, vec!["1990-01-01"]);
    assert_eq!(got[0].case_year, Some(2022));
    let idx = Index::build(&got);
    let hits = idx.search(
        &Query {
            name: "Mohamed Ahmed Aly".into(),
            national_id: Some("29001011234567".into()),
            birth_date: None,
        },
        3,
    );
    assert_eq!(hits[0].id_score, Some(1.0));
    assert_eq!(hits[0].dob_score, Some(1.0));
    assert!(hits[0].score > 0.95, "{hits:?}");
}
