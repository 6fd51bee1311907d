//! Script-aware name normalisation and the Latin phonetic skeleton that both scripts map to.
//!
//! Pipeline: [`normalize_name`] folds Unicode (NFKD, diacritics and tashkeel removed, Arabic
//! letter variants unified, homoglyphs and invisible characters removed, Arabic-Indic digits
//! to ASCII, lower case) and joins compounds (`عبد الله` → `عبدالله`, `abdel rahman` →
//! `abdelrahman`, `nour el din` → `noureldin`, `el sayed` → `elsayed`). [`latin_key`] then maps
//! each token to a phonetic Latin form: Latin tokens through spelling rules (ou/oo/o → u, ee → i,
//! kh → x, sh/ch → c, q/k/c → k, g/j → j, doubled letters, articles and `abd`/`abu`/`…din`
//! compounds), Arabic tokens through the lexicon of Egyptian names or, failing that, a letter
//! transliteration without short vowels.

use crate::lexicon;
use std::collections::HashMap;
use std::sync::OnceLock;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Normalises a person name for comparison, keeping its script (see the module docs).
///
/// ```
/// use hawiya_aml::normalize_name;
/// assert_eq!(normalize_name("أَحْمَد  عبد  الله"), "احمد عبدالله");
/// assert_eq!(normalize_name("Abdel-Rahman EL SAYED"), "abdelrahman elsayed");
/// ```
pub fn normalize_name(s: &str) -> String {
    let folded = fold(s);
    let toks: Vec<&str> = folded.split_whitespace().collect();
    join_compounds(&toks).join(" ")
}

/// Folds characters: NFKD, marks removed, letters unified, punctuation to spaces.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        push_folded(c, &mut out);
    }
    out
}

fn push_folded(c: char, out: &mut String) {
    match c {
        'A'..='Z' => out.push(c.to_ascii_lowercase()),
        'a'..='z' | '0'..='9' => out.push(c),
        // Arabic-Indic and Eastern Arabic-Indic digits.
        '\u{0660}'..='\u{0669}' => out.push((b'0' + (c as u32 - 0x0660) as u8) as char),
        '\u{06F0}'..='\u{06F9}' => out.push((b'0' + (c as u32 - 0x06F0) as u8) as char),
        // Apostrophes and ayn/hamza marks in Latin transliterations: dropped (joined).
        '\'' | '\u{2019}' | '\u{2018}' | '`' | '\u{00B4}' | '\u{02BB}' | '\u{02BC}'
        | '\u{02BF}' | '\u{02BE}' => {}
        // Invisible characters, bidi controls, soft hyphen, tatweel.
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{00AD}'
        | '\u{061C}'
        | '\u{0640}'
        | '\u{034F}'
        | '\u{180E}' => {}
        // Arabic letter variants.
        'ٱ' | 'أ' | 'إ' | 'آ' => out.push('ا'),
        'ى' | 'ی' | 'ې' | 'ئ' => out.push('ي'),
        'ة' | 'ھ' | 'ہ' | 'ۀ' | 'ە' | 'ۂ' => out.push('ه'),
        'ک' | 'ڪ' => out.push('ك'),
        'گ' | 'چ' => out.push('ج'),
        'ڤ' => out.push('ف'),
        'پ' => out.push('ب'),
        'ؤ' => out.push('و'),
        'ء' => {}
        // Latin letters that NFKD does not decompose.
        'ß' => out.push_str("ss"),
        'æ' | 'Æ' => out.push_str("ae"),
        'œ' | 'Œ' => out.push_str("oe"),
        'ø' | 'Ø' => out.push('o'),
        'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
        'ł' | 'Ł' => out.push('l'),
        'ı' => out.push('i'),
        'þ' | 'Þ' => out.push_str("th"),
        _ => {
            if let Some(l) = homoglyph(c) {
                out.push(l);
            } else if c.is_alphabetic() {
                out.extend(c.to_lowercase());
            } else if c.is_numeric() {
                out.push(c);
            } else {
                // Whitespace, hyphens, dots, commas, brackets, other symbols.
                out.push(' ');
            }
        }
    }
}

/// Cyrillic and Greek letters that look like Latin ones.
fn homoglyph(c: char) -> Option<char> {
    Some(match c {
        'а' | 'А' | 'α' | 'Α' => 'a',
        'в' | 'В' | 'β' | 'Β' => 'b',
        'е' | 'Е' | 'ё' | 'Ё' | 'ε' | 'Ε' => 'e',
        'к' | 'К' | 'κ' | 'Κ' => 'k',
        'м' | 'М' | 'Μ' => 'm',
        'н' | 'Н' | 'Η' => 'h',
        'о' | 'О' | 'ο' | 'Ο' => 'o',
        'р' | 'Р' | 'ρ' | 'Ρ' => 'p',
        'с' | 'С' | 'ϲ' => 'c',
        'т' | 'Т' | 'τ' | 'Τ' => 't',
        'у' | 'У' | 'υ' | 'Υ' => 'y',
        'х' | 'Х' | 'χ' | 'Χ' => 'x',
        'і' | 'І' | 'ι' | 'Ι' => 'i',
        'ј' | 'Ј' => 'j',
        'ѕ' | 'Ѕ' => 's',
        'ԁ' => 'd',
        'ν' | 'Ν' => 'n',
        'ζ' | 'Ζ' => 'z',
        _ => return None,
    })
}

/// True for a character of the Arabic blocks.
pub(crate) fn is_arabic_char(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}')
}

fn has_arabic(s: &str) -> bool {
    s.chars().any(is_arabic_char)
}

/// `abd`, `abdel`, `abdul`, `abdoul`, `abdell`, `abbdul`, `abdur`, `abdes`, … (a standalone
/// prefix of an `عبد` compound; not `abdu`/`abdo`, which are the name عبده).
fn is_latin_abd(t: &str) -> bool {
    let Some(r) = t.strip_prefix("ab") else {
        return false;
    };
    let r = r.trim_start_matches('b');
    let Some(r) = r.strip_prefix('d') else {
        return false;
    };
    let r = r.trim_start_matches('d');
    if r.is_empty() {
        return true;
    }
    let r = r
        .strip_prefix("ou")
        .or_else(|| r.strip_prefix(['a', 'e', 'i', 'o', 'u']))
        .unwrap_or(r);
    !r.is_empty() && r.len() <= 3 && is_connective_consonants(r)
}

/// `abu`, `abou`, `abo`, `aboul`, `abul`.
fn is_latin_abu(t: &str) -> bool {
    matches!(t, "abu" | "abou" | "abo" | "aboul" | "abul" | "abol")
}

/// The consonant of an article: `l`/`ll`, or an assimilated sun letter (`rr`, `ss`, `sh`, …).
fn is_connective_consonants(r: &str) -> bool {
    matches!(
        r,
        "l" | "ll"
            | "r"
            | "rr"
            | "s"
            | "ss"
            | "d"
            | "dd"
            | "t"
            | "tt"
            | "z"
            | "zz"
            | "n"
            | "nn"
            | "sh"
    )
}

/// Articles between `abd`/`abu` and the name, and before `din`: `el`, `al`, `ell`, `ul`, `es`,
/// `ar`, `ash`, …
fn is_latin_connective(t: &str) -> bool {
    match t.strip_prefix(['a', 'e', 'i', 'o', 'u']) {
        Some(r) => is_connective_consonants(r),
        None => false,
    }
}

const DIN_WORDS: &[&str] = &["din", "deen", "dine", "dein", "diin"];

fn is_latin_din_suffix(t: &str) -> bool {
    // eldin, eddin, uddin, aldin, eddine, eldeen, ... (a connective then din/deen)
    let b = t.as_bytes();
    if !(5..=7).contains(&b.len()) || !matches!(b[0], b'a' | b'e' | b'u' | b'i' | b'o') {
        return false;
    }
    if !matches!(b[1], b'l' | b'd') {
        return false;
    }
    DIN_WORDS.iter().any(|w| &t[2..] == *w)
}

/// Joins compound names and standalone articles to the following token.
fn join_compounds(toks: &[&str]) -> Vec<String> {
    let n = toks.len();
    let mut out: Vec<String> = Vec::with_capacity(n);
    let mut i = 0;
    while i < n {
        let t = toks[i];
        let next = toks.get(i + 1).copied();
        let next2 = toks.get(i + 2).copied();
        // X + الدين / X + ال دين ; X + el din / X + eldin
        if let Some(nx) = next {
            if nx == "الدين" && i + 1 < n {
                out.push(format!("{t}الدين"));
                i += 2;
                continue;
            }
            if nx == "ال" && next2 == Some("دين") {
                out.push(format!("{t}الدين"));
                i += 3;
                continue;
            }
            if !has_arabic(t) && t.len() >= 2 {
                if is_latin_din_suffix(nx) {
                    out.push(format!("{t}{nx}"));
                    i += 2;
                    continue;
                }
                if let Some(n2) = next2 {
                    if is_latin_connective(nx) && DIN_WORDS.contains(&n2) {
                        out.push(format!("{t}{nx}{n2}"));
                        i += 3;
                        continue;
                    }
                }
            }
        }
        // عبد X, ابو X, عبد ال X
        if (t == "عبد" || t == "ابو") && next.is_some() {
            let mut s = t.to_string();
            let mut j = i + 1;
            if toks[j] == "ال" && j + 1 < n {
                s.push_str("ال");
                j += 1;
            }
            s.push_str(toks[j]);
            out.push(s);
            i = j + 1;
            continue;
        }
        if t == "ال" && next.is_some() {
            out.push(format!("ال{}", toks[i + 1]));
            i += 2;
            continue;
        }
        // abd el X, abdel X, abdoul X, abu X, aboul X
        if (is_latin_abd(t) || is_latin_abu(t)) && next.is_some() {
            let mut s = t.to_string();
            let mut j = i + 1;
            if is_latin_connective(toks[j]) && j + 1 < n {
                s.push_str(toks[j]);
                j += 1;
            }
            // One spelling for the l-article forms: abdul/abdoul/abd el/abdell → abdel.
            if is_latin_abd(t) && (s.ends_with('l') || s.ends_with("ll")) {
                s = "abdel".to_string();
            }
            s.push_str(toks[j]);
            out.push(s);
            i = j + 1;
            continue;
        }
        // el X, al X; assimilated es-sayed, an-naggar, ash-shazly
        if let Some(nx) = next {
            let article = t == "el" || t == "al";
            let assimilated = matches!(
                t,
                "es" | "as" | "ed" | "ad" | "er" | "ar" | "et" | "at" | "ez" | "az" | "en" | "an"
            ) && nx.as_bytes().first() == t.as_bytes().get(1);
            let ash = (t == "ash" || t == "esh") && nx.starts_with("sh");
            if (article || assimilated || ash) && !has_arabic(nx) {
                out.push(format!("{t}{nx}"));
                i += 2;
                continue;
            }
        }
        out.push(t.to_string());
        i += 1;
    }
    out
}

/// The phonetic form of one name token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TokenForm {
    /// Phonetic Latin form (alphabet: a e i u b t s j h x d z r c k g f l m n w y + other letters).
    pub phon: String,
    /// True when derived from Arabic letters without the lexicon (short vowels unknown).
    pub vowelless: bool,
    /// Canonical lexicon id when the token is a known name.
    pub lex: Option<u32>,
}

/// The consonant skeleton of a phonetic form (vowels, semivowels and a final `h` removed: a
/// final ه/ة/ح is often left out in Latin, Fatmah/Fatma, Nagah/Naga).
pub(crate) fn skeleton(phon: &str) -> String {
    let mut s: String = phon
        .chars()
        .filter(|c| !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'w'))
        .collect();
    if s.len() > 1 && s.ends_with('h') {
        s.pop();
    }
    s
}

const PARTICLES: &[&str] = &[
    "bin", "ibn", "bint", "ben", "بن", "ابن", "بنت", "mr", "mrs", "ms", "miss", "dr",
];

/// Name tokens mapped to a comparable Latin phonetic form; both scripts map here.
///
/// ```
/// use hawiya_aml::latin_key;
/// assert_eq!(latin_key("محمد عبد الرحمن"), latin_key("Mohammed Abdel-Rahman"));
/// assert_eq!(latin_key("Muhammad Abdulrahman"), latin_key("Mohamed Abdelrahman"));
/// ```
pub fn latin_key(s: &str) -> Vec<String> {
    name_forms(s).into_iter().map(|f| f.phon).collect()
}

/// Normalises a name and computes the phonetic form of each token (particles and initials dropped).
pub(crate) fn name_forms(s: &str) -> Vec<TokenForm> {
    name_tokens(s).iter().map(|t| token_form(t)).collect()
}

/// The normalised tokens of a name that take part in matching (particles, initials, bare
/// articles and numbers dropped).
pub(crate) fn name_tokens(s: &str) -> Vec<String> {
    let norm = normalize_name(s);
    let toks: Vec<&str> = norm.split_whitespace().collect();
    let many = toks.len() > 1;
    let mut out = Vec::with_capacity(toks.len());
    for (i, t) in toks.iter().enumerate() {
        if many && i > 0 && PARTICLES.contains(t) {
            continue;
        }
        if many && (t.chars().count() < 2 || matches!(*t, "el" | "al" | "ال")) {
            continue;
        }
        if t.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        out.push(t.to_string());
    }
    out
}

/// Phonetic form of one normalised token.
pub(crate) fn token_form(t: &str) -> TokenForm {
    let lex = lex_tables();
    if has_arabic(t) {
        if let Some(&id) = lex.ar.get(t) {
            return lex.form(id);
        }
        if let Some(rest) = t.strip_prefix("ال") {
            if let Some(&id) = lex.ar.get(rest) {
                return lex.form(id);
            }
        } else if let Some(&id) = lex.ar.get(&format!("ال{t}")) {
            return lex.form(id);
        }
        return TokenForm {
            phon: arabic_phon(t),
            vowelless: true,
            lex: None,
        };
    }
    let p = latin_phon(t);
    if let Some(&id) = lex.lat.get(&p) {
        return lex.form(id);
    }
    TokenForm {
        phon: p,
        vowelless: false,
        lex: None,
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// `abd…` compounds: returns the part after `abd` (also `abbd`, `abdd`) and its connective
/// (`el`/`ul`/`oul`…, or an assimilated doubled sun letter as in `abdurrahman`).
fn strip_abd(t: &str) -> Option<&str> {
    if !t.is_ascii() {
        return None;
    }
    let r = t.strip_prefix("ab")?.trim_start_matches('b');
    let r = r.strip_prefix('d')?.trim_start_matches('d');
    if r.len() < 3 {
        return None;
    }
    let r = match r
        .strip_prefix("ou")
        .or_else(|| r.strip_prefix(['a', 'e', 'i', 'o', 'u']))
    {
        Some(v) => {
            let b = v.as_bytes();
            // The article's l, or one letter of an assimilated doubled sun letter.
            let article =
                b.len() >= 3 && (b[0] == b'l' || (b[0] == b[1] && !is_vowel(b[0] as char)));
            if article {
                &v[1..]
            } else {
                v
            }
        }
        None => r,
    };
    (r.len() >= 2).then_some(r)
}

/// `abu…` compounds: returns the part after `abu` and its connective.
fn strip_abu(t: &str) -> Option<&str> {
    if !t.is_ascii() {
        return None;
    }
    let rest = ["abou", "abu", "abo"]
        .iter()
        .find_map(|p| t.strip_prefix(p))?;
    let b = rest.as_bytes();
    let r = if b.first() == Some(&b'l') {
        &rest[1..]
    } else if b.len() >= 2 && is_vowel(b[0] as char) && b[1] == b'l' {
        &rest[2..]
    } else {
        rest
    };
    (r.len() >= 3).then_some(r)
}

/// `…eldin` compounds: returns the part before the connective and `din`.
fn strip_din(t: &str) -> Option<&str> {
    if !t.is_ascii() || t.len() < 6 {
        return None;
    }
    let mut s = t.strip_suffix('e').unwrap_or(t);
    s = ["din", "deen", "dein", "diin"]
        .iter()
        .find_map(|w| s.strip_suffix(w))?;
    let mut connective = false;
    if let Some(x) = s.strip_suffix('l').or_else(|| s.strip_suffix('d')) {
        s = x;
        connective = true;
    }
    if let Some(x) = s.strip_suffix(is_vowel) {
        if x.len() >= 3 {
            s = x;
        }
        connective = true;
    }
    (connective && s.len() >= 3).then_some(s)
}

/// Leading Latin article (`el`, `al`, assimilated `es-`, `an-`, `ash-`) of a long token.
fn strip_article(t: &str) -> &str {
    if !t.is_ascii() {
        return t;
    }
    if let Some(r) = t.strip_prefix("el").or_else(|| t.strip_prefix("al")) {
        if r.len() >= 4 {
            return r;
        }
    }
    if let Some(r) = t.strip_prefix("ash").or_else(|| t.strip_prefix("esh")) {
        if r.starts_with("sh") && r.len() >= 5 {
            return r;
        }
    }
    let b = t.as_bytes();
    if b.len() >= 7
        && matches!(b[0], b'a' | b'e')
        && b[1] == b[2]
        && matches!(b[1], b't' | b'd' | b'r' | b'z' | b's' | b'n')
    {
        return &t[2..];
    }
    t
}

/// Phonetic form of a Latin token (see module docs).
pub(crate) fn latin_phon(t: &str) -> String {
    if let Some(r) = strip_abd(t) {
        return format!("abd{}", base_phon(r));
    }
    if let Some(r) = strip_abu(t) {
        return format!("abu{}", base_phon(r));
    }
    if let Some(p) = strip_din(t) {
        return format!("{}din", base_phon(strip_article(p)));
    }
    base_phon(strip_article(t))
}

/// Spelling rules that map Latin transliteration variants onto one phonetic form.
fn base_phon(t: &str) -> String {
    // Ta marbuta written "-ah" (Fatmah, Hamzah); "-eh" is usually ح (Sameh, Saleh) and stays.
    let t = match t.strip_suffix("ah") {
        Some(r) if !r.is_empty() => &t[..t.len() - 1],
        _ => t,
    };
    let cs: Vec<char> = t.chars().collect();
    let mut raw = String::with_capacity(cs.len() + 2);
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        let n = cs.get(i + 1).copied();
        let next_vowel = n.is_some_and(is_vowel);
        let (emit, adv): (&str, usize) = match (c, n) {
            ('k', Some('h')) => ("x", 2),
            ('s', Some('h')) | ('c', Some('h')) => ("c", 2),
            ('g', Some('h')) => ("g", 2),
            ('t', Some('h')) => ("t", 2),
            ('d', Some('h')) => ("z", 2),
            ('p', Some('h')) => ("f", 2),
            ('c', Some('k')) => ("k", 2),
            ('d', Some('j')) => ("j", 2),
            ('o', Some('u')) | ('o', Some('o')) => ("u", 2),
            ('e', Some('e')) => ("i", 2),
            ('q', _) | ('k', _) | ('c', _) => ("k", 1),
            ('g', _) | ('j', _) => ("j", 1),
            ('x', _) => ("ks", 1),
            ('v', _) => ("f", 1),
            ('p', _) => ("b", 1),
            ('e', _) => ("e", 1),
            ('a', _) => ("a", 1),
            ('o', _) | ('u', _) => ("u", 1),
            ('i', _) => ("i", 1),
            ('y', _) if next_vowel => ("y", 1),
            ('y', _) => ("i", 1),
            ('w', _) if next_vowel => ("w", 1),
            ('w', _) => ("u", 1),
            _ => ("", 1),
        };
        if emit.is_empty() && adv == 1 {
            raw.push(c);
        } else {
            raw.push_str(emit);
        }
        i += adv;
    }
    finish_phon(&raw)
}

/// Shared tail: initial `e` to `i`, doubled letters collapsed.
fn finish_phon(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut prev: Option<char> = None;
    for (k, c) in raw.chars().enumerate() {
        // Initial e/i vowels (Emad/Imad, Eslam/Islam) agree; initial a and u stay.
        let c = if k == 0 && c == 'e' { 'i' } else { c };
        if Some(c) == prev {
            continue;
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// Letter transliteration of an Arabic token outside the lexicon (no short vowels).
pub(crate) fn arabic_phon(t: &str) -> String {
    let mut t = t;
    let mut prefix = "";
    let mut suffix = "";
    if let Some(r) = t.strip_prefix("عبد") {
        if r.chars().count() >= 2 {
            prefix = "abd";
            t = r;
        }
    } else if let Some(r) = t.strip_prefix("ابو") {
        if r.chars().count() >= 2 {
            prefix = "abu";
            t = r;
        }
    }
    if let Some(r) = t.strip_suffix("الدين") {
        if r.chars().count() >= 2 {
            suffix = "din";
            t = r;
        }
    }
    if let Some(r) = t.strip_prefix("ال") {
        if r.chars().count() >= 3 || (!prefix.is_empty() && r.chars().count() >= 2) {
            t = r;
        }
    }
    let cs: Vec<char> = t.chars().collect();
    let mut raw = String::with_capacity(cs.len() * 2);
    for (i, &c) in cs.iter().enumerate() {
        let first = i == 0;
        let last = i + 1 == cs.len();
        let next = cs.get(i + 1).copied();
        let s: &str = match c {
            'ا' => "a",
            'ب' => "b",
            'ت' => "t",
            'ث' => "s",
            'ج' => "j",
            'ح' => "h",
            'خ' => "x",
            'د' => "d",
            'ذ' => "z",
            'ر' => "r",
            'ز' => "z",
            'س' => "s",
            'ش' => "c",
            'ص' => "s",
            'ض' => "d",
            'ط' => "t",
            'ظ' => "z",
            'ع' => {
                if first {
                    "a"
                } else {
                    ""
                }
            }
            'غ' => "g",
            'ف' => "f",
            'ق' => "k",
            'ك' => "k",
            'ل' => "l",
            'م' => "m",
            'ن' => "n",
            'ه' => {
                if last && cs.len() >= 3 {
                    "a"
                } else {
                    "h"
                }
            }
            'و' => {
                if first || next == Some('ا') {
                    "w"
                } else {
                    "u"
                }
            }
            'ي' => {
                if first || matches!(next, Some('ا') | Some('و')) {
                    "y"
                } else {
                    "i"
                }
            }
            _ => {
                raw.push(c);
                ""
            }
        };
        raw.push_str(s);
    }
    format!("{prefix}{}{suffix}", finish_phon(&raw))
}

/// Query-side alternatives for a token: its own form, plus, when it is not a known name, the
/// lexicon names within one edit (two for tokens of six letters, five Arabic letters, or more)
/// with a confidence.
pub(crate) fn query_forms(t: &str) -> Vec<(TokenForm, f32)> {
    let own = token_form(t);
    if own.lex.is_some() {
        return vec![(own, 1.0)];
    }
    let lex = lex_tables();
    let n = t.chars().count();
    let mut out = vec![(own, 1.0)];
    if n < 4 {
        return out;
    }
    let arabic = has_arabic(t);
    // Arabic writes no short vowels: names are shorter, so allow two edits from five letters.
    let max_d = if n >= 6 || (arabic && n >= 5) { 2 } else { 1 };
    let mut best: Vec<(usize, u32)> = Vec::new();
    for (s, id, len, ar) in &lex.spellings {
        if *ar != arabic || len.abs_diff(n) > max_d {
            continue;
        }
        let d = strsim::osa_distance(t, s);
        if d <= max_d {
            best.push((d, *id));
        }
    }
    best.sort_unstable();
    let Some(&(dmin, _)) = best.first() else {
        return out;
    };
    let mut ids: Vec<u32> = best.iter().filter(|b| b.0 == dmin).map(|b| b.1).collect();
    ids.dedup();
    ids.sort_unstable();
    ids.dedup();
    let conf = if dmin <= 1 { 0.9 } else { 0.82 };
    out.extend(ids.into_iter().take(3).map(|id| (lex.form(id), conf)));
    out
}

/// Lookup tables built from the lexicon.
pub(crate) struct LexTables {
    /// Canonical phonetic strings; a lexicon id indexes this.
    pub canon: Vec<String>,
    /// Population frequency prior per canonical id (share of full names containing it).
    pub prior: Vec<f32>,
    /// Latin phonetic form of every spelling → canonical id.
    pub lat: HashMap<String, u32>,
    /// Normalised Arabic spelling → canonical id.
    pub ar: HashMap<String, u32>,
    /// Every normalised spelling (Latin and Arabic): text, canonical id, length in chars, Arabic.
    pub spellings: Vec<(String, u32, usize, bool)>,
}

impl LexTables {
    fn form(&self, id: u32) -> TokenForm {
        TokenForm {
            phon: self.canon[id as usize].clone(),
            vowelless: false,
            lex: Some(id),
        }
    }
}

/// The lexicon tables (built once).
pub(crate) fn lex_tables() -> &'static LexTables {
    static T: OnceLock<LexTables> = OnceLock::new();
    T.get_or_init(build_lex_tables)
}

fn single_token_phon(s: &str) -> String {
    let n = normalize_name(s);
    let toks: Vec<&str> = n.split_whitespace().collect();
    if toks.len() == 1 {
        latin_phon(toks[0])
    } else {
        toks.iter()
            .map(|t| latin_phon(t))
            .collect::<Vec<_>>()
            .join("")
    }
}

fn build_lex_tables() -> LexTables {
    let mut canon: Vec<String> = Vec::new();
    let mut prior: Vec<f32> = Vec::new();
    let mut canon_ids: HashMap<String, u32> = HashMap::new();
    let mut lat: HashMap<String, u32> = HashMap::new();
    let mut ar: HashMap<String, u32> = HashMap::new();
    let sum = |list: &[lexicon::LexName]| list.iter().map(|n| n.freq as f32).sum::<f32>();
    let (sm, sf, sfam) = (
        sum(lexicon::MALE),
        sum(lexicon::FEMALE),
        sum(lexicon::FAMILY),
    );
    let mut ids = Vec::new();
    // Pass 1: canonical forms (the first Latin spelling of each name).
    for n in lexicon::all() {
        let c = single_token_phon(n.latin[0]);
        let id = *canon_ids.entry(c.clone()).or_insert_with(|| {
            canon.push(c.clone());
            prior.push(0.0);
            (canon.len() - 1) as u32
        });
        // Share of generated full names containing this name (see gen.rs for the slots).
        let p = match n.kind {
            lexicon::NameKind::Male => 2.7 * n.freq as f32 / sm,
            lexicon::NameKind::Female => 0.5 * n.freq as f32 / sf,
            lexicon::NameKind::Family => 0.5 * n.freq as f32 / sfam,
        };
        prior[id as usize] = (prior[id as usize] + p).min(0.9);
        lat.entry(c).or_insert(id);
        ids.push(id);
    }
    // Pass 2: every spelling and the Arabic form.
    let mut spellings = Vec::new();
    for (n, &id) in lexicon::all().zip(ids.iter()) {
        for v in n.latin {
            lat.entry(single_token_phon(v)).or_insert(id);
            let norm = normalize_name(v).replace(' ', "");
            spellings.push((norm.clone(), id, norm.chars().count(), false));
        }
        let a = normalize_name(n.ar).replace(' ', "");
        spellings.push((a.clone(), id, a.chars().count(), true));
        ar.entry(a).or_insert(id);
    }
    spellings.sort();
    spellings.dedup();
    LexTables {
        canon,
        prior,
        lat,
        ar,
        spellings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_arabic_variants_and_marks() {
        assert_eq!(normalize_name("أحمد"), "احمد");
        assert_eq!(normalize_name("إبراهيم"), "ابراهيم");
        assert_eq!(normalize_name("فاطمة"), "فاطمه");
        assert_eq!(normalize_name("مصطفى"), "مصطفي");
        assert_eq!(normalize_name("مُحَمَّد"), "محمد");
        assert_eq!(normalize_name("محـــمد"), "محمد");
        assert_eq!(normalize_name("مح\u{200C}مد\u{200F}"), "محمد");
        assert_eq!(normalize_name("كريم"), normalize_name("کریم"));
        assert_eq!(normalize_name("٢٩٠٠١٠١"), "2900101");
        assert_eq!(normalize_name("ﻻ"), "لا");
    }

    #[test]
    fn folds_latin_homoglyphs_and_accents() {
        assert_eq!(normalize_name("Mоhаmеd"), "mohamed"); // Cyrillic о а е
        assert_eq!(normalize_name("José Müller"), "jose muller");
        assert_eq!(normalize_name("Sa'ad"), "saad");
        assert_eq!(normalize_name("M\u{200D}ohamed"), "mohamed");
    }

    #[test]
    fn joins_compounds() {
        assert_eq!(normalize_name("عبد الله"), "عبدالله");
        assert_eq!(normalize_name("عبد ال رحمن"), "عبدالرحمن");
        assert_eq!(normalize_name("أبو بكر"), "ابوبكر");
        assert_eq!(normalize_name("نور الدين"), "نورالدين");
        assert_eq!(normalize_name("Abd El-Rahman"), "abdelrahman");
        assert_eq!(normalize_name("Abdul Rahman"), "abdelrahman");
        assert_eq!(normalize_name("Nour El Din"), "noureldin");
        assert_eq!(normalize_name("Nour Eldin"), "noureldin");
        assert_eq!(normalize_name("El-Sayed"), "elsayed");
        assert_eq!(normalize_name("ash-Shazly"), "ashshazly");
        assert_eq!(normalize_name("Abou El Ela"), "abouelela");
        assert_eq!(normalize_name("Abdoul Latif"), "abdellatif");
        assert_eq!(normalize_name("Abdell Wahab"), "abdelwahab");
        assert_eq!(normalize_name("Nour All Din"), "nouralldin");
        // Abdu/Abdo is a name of its own (عبده).
        assert_eq!(normalize_name("Abdu El-Sayed"), "abdu elsayed");
    }

    #[test]
    fn latin_variants_share_a_key() {
        let same = |a: &str, b: &str| assert_eq!(latin_key(a), latin_key(b), "{a} vs {b}");
        same("Mohamed", "Muhammad");
        same("Mohammed", "Mohamad");
        same("Mostafa", "Mustapha");
        same("Hussein", "Husayn");
        same("Youssef", "Yusuf");
        same("Abdel Rahman", "Abdurrahman");
        same("Abdelrahman", "Abd El-Rahman");
        same("Abdallah", "Abdulla");
        same("Abdoullatif", "Abdel Latif");
        same("Abbdul Rahman", "Abdelrahman");
        for short in [
            "abdou", "abdoh", "abdel", "abdal", "abdul", "abdo", "abd", "ab",
        ] {
            latin_key(short);
        }
        same("Nour El Din", "Nureddin");
        same("El Sayed", "Elsayed");
        same("Gamal", "Jamal");
        same("Abu Bakr", "Aboubakr");
        same("Fatma", "Fatmah");
    }

    #[test]
    fn arabic_maps_to_the_latin_key() {
        let same = |a: &str, b: &str| assert_eq!(latin_key(a), latin_key(b), "{a} vs {b}");
        same("محمد", "Mohamed");
        same("أحمد", "Ahmed");
        same("عبد الرحمن", "Abdelrahman");
        same("عبدالرحمن", "Abdel Rahman");
        same("جمال", "Gamal");
        same("المصري", "El Masry");
        same("مصري", "Masry");
        same("فاطمة", "Fatma");
        same("يوسف", "Youssef");
        same("نور الدين", "Nour Eldin");
    }

    #[test]
    fn lexicon_is_consistent() {
        let t = lex_tables();
        for n in crate::lexicon::all() {
            let ar_id = t.ar[&normalize_name(n.ar).replace(' ', "")];
            for v in n.latin {
                let norm = normalize_name(v);
                assert_eq!(norm.split_whitespace().count(), 1, "{v} → {norm}");
                let f = token_form(&norm);
                assert_eq!(f.lex, Some(ar_id), "{} / {v}: {}", n.ar, f.phon);
            }
            let f = token_form(&normalize_name(n.ar).replace(' ', ""));
            assert_eq!(f.lex, Some(ar_id));
        }
    }

    #[test]
    fn arabic_fallback_has_a_skeleton() {
        // Not in the lexicon: letter transliteration.
        let f = token_form("قرشي");
        assert!(f.vowelless);
        assert_eq!(skeleton(&f.phon), skeleton(&latin_phon("korashy")));
    }
}
