//! Closed vocabularies of the card's back and snapping a reading to them.
//!
//! Gender, religion and marital status are printed from short fixed lists; professions and
//! the qualification line come from long but repetitive ones. A reading within a few edits
//! of exactly one entry becomes that entry; anything else keeps the raw reading (a rare
//! profession must not turn into a common one).

use hawiya_core::nid::Gender;

/// An entry and the gender its grammatical form belongs to (`None`: both).
pub type Entry = (&'static str, Option<Gender>);

const M: Option<Gender> = Some(Gender::Male);
const F: Option<Gender> = Some(Gender::Female);

/// The gender word (`النوع`).
pub const GENDERS: &[Entry] = &[("ذكر", M), ("أنثى", F)];

/// Religion (`الديانة`), in the holder's gender.
pub const RELIGIONS: &[Entry] = &[
    ("مسلم", M),
    ("مسلمة", F),
    ("مسيحي", M),
    ("مسيحية", F),
    ("يهودي", M),
    ("يهودية", F),
];

/// Marital status (`الحالة الاجتماعية`), in the holder's gender; an unmarried woman is
/// `آنسة` on the card.
pub const MARITAL_STATUSES: &[Entry] = &[
    ("أعزب", M),
    ("آنسة", F),
    ("عزباء", F),
    ("متزوج", M),
    ("متزوجة", F),
    ("مطلق", M),
    ("مطلقة", F),
    ("أرمل", M),
    ("أرملة", F),
];

/// Common professions as the civil registry prints them (male and female forms).
pub const PROFESSIONS: &[Entry] = &[
    ("طالب", M),
    ("طالبة", F),
    ("ربة منزل", F),
    ("مهندس", M),
    ("مهندسة", F),
    ("محاسب", M),
    ("محاسبة", F),
    ("طبيب", M),
    ("طبيبة", F),
    ("طبيب بشري", M),
    ("طبيبة بشرية", F),
    ("طبيب أسنان", M),
    ("طبيبة أسنان", F),
    ("طبيب بيطري", M),
    ("طبيبة بيطرية", F),
    ("صيدلي", M),
    ("صيدلانية", F),
    ("مدرس", M),
    ("مدرسة", F),
    ("معلم", M),
    ("معلمة", F),
    ("موظف", M),
    ("موظفة", F),
    ("محامي", M),
    ("محامية", F),
    ("أخصائي اجتماعي", M),
    ("أخصائية اجتماعية", F),
    ("ممرض", M),
    ("ممرضة", F),
    ("عامل", M),
    ("عاملة", F),
    ("سائق", M),
    ("سائقة", F),
    ("تاجر", M),
    ("تاجرة", F),
    ("مزارع", M),
    ("مزارعة", F),
    ("فلاح", M),
    ("فلاحة", F),
    ("نجار", M),
    ("حداد", M),
    ("سباك", M),
    ("كهربائي", M),
    ("ميكانيكي", M),
    ("ترزي", M),
    ("خياطة", F),
    ("محاسب قانوني", M),
    ("مبرمج", M),
    ("مبرمجة", F),
    ("مدير", M),
    ("مديرة", F),
    ("ضابط", M),
    ("صحفي", M),
    ("صحفية", F),
    ("أعمال حرة", None),
    ("بالمعاش", None),
    ("بدون عمل", None),
    ("لا يعمل", M),
    ("لا تعمل", F),
];

/// Common second lines of the profession: qualification or employer.
pub const QUALIFICATIONS: &[Entry] = &[
    ("بكالوريوس هندسة", None),
    ("بكالوريوس تجارة", None),
    ("بكالوريوس طب", None),
    ("بكالوريوس طب وجراحة", None),
    ("بكالوريوس صيدلة", None),
    ("بكالوريوس علوم", None),
    ("بكالوريوس زراعة", None),
    ("بكالوريوس تربية", None),
    ("بكالوريوس خدمة اجتماعية", None),
    ("بكالوريوس حاسبات ومعلومات", None),
    ("ليسانس آداب", None),
    ("ليسانس حقوق", None),
    ("ليسانس دار العلوم", None),
    ("ليسانس ألسن", None),
    ("دبلوم صنايع", None),
    ("دبلوم تجارة", None),
    ("دبلوم زراعة", None),
    ("ثانوية عامة", None),
    ("بوزارة التربية والتعليم", None),
    ("بوزارة الصحة", None),
    ("بوزارة الداخلية", None),
    ("بالشركة المصرية للاتصالات", None),
    ("بهيئة السكة الحديد", None),
    ("بالقطاع الخاص", None),
    ("بالقطاع العام", None),
];

/// Every character the entries of `vocab` use, spaces included (a whitelist for the
/// recogniser).
pub fn letters(vocab: &[Entry]) -> String {
    let set: std::collections::BTreeSet<char> = vocab.iter().flat_map(|(t, _)| t.chars()).collect();
    set.into_iter().collect()
}

/// Words of Egyptian street addresses (address line 1 of the card): the usual abbreviations
/// and terms (`ش`, `عمارة`, `متفرع من`, `عزبة`), titles streets are named with (`الشهيد`,
/// `اللواء`), the common nouns of street names (`المحطة`, `الترعة`, `الجيش`), months (for
/// dates such as `٢٦ يوليو`) and a few famous street names. Written for this reader from
/// general knowledge, not taken from the card generator; the given and family names of
/// streets named after people come from the name lexicon instead.
pub const ADDRESS_WORDS: &[Entry] = &[
    ("ش", None),
    ("شارع", None),
    ("شوارع", None),
    ("عمارة", None),
    ("عمارات", None),
    ("برج", None),
    ("أبراج", None),
    ("متفرع", None),
    ("من", None),
    ("الدور", None),
    ("دور", None),
    ("شقة", None),
    ("حارة", None),
    ("عطفة", None),
    ("زقاق", None),
    ("درب", None),
    ("ميدان", None),
    ("طريق", None),
    ("كورنيش", None),
    ("امتداد", None),
    ("بجوار", None),
    ("أمام", None),
    ("خلف", None),
    ("بعد", None),
    ("قبل", None),
    ("ناصية", None),
    ("تقاطع", None),
    ("مع", None),
    ("بلوك", None),
    ("قطعة", None),
    ("مربع", None),
    ("مجاورة", None),
    ("المجاورة", None),
    ("الحي", None),
    ("حي", None),
    ("المنطقة", None),
    ("منطقة", None),
    ("قرية", None),
    ("عزبة", None),
    ("كفر", None),
    ("نجع", None),
    ("منشأة", None),
    ("ميت", None),
    ("كوم", None),
    ("تل", None),
    ("أرض", None),
    ("بالقرب", None),
    ("عند", None),
    ("على", None),
    ("الطريق", None),
    ("الرئيسي", None),
    ("السريع", None),
    ("الزراعي", None),
    ("الدائري", None),
    ("العمومي", None),
    ("الشهيد", None),
    ("الشهداء", None),
    ("اللواء", None),
    ("العميد", None),
    ("الرائد", None),
    ("المقدم", None),
    ("الفريق", None),
    ("المشير", None),
    ("الدكتور", None),
    ("المهندس", None),
    ("الشيخ", None),
    ("الإمام", None),
    ("الحاج", None),
    ("الأستاذ", None),
    ("السيد", None),
    ("الملك", None),
    ("الأمير", None),
    ("الخليفة", None),
    ("الزعيم", None),
    ("الرئيس", None),
    ("المستشفى", None),
    ("المدارس", None),
    ("المدرسة", None),
    ("المحطة", None),
    ("الترعة", None),
    ("البحر", None),
    ("الجيش", None),
    ("النصر", None),
    ("الثورة", None),
    ("الجمهورية", None),
    ("التحرير", None),
    ("السلام", None),
    ("الجلاء", None),
    ("الحرية", None),
    ("الاستقلال", None),
    ("الوحدة", None),
    ("العروبة", None),
    ("الجامعة", None),
    ("الجامع", None),
    ("المسجد", None),
    ("الكنيسة", None),
    ("السوق", None),
    ("النيل", None),
    ("الكورنيش", None),
    ("المعهد", None),
    ("المصنع", None),
    ("المحكمة", None),
    ("البنك", None),
    ("البريد", None),
    ("السكة", None),
    ("الحديد", None),
    ("المطار", None),
    ("الميناء", None),
    ("القناة", None),
    ("الكوبري", None),
    ("الجسر", None),
    ("الساحل", None),
    ("الجبل", None),
    ("الصحراوي", None),
    ("الصناعية", None),
    ("الجديدة", None),
    ("القديمة", None),
    ("الكبير", None),
    ("الكبرى", None),
    ("الصغرى", None),
    ("العام", None),
    ("الأول", None),
    ("الثاني", None),
    ("الثالث", None),
    ("الرابع", None),
    ("الخامس", None),
    ("العاشر", None),
    ("الأهرام", None),
    ("الهرم", None),
    ("فيصل", None),
    ("المعادي", None),
    ("البستان", None),
    ("الزهور", None),
    ("الورد", None),
    ("الياسمين", None),
    ("الفردوس", None),
    ("النور", None),
    ("الهدى", None),
    ("الإيمان", None),
    ("الرحمة", None),
    ("الفتح", None),
    ("الأزهر", None),
    ("الحسين", None),
    ("الخليج", None),
    ("الميرغني", None),
    ("المطرية", None),
    ("يناير", None),
    ("فبراير", None),
    ("مارس", None),
    ("أبريل", None),
    ("مايو", None),
    ("يونيو", None),
    ("يوليو", None),
    ("أغسطس", None),
    ("سبتمبر", None),
    ("أكتوبر", None),
    ("نوفمبر", None),
    ("ديسمبر", None),
    ("بورسعيد", None),
    ("الإسكندرية", None),
    ("القاهرة", None),
    ("دمياط", None),
    ("السويس", None),
    ("رمسيس", None),
    ("صلاح", None),
    ("سالم", None),
    ("عرابي", None),
    ("زغلول", None),
    ("العقاد", None),
    ("النحاس", None),
    ("شوقي", None),
    ("حافظ", None),
    ("إبراهيم", None),
    ("طه", None),
    ("حسين", None),
    ("محمد", None),
    ("علي", None),
    ("كليوباترا", None),
    ("قصر", None),
    ("العيني", None),
    ("المأمون", None),
    ("الهادي", None),
    ("النزهة", None),
    ("الحجاز", None),
];

/// The letters folded together before comparing: Tesseract confuses the alef forms, final
/// yeh and alef maksura, teh marbuta and heh.
fn fold(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| !matches!(c, '\u{064B}'..='\u{0652}' | '\u{0640}' | ' '))
        .map(|c| match c {
            'أ' | 'إ' | 'آ' => 'ا',
            'ى' => 'ي',
            'ة' => 'ه',
            c => c,
        })
        .collect()
}

/// Edit distance from a reading to an entry, in half edits: a letter of the entry missing
/// from the reading costs 1, a letter changed or added costs 2. Tesseract loses letters of
/// short words far more often than it invents them (`أن` for `أنثى`, `مس` for `مسلم`).
fn distance(read: &[char], entry: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=entry.len()).collect();
    for (i, r) in read.iter().enumerate() {
        let mut cur = vec![2 * (i + 1); entry.len() + 1];
        for (j, e) in entry.iter().enumerate() {
            cur[j + 1] = (prev[j] + 2 * usize::from(r != e))
                .min(prev[j + 1] + 2)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[entry.len()]
}

/// What an entry in the other gender's form costs on top of its distance, in half edits:
/// a card writes religion and marital status in the holder's gender, so a man's
/// `مسلمة` is a misreading of `مسلم` (Tesseract adds a final letter to short words).
const WRONG_FORM_PENALTY: usize = 3;

/// The entry of `vocab` that `read` stands for: the nearest after folding (see
/// [`distance`]), within a quarter of its letters (at least one edit; two lost letters
/// count as one edit), holding at least half of them, and clearly nearer than any other
/// entry; an entry in the other form than `gender`'s counts as farther
/// ([`WRONG_FORM_PENALTY`]).
pub fn snap(read: &str, vocab: &[Entry], gender: Option<Gender>) -> Option<&'static str> {
    snap_within(read, vocab, gender, 4, 1)
}

/// [`snap`] for a short closed list read where the holder's gender is known (religion,
/// marital status): an entry in that form may be up to half its letters away, if every
/// other entry is at least one more edit away (`للقة` is `مطلقة`).
pub fn snap_closed(read: &str, vocab: &[Entry], gender: Gender) -> Option<&'static str> {
    snap_within(read, vocab, Some(gender), 2, 2)
}

/// [`snap`] for a short closed list (the districts of one governorate): an entry at most a
/// changed and a lost letter away (three half edits), even in a short word (`زفق` for
/// `زفتى`), if every other entry is at least one more edit away. Farther readings are kept:
/// the list may lack a real entry (`الكرنك` is two changes from `القرنة`).
pub fn snap_short_list(read: &str, vocab: &[Entry]) -> Option<&'static str> {
    snap_within(read, vocab, None, 2, 2).filter(|best| distance(&fold(read), &fold(best)) <= 3)
}

/// Snapping within `letters / per_edit` edits of the best entry, which must be `margin`
/// half edits ahead of the next.
fn snap_within(
    read: &str,
    vocab: &[Entry],
    gender: Option<Gender>,
    per_edit: usize,
    margin: usize,
) -> Option<&'static str> {
    let r = fold(read);
    if r.is_empty() {
        return None;
    }
    // (distance + penalty for the other gender's form, distance) — lower is better.
    let mut scored: Vec<((usize, usize), &'static str)> = vocab
        .iter()
        .map(|(text, form)| {
            let wrong_form = matches!((gender, form), (Some(g), Some(f)) if g != *f);
            let d = distance(&r, &fold(text));
            ((d + WRONG_FORM_PENALTY * usize::from(wrong_form), d), *text)
        })
        .collect();
    scored.sort();
    let &((_, best_distance), best) = scored.first()?;
    let letters = fold(best).len();
    let limit = 2 * (letters / per_edit).max(1);
    let unique = scored
        .get(1)
        .is_none_or(|(next, _)| next.0 >= scored[0].0 .0 + margin);
    (best_distance <= limit && 2 * r.len() >= letters && unique).then_some(best)
}

/// A line mended word by word: two neighbours that make a `known` word only together
/// (`يا سمين`, `بور سعيد`) are joined; every other word becomes `mend_word(word)`.
pub fn mend_words(
    words: &[&str],
    known: impl Fn(&str) -> bool,
    mend_word: impl Fn(&str) -> String,
) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if let Some(next) = words.get(i + 1) {
            let joined = format!("{w}{next}");
            if known(&joined) && !(known(w) && known(next)) {
                out.push(joined);
                i += 2;
                continue;
            }
        }
        out.push(mend_word(w));
        i += 1;
    }
    out.join(" ")
}

/// `read` snapped to `vocab` (see [`snap`]), or itself when no entry fits.
pub fn snap_or_raw(read: &str, vocab: &[Entry], gender: Option<Gender>) -> String {
    snap(read, vocab, gender).map_or_else(|| read.to_string(), str::to_string)
}

/// The gender an entry of `vocab` is written for, if the list says.
pub fn form_of(entry: &str, vocab: &[Entry]) -> Option<Gender> {
    vocab
        .iter()
        .find(|(t, _)| *t == entry)
        .and_then(|(_, g)| *g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_snap_to_the_nearest_entry_in_the_holders_form() {
        assert_eq!(snap("ذكر", GENDERS, None), Some("ذكر"));
        assert_eq!(snap("انثي", GENDERS, None), Some("أنثى"));
        assert_eq!(snap("مسلمه", RELIGIONS, None), Some("مسلمة"));
        assert_eq!(snap("مسيحى", RELIGIONS, None), Some("مسيحي"));
        // The holder's gender decides between forms near alike.
        assert_eq!(
            snap("مطلقه", MARITAL_STATUSES, Some(Gender::Male)),
            Some("مطلق")
        );
        assert_eq!(snap("مطلقه", MARITAL_STATUSES, None), Some("مطلقة"));
        assert_eq!(snap("مسلمة", RELIGIONS, Some(Gender::Male)), Some("مسلم"));
        assert_eq!(
            snap("متزوخ", MARITAL_STATUSES, Some(Gender::Male)),
            Some("متزوج")
        );
        assert_eq!(snap("متزوخ", MARITAL_STATUSES, Some(Gender::Female)), None);
        assert_eq!(snap("آنسه", MARITAL_STATUSES, None), Some("آنسة"));
        assert_eq!(
            snap("بكالوريوس هندسه", QUALIFICATIONS, None),
            Some("بكالوريوس هندسة")
        );
        assert_eq!(snap("ربة منرل", PROFESSIONS, None), Some("ربة منزل"));
        // Lost letters of short words.
        assert_eq!(snap("أن", GENDERS, None), Some("أنثى"));
        assert_eq!(snap("مس", RELIGIONS, Some(Gender::Male)), Some("مسلم"));
        assert_eq!(snap("لمة", RELIGIONS, None), Some("مسلمة"));
    }

    #[test]
    fn far_or_ambiguous_readings_are_not_snapped() {
        assert_eq!(snap("", GENDERS, None), None);
        assert_eq!(snap("كتب", GENDERS, None), None);
        // One letter left of three: too little to tell.
        assert_eq!(snap("ر", GENDERS, None), None);
        assert_eq!(snap("مرشد سياحي", PROFESSIONS, None), None);
        assert_eq!(snap_or_raw("مرشد سياحي", PROFESSIONS, None), "مرشد سياحي");
        // "مطلق" vs "مطلقة" at one edit each from "مطلقن", no gender: ambiguous.
        assert_eq!(snap("مطلقن", MARITAL_STATUSES, None), None);
        assert_eq!(
            snap("مطلقن", MARITAL_STATUSES, Some(Gender::Male)),
            Some("مطلق")
        );
    }

    #[test]
    fn closed_lists_snap_further_in_the_holders_form() {
        assert_eq!(snap("للقة", MARITAL_STATUSES, Some(Gender::Female)), None);
        assert_eq!(
            snap_closed("للقة", MARITAL_STATUSES, Gender::Female),
            Some("مطلقة")
        );
        // As near to مسيحي (one more half edit): not clearly مسلم.
        assert_eq!(snap_closed("ميم", RELIGIONS, Gender::Male), None);
        assert_eq!(snap_closed("ية", RELIGIONS, Gender::Female), None);
    }

    #[test]
    fn forms_are_known() {
        assert_eq!(form_of("مسلمة", RELIGIONS), Some(Gender::Female));
        assert_eq!(form_of("بالمعاش", PROFESSIONS), None);
    }
}
