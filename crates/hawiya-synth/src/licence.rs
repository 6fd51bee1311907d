//! Driving licence and vehicle (car) licence, front and back, on ID-1 cards.
//!
//! The printed captions of these cards are not documented publicly, so the layouts are
//! stand-ins: an Arabic caption at the right of each row with its value to the left.
//! Field names follow the API's snake_case style; the holder/owner is the same person
//! as on the ID card with the same seed and index.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use hawiya_core::digits::to_arabic_indic;
use serde_json::{json, Map, Value};
use tiny_skia::Pixmap;

use crate::draw;
use crate::fonts::{FontId, FontSet, CARD_FONTS};
use crate::geom::Quad;
use crate::id_card::{H, W};
use crate::person::{date_ar, reference_date, Person};
use crate::plate::plate_text;
use crate::rng::Rng;
use crate::text::{shape, shape_fit, Align, TextStyle};
use crate::{Generator, Rendered};

/// Rows of "caption: value" drawn right to left.
struct Rows<'a> {
    fonts: &'a FontSet,
    pm: Pixmap,
    polys: BTreeMap<String, Quad>,
    fields: Map<String, Value>,
    font: FontId,
    ink: [u8; 3],
    caption: [u8; 3],
}

impl Rows<'_> {
    /// Draws a caption right-aligned at `right` and the value to its left, within
    /// `[left, right]`; records the value's polygon under `key`.
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        key: &str,
        caption: &str,
        value: &str,
        right: f32,
        left: f32,
        y: f32,
        size: f32,
    ) {
        let cap = shape(
            self.fonts,
            &TextStyle::arabic(self.font, size * 0.72, self.caption),
            caption,
        );
        cap.draw(self.fonts, &mut self.pm, Align::Right(right), y);
        let vr = right - cap.width - size * 0.5;
        let style = if value.is_ascii() {
            TextStyle::latin(FontId::DejaVuSansBold, size * 0.8, self.ink)
        } else {
            TextStyle::arabic(self.font, size, self.ink)
        };
        let line = shape_fit(self.fonts, &style, value, vr - left);
        let q = line.draw(self.fonts, &mut self.pm, Align::Right(vr), y);
        self.polys.insert(key.to_string(), q);
    }

    fn put(&mut self, key: &str, v: Value) {
        self.fields.insert(key.to_string(), v);
    }
}

/// Background, headers and the shared drawing state for a licence card.
fn card<'a>(
    g: &'a Generator,
    r: &mut Rng,
    c0: [u8; 3],
    c1: [u8; 3],
    title: &str,
) -> anyhow::Result<Rows<'a>> {
    let mut pm = Pixmap::new(W, H).ok_or_else(|| anyhow::anyhow!("pixmap"))?;
    let masks = g.id_masks();
    let mask = &masks[r.range_u32(0, masks.len() as u32 - 1) as usize];
    let jitter = |r: &mut Rng, c: [u8; 3]| c.map(|v| v.saturating_sub(r.range_u32(0, 12) as u8));
    let (c0, c1) = (jitter(r, c0), jitter(r, c1));
    draw::paint_background(
        &mut pm,
        mask,
        c0,
        c1,
        [120, 130, 150],
        r.range_f32(0.2, 0.35),
    );
    let font = *r.pick(&CARD_FONTS);
    let fonts = &g.fonts;
    let header = [40, 45, 80];
    for (text, size, y) in [
        ("جمهورية مصر العربية", 28.0, 50.0),
        ("وزارة الداخلية", 26.0, 88.0),
    ] {
        shape(fonts, &TextStyle::arabic(font, size, header), text).draw(
            fonts,
            &mut pm,
            Align::Right(972.0),
            y,
        );
    }
    shape(fonts, &TextStyle::arabic(font, 38.0, header), title).draw(
        fonts,
        &mut pm,
        Align::Center(506.0),
        78.0,
    );
    draw::stroke_circle(&mut pm, 80.0, 66.0, 38.0, 3.0, [150, 120, 60], 150);
    let v = r.range_u32(10, 40) as u8;
    Ok(Rows {
        fonts,
        pm,
        polys: BTreeMap::new(),
        fields: Map::new(),
        font,
        ink: [v, v, v],
        caption: [70, 75, 95],
    })
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn traffic_unit(p: &Person) -> String {
    // address_2 is "district - governorate"; the unit is named after the district.
    let district = p.address_2.split(" - ").next().unwrap_or("");
    let district = district
        .trim_start_matches("قسم ")
        .trim_start_matches("مركز ");
    format!("وحدة مرور {district}")
}

/// Issue date within `years_valid` years before the reference date, after `not_before`.
fn issue_date(r: &mut Rng, not_before: NaiveDate, years_valid: u32) -> NaiveDate {
    let today = reference_date();
    let earliest = not_before.max(today - Months::new(years_valid * 12 - 1));
    let span = (today - earliest).num_days().max(0) as u32;
    earliest + chrono::Days::new(u64::from(r.range_u32(0, span)))
}

/// Driving licence (رخصة قيادة).
pub fn driving(g: &Generator, seed: u64, index: u32) -> anyhow::Result<Rendered> {
    let p = Person::generate(seed, index);
    let mut r = Rng::stream(seed, index, "driving-license");
    let mut c = card(g, &mut r, [232, 236, 246], [246, 232, 236], "رخصة قيادة")?;
    let face = g.pick_face(&mut r);
    draw::photo(&mut c.pm, face, [40, 150, 210, 260], [190, 200, 210], 0.1);
    c.polys
        .insert("photo".to_string(), Quad::rect(40.0, 150.0, 250.0, 410.0));
    let (kind, years, min_age) = *r.pick(&[
        ("خاصة", 10, 18),
        ("مهنية درجة ثالثة", 5, 21),
        ("مهنية درجة ثانية", 5, 21),
        ("دراجة نارية", 10, 18),
    ]);
    let issue = issue_date(&mut r, p.birth + Months::new(min_age * 12), years);
    let expiry = issue + Months::new(years * 12);
    let nationality = if p.male { "مصري" } else { "مصرية" };
    let (right, left, size) = (972.0, 280.0, 36.0);
    let unit = traffic_unit(&p);
    let nid_printed = to_arabic_indic(&p.nid);
    c.row("name", "الاسم", &p.full_name(), right, left, 170.0, size);
    c.row(
        "idNumber",
        "الرقم القومي",
        &nid_printed,
        right,
        left,
        228.0,
        size,
    );
    c.row(
        "nationality",
        "الجنسية",
        nationality,
        right,
        left,
        286.0,
        size,
    );
    c.row("address", "العنوان", &p.address_2, right, left, 344.0, size);
    c.row("license_type", "نوع الرخصة", kind, right, left, 402.0, size);
    c.row(
        "traffic_unit",
        "جهة الإصدار",
        &unit,
        right,
        left,
        460.0,
        size,
    );
    c.row(
        "issue_date",
        "تاريخ الإصدار",
        &date_ar(issue),
        right,
        520.0,
        540.0,
        size,
    );
    c.row(
        "expiry_date",
        "تاريخ الانتهاء",
        &date_ar(expiry),
        500.0,
        40.0,
        540.0,
        size,
    );
    c.put("name", json!(p.full_name()));
    c.put("idNumber", json!(p.nid));
    c.put("idNumber_printed", json!(nid_printed));
    c.put("nationality", json!(nationality));
    c.put("address", json!(p.address_2));
    c.put("license_type", json!(kind));
    c.put("traffic_unit", json!(unit));
    c.put("issue_date", json!(iso(issue)));
    c.put("expiry_date", json!(iso(expiry)));
    Ok(Rendered {
        pm: c.pm,
        fields: c.fields,
        polys: c.polys,
    })
}

/// Vehicle licence, owner side (رخصة تسيير).
pub fn car_front(g: &Generator, seed: u64, index: u32) -> anyhow::Result<Rendered> {
    let p = Person::generate(seed, index);
    let mut r = Rng::stream(seed, index, "car-license");
    let mut c = card(g, &mut r, [226, 240, 228], [240, 236, 220], "رخصة تسيير")?;
    let (kind, years) = *r.pick(&[("ملاكي", 3), ("ملاكي", 3), ("أجرة", 1), ("نقل", 1)]);
    let issue = issue_date(&mut r, p.birth + Months::new(18 * 12), years);
    let expiry = issue + Months::new(years * 12);
    let (letters, digits) = plate_text(&mut r);
    let letters: Vec<String> = letters.iter().map(|c| c.to_string()).collect();
    let plate = format!("{} {}", letters.join(" "), digits);
    // As on the plate, a lone `ه` is written `هـ` so that it is not read as `٥`.
    let plate_printed = format!(
        "{} {}",
        letters.join(" ").replace('ه', "هـ"),
        to_arabic_indic(&digits)
    );
    let nationality = if p.male { "مصري" } else { "مصرية" };
    let unit = traffic_unit(&p);
    let (right, left, size) = (972.0, 40.0, 36.0);
    c.row(
        "owner_name",
        "اسم المالك",
        &p.full_name(),
        right,
        left,
        170.0,
        size,
    );
    c.row(
        "nationality",
        "الجنسية",
        nationality,
        right,
        520.0,
        230.0,
        size,
    );
    c.row("license_type", "نوع الرخصة", kind, 500.0, left, 230.0, size);
    c.row("address", "العنوان", &p.address_1, right, left, 290.0, size);
    c.row("address_2", "", &p.address_2, right, left, 345.0, size);
    c.row(
        "traffic_unit",
        "وحدة المرور",
        &unit,
        right,
        left,
        405.0,
        size,
    );
    c.row(
        "plate_number",
        "رقم اللوحة",
        &plate_printed,
        right,
        left,
        465.0,
        size,
    );
    c.row(
        "issue_date",
        "تاريخ الترخيص",
        &date_ar(issue),
        right,
        520.0,
        540.0,
        size,
    );
    c.row(
        "expiry_date",
        "نهاية الترخيص",
        &date_ar(expiry),
        500.0,
        left,
        540.0,
        size,
    );
    c.put("owner_name", json!(p.full_name()));
    c.put("nationality", json!(nationality));
    c.put("license_type", json!(kind));
    c.put("address", json!(p.address_1));
    c.put("address_2", json!(p.address_2));
    c.put("traffic_unit", json!(unit));
    c.put("plate_number", json!(plate));
    c.put("plate_number_printed", json!(plate_printed));
    c.put("issue_date", json!(iso(issue)));
    c.put("expiry_date", json!(iso(expiry)));
    Ok(Rendered {
        pm: c.pm,
        fields: c.fields,
        polys: c.polys,
    })
}

const BRANDS: &[(&str, &[&str])] = &[
    ("تويوتا", &["كورولا", "ياريس", "فورتشنر"]),
    ("هيونداي", &["إلنترا", "أكسنت", "توسان"]),
    ("نيسان", &["صني", "سنترا", "قشقاي"]),
    ("شيفروليه", &["أوبترا", "أفيو", "لانوس"]),
    ("كيا", &["سيراتو", "سبورتاج", "بيكانتو"]),
    ("فيات", &["تيبو", "128", "شاهين"]),
    ("رينو", &["لوجان", "ميجان", "داستر"]),
    ("سكودا", &["أوكتافيا", "فابيا"]),
    ("بيجو", &["301", "508", "3008"]),
    ("ميتسوبيشي", &["لانسر", "إكليبس كروس"]),
];

/// Vehicle licence, vehicle side.
pub fn car_back(g: &Generator, seed: u64, index: u32) -> anyhow::Result<Rendered> {
    let mut r = Rng::stream(seed, index, "car-license-back");
    let mut c = card(
        g,
        &mut r,
        [226, 240, 228],
        [240, 236, 220],
        "بيانات المركبة",
    )?;
    let (brand, models) = *r.pick(BRANDS);
    let model: &str = r.pick::<&str>(models);
    let model = to_arabic_indic(model);
    let year = r.range_u32(1995, reference_date().year() as u32);
    let color = *r.pick(&[
        "أبيض",
        "أسود",
        "فضي",
        "رمادي",
        "أحمر",
        "أزرق",
        "بيج",
        "كحلي",
    ]);
    let body = *r.pick(&["سيدان", "هاتشباك", "ستيشن", "جيب", "ميكروباص"]);
    let fuel = *r.pick(&["بنزين", "بنزين", "سولار", "غاز طبيعي"]);
    let cylinders = *r.pick(&[4u32, 4, 4, 6]);
    let cc = *r.pick(&[1000u32, 1200, 1300, 1500, 1600, 1800, 2000, 2400]);
    const VIN: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
    let chassis: String = (0..17).map(|_| char::from(*r.pick(VIN))).collect();
    let mut engine: String = (0..3).map(|_| char::from(*r.pick(&VIN[..23]))).collect();
    engine.extend((0..7).map(|_| char::from(b'0' + r.range_u32(0, 9) as u8)));
    let inspection = issue_date(&mut r, reference_date() - Months::new(12), 1);
    let (right, mid, left, size) = (972.0, 520.0, 40.0, 34.0);
    let ar = |n: u32| to_arabic_indic(&n.to_string());
    c.row("brand", "الماركة", brand, right, mid, 160.0, size);
    c.row("model", "الطراز", &model, 500.0, left, 160.0, size);
    c.row(
        "model_year",
        "سنة الصنع",
        &ar(year),
        right,
        mid,
        220.0,
        size,
    );
    c.row("color", "اللون", color, 500.0, left, 220.0, size);
    c.row("body_type", "نوع الهيكل", body, right, mid, 280.0, size);
    c.row("fuel_type", "الوقود", fuel, 500.0, left, 280.0, size);
    c.row(
        "cylinders",
        "عدد السلندرات",
        &ar(cylinders),
        right,
        mid,
        340.0,
        size,
    );
    c.row(
        "engine_capacity",
        "سعة المحرك",
        &ar(cc),
        500.0,
        left,
        340.0,
        size,
    );
    c.row(
        "engine_number",
        "رقم الموتور",
        &engine,
        right,
        left,
        405.0,
        size,
    );
    c.row(
        "chassis_number",
        "رقم الشاسيه",
        &chassis,
        right,
        left,
        470.0,
        size,
    );
    c.row(
        "inspection_date",
        "تاريخ الفحص",
        &date_ar(inspection),
        right,
        left,
        540.0,
        size,
    );
    c.put("brand", json!(brand));
    c.put("model", json!(model));
    c.put("model_year", json!(year.to_string()));
    c.put("color", json!(color));
    c.put("body_type", json!(body));
    c.put("fuel_type", json!(fuel));
    c.put("cylinders", json!(cylinders.to_string()));
    c.put("engine_capacity", json!(cc.to_string()));
    c.put("engine_number", json!(engine));
    c.put("chassis_number", json!(chassis));
    c.put("inspection_date", json!(iso(inspection)));
    Ok(Rendered {
        pm: c.pm,
        fields: c.fields,
        polys: c.polys,
    })
}
