//! Arabic → English transliteration of names and places for the `*_english` fields.
//!
//! Deterministic: each word is looked up first (the AML lexicon of common Egyptian names,
//! with its most common Egyptian spelling, and the governorates), then spelled by letter
//! rules in the Egyptian style (ج → g, ث → s, ذ → z, ق → k, ة → a, final ي → y). Compound
//! names written with a space (عبد الله, أبو بكر) are looked up as one name first.

use std::collections::HashMap;
use std::sync::OnceLock;

fn dictionary() -> &'static HashMap<String, &'static str> {
    static DICT: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    DICT.get_or_init(|| {
        let mut d = HashMap::new();
        for n in hawiya_aml::lexicon::all() {
            d.entry(key(n.ar)).or_insert(n.latin[0]);
        }
        for g in hawiya_core::nid::GOVERNORATES.iter() {
            d.entry(key(g.name_ar)).or_insert(g.name_en);
        }
        d
    })
}

/// Lookup key: letters only, hamza forms of alef unified.
fn key(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\u{0640}' | '\u{064B}'..='\u{0652}'))
        .map(|c| match c {
            'أ' | 'إ' | 'آ' => 'ا',
            c => c,
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Letter-rule spelling of one Arabic word.
fn spell(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let last = i + 1 == chars.len();
        let first = i == 0;
        let s = match c {
            'ا' | 'أ' | 'إ' | 'آ' => "a",
            'ب' => "b",
            'ت' => "t",
            'ث' => "s",
            'ج' => "g",
            'ح' => "h",
            'خ' => "kh",
            'د' => "d",
            'ذ' => "z",
            'ر' => "r",
            'ز' => "z",
            'س' => "s",
            'ش' => "sh",
            'ص' => "s",
            'ض' => "d",
            'ط' => "t",
            'ظ' => "z",
            'ع' if first => "a",
            'ع' => "",
            'غ' => "gh",
            'ف' => "f",
            'ق' => "k",
            'ك' => "k",
            'ل' => "l",
            'م' => "m",
            'ن' => "n",
            'ه' => "h",
            'ة' => "a",
            'و' if first => "w",
            'و' => "o",
            'ي' | 'ى' if first || last => "y",
            'ي' | 'ى' => "i",
            'ئ' | 'ؤ' | 'ء' => "'",
            _ if c.is_ascii_alphanumeric() => {
                out.push(c);
                ""
            }
            _ => "",
        };
        out.push_str(s);
    }
    let mut cap = String::new();
    let mut it = out.trim_matches('\'').chars();
    if let Some(f) = it.next() {
        cap.extend(f.to_uppercase());
        cap.extend(it);
    }
    cap
}

/// English spelling of an Arabic name or place (several words).
pub fn transliterate(arabic: &str) -> String {
    let dict = dictionary();
    let words: Vec<&str> = arabic.split_whitespace().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        // Two-word compounds first (عبد الرحمن, أبو بكر), then single words.
        if i + 1 < words.len() {
            if let Some(hit) = dict.get(&key(&format!("{} {}", words[i], words[i + 1]))) {
                out.push(hit.to_string());
                i += 2;
                continue;
            }
        }
        let w = words[i];
        match dict.get(&key(w)) {
            Some(hit) => out.push(hit.to_string()),
            None if w == "-" => out.push("-".into()),
            None => {
                let s = spell(w);
                if !s.is_empty() {
                    out.push(s);
                }
            }
        }
        i += 1;
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_use_the_lexicon_then_rules() {
        assert_eq!(transliterate("محمد أحمد"), "Mohamed Ahmed");
        assert_eq!(transliterate("القاهرة"), "Cairo");
        // Not in the lexicon: letter rules, Egyptian g for ج.
        assert_eq!(transliterate("جرجس"), "Girgis");
        assert_eq!(transliterate("جمصة"), "Gmsa");
        assert_eq!(transliterate(""), "");
        assert_eq!(transliterate("شبرا - القاهرة"), "Shbra - Cairo");
    }
}
