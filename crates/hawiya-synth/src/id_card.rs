//! The Egyptian national ID card, front and back (ID-1 at about 300 dpi: 1012 × 638 px).

use serde_json::{json, Map, Value};
use tiny_skia::Pixmap;

use crate::draw;
use crate::fonts::{FontId, CARD_FONTS};
use crate::person::{date_ar, Person};
use crate::rng::Rng;
use crate::text::{shape, shape_fit, Align, TextStyle};
use crate::{Generator, Rendered, Tamper};
use hawiya_core::digits::to_arabic_indic;

/// Card width in pixels.
pub const W: u32 = 1012;
/// Card height in pixels.
pub const H: u32 = 638;

fn ink(r: &mut Rng) -> [u8; 3] {
    let v = r.range_u32(10, 40) as u8;
    [v, v, v.saturating_add(r.range_u32(0, 12) as u8)]
}

/// Applies a defect to the holder's data.
fn tampered(mut p: Person, tamper: Option<Tamper>) -> Person {
    if tamper == Some(Tamper::NidCheckDigit) {
        let mut digits: Vec<u8> = p.nid.bytes().collect();
        if let Some(last) = digits.last_mut() {
            *last = b'0' + (*last - b'0' + 1) % 10;
        }
        p.nid = String::from_utf8(digits).expect("ASCII digits");
    }
    p
}

/// Renders the front.
pub fn front(
    g: &Generator,
    seed: u64,
    index: u32,
    tamper: Option<Tamper>,
) -> anyhow::Result<Rendered> {
    let p = tampered(Person::generate(seed, index), tamper);
    let mut r = Rng::stream(seed, index, "id-front");
    let mut pm = Pixmap::new(W, H).ok_or_else(|| anyhow::anyhow!("pixmap"))?;
    let masks = g.id_masks();
    let mask = &masks[r.range_u32(0, masks.len() as u32 - 1) as usize];
    let c0 = r.rgb([(200, 222), (214, 232), (226, 242)]);
    let c1 = r.rgb([(226, 242), (216, 232), (192, 210)]);
    draw::paint_background(
        &mut pm,
        mask,
        c0,
        c1,
        [120, 150, 180],
        r.range_f32(0.25, 0.45),
    );
    // Faint pyramids and an emblem ring.
    let py = 520.0;
    for (x, s) in [(380.0, 90.0), (500.0, 120.0), (630.0, 70.0)] {
        draw::fill_polygon(
            &mut pm,
            &[[x - s, py], [x, py - s * 0.9], [x + s, py]],
            [170, 150, 110],
            50,
        );
    }
    draw::stroke_circle(&mut pm, 90.0, 70.0, 42.0, 3.0, [150, 120, 60], 160);
    draw::stroke_circle(&mut pm, 90.0, 70.0, 30.0, 1.5, [150, 120, 60], 160);
    draw::fill_polygon(
        &mut pm,
        &[[90.0, 45.0], [108.0, 88.0], [90.0, 78.0], [72.0, 88.0]],
        [150, 120, 60],
        150,
    );

    let fonts = &g.fonts;
    let font = *r.pick(&CARD_FONTS);
    let digit_font = *r.pick(&CARD_FONTS);
    let color = ink(&mut r);
    let header = [40, 50, 90];
    let right = 972.0 + r.range_f32(-6.0, 6.0);
    shape(
        fonts,
        &TextStyle::arabic(font, 30.0, header),
        "جمهورية مصر العربية",
    )
    .draw(fonts, &mut pm, Align::Right(right), 60.0);
    shape(
        fonts,
        &TextStyle::arabic(font, 34.0, header),
        "بطاقة تحقيق الشخصية",
    )
    .draw(fonts, &mut pm, Align::Right(right), 108.0);

    // Photo.
    let face = g.pick_face(&mut r);
    draw::photo(&mut pm, face, [40, 130, 250, 310], [190, 200, 210], 0.15);

    let mut polys = std::collections::BTreeMap::new();
    polys.insert(
        "photo".to_string(),
        crate::geom::Quad::rect(40.0, 130.0, 290.0, 440.0),
    );
    let max_w = right - 330.0;
    let big = r.range_f32(46.0, 54.0);
    let small = r.range_f32(40.0, 46.0);
    let jitter = |r: &mut Rng| r.range_f32(-3.0, 3.0);
    let lines: [(&str, String, f32, f32); 4] = [
        ("first_name", p.first.0.to_string(), big, 212.0),
        ("last_names", p.last_names(), big, 284.0),
        ("address_1", p.address_1.clone(), small, 358.0),
        ("address_2", p.address_2.clone(), small, 422.0),
    ];
    for (key, text, size, y) in lines {
        let line = shape_fit(fonts, &TextStyle::arabic(font, size, color), &text, max_w);
        let q = line.draw(fonts, &mut pm, Align::Right(right), y + jitter(&mut r));
        polys.insert(key.to_string(), q);
    }
    let name_q = polys["first_name"].union(&polys["last_names"]);
    polys.insert("name".to_string(), name_q);
    let addr_q = polys["address_1"].union(&polys["address_2"]);
    polys.insert("address".to_string(), addr_q);

    let nid_printed = to_arabic_indic(&p.nid);
    let nid_style = TextStyle::arabic(digit_font, r.range_f32(54.0, 62.0), color)
        .with_tracking(r.range_f32(2.0, 8.0));
    let nid_line = shape_fit(fonts, &nid_style, &nid_printed, right - 330.0);
    polys.insert(
        "idNumber".to_string(),
        nid_line.draw(fonts, &mut pm, Align::Right(right), 565.0 + jitter(&mut r)),
    );
    let dob = date_ar(p.birth);
    let dob_line = shape(fonts, &TextStyle::arabic(digit_font, 36.0, color), &dob);
    polys.insert(
        "dateOfBirth".to_string(),
        dob_line.draw(fonts, &mut pm, Align::Center(165.0), 492.0),
    );
    let serial_font = if r.chance(0.5) {
        FontId::DejaVuSansBold
    } else {
        FontId::OcrB
    };
    let serial = shape(
        fonts,
        &TextStyle::latin(serial_font, 28.0, color),
        &p.card_serial,
    );
    polys.insert(
        "idKey".to_string(),
        serial.draw(fonts, &mut pm, Align::Left(44.0), 596.0),
    );

    let (gov_ar, gov_en) = p.govern();
    let mut fields = Map::new();
    let mut put = |k: &str, v: Value| {
        fields.insert(k.to_string(), v);
    };
    put("name", json!(p.full_name()));
    put("first_name", json!(p.first.0));
    put("last_names", json!(p.last_names()));
    put("name_english", json!(p.full_name_en()));
    put("first_name_english", json!(p.first.1));
    put("last_names_english", json!(p.last_names_en()));
    put("address", json!(format!("{} {}", p.address_1, p.address_2)));
    put("address_1", json!(p.address_1));
    put("address_2", json!(p.address_2));
    put("govern", json!(gov_ar));
    put("govern_english", json!(gov_en));
    put("idKey", json!(p.card_serial));
    put("dateOfBirth", json!(p.birth.format("%Y-%m-%d").to_string()));
    put("idNumber", json!(p.nid));
    put("idNumber_printed", json!(nid_printed));
    put("gender", json!(p.gender_ar()));
    Ok(Rendered { pm, fields, polys })
}

/// Renders the back.
pub fn back(
    g: &Generator,
    seed: u64,
    index: u32,
    tamper: Option<Tamper>,
) -> anyhow::Result<Rendered> {
    let p = tampered(Person::generate(seed, index), tamper);
    let mut r = Rng::stream(seed, index, "id-back");
    let mut pm = Pixmap::new(W, H).ok_or_else(|| anyhow::anyhow!("pixmap"))?;
    let masks = g.id_masks();
    let mask = &masks[r.range_u32(0, masks.len() as u32 - 1) as usize];
    let c0 = r.rgb([(236, 248), (226, 238), (186, 206)]);
    let c1 = r.rgb([(226, 240), (216, 230), (170, 192)]);
    draw::paint_background(&mut pm, mask, c0, c1, [190, 150, 90], r.range_f32(0.2, 0.4));

    let fonts = &g.fonts;
    let font = *r.pick(&CARD_FONTS);
    let digit_font = *r.pick(&CARD_FONTS);
    let color = ink(&mut r);
    let right = 970.0 + r.range_f32(-6.0, 6.0);
    let left = 48.0 + r.range_f32(-4.0, 4.0);
    let jitter = |r: &mut Rng| r.range_f32(-3.0, 3.0);
    let mut polys = std::collections::BTreeMap::new();

    let nid_printed = to_arabic_indic(&p.nid);
    let nid_style = TextStyle::arabic(digit_font, r.range_f32(46.0, 52.0), color)
        .with_tracking(r.range_f32(2.0, 6.0));
    let nid_line = shape(fonts, &nid_style, &nid_printed);
    polys.insert(
        "idNumber".to_string(),
        nid_line.draw(fonts, &mut pm, Align::Right(right), 82.0 + jitter(&mut r)),
    );
    let release = to_arabic_indic(&p.issue.format("%Y/%m").to_string());
    let rel_line = shape(fonts, &TextStyle::arabic(digit_font, 34.0, color), &release);
    polys.insert(
        "releaseDate".to_string(),
        rel_line.draw(fonts, &mut pm, Align::Left(left), 80.0),
    );
    let office = shape_fit(
        fonts,
        &TextStyle::arabic(font, 30.0, color),
        &p.office,
        right - nid_line.width - left - 40.0,
    );
    polys.insert(
        "issuingOffice".to_string(),
        office.draw(fonts, &mut pm, Align::Left(left), 128.0),
    );

    let size = r.range_f32(36.0, 42.0);
    let max_w = right - left;
    let job = shape_fit(fonts, &TextStyle::arabic(font, size, color), &p.job, max_w);
    polys.insert(
        "job".to_string(),
        job.draw(fonts, &mut pm, Align::Right(right), 190.0 + jitter(&mut r)),
    );
    if !p.job_title.is_empty() {
        let jt = shape_fit(
            fonts,
            &TextStyle::arabic(font, size, color),
            &p.job_title,
            max_w,
        );
        polys.insert(
            "jobTitle".to_string(),
            jt.draw(fonts, &mut pm, Align::Right(right), 248.0 + jitter(&mut r)),
        );
    }
    let y = 314.0 + jitter(&mut r);
    for (key, text, x) in [
        ("gender", p.gender_ar(), right),
        ("religion", p.religion, right - 230.0),
        ("maritalStatus", p.marital, right - 460.0),
    ] {
        let l = shape(fonts, &TextStyle::arabic(font, size, color), text);
        polys.insert(key.to_string(), l.draw(fonts, &mut pm, Align::Right(x), y));
    }
    if let Some(h) = &p.husband {
        let l = shape_fit(fonts, &TextStyle::arabic(font, size, color), h, max_w);
        polys.insert(
            "husbandName".to_string(),
            l.draw(fonts, &mut pm, Align::Right(right), 372.0 + jitter(&mut r)),
        );
    }
    let caption = shape(
        fonts,
        &TextStyle::arabic(font, 32.0, color),
        "البطاقة سارية حتى",
    );
    let yexp = 432.0;
    caption.draw(fonts, &mut pm, Align::Right(right), yexp);
    let exp_line = shape(
        fonts,
        &TextStyle::arabic(digit_font, 34.0, color),
        &date_ar(p.expiry),
    );
    polys.insert(
        "idExpiry".to_string(),
        exp_line.draw(
            fonts,
            &mut pm,
            Align::Right(right - caption.width - 18.0),
            yexp,
        ),
    );
    let (bx, by, bw, bh) = (left, 470.0, W as f32 - 2.0 * left, 140.0);
    draw::fill_rect(
        &mut pm,
        bx - 6.0,
        by - 6.0,
        bw + 12.0,
        bh + 12.0,
        [250, 248, 240],
        255,
    );
    draw::barcode(&mut pm, &mut r, bx, by, bw, bh);
    polys.insert(
        "barcode".to_string(),
        crate::geom::Quad::rect(bx, by, bx + bw, by + bh),
    );

    let mut fields = Map::new();
    let mut put = |k: &str, v: Value| {
        fields.insert(k.to_string(), v);
    };
    put("idNumber", json!(p.nid));
    put("idNumber_printed", json!(nid_printed));
    put("job", json!(p.job));
    if !p.job_title.is_empty() {
        put("jobTitle", json!(p.job_title));
    }
    put("gender", json!(p.gender_ar()));
    put("religion", json!(p.religion));
    put("maritalStatus", json!(p.marital));
    if let Some(h) = &p.husband {
        put("husbandName", json!(h));
    }
    put("releaseDate", json!(p.issue.format("%Y-%m").to_string()));
    put("idExpiry", json!(p.expiry.format("%Y-%m-%d").to_string()));
    put("issuingOffice", json!(p.office));
    Ok(Rendered { pm, fields, polys })
}
