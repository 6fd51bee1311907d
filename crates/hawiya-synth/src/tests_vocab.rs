//! Every vocabulary string renders without a missing glyph in every card font.

use crate::data::*;
use crate::fonts::{FontSet, CARD_FONTS};
use crate::text::{shape, TextStyle};
use hawiya_core::digits::to_arabic_indic;
use hawiya_core::nid::GOVERNORATES;

#[test]
fn vocabulary_has_no_missing_glyphs() {
    let f = FontSet::load().expect("fonts installed (scripts/setup.sh test)");
    let mut all: Vec<String> = Vec::new();
    for pool in [
        MALE_COMMON,
        MALE_MUSLIM,
        MALE_CHRISTIAN,
        FEMALE_COMMON,
        FEMALE_MUSLIM,
        FEMALE_CHRISTIAN,
        FAMILY_COMMON,
        FAMILY_CHRISTIAN,
    ] {
        all.extend(pool.iter().map(|n| n.0.to_string()));
    }
    for g in GOVERNORATES.iter() {
        all.push(g.name_ar.to_string());
        all.extend(districts(g.code).iter().map(|d| to_arabic_indic(d)));
    }
    all.extend(STREETS.iter().map(|s| to_arabic_indic(s)));
    all.extend(VILLAGES.iter().map(|s| s.to_string()));
    for (m, w) in PROFESSIONS {
        all.push(m.to_string());
        all.push(w.to_string());
    }
    all.extend(QUALIFICATIONS.iter().map(|s| s.to_string()));
    all.extend(
        [
            "جمهورية مصر العربية",
            "بطاقة تحقيق الشخصية",
            "البطاقة سارية حتى",
            "ذكر",
            "أنثى",
            "مسلم",
            "مسلمة",
            "مسيحي",
            "مسيحية",
            "أعزب",
            "آنسة",
            "متزوج",
            "متزوجة",
            "مطلق",
            "مطلقة",
            "أرمل",
            "أرملة",
            "ربة منزل",
            "طالب",
            "طالبة",
            "٠١٢٣٤٥٦٧٨٩/ - ش قسم مركز قرية عمارة متفرع من سجل مدني",
        ]
        .map(String::from),
    );
    for font in CARD_FONTS {
        for s in &all {
            let line = shape(&f, &TextStyle::arabic(font, 30.0, [0; 3]), s);
            assert!(
                line.glyphs.iter().all(|g| g.gid != 0),
                "{font:?} has a missing glyph in {s}"
            );
        }
    }
}
