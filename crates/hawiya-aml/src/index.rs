//! Candidate index and scoring.
//!
//! Every list name becomes a sequence of token ids into a vocabulary of phonetic forms
//! ([`crate::latin_key`]). A query token is looked up in the vocabulary exactly and through a
//! deletion neighbourhood of its phonetic form and consonant skeleton (typos, vowel-less Arabic
//! transliterations), then verified with Jaro-Winkler. Postings of the matched vocabulary tokens
//! accumulate an IDF-weighted upper bound per list name; the best candidates are scored by
//! aligning tokens one to one (order-free, so reordering and dropped middle names are tolerated):
//! unmatched tokens on both sides count as a conflict, a token missing on one side only as a
//! small penalty. National ID and birth date then corroborate or refute.

use crate::nid::{is_egyptian_nid, nid_birth_date, normalize_id, Dob};
use crate::normalize::{lex_tables, name_tokens, query_forms, skeleton, token_form, TokenForm};
use crate::ListEntry;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// The shipped decision threshold on [`Hit::score`]: at or above it a hit is a match. Chosen on
/// [`crate::eval::TUNE_SEED`] (highest recall with the false-positive rate on non-listed names
/// well under 1 %); [`crate::eval::run_benchmark`] reports it on other seeds.
pub const DEFAULT_THRESHOLD: f32 = 0.80;

/// Hits below this score are not returned by [`Index::search`].
pub const MIN_SCORE: f32 = 0.5;

/// Token pairs less similar than this do not match.
const MIN_TOKEN_SIM: f32 = 0.80;
/// Similarity factor for two different known names (Ahmed/Hamed, Karim/Karima): low enough
/// that known distinct names never match.
const LEX_DISTINCT: f32 = 0.7;
/// Factor when a name part is missing on one side and the rest is not the same chain (out of
/// order, or first or last names not aligned): typically a relative sharing part of the chain.
const ORDER_PENALTY: f32 = 0.75;
/// Penalty weight per conflicting token pair (a name part on each side that matches nothing).
const BETA_CONFLICT: f32 = 2.0;
/// Extra penalty weight when the conflict is between the first (given) names.
const GIVEN_CONFLICT: f32 = 1.0;
/// Minimum token weight used for a conflict (common names still conflict).
const CONFLICT_MIN_W: f32 = 2.0;
/// Penalty weight of a list-name token absent from the query (query dropped a middle name).
const BETA_MISS_LIST: f32 = 0.25;
/// Penalty weight of a query token absent from the list name (list name is shorter).
const BETA_MISS_QUERY: f32 = 0.35;
/// Token pairs below [`MIN_TOKEN_SIM`] but at least this similar, one of them not a known name,
/// are weak pairs: counted with reduced similarity instead of as a conflict (heavy typos).
const WEAK_SIM: f32 = 0.75;
/// Similarity taken off a weak pair.
const WEAK_DROP: f32 = 0.3;
/// Factor when only one token pair matches although a name has several tokens.
const SINGLE_TOKEN: f32 = 0.75;
const W_MIN: f32 = 1.0;
const W_MAX: f32 = 7.0;
/// At most this many candidate names are fully scored per query.
const MAX_CANDIDATES: usize = 2000;
const MAX_TOKENS: usize = 16;

/// A screening query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Query {
    /// Full name, Arabic or Latin.
    pub name: String,
    /// National ID (Arabic-Indic digits allowed).
    pub national_id: Option<String>,
    /// Birth date `YYYY-MM-DD`; derived from an Egyptian national ID when absent.
    pub birth_date: Option<String>,
}

impl Query {
    /// A name-only query.
    pub fn name(name: impl Into<String>) -> Query {
        Query {
            name: name.into(),
            ..Query::default()
        }
    }
}

/// A list entry that resembles the query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Index into the entries given to [`Index::build`].
    pub entry: usize,
    /// Final score 0..1 (name adjusted by ID and birth date).
    pub score: f32,
    /// Name similarity 0..1 of the best-matching name of the entry.
    pub name_score: f32,
    /// 1 when the national IDs are equal, 0 when both are valid and differ, `None` otherwise.
    pub id_score: Option<f32>,
    /// 1 same date, 0.9 same year (list has the year only), 0.6 same year, 0.3 one year off,
    /// 0 clearly different; `None` when either side has no date.
    pub dob_score: Option<f32>,
    /// The list name that matched.
    pub matched_name: String,
}

#[derive(Debug, Clone)]
enum IdKey {
    None,
    Egyptian(String),
    Other(String),
}

/// Vocabulary of phonetic tokens.
struct Vocab {
    phon: Vec<Box<str>>,
    skel: Vec<Box<str>>,
    vowelless: Vec<bool>,
    lex: Vec<Option<u32>>,
    weight: Vec<f32>,
    map: HashMap<Box<str>, u32>,
    neigh: HashMap<u64, Vec<u32>>,
}

fn vocab_key(f: &TokenForm) -> String {
    if f.vowelless {
        format!("#{}", f.phon)
    } else {
        f.phon.clone()
    }
}

fn hkey(ns: u8, s: &str) -> u64 {
    let mut h = DefaultHasher::new();
    ns.hash(&mut h);
    s.hash(&mut h);
    h.finish()
}

/// Hash keys of a phonetic form and skeleton and their one-deletion variants.
fn neighbourhood(phon: &str, skel: &str, out: &mut Vec<u64>) {
    for (ns, s, min) in [(0u8, phon, 3usize), (1u8, skel, 3usize)] {
        if s.is_empty() {
            continue;
        }
        out.push(hkey(ns, s));
        let cs: Vec<char> = s.chars().collect();
        if cs.len() >= min {
            for i in 0..cs.len() {
                let d: String = cs
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| k != i)
                    .map(|(_, c)| *c)
                    .collect();
                out.push(hkey(ns, &d));
            }
        }
    }
}

fn jw(a: &str, b: &str) -> f32 {
    strsim::jaro_winkler(a, b) as f32
}

/// A query token with its matching vocabulary tokens.
struct QTok {
    w: f32,
    matches: Vec<(u32, f32)>,
    weak: Vec<(u32, f32)>,
}

impl QTok {
    fn sim(&self, v: u32) -> f32 {
        self.matches
            .iter()
            .find(|m| m.0 == v)
            .map(|m| m.1)
            .unwrap_or(0.0)
    }

    fn weak_sim(&self, v: u32) -> f32 {
        self.weak
            .iter()
            .find(|m| m.0 == v)
            .map(|m| m.1)
            .unwrap_or(0.0)
    }
}

/// Candidate index over list names. `Send + Sync`; build once, search from many threads.
pub struct Index {
    vocab: Vocab,
    name_entry: Vec<u32>,
    entry_name_start: Vec<u32>,
    name_tok_start: Vec<u32>,
    name_toks: Vec<u32>,
    name_text_start: Vec<u32>,
    name_text: String,
    post_start: Vec<u32>,
    post: Vec<u32>,
    ids: Vec<IdKey>,
    id_map: HashMap<Box<str>, Vec<u32>>,
    dob_start: Vec<u32>,
    dobs: Vec<Dob>,
}

thread_local! {
    static SCRATCH: RefCell<(Vec<f32>, Vec<u32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

impl Index {
    /// Indexes the names, national IDs and birth dates of `entries`.
    pub fn build(entries: &[ListEntry]) -> Index {
        let lex = lex_tables();
        let mut vocab = Vocab {
            phon: Vec::new(),
            skel: Vec::new(),
            vowelless: Vec::new(),
            lex: Vec::new(),
            weight: Vec::new(),
            map: HashMap::new(),
            neigh: HashMap::new(),
        };
        let mut tok_cache: HashMap<String, u32> = HashMap::new();
        let mut name_entry = Vec::with_capacity(entries.len() * 2);
        let mut entry_name_start = vec![0u32];
        let mut name_tok_start = vec![0u32];
        let mut name_toks: Vec<u32> = Vec::with_capacity(entries.len() * 8);
        let mut name_text_start = vec![0u32];
        let mut name_text = String::new();
        let mut ids = Vec::with_capacity(entries.len());
        let mut id_map: HashMap<Box<str>, Vec<u32>> = HashMap::new();
        let mut dob_start = vec![0u32];
        let mut dobs = Vec::new();
        let mut seqs: Vec<Vec<u32>> = Vec::new();
        for (ei, e) in entries.iter().enumerate() {
            seqs.clear();
            for name in &e.names {
                let mut toks: Vec<u32> = Vec::new();
                for t in name_tokens(name).into_iter().take(MAX_TOKENS) {
                    let id = match tok_cache.get(&t) {
                        Some(&id) => id,
                        None => {
                            let f = token_form(&t);
                            let key = vocab_key(&f);
                            let id = match vocab.map.get(key.as_str()) {
                                Some(&id) => id,
                                None => {
                                    let id = vocab.phon.len() as u32;
                                    vocab.skel.push(skeleton(&f.phon).into());
                                    vocab.phon.push(f.phon.clone().into());
                                    vocab.vowelless.push(f.vowelless);
                                    vocab.lex.push(f.lex);
                                    vocab.map.insert(key.into(), id);
                                    id
                                }
                            };
                            tok_cache.insert(t, id);
                            id
                        }
                    };
                    toks.push(id);
                }
                if toks.is_empty() {
                    continue;
                }
                let mut sorted = toks.clone();
                sorted.sort_unstable();
                if seqs.contains(&sorted) {
                    continue;
                }
                seqs.push(sorted);
                name_entry.push(ei as u32);
                name_toks.extend_from_slice(&toks);
                name_tok_start.push(name_toks.len() as u32);
                name_text.push_str(name);
                name_text_start.push(name_text.len() as u32);
            }
            let idk = e
                .national_id
                .as_deref()
                .map(normalize_id)
                .unwrap_or_default();
            let key = if idk.is_empty() {
                IdKey::None
            } else if is_egyptian_nid(&idk) {
                IdKey::Egyptian(idk.clone())
            } else {
                IdKey::Other(idk.clone())
            };
            if !idk.is_empty() {
                id_map.entry(idk.into()).or_default().push(ei as u32);
            }
            for d in &e.birth_dates {
                if let Some(x) = Dob::parse_loose(d) {
                    dobs.push(x);
                }
            }
            if dob_start.last() == Some(&(dobs.len() as u32)) {
                if let IdKey::Egyptian(n) = &key {
                    dobs.extend(nid_birth_date(n));
                }
            }
            dob_start.push(dobs.len() as u32);
            entry_name_start.push(name_entry.len() as u32);
            ids.push(key);
        }
        // Document frequencies and weights.
        let nv = vocab.phon.len();
        let mut df = vec![0u32; nv];
        let n_names = name_entry.len();
        for k in 0..n_names {
            let toks = &name_toks[name_tok_start[k] as usize..name_tok_start[k + 1] as usize];
            for (i, &t) in toks.iter().enumerate() {
                if !toks[..i].contains(&t) {
                    df[t as usize] += 1;
                }
            }
        }
        let n = n_names.max(1) as f32;
        vocab.weight = (0..nv)
            .map(|v| {
                let prior = vocab.lex[v].map(|l| lex.prior[l as usize]).unwrap_or(0.0);
                weight_of((df[v] as f32 / n).max(prior))
            })
            .collect();
        // Postings (CSR).
        let mut post_start = vec![0u32; nv + 1];
        for v in 0..nv {
            post_start[v + 1] = post_start[v] + df[v];
        }
        let mut fill = post_start.clone();
        let mut post = vec![0u32; post_start[nv] as usize];
        for k in 0..n_names {
            let toks = &name_toks[name_tok_start[k] as usize..name_tok_start[k + 1] as usize];
            for (i, &t) in toks.iter().enumerate() {
                if !toks[..i].contains(&t) {
                    post[fill[t as usize] as usize] = k as u32;
                    fill[t as usize] += 1;
                }
            }
        }
        // Deletion neighbourhoods.
        let mut keys = Vec::new();
        for v in 0..nv {
            keys.clear();
            neighbourhood(&vocab.phon[v], &vocab.skel[v], &mut keys);
            keys.sort_unstable();
            keys.dedup();
            for &k in &keys {
                vocab.neigh.entry(k).or_default().push(v as u32);
            }
        }
        Index {
            vocab,
            name_entry,
            entry_name_start,
            name_tok_start,
            name_toks,
            name_text_start,
            name_text,
            post_start,
            post,
            ids,
            id_map,
            dob_start,
            dobs,
        }
    }

    /// Number of entries indexed.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when no entry is indexed.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Number of distinct indexed names (after de-duplicating spellings with the same key).
    pub fn name_count(&self) -> usize {
        self.name_entry.len()
    }

    /// Similarity of a query token form and a vocabulary token: (final, for a weak pair); two
    /// different known names get no weak pair.
    fn token_sim(&self, f: &TokenForm, fskel: &str, v: u32) -> (f32, f32) {
        let v = v as usize;
        let (vp, vs) = (&*self.vocab.phon[v], &*self.vocab.skel[v]);
        let vv = self.vocab.vowelless[v];
        if f.vowelless == vv && f.phon == vp {
            return (1.0, 1.0);
        }
        let mut s = jw(&f.phon, vp);
        if f.vowelless != vv {
            let short = fskel.chars().count().min(vs.chars().count()) <= 2;
            let k = jw(fskel, vs) * if short { 0.85 } else { 0.93 };
            s = (s * 0.9).max(k);
        }
        let mut raw = s;
        if let (Some(a), Some(b)) = (f.lex, self.vocab.lex[v]) {
            if a != b {
                s *= LEX_DISTINCT;
                raw = 0.0;
            }
        }
        (s, raw)
    }

    /// Vocabulary tokens similar to any of the alternative forms of a query token.
    fn match_token(&self, forms: &[(TokenForm, f32)]) -> QTok {
        let mut matches: Vec<(u32, f32)> = Vec::new();
        let mut weak: Vec<(u32, f32)> = Vec::new();
        let mut keys = Vec::with_capacity(24);
        let mut cands: Vec<u32> = Vec::new();
        for (f, conf) in forms {
            let fskel = skeleton(&f.phon);
            keys.clear();
            neighbourhood(&f.phon, &fskel, &mut keys);
            cands.clear();
            for k in &keys {
                if let Some(v) = self.vocab.neigh.get(k) {
                    cands.extend_from_slice(v);
                }
            }
            cands.sort_unstable();
            cands.dedup();
            for &v in &cands {
                let (s, raw) = self.token_sim(f, &fskel, v);
                let (s, raw) = (s * conf, raw * conf);
                if s >= MIN_TOKEN_SIM {
                    match matches.iter_mut().find(|m| m.0 == v) {
                        Some(m) => m.1 = m.1.max(s),
                        None => matches.push((v, s)),
                    }
                } else if raw >= WEAK_SIM {
                    match weak.iter_mut().find(|m| m.0 == v) {
                        Some(m) => m.1 = m.1.max(raw),
                        None => weak.push((v, raw)),
                    }
                }
            }
        }
        weak.retain(|w| !matches.iter().any(|m| m.0 == w.0));
        matches.sort_by(|a, b| b.1.total_cmp(&a.1));
        let w = match matches.first() {
            Some(&(v, _)) => self.vocab.weight[v as usize],
            None => match forms.first().and_then(|f| f.0.lex) {
                Some(l) => weight_of(lex_tables().prior[l as usize]),
                None => W_MAX,
            },
        };
        QTok { w, matches, weak }
    }

    fn name_tokens_of(&self, k: usize) -> &[u32] {
        &self.name_toks[self.name_tok_start[k] as usize..self.name_tok_start[k + 1] as usize]
    }

    fn name_text_of(&self, k: usize) -> &str {
        &self.name_text[self.name_text_start[k] as usize..self.name_text_start[k + 1] as usize]
    }

    /// Name similarity of the query tokens and one indexed name.
    fn score_name(&self, q: &[QTok], toks: &[u32]) -> f32 {
        let (n, m) = (q.len(), toks.len());
        if n == 0 || m == 0 {
            return 0.0;
        }
        let mut pairs: Vec<(f32, usize, usize, f32)> = Vec::with_capacity(n * 2);
        for (i, qt) in q.iter().enumerate() {
            for (j, &t) in toks.iter().enumerate() {
                let s = qt.sim(t);
                if s > 0.0 {
                    pairs.push((s * (qt.w + self.vocab.weight[t as usize]), i, j, s));
                }
            }
        }
        // Best pairs first; among equals (repeated names such as Mohamed Mohamed) the pair
        // closest in relative position, so that chains stay aligned.
        let rel = |i: usize, len: usize| {
            if len > 1 {
                i as f32 / (len - 1) as f32
            } else {
                0.0
            }
        };
        pairs.sort_by(|a, b| {
            b.0.total_cmp(&a.0).then_with(|| {
                let da = (rel(a.1, n) - rel(a.2, m)).abs();
                let db = (rel(b.1, n) - rel(b.2, m)).abs();
                da.total_cmp(&db)
            })
        });
        let (mut used_q, mut used_c) = (0u32, 0u32);
        let (mut matched, mut full, mut count) = (0f32, 0f32, 0usize);
        let mut taken: Vec<(usize, usize)> = Vec::with_capacity(n.min(m));
        for &(_, i, j, s) in &pairs {
            if used_q & (1 << i) != 0 || used_c & (1 << j) != 0 {
                continue;
            }
            used_q |= 1 << i;
            used_c |= 1 << j;
            taken.push((i, j));
            let w = (q[i].w + self.vocab.weight[toks[j] as usize]) / 2.0;
            matched += s * w;
            full += w;
            count += 1;
        }
        if count == 0 {
            return 0.0;
        }
        // Weak pairs among the tokens left over.
        if used_q.count_ones() < n as u32 && used_c.count_ones() < m as u32 {
            let mut wp: Vec<(f32, usize, usize)> = Vec::new();
            for (i, qt) in q.iter().enumerate() {
                if used_q & (1 << i) != 0 || qt.weak.is_empty() {
                    continue;
                }
                for (j, &t) in toks.iter().enumerate() {
                    if used_c & (1 << j) == 0 {
                        let s = qt.weak_sim(t);
                        if s > 0.0 {
                            wp.push((s, i, j));
                        }
                    }
                }
            }
            wp.sort_by(|a, b| b.0.total_cmp(&a.0));
            for (s, i, j) in wp {
                if used_q & (1 << i) != 0 || used_c & (1 << j) != 0 {
                    continue;
                }
                used_q |= 1 << i;
                used_c |= 1 << j;
                taken.push((i, j));
                let w = (q[i].w + self.vocab.weight[toks[j] as usize]) / 2.0;
                matched += (s - WEAK_DROP) * w;
                full += w;
            }
        }
        let (mut uq, mut uqn, mut uc, mut ucn) = (0f32, 0usize, 0f32, 0usize);
        for (i, qt) in q.iter().enumerate() {
            if used_q & (1 << i) == 0 {
                uq += qt.w;
                uqn += 1;
            }
        }
        for (j, &t) in toks.iter().enumerate() {
            if used_c & (1 << j) == 0 {
                uc += self.vocab.weight[t as usize];
                ucn += 1;
            }
        }
        let mq = if uqn > 0 { uq / uqn as f32 } else { 0.0 };
        let mc = if ucn > 0 { uc / ucn as f32 } else { 0.0 };
        let k = uqn.min(ucn);
        let mut conflict = k as f32 * ((mq + mc) / 2.0).max(CONFLICT_MIN_W) * BETA_CONFLICT;
        if used_q & 1 == 0 && used_c & 1 == 0 {
            // Different given names: siblings and cousins share the rest of the chain.
            let w0 = (q[0].w + self.vocab.weight[toks[0] as usize]) / 2.0;
            conflict += w0.max(CONFLICT_MIN_W) * GIVEN_CONFLICT;
        }
        let miss_list = (ucn - k) as f32 * mc * BETA_MISS_LIST;
        let miss_query = (uqn - k) as f32 * mq * BETA_MISS_QUERY;
        let mut s = matched / (full + conflict + miss_list + miss_query);
        if count < 2 && n.max(m) >= 2 {
            s *= SINGLE_TOKEN;
        }
        if (uqn > 0 || ucn > 0) && count >= 2 && !chain_consistent(&mut taken, n, m, uqn != ucn) {
            s *= ORDER_PENALTY;
        }
        s
    }

    fn entry_dobs(&self, e: usize) -> &[Dob] {
        &self.dobs[self.dob_start[e] as usize..self.dob_start[e + 1] as usize]
    }

    /// Screens a query: hits sorted by score (descending), at most `limit`, all ≥ [`MIN_SCORE`].
    pub fn search(&self, q: &Query, limit: usize) -> Vec<Hit> {
        let qtoks: Vec<QTok> = name_tokens(&q.name)
            .iter()
            .take(MAX_TOKENS)
            .map(|t| self.match_token(&query_forms(t)))
            .collect();
        let qid = q
            .national_id
            .as_deref()
            .map(normalize_id)
            .filter(|s| !s.is_empty());
        let qdob = q
            .birth_date
            .as_deref()
            .and_then(Dob::parse_loose)
            .or_else(|| qid.as_deref().and_then(nid_birth_date));

        // Candidate names: accumulated upper bound, then the best MAX_CANDIDATES.
        let wq: f32 = qtoks.iter().map(|t| t.w).sum();
        let floor = wq * BETA_MISS_QUERY / (1.0 + BETA_MISS_QUERY) * 0.95;
        let mut cands: Vec<(f32, u32)> = SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let (acc, touched) = &mut *s;
            if acc.len() < self.name_entry.len() {
                acc.resize(self.name_entry.len(), 0.0);
            }
            touched.clear();
            for qt in &qtoks {
                for &(v, sim) in &qt.matches {
                    let add = qt.w * sim;
                    let (a, b) = (
                        self.post_start[v as usize] as usize,
                        self.post_start[v as usize + 1] as usize,
                    );
                    for &k in &self.post[a..b] {
                        let slot = &mut acc[k as usize];
                        if *slot == 0.0 {
                            touched.push(k);
                        }
                        *slot += add;
                    }
                }
            }
            let mut out = Vec::new();
            for &k in touched.iter() {
                let a = acc[k as usize];
                if a >= floor {
                    out.push((a, k));
                }
                acc[k as usize] = 0.0;
            }
            out
        });
        if cands.len() > MAX_CANDIDATES {
            cands.select_nth_unstable_by(MAX_CANDIDATES, |a, b| b.0.total_cmp(&a.0));
            cands.truncate(MAX_CANDIDATES);
        }
        let mut names: Vec<u32> = cands.into_iter().map(|c| c.1).collect();
        // Entries with the same ID number are always scored.
        let id_entries: &[u32] = qid
            .as_deref()
            .and_then(|k| self.id_map.get(k))
            .map(|v| v.as_slice())
            .unwrap_or(&[]);
        for &e in id_entries {
            let e = e as usize;
            names.extend(self.entry_name_start[e]..self.entry_name_start[e + 1]);
        }
        // Best name per entry.
        let mut best: HashMap<u32, (f32, u32)> = HashMap::with_capacity(names.len());
        for k in names {
            let s = self.score_name(&qtoks, self.name_tokens_of(k as usize));
            let e = self.name_entry[k as usize];
            let slot = best.entry(e).or_insert((-1.0, k));
            if s > slot.0 {
                *slot = (s, k);
            }
        }
        let qid_egy = qid.as_deref().filter(|s| is_egyptian_nid(s));
        let mut hits: Vec<Hit> = best
            .into_iter()
            .filter_map(|(e, (name_score, k))| {
                let e = e as usize;
                let id_score = match (&self.ids[e], qid.as_deref()) {
                    (IdKey::Egyptian(a), Some(b)) if a == b => Some(1.0),
                    (IdKey::Other(a), Some(b)) if a == b => Some(1.0),
                    (IdKey::Egyptian(_), Some(_)) if qid_egy.is_some() => Some(0.0),
                    _ => None,
                };
                let dob_score = qdob.and_then(|d| dob_score(d, self.entry_dobs(e)));
                let score = combine(name_score, id_score, dob_score);
                (score >= MIN_SCORE).then(|| Hit {
                    entry: e,
                    score,
                    name_score,
                    id_score,
                    dob_score,
                    matched_name: self.name_text_of(k as usize).to_string(),
                })
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        hits.truncate(limit);
        hits
    }
}

/// True when the aligned tokens keep their order; with a name part missing on one side
/// (`anchored`), the first names and the last names must also be aligned (or both unaligned),
/// as they are when middle names are dropped from an Egyptian name chain.
fn chain_consistent(pairs: &mut [(usize, usize)], n: usize, m: usize, anchored: bool) -> bool {
    pairs.sort_unstable();
    if !pairs.windows(2).all(|w| w[0].1 < w[1].1) {
        return false;
    }
    if !anchored {
        return true;
    }
    let (first, last) = (pairs[0], pairs[pairs.len() - 1]);
    let first_ok = first == (0, 0) || (first.0 > 0 && first.1 > 0);
    let last_ok = last == (n - 1, m - 1) || (last.0 < n - 1 && last.1 < m - 1);
    first_ok && last_ok
}

fn weight_of(p: f32) -> f32 {
    (-(p.max(1e-9)).ln()).clamp(W_MIN, W_MAX)
}

/// Birth-date agreement (see [`Hit::dob_score`]).
fn dob_score(q: Dob, list: &[Dob]) -> Option<f32> {
    list.iter()
        .map(|&l| {
            let dy = (q.year as i32 - l.year as i32).abs();
            if q.is_full() && l.is_full() {
                if q == l {
                    1.0
                } else if dy == 0 {
                    0.6
                } else if dy == 1 {
                    0.3
                } else {
                    0.0
                }
            } else if dy == 0 {
                0.9
            } else if dy == 1 {
                0.4
            } else {
                0.0
            }
        })
        .max_by(f32::total_cmp)
}

/// Final score from the name score and the ID and birth-date evidence.
fn combine(name: f32, id: Option<f32>, dob: Option<f32>) -> f32 {
    let mut s = name;
    match id {
        Some(x) if x >= 1.0 => {
            let ramp = ((name - 0.3) / 0.3).clamp(0.0, 1.0);
            s = (s + (1.0 - s) * 0.8 * ramp).max(0.6);
        }
        Some(_) => s *= 0.7,
        None => {}
    }
    match dob {
        Some(d) if d >= 0.99 => s += (1.0 - s) * 0.35,
        Some(d) if d >= 0.85 => s += (1.0 - s) * 0.2,
        Some(d) if d >= 0.5 => {}
        Some(d) if d >= 0.25 => s *= 0.95,
        Some(_) => s *= 0.8,
        None => {}
    }
    s.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, names: &[&str], nid: Option<&str>, dob: Option<&str>) -> ListEntry {
        ListEntry {
            entry_id: id.into(),
            names: names.iter().map(|s| s.to_string()).collect(),
            national_id: nid.map(str::to_string),
            birth_dates: dob.into_iter().map(str::to_string).collect(),
            ..ListEntry::default()
        }
    }

    fn sample() -> Vec<ListEntry> {
        vec![
            entry(
                "1",
                &[
                    "Ahmed Mohamed Abdel Rahman El Sayed",
                    "أحمد محمد عبد الرحمن السيد",
                ],
                Some("29001011234567"),
                Some("1990-01-01"),
            ),
            entry("2", &["Mahmoud Ali Hassan Ibrahim"], None, Some("1975")),
            entry("3", &["فاطمة حسن يوسف الشاذلي"], None, None),
            entry(
                "4",
                &["Mohamed Ahmed Khalil Fahmy"],
                Some("28505051234561"),
                None,
            ),
            entry("5", &["John Smith"], None, None),
        ]
    }

    fn top(idx: &Index, q: &Query) -> Option<Hit> {
        idx.search(q, 5).into_iter().next()
    }

    #[test]
    fn exact_and_variant_names_match() {
        let idx = Index::build(&sample());
        for (q, want) in [
            ("Ahmed Mohamed Abdel Rahman El Sayed", 0),
            ("Ahmad Muhammad Abdulrahman Elsayed", 0),
            ("احمد محمد عبدالرحمن السيد", 0),
            ("Ahmed Abdel Rahman El Sayed", 0),
            ("El Sayed Ahmed Mohamed Abdel Rahman", 0),
            ("Mahmud Aly Hasan Ibrahim", 1),
            ("Fatma Hassan Youssef El Shazly", 2),
            ("فاطمه حسن يوسف الشاذلى", 2),
            ("Jonh Smith", 4),
        ] {
            let h = top(&idx, &Query::name(q)).unwrap_or_else(|| panic!("no hit for {q}"));
            assert_eq!(h.entry, want, "{q}: {h:?}");
            assert!(h.score >= DEFAULT_THRESHOLD, "{q}: {h:?}");
        }
    }

    #[test]
    fn different_people_do_not_match() {
        let idx = Index::build(&sample());
        for q in [
            "Omar Khaled Tarek Mansour",
            "Mohamed Ahmed",
            "Mahmoud Ali Hassan Zaghloul Shehata",
            "Mostafa Ali Hassan Ibrahim",
        ] {
            let hits = idx.search(&Query::name(q), 5);
            assert!(
                hits.iter().all(|h| h.score < DEFAULT_THRESHOLD),
                "{q}: {hits:?}"
            );
        }
    }

    #[test]
    fn national_id_corroborates_and_refutes() {
        let idx = Index::build(&sample());
        let name = "Mohamed Ahmed Khalil";
        let plain = top(&idx, &Query::name(name)).unwrap();
        let with_id = top(
            &idx,
            &Query {
                name: name.into(),
                national_id: Some("٢٨٥٠٥٠٥١٢٣٤٥٦١".into()),
                birth_date: None,
            },
        )
        .unwrap();
        assert_eq!(with_id.id_score, Some(1.0));
        assert!(with_id.score > plain.score);
        assert!(with_id.score >= DEFAULT_THRESHOLD, "{with_id:?}");
        let other = top(
            &idx,
            &Query {
                name: "Ahmed Mohamed Abdel Rahman El Sayed".into(),
                national_id: Some("29512121234565".into()),
                birth_date: None,
            },
        )
        .unwrap();
        assert_eq!(other.id_score, Some(0.0));
        assert_eq!(other.dob_score, Some(0.0));
        assert!(other.score < DEFAULT_THRESHOLD, "{other:?}");
    }

    #[test]
    fn birth_date_corroborates_and_refutes() {
        let idx = Index::build(&sample());
        let q = |d: &str| Query {
            name: "Mahmoud Ali Hassan".into(),
            national_id: None,
            birth_date: Some(d.into()),
        };
        let same = top(&idx, &q("1975-06-01")).unwrap();
        let diff = top(&idx, &q("1990-06-01"));
        assert_eq!(same.dob_score, Some(0.9));
        assert!(diff.is_none_or(|d| d.score < same.score && d.dob_score == Some(0.0)));
    }

    #[test]
    fn index_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Index>();
    }
}
