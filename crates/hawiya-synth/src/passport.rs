//! Passport data page (TD3, 125 × 88 mm at 10 px/mm) with a two-line OCR-B MRZ.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use hawiya_core::mrz::check_digit;
use hawiya_core::nid::governorate;
use serde_json::{json, Map, Value};
use tiny_skia::Pixmap;

use crate::draw;
use crate::fonts::{FontId, CARD_FONTS};
use crate::geom::Quad;
use crate::person::{reference_date, Person};
use crate::rng::Rng;
use crate::text::{shape, shape_fit, Align, TextStyle};
use crate::{Generator, Rendered};

/// Page width in pixels.
pub const W: u32 = 1250;
/// Page height in pixels.
pub const H: u32 = 880;

/// Upper-cases and keeps only `A`–`Z`, turning anything else into `<`.
fn mrz_text(s: &str) -> String {
    s.to_ascii_uppercase()
        .chars()
        .map(|c| if c.is_ascii_uppercase() { c } else { '<' })
        .collect()
}

fn cd(field: &str) -> char {
    char::from(b'0' + check_digit(field).unwrap_or(0))
}

fn yymmdd(d: NaiveDate) -> String {
    format!("{:02}{:02}{:02}", d.year() % 100, d.month(), d.day())
}

/// Builds the two TD3 lines (44 characters each) with every check digit.
pub fn td3_lines(
    surname: &str,
    given: &str,
    doc_no: &str,
    birth: NaiveDate,
    sex: char,
    expiry: NaiveDate,
    personal: &str,
) -> [String; 2] {
    let mut name = format!("{}<<{}", mrz_text(surname), mrz_text(given));
    name.truncate(39);
    let l1 = format!("P<EGY{name:<<39}");
    let doc = format!("{doc_no:<<9}");
    let dob = yymmdd(birth);
    let exp = yymmdd(expiry);
    let pers = format!("{personal:<<14}");
    let pers_cd = if personal.is_empty() { '<' } else { cd(&pers) };
    let body = format!(
        "{doc}{}EGY{dob}{}{sex}{exp}{}{pers}{pers_cd}",
        cd(&doc),
        cd(&dob),
        cd(&exp)
    );
    let composite = format!("{}{}{}", &body[0..10], &body[13..20], &body[21..43]);
    let l2 = format!("{body}{}", cd(&composite));
    [l1, l2]
}

/// Renders the data page.
pub fn data_page(g: &Generator, seed: u64, index: u32) -> anyhow::Result<Rendered> {
    let p = Person::generate(seed, index);
    let mut r = Rng::stream(seed, index, "passport");
    let mut pm = Pixmap::new(W, H).ok_or_else(|| anyhow::anyhow!("pixmap"))?;
    let masks = g.passport_masks();
    let mask = &masks[r.range_u32(0, masks.len() as u32 - 1) as usize];
    let c0 = r.rgb([(222, 236), (228, 240), (214, 226)]);
    let c1 = r.rgb([(236, 248), (226, 238), (206, 222)]);
    draw::paint_background(
        &mut pm,
        mask,
        c0,
        c1,
        [120, 160, 130],
        r.range_f32(0.2, 0.35),
    );
    // MRZ band is plain.
    let mrz_top = H as f32 - 200.0;
    draw::fill_rect(&mut pm, 0.0, mrz_top, W as f32, 200.0, [244, 243, 236], 255);

    let fonts = &g.fonts;
    let ar_font = *r.pick(&CARD_FONTS);
    let dark = [20, 24, 30];
    let cap = [90, 90, 100];
    let header = [30, 60, 50];
    let mut polys = BTreeMap::new();
    shape(
        fonts,
        &TextStyle::arabic(ar_font, 34.0, header),
        "جمهورية مصر العربية",
    )
    .draw(fonts, &mut pm, Align::Right(1210.0), 56.0);
    shape(
        fonts,
        &TextStyle::latin(FontId::DejaVuSansBold, 26.0, header),
        "ARAB REPUBLIC OF EGYPT",
    )
    .draw(fonts, &mut pm, Align::Left(40.0), 52.0);
    shape(fonts, &TextStyle::arabic(ar_font, 28.0, header), "جواز سفر").draw(
        fonts,
        &mut pm,
        Align::Right(1210.0),
        100.0,
    );
    shape(
        fonts,
        &TextStyle::latin(FontId::DejaVuSans, 22.0, header),
        "PASSPORT",
    )
    .draw(fonts, &mut pm, Align::Left(40.0), 96.0);

    let face = g.pick_face(&mut r);
    draw::photo(&mut pm, face, [50, 150, 300, 380], [200, 205, 210], 0.0);
    polys.insert("photo".to_string(), Quad::rect(50.0, 150.0, 350.0, 530.0));

    // Passport data.
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
    let mut doc_no = String::new();
    doc_no.push(char::from(*r.pick(LETTERS)));
    for _ in 0..8 {
        doc_no.push(char::from(b'0' + r.range_u32(0, 9) as u8));
    }
    let today = reference_date();
    let earliest = (p.birth + Months::new(18 * 12)).max(today - Months::new(7 * 12 - 1));
    let span = (today - earliest).num_days().max(0) as u32;
    let issue = earliest + chrono::Days::new(u64::from(r.range_u32(0, span)));
    let expiry = issue + Months::new(7 * 12);
    let surname = p.rest.last().map(|n| n.1).unwrap_or("");
    let given_parts: Vec<&str> = std::iter::once(p.first.1)
        .chain(p.rest[..p.rest.len().saturating_sub(1)].iter().map(|n| n.1))
        .collect();
    let given = given_parts.join(" ");
    let sex = if p.male { 'M' } else { 'F' };
    let with_nid = r.chance(0.5);
    let personal = if with_nid { p.nid.as_str() } else { "" };
    let [l1, l2] = td3_lines(surname, &given, &doc_no, p.birth, sex, expiry, personal);
    let pob = governorate(p.birth_gov)
        .map(|gv| {
            if gv.code == 88 {
                "ABROAD".to_string()
            } else {
                gv.name_en.to_ascii_uppercase()
            }
        })
        .unwrap_or_default();
    let dmy = |d: NaiveDate| d.format("%d/%m/%Y").to_string();

    let x0 = 390.0;
    let col2 = 720.0;
    let col3 = 960.0;
    let val = |t: &str| {
        shape(
            fonts,
            &TextStyle::latin(FontId::DejaVuSansBold, 28.0, dark),
            t,
        )
    };
    let mut field =
        |pm: &mut Pixmap, key: Option<&str>, caption: &str, value: &str, x: f32, y: f32| {
            shape(
                fonts,
                &TextStyle::latin(FontId::DejaVuSans, 15.0, cap),
                caption,
            )
            .draw(fonts, pm, Align::Left(x), y - 34.0);
            let q = val(value).draw(fonts, pm, Align::Left(x), y);
            if let Some(k) = key {
                polys.insert(k.to_string(), q);
            }
        };
    field(&mut pm, Some("doc_Type"), "Type / النوع", "P", x0, 190.0);
    field(
        &mut pm,
        Some("country_code"),
        "Code / الرمز",
        "EGY",
        col2,
        190.0,
    );
    field(
        &mut pm,
        Some("passport_no"),
        "Passport No. / رقم الجواز",
        &doc_no,
        col3,
        190.0,
    );
    field(
        &mut pm,
        Some("surname"),
        "Surname / اللقب",
        &surname.to_ascii_uppercase(),
        x0,
        262.0,
    );
    field(
        &mut pm,
        Some("given_names"),
        "Given names / الاسم",
        &given.to_ascii_uppercase(),
        x0,
        334.0,
    );
    field(
        &mut pm,
        Some("nationality"),
        "Nationality / الجنسية",
        "EGYPTIAN",
        x0,
        478.0,
    );
    field(
        &mut pm,
        Some("Date_of_Birth"),
        "Date of birth / تاريخ الميلاد",
        &dmy(p.birth),
        col2,
        478.0,
    );
    field(
        &mut pm,
        Some("gender"),
        "Sex / النوع",
        &sex.to_string(),
        x0,
        550.0,
    );
    field(
        &mut pm,
        Some("place_of_birth"),
        "Place of birth / محل الميلاد",
        &pob,
        col2,
        550.0,
    );
    field(
        &mut pm,
        Some("Date_of_Issue"),
        "Date of issue / تاريخ الإصدار",
        &dmy(issue),
        x0,
        622.0,
    );
    field(
        &mut pm,
        Some("Date_of_Expiry"),
        "Date of expiry / تاريخ الانتهاء",
        &dmy(expiry),
        col2,
        622.0,
    );
    // Arabic name, right-aligned under the Latin names.
    let ar = shape_fit(
        fonts,
        &TextStyle::arabic(ar_font, 36.0, dark),
        &p.full_name(),
        1210.0 - x0,
    );
    polys.insert(
        "name_arabic".to_string(),
        ar.draw(fonts, &mut pm, Align::Right(1210.0), 406.0),
    );
    if with_nid {
        let l = shape(
            fonts,
            &TextStyle::latin(FontId::DejaVuSans, 15.0, cap),
            "National No. / الرقم القومي",
        );
        l.draw(fonts, &mut pm, Align::Left(col3), 444.0);
        polys.insert(
            "idNumber".to_string(),
            val(&p.nid).draw(fonts, &mut pm, Align::Left(col3), 478.0),
        );
    }

    // MRZ: OCR-B at the ICAO pitch of 2.54 mm (25.4 px here).
    let ocrb = &fonts.get(FontId::OcrB).face;
    let adv = ocrb
        .glyph_index('<')
        .and_then(|gid| ocrb.glyph_hor_advance(gid))
        .unwrap_or(600);
    let size = 25.4 * ocrb.units_per_em() as f32 / f32::from(adv);
    let mrz_style = TextStyle::latin(FontId::OcrB, size, [10, 10, 14]);
    let mx = 58.0 + r.range_f32(-4.0, 4.0);
    let q1 = shape(fonts, &mrz_style, &l1).draw(fonts, &mut pm, Align::Left(mx), H as f32 - 112.0);
    let q2 = shape(fonts, &mrz_style, &l2).draw(fonts, &mut pm, Align::Left(mx), H as f32 - 46.0);
    polys.insert("mrz_line1".to_string(), q1);
    polys.insert("mrz_line2".to_string(), q2);
    polys.insert("mrz".to_string(), q1.union(&q2));

    let mut fields = Map::new();
    let mut put = |k: &str, v: Value| {
        fields.insert(k.to_string(), v);
    };
    let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    put("doc_Type", json!("P"));
    put("country_code", json!("EGY"));
    put("passport_no", json!(doc_no));
    put("surname", json!(surname.to_ascii_uppercase()));
    put("given_names", json!(given.to_ascii_uppercase()));
    put(
        "name",
        json!(format!("{} {}", given, surname).to_ascii_uppercase()),
    );
    put("name_arabic", json!(p.full_name()));
    put("nationality", json!("EGYPTIAN"));
    put("Date_of_Birth", json!(iso(p.birth)));
    put("gender", json!(sex.to_string()));
    put("place_of_birth", json!(pob));
    put("Date_of_Issue", json!(iso(issue)));
    put("Date_of_Expiry", json!(iso(expiry)));
    if with_nid {
        put("idNumber", json!(p.nid));
    }
    put("mrz_line1", json!(l1));
    put("mrz_line2", json!(l2));
    Ok(Rendered { pm, fields, polys })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn td3_lines_pass_every_check() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        for personal in ["", "29001011234564"] {
            let [l1, l2] = td3_lines(
                "Elmasry",
                "Ahmed Mohamed Abdelrahman",
                "A12345678",
                d(1990, 1, 1),
                'M',
                d(2030, 5, 12),
                personal,
            );
            assert_eq!(l1.len(), 44);
            assert_eq!(l2.len(), 44);
            let m = hawiya_core::mrz::parse_mrz(&[&l1, &l2]).unwrap();
            assert!(m.checks.all_valid(), "{l1}\n{l2}");
            assert_eq!(m.surname, "ELMASRY");
            assert_eq!(m.given_names, "AHMED MOHAMED ABDELRAHMAN");
            assert_eq!(m.optional_data, personal);
        }
    }
}
