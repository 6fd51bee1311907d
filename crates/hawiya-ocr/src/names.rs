//! Mending name lines with the lexicon of Egyptian names (`hawiya_aml::lexicon`): a word the
//! lexicon does not know is replaced by the one lexicon word it is clearly a misreading of
//! (see [`crate::vocab::snap`]: a lost letter, a changed one, a speck read as a letter), and
//! two neighbours that only make a name together (`يا سمين`) are joined. A word far from
//! every lexicon word, or one that differs from it only by the article (`بدوي`, `البدوي`),
//! is kept as read: a rare name must survive.

use crate::vocab::{self, Entry};
use hawiya_aml::lexicon::{self, NameKind};
use hawiya_core::nid::Gender;
use std::sync::LazyLock;

/// Every word of the lexicon's names (compounds split: `عبد`, `الله`), with the gender of
/// the names it comes from (`None` for family names and words of both).
static WORDS: LazyLock<Vec<Entry>> = LazyLock::new(|| {
    let mut words: Vec<Entry> = Vec::new();
    for name in lexicon::all() {
        let form = match name.kind {
            NameKind::Male => Some(Gender::Male),
            NameKind::Female => Some(Gender::Female),
            NameKind::Family => None,
        };
        for word in name.ar.split_whitespace() {
            match words.iter_mut().find(|(w, _)| *w == word) {
                Some(entry) if entry.1 != form => entry.1 = None,
                Some(_) => {}
                None => words.push((word, form)),
            }
        }
    }
    words
});

/// Every word of the lexicon's names (see [`WORDS`]).
pub fn lexicon_words() -> &'static [Entry] {
    &WORDS
}

fn known(word: &str) -> bool {
    WORDS.iter().any(|(w, _)| *w == word)
}

/// Whether `line` has words and every one is a lexicon name word.
pub fn all_known(line: &str) -> bool {
    let mut words = line.split_whitespace().peekable();
    words.peek().is_some() && words.all(known)
}

/// Whether two names differ only by the article `ال`.
fn differ_by_article(a: &str, b: &str) -> bool {
    a.strip_prefix("ال") == Some(b) || b.strip_prefix("ال") == Some(a)
}

/// The name line `line` mended word by word; `gender` is the gender of the names in it (the
/// holder's for a first name, male for the father's and grandfathers' names).
pub fn mend(line: &str, gender: Option<Gender>) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    vocab::mend_words(&words, known, |w| match vocab::snap(w, &WORDS, gender) {
        // The article makes another name (بدوي, البدوي), not a misreading.
        Some(s) if !known(w) && !differ_by_article(w, s) => s.to_string(),
        _ => w.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misread_names_are_mended_and_rare_ones_kept() {
        let male = Some(Gender::Male);
        assert_eq!(mend("هشامح تحمزة شعيان", male), "هشام حمزة شعبان");
        assert_eq!(mend("افتحي جازي", male), "فتحي حجازي");
        // As near to جمال as to جلال, or to كمال as to كامل: left as read.
        assert_eq!(mend("جعال كال", male), "جعال كال");
        // A family name without its article is another name, not a misreading.
        assert!(known("البدوي") && !known("بدوي"));
        assert_eq!(mend("بدوي", male), "بدوي");
        assert_eq!(mend("محمود عبد الله", male), "محمود عبد الله");
        assert_eq!(mend("يا سمين", Some(Gender::Female)), "ياسمين");
        assert_eq!(mend("قتحي", male), "فتحي");
        assert_eq!(mend("فتحى", male), "فتحي");
        // Not near any lexicon name: kept.
        assert_eq!(mend("زخرفيوس", male), "زخرفيوس");
        assert_eq!(mend("", male), "");
    }

    #[test]
    fn all_known_needs_words_all_in_the_lexicon() {
        assert!(all_known("محمد"));
        assert!(all_known("محمود عبد الله"));
        assert!(!all_known("محمد زخرفيوس"));
        assert!(!all_known(""));
    }
}
