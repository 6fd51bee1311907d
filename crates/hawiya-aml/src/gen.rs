//! Seeded synthetic lists of (mostly Egyptian) persons, and writers for every import format.
//!
//! No current sanctions list ships in any package, so tests and the benchmark build their own:
//! [`Generator`] draws names from the [`crate::lexicon`] with realistic frequencies (given name,
//! father, grandfather, optional great-grandfather, family or great-grandfather name), birth
//! dates and structurally valid national IDs; [`synthetic_list`] turns persons into
//! [`ListEntry`] values with Latin-only, Arabic-only or bilingual names; the `write_*` functions
//! write entries in each import format.

use crate::lexicon::{self, LexName, NameKind};
use crate::nid::{make_nid, Dob, GOVERNORATES};
use crate::normalize::is_arabic_char;
use crate::ListEntry;
use quick_xml::escape::escape;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// One part of a generated name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Part {
    /// A lexicon name (Arabic and Latin spellings).
    Lex(&'static LexName),
    /// A non-Arab name (Latin only).
    Foreign(&'static str),
}

impl Part {
    /// Arabic spelling, if any.
    pub fn arabic(&self) -> Option<&'static str> {
        match self {
            Part::Lex(n) => Some(n.ar),
            Part::Foreign(_) => None,
        }
    }

    /// Latin spelling number `i` (clamped).
    pub fn latin(&self, i: usize) -> &'static str {
        match self {
            Part::Lex(n) => n.latin[i.min(n.latin.len() - 1)],
            Part::Foreign(s) => s,
        }
    }

    /// Number of Latin spellings.
    pub fn spellings(&self) -> usize {
        match self {
            Part::Lex(n) => n.latin.len(),
            Part::Foreign(_) => 1,
        }
    }

    /// True for compound names (`عبد الرحمن`, `Abu Bakr`, `Nour El Din`, `El Sayed`).
    pub fn is_compound(&self) -> bool {
        match self {
            Part::Lex(n) => n.ar.contains(' ') || n.ar.starts_with("ال"),
            Part::Foreign(_) => false,
        }
    }
}

/// A generated person.
#[derive(Debug, Clone)]
pub struct Person {
    /// Name parts in Egyptian order (given, father, grandfather, …, family).
    pub parts: Vec<Part>,
    /// Female.
    pub female: bool,
    /// Non-Arab name (Latin only).
    pub foreign: bool,
    /// Birth date.
    pub dob: Dob,
    /// A valid 14-digit Egyptian national ID consistent with the birth date.
    pub nid: String,
}

impl Person {
    /// Arabic full name (`None` for foreign names).
    pub fn arabic_name(&self) -> Option<String> {
        let parts: Option<Vec<&str>> = self.parts.iter().map(Part::arabic).collect();
        parts.map(|p| p.join(" "))
    }

    /// Latin full name with the given spelling index per part.
    pub fn latin_name(&self, spellings: &[usize]) -> String {
        self.parts
            .iter()
            .enumerate()
            .map(|(i, p)| p.latin(spellings.get(i).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Which scripts a synthetic list entry carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Latin name only (OFAC/UN/EU/UK style).
    Latin,
    /// Arabic name only (tenant blacklist style).
    Arabic,
    /// Latin primary name and Arabic alias.
    Both,
}

/// Weighted sampler over lexicon names.
struct Sampler {
    names: &'static [LexName],
    cdf: Vec<u32>,
}

impl Sampler {
    fn new(names: &'static [LexName]) -> Sampler {
        let mut acc = 0;
        let cdf = names
            .iter()
            .map(|n| {
                acc += n.freq as u32;
                acc
            })
            .collect();
        Sampler { names, cdf }
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> &'static LexName {
        let x = rng.gen_range(0..*self.cdf.last().unwrap());
        let i = self.cdf.partition_point(|&c| c <= x);
        &self.names[i]
    }
}

/// Seeded person generator.
pub struct Generator {
    /// The random source (public so that callers can draw consistent extra choices).
    pub rng: ChaCha8Rng,
    male: Sampler,
    female: Sampler,
    family: Sampler,
}

impl Generator {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Generator {
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            male: Sampler::new(lexicon::MALE),
            female: Sampler::new(lexicon::FEMALE),
            family: Sampler::new(lexicon::FAMILY),
        }
    }

    /// A random male given name.
    pub fn male_name(&mut self) -> &'static LexName {
        self.male.sample(&mut self.rng)
    }

    /// A random name of the same kind as `like`, different from it.
    pub fn other_name(&mut self, like: &LexName) -> &'static LexName {
        loop {
            let s = match like.kind {
                NameKind::Male => &self.male,
                NameKind::Female => &self.female,
                NameKind::Family => &self.family,
            };
            let n = s.sample(&mut self.rng);
            if n.ar != like.ar && n.latin[0] != like.latin[0] {
                return n;
            }
        }
    }

    /// A random person: 8 % foreign names, else an Egyptian name of 3–5 parts.
    pub fn person(&mut self) -> Person {
        let rng = &mut self.rng;
        let female = rng.gen_bool(0.5);
        let year = rng.gen_range(1945..=2006u16);
        let dob = Dob {
            year,
            month: rng.gen_range(1..=12),
            day: rng.gen_range(1..=28),
        };
        let gov = GOVERNORATES[rng.gen_range(0..GOVERNORATES.len())];
        let nid = make_nid(
            dob,
            gov,
            rng.gen_range(0..1000),
            !female,
            rng.gen_range(0..5),
        );
        if rng.gen_bool(0.08) {
            let g = lexicon::FOREIGN_GIVEN[rng.gen_range(0..lexicon::FOREIGN_GIVEN.len())];
            let f = lexicon::FOREIGN_FAMILY[rng.gen_range(0..lexicon::FOREIGN_FAMILY.len())];
            let mut parts = vec![Part::Foreign(g)];
            if rng.gen_bool(0.3) {
                let m = lexicon::FOREIGN_GIVEN[rng.gen_range(0..lexicon::FOREIGN_GIVEN.len())];
                if m != g {
                    parts.push(Part::Foreign(m));
                }
            }
            parts.push(Part::Foreign(f));
            return Person {
                parts,
                female,
                foreign: true,
                dob,
                nid,
            };
        }
        let n_parts = match rng.gen_range(0..100) {
            0..=24 => 3,
            25..=84 => 4,
            _ => 5,
        };
        let mut parts = Vec::with_capacity(n_parts);
        parts.push(Part::Lex(if female {
            self.female.sample(&mut self.rng)
        } else {
            self.male.sample(&mut self.rng)
        }));
        for _ in 1..n_parts - 1 {
            parts.push(Part::Lex(self.male.sample(&mut self.rng)));
        }
        parts.push(Part::Lex(if self.rng.gen_bool(0.5) {
            self.family.sample(&mut self.rng)
        } else {
            self.male.sample(&mut self.rng)
        }));
        Person {
            parts,
            female,
            foreign: false,
            dob,
            nid,
        }
    }

    /// A Latin spelling index: the usual spelling half the time, else any.
    pub fn spelling(&mut self, part: &Part) -> usize {
        if part.spellings() <= 1 || self.rng.gen_bool(0.5) {
            0
        } else {
            self.rng.gen_range(0..part.spellings())
        }
    }
}

/// A synthetic list: entries and the persons and spellings behind them.
pub struct SyntheticList {
    /// The list entries (`entries[i]` is `persons[i]`).
    pub entries: Vec<ListEntry>,
    /// The persons.
    pub persons: Vec<Person>,
    /// Scripts of each entry.
    pub scripts: Vec<Script>,
    /// Latin spelling index per part of each entry's primary Latin name.
    pub spellings: Vec<Vec<usize>>,
}

/// `n` synthetic entries for `seed`: 40 % Latin only, 25 % Arabic only, 35 % both; 20 % with a
/// second Latin spelling as alias; 70 % with the national ID, 85 % with a birth date (a tenth of
/// those year only); case number, year and record date on all.
pub fn synthetic_list(seed: u64, n: usize) -> SyntheticList {
    let mut g = Generator::new(seed);
    let mut out = SyntheticList {
        entries: Vec::with_capacity(n),
        persons: Vec::with_capacity(n),
        scripts: Vec::with_capacity(n),
        spellings: Vec::with_capacity(n),
    };
    for i in 0..n {
        let p = g.person();
        let script = if p.foreign {
            Script::Latin
        } else {
            match g.rng.gen_range(0..100) {
                0..=39 => Script::Latin,
                40..=64 => Script::Arabic,
                _ => Script::Both,
            }
        };
        let spell: Vec<usize> = p.parts.clone().iter().map(|pt| g.spelling(pt)).collect();
        let mut names = Vec::new();
        if script != Script::Arabic {
            names.push(p.latin_name(&spell));
        }
        if script != Script::Latin {
            names.push(p.arabic_name().unwrap_or_default());
        }
        if script != Script::Arabic && g.rng.gen_bool(0.2) {
            let alt: Vec<usize> = p.parts.clone().iter().map(|pt| g.spelling(pt)).collect();
            let a = p.latin_name(&alt);
            if !names.contains(&a) {
                names.push(a);
            }
        }
        let rng = &mut g.rng;
        let national_id = rng.gen_bool(0.7).then(|| p.nid.clone());
        let birth_dates = if rng.gen_bool(0.85) {
            if rng.gen_bool(0.1) {
                vec![Dob::year_only(p.dob.year).to_iso()]
            } else {
                vec![p.dob.to_iso()]
            }
        } else {
            Vec::new()
        };
        let case_year = rng.gen_range(2005..=2025);
        out.entries.push(ListEntry {
            entry_id: (i + 1).to_string(),
            names,
            national_id,
            birth_dates,
            case_no: Some(format!("{}", rng.gen_range(100..99_999))),
            case_year: Some(case_year),
            record_date: Some(format!(
                "{case_year}-{:02}-{:02}",
                rng.gen_range(1..=12),
                rng.gen_range(1..=28)
            )),
            program: None,
            remarks: None,
        });
        out.persons.push(p);
        out.scripts.push(script);
        out.spellings.push(spell);
    }
    out
}

fn has_arabic(s: &str) -> bool {
    s.chars().any(is_arabic_char)
}

/// Splits a name into (given names, surname = last word).
fn split_last(name: &str) -> (String, String) {
    let toks: Vec<&str> = name.split_whitespace().collect();
    match toks.split_last() {
        Some((last, rest)) => (rest.join(" "), last.to_string()),
        None => (String::new(), String::new()),
    }
}

fn ofac_date(d: &Dob) -> String {
    const M: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    if d.is_full() {
        format!("{:02} {} {}", d.day, M[d.month as usize - 1], d.year)
    } else {
        d.year.to_string()
    }
}

fn ent_num(e: &ListEntry, i: usize) -> String {
    if e.entry_id.parse::<u64>().is_ok() {
        e.entry_id.clone()
    } else {
        (i + 1).to_string()
    }
}

fn ofac_last_first(name: &str) -> String {
    let (first, last) = split_last(name);
    if first.is_empty() {
        last.to_uppercase()
    } else {
        format!("{}, {first}", last.to_uppercase())
    }
}

fn io_err(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// Writes `sdn.csv`, `alt.csv` and `add.csv` (OFAC column layout, no header, `-0-` for null)
/// into `dir`. Birth dates and the national ID go into `Remarks` as OFAC does.
pub fn write_ofac_csv(dir: &Path, entries: &[ListEntry]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let null = "-0- ";
    let mut sdn = csv::Writer::from_path(dir.join("sdn.csv")).map_err(io_err)?;
    let mut alt = csv::Writer::from_path(dir.join("alt.csv")).map_err(io_err)?;
    let mut add = csv::Writer::from_path(dir.join("add.csv")).map_err(io_err)?;
    let mut alt_num = 1000;
    for (i, e) in entries.iter().enumerate() {
        let ent = ent_num(e, i);
        let mut remarks: Vec<String> = Vec::new();
        for d in e.birth_dates.iter().filter_map(|d| Dob::parse_iso(d)) {
            remarks.push(format!("DOB {}", ofac_date(&d)));
        }
        if let Some(id) = &e.national_id {
            remarks.push(format!("National ID No. {id} (Egypt)"));
        }
        if let Some(r) = &e.remarks {
            remarks.push(r.clone());
        }
        let remarks = if remarks.is_empty() {
            null.to_string()
        } else {
            format!("{}.", remarks.join("; "))
        };
        let name = e
            .names
            .first()
            .map(|n| ofac_last_first(n))
            .unwrap_or_default();
        let program = e.program.clone().unwrap_or_else(|| "SDGT".into());
        sdn.write_record([
            ent.as_str(),
            &name,
            "individual",
            &program,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            &remarks,
        ])
        .map_err(io_err)?;
        for a in e.names.iter().skip(1) {
            alt_num += 1;
            alt.write_record([
                ent.as_str(),
                &alt_num.to_string(),
                "aka",
                &ofac_last_first(a),
                null,
            ])
            .map_err(io_err)?;
        }
        add.write_record([
            ent.as_str(),
            &(i + 1).to_string(),
            null,
            "Cairo",
            "Egypt",
            null,
        ])
        .map_err(io_err)?;
    }
    sdn.flush()?;
    alt.flush()?;
    add.flush()?;
    Ok(())
}

/// Writes a legacy `SDN.XML` (`sdnList/sdnEntry` with names, akaList, dateOfBirthList, idList).
pub fn write_ofac_xml(path: &Path, entries: &[ListEntry]) -> std::io::Result<()> {
    let mut s = String::from(
        "<?xml version=\"1.0\" standalone=\"yes\"?>\n<sdnList xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns=\"http://tempuri.org/sdnList.xsd\">\n",
    );
    let _ = writeln!(
        s,
        "  <publshInformation><Publish_Date>11/25/2026</Publish_Date><Record_Count>{}</Record_Count></publshInformation>",
        entries.len()
    );
    let mut uid = 100_000;
    for (i, e) in entries.iter().enumerate() {
        let (first, last) = split_last(e.names.first().map(String::as_str).unwrap_or(""));
        s.push_str("  <sdnEntry>\n");
        let _ = writeln!(s, "    <uid>{}</uid>", ent_num(e, i));
        if !first.is_empty() {
            let _ = writeln!(s, "    <firstName>{}</firstName>", escape(first.as_str()));
        }
        let _ = writeln!(s, "    <lastName>{}</lastName>", escape(last.as_str()));
        s.push_str("    <sdnType>Individual</sdnType>\n");
        let _ = writeln!(
            s,
            "    <programList><program>{}</program></programList>",
            escape(e.program.as_deref().unwrap_or("SDGT"))
        );
        if let Some(id) = &e.national_id {
            uid += 1;
            let _ = writeln!(
                s,
                "    <idList><id><uid>{uid}</uid><idType>National ID No.</idType><idNumber>{}</idNumber><idCountry>Egypt</idCountry></id></idList>",
                escape(id.as_str())
            );
        }
        if e.names.len() > 1 {
            s.push_str("    <akaList>\n");
            for a in &e.names[1..] {
                uid += 1;
                let (f, l) = split_last(a);
                let _ = write!(
                    s,
                    "      <aka><uid>{uid}</uid><type>a.k.a.</type><category>strong</category>"
                );
                if !f.is_empty() {
                    let _ = write!(s, "<firstName>{}</firstName>", escape(f.as_str()));
                }
                let _ = writeln!(s, "<lastName>{}</lastName></aka>", escape(l.as_str()));
            }
            s.push_str("    </akaList>\n");
        }
        if !e.birth_dates.is_empty() {
            s.push_str("    <dateOfBirthList>\n");
            for (k, d) in e
                .birth_dates
                .iter()
                .filter_map(|d| Dob::parse_iso(d))
                .enumerate()
            {
                uid += 1;
                let _ = writeln!(
                    s,
                    "      <dateOfBirthItem><uid>{uid}</uid><dateOfBirth>{}</dateOfBirth><mainEntry>{}</mainEntry></dateOfBirthItem>",
                    ofac_date(&d),
                    k == 0
                );
            }
            s.push_str("    </dateOfBirthList>\n");
        }
        if let Some(r) = &e.remarks {
            let _ = writeln!(s, "    <remarks>{}</remarks>", escape(r.as_str()));
        }
        s.push_str("  </sdnEntry>\n");
    }
    s.push_str("</sdnList>\n");
    std::fs::write(path, s)
}

/// Writes a UN Security Council consolidated list (`CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL`).
/// The primary name is split over `FIRST_NAME`…`FOURTH_NAME`; an Arabic name goes to
/// `NAME_ORIGINAL_SCRIPT`, other names to `INDIVIDUAL_ALIAS`.
pub fn write_un_xml(path: &Path, entries: &[ListEntry]) -> std::io::Result<()> {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CONSOLIDATED_LIST xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\"https://scsanctions.un.org/resources/xml/sc-sanctions.xsd\" dateGenerated=\"2026-11-25T00:00:00.000Z\">\n<INDIVIDUALS>\n",
    );
    for (i, e) in entries.iter().enumerate() {
        let primary = e.names.first().cloned().unwrap_or_default();
        let toks: Vec<&str> = primary.split_whitespace().collect();
        let mut fields: Vec<String> = toks.iter().take(3).map(|t| t.to_string()).collect();
        if toks.len() > 3 {
            fields.push(toks[3..].join(" "));
        }
        s.push_str("  <INDIVIDUAL>\n");
        let _ = writeln!(
            s,
            "    <DATAID>{}</DATAID>\n    <VERSIONNUM>1</VERSIONNUM>",
            6_900_000 + i
        );
        for (k, tag) in ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
            .iter()
            .enumerate()
        {
            match fields.get(k) {
                Some(v) => {
                    let _ = writeln!(s, "    <{tag}>{}</{tag}>", escape(v.as_str()));
                }
                None => {
                    let _ = writeln!(s, "    <{tag}/>");
                }
            }
        }
        let _ = writeln!(
            s,
            "    <UN_LIST_TYPE>{}</UN_LIST_TYPE>",
            escape(e.program.as_deref().unwrap_or("Al-Qaida"))
        );
        let refno = e
            .case_no
            .clone()
            .unwrap_or_else(|| format!("QDi.{:03}", i + 1));
        let _ = writeln!(
            s,
            "    <REFERENCE_NUMBER>{}</REFERENCE_NUMBER>",
            escape(refno.as_str())
        );
        if let Some(d) = &e.record_date {
            let _ = writeln!(s, "    <LISTED_ON>{}</LISTED_ON>", escape(d.as_str()));
        }
        let arabic = e.names.iter().skip(1).find(|n| has_arabic(n));
        if let Some(a) = arabic {
            let _ = writeln!(
                s,
                "    <NAME_ORIGINAL_SCRIPT>{}</NAME_ORIGINAL_SCRIPT>",
                escape(a.as_str())
            );
        }
        if let Some(r) = &e.remarks {
            let _ = writeln!(s, "    <COMMENTS1>{}</COMMENTS1>", escape(r.as_str()));
        }
        s.push_str("    <NATIONALITY><VALUE>Egypt</VALUE></NATIONALITY>\n    <LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE>\n");
        for a in e.names.iter().skip(1).filter(|n| Some(*n) != arabic) {
            let _ = writeln!(
                s,
                "    <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>{}</ALIAS_NAME></INDIVIDUAL_ALIAS>",
                escape(a.as_str())
            );
        }
        for d in e.birth_dates.iter().filter_map(|d| Dob::parse_iso(d)) {
            if d.is_full() {
                let _ = writeln!(
                    s,
                    "    <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>{}</DATE></INDIVIDUAL_DATE_OF_BIRTH>",
                    d.to_iso()
                );
            } else {
                let _ = writeln!(
                    s,
                    "    <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>{}</YEAR></INDIVIDUAL_DATE_OF_BIRTH>",
                    d.year
                );
            }
        }
        if let Some(id) = &e.national_id {
            let _ = writeln!(
                s,
                "    <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>National Identification Number</TYPE_OF_DOCUMENT><NUMBER>{}</NUMBER><ISSUING_COUNTRY>Egypt</ISSUING_COUNTRY></INDIVIDUAL_DOCUMENT>",
                escape(id.as_str())
            );
        }
        s.push_str("  </INDIVIDUAL>\n");
    }
    s.push_str("</INDIVIDUALS>\n<ENTITIES>\n  <ENTITY><DATAID>1</DATAID><FIRST_NAME>SOME FRONT COMPANY</FIRST_NAME></ENTITY>\n</ENTITIES>\n</CONSOLIDATED_LIST>\n");
    std::fs::write(path, s)
}

/// Writes an EU consolidated list (`export/sanctionEntity` with `nameAlias@wholeName`,
/// `birthdate@birthdate`, `identification@number`).
pub fn write_eu_xml(path: &Path, entries: &[ListEntry]) -> std::io::Result<()> {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<export xmlns=\"http://eu.europa.ec/fpi/fsd/export\" generationDate=\"2026-11-25T00:00:00.000+01:00\" globalFileId=\"1\">\n",
    );
    for (i, e) in entries.iter().enumerate() {
        let eu_ref = e
            .case_no
            .clone()
            .unwrap_or_else(|| format!("EU.{}.{}", i + 1, 27));
        let _ = writeln!(
            s,
            "  <sanctionEntity designationDetails=\"\" unitedNationId=\"\" euReferenceNumber=\"{}\" logicalId=\"{}\">",
            escape(eu_ref.as_str()),
            ent_num(e, i)
        );
        let _ = writeln!(
            s,
            "    <regulation regulationType=\"regulation\" organisationType=\"council\" publicationDate=\"{}\" entryIntoForceDate=\"{}\" numberTitle=\"2011/172 (OJ L76)\" programme=\"{}\" logicalId=\"{}\"/>",
            escape(e.record_date.as_deref().unwrap_or("2011-03-22")),
            escape(e.record_date.as_deref().unwrap_or("2011-03-22")),
            escape(e.program.as_deref().unwrap_or("EGY")),
            10_000 + i
        );
        s.push_str("    <subjectType code=\"person\" classificationCode=\"P\"/>\n");
        for (k, n) in e.names.iter().enumerate() {
            let (first, last) = split_last(n);
            let lang = if has_arabic(n) { "AR" } else { "" };
            let _ = writeln!(
                s,
                "    <nameAlias firstName=\"{}\" middleName=\"\" lastName=\"{}\" wholeName=\"{}\" function=\"\" gender=\"\" title=\"\" nameLanguage=\"{lang}\" strong=\"true\" regulationLanguage=\"en\" logicalId=\"{}\"/>",
                escape(first.as_str()),
                escape(last.as_str()),
                escape(n.as_str()),
                20_000 + i * 10 + k
            );
        }
        for d in e.birth_dates.iter().filter_map(|d| Dob::parse_iso(d)) {
            if d.is_full() {
                let _ = writeln!(
                    s,
                    "    <birthdate circa=\"false\" calendarType=\"GREGORIAN\" city=\"Cairo\" birthdate=\"{}\" dayOfMonth=\"{}\" monthOfYear=\"{}\" year=\"{}\" countryIso2Code=\"EG\" countryDescription=\"EGYPT\"/>",
                    d.to_iso(),
                    d.day,
                    d.month,
                    d.year
                );
            } else {
                let _ = writeln!(
                    s,
                    "    <birthdate circa=\"true\" calendarType=\"GREGORIAN\" year=\"{}\" countryIso2Code=\"EG\"/>",
                    d.year
                );
            }
        }
        if let Some(id) = &e.national_id {
            let _ = writeln!(
                s,
                "    <identification diplomatic=\"false\" knownExpired=\"false\" knownFalse=\"false\" number=\"{}\" identificationTypeCode=\"id\" identificationTypeDescription=\"National identification card\" countryIso2Code=\"EG\"/>",
                escape(id.as_str())
            );
        }
        if let Some(r) = &e.remarks {
            let _ = writeln!(s, "    <remark>{}</remark>", escape(r.as_str()));
        }
        s.push_str("  </sanctionEntity>\n");
    }
    s.push_str("</export>\n");
    std::fs::write(path, s)
}

/// UK consolidated list columns, in the published order.
pub const UK_COLUMNS: [&str; 36] = [
    "Name 6",
    "Name 1",
    "Name 2",
    "Name 3",
    "Name 4",
    "Name 5",
    "Title",
    "Name Non-Latin Script",
    "Non-Latin Script Type",
    "Non-Latin Script Language",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Number",
    "Passport Details",
    "National Identification Number",
    "National Identification Details",
    "Position",
    "Address 1",
    "Address 2",
    "Address 3",
    "Address 4",
    "Address 5",
    "Address 6",
    "Post/Zip Code",
    "Country",
    "Other Information",
    "Group Type",
    "Alias Type",
    "Alias Quality",
    "Regime",
    "Listed On",
    "UK Sanctions List Date Designated",
    "Last Updated",
    "Group ID",
];

fn uk_date(d: &Dob) -> String {
    if d.is_full() {
        format!("{:02}/{:02}/{}", d.day, d.month, d.year)
    } else {
        format!("00/00/{}", d.year)
    }
}

/// Writes a UK consolidated list CSV: a `Last Updated` line, the header, then one row per name
/// (primary name first) with `Group ID` tying rows to a person; an Arabic name goes to
/// `Name Non-Latin Script`.
pub fn write_uk_csv(path: &Path, entries: &[ListEntry]) -> std::io::Result<()> {
    let f = std::fs::File::create(path)?;
    let mut w = std::io::BufWriter::new(f);
    writeln!(w, "Last Updated,25/11/2026")?;
    let mut c = csv::WriterBuilder::new().flexible(true).from_writer(w);
    c.write_record(UK_COLUMNS).map_err(io_err)?;
    let col = |name: &str| UK_COLUMNS.iter().position(|c| *c == name).unwrap();
    for (i, e) in entries.iter().enumerate() {
        let gid = ent_num(e, i);
        let latin: Vec<&String> = e.names.iter().filter(|n| !has_arabic(n)).collect();
        let arabic: Vec<&String> = e.names.iter().filter(|n| has_arabic(n)).collect();
        let dobs: Vec<Dob> = e
            .birth_dates
            .iter()
            .filter_map(|d| Dob::parse_iso(d))
            .collect();
        let rows = latin.len().max(dobs.len()).max(1);
        for r in 0..rows {
            let mut row = vec![String::new(); UK_COLUMNS.len()];
            if let Some(n) = latin.get(r).or(latin.first()) {
                let toks: Vec<&str> = n.split_whitespace().collect();
                if let Some((last, rest)) = toks.split_last() {
                    row[col("Name 6")] = last.to_string();
                    for (k, t) in rest.iter().enumerate().take(5) {
                        row[col("Name 1") + k] = t.to_string();
                    }
                    if rest.len() > 5 {
                        row[col("Name 5")] = rest[4..].join(" ");
                    }
                }
            }
            if r == 0 {
                if let Some(a) = arabic.first() {
                    row[col("Name Non-Latin Script")] = a.to_string();
                    row[col("Non-Latin Script Type")] = "Arabic".into();
                    row[col("Non-Latin Script Language")] = "Arabic".into();
                }
            }
            if let Some(d) = dobs.get(r).or(dobs.first()) {
                row[col("DOB")] = uk_date(d);
            }
            if let Some(id) = &e.national_id {
                row[col("National Identification Number")] = id.clone();
            }
            row[col("Country of Birth")] = "Egypt".into();
            row[col("Nationality")] = "Egyptian".into();
            row[col("Group Type")] = "Individual".into();
            row[col("Alias Type")] = if r == 0 { "Primary name" } else { "AKA" }.into();
            row[col("Alias Quality")] = "Good quality".into();
            row[col("Regime")] = e
                .program
                .clone()
                .unwrap_or_else(|| "Counter-Terrorism (International)".into());
            if let Some(d) = e.record_date.as_deref().and_then(Dob::parse_iso) {
                row[col("Listed On")] = uk_date(&d);
            }
            if let Some(rm) = &e.remarks {
                row[col("Other Information")] = rm.clone();
            }
            row[col("Group ID")] = gid.clone();
            c.write_record(&row).map_err(io_err)?;
        }
    }
    c.flush()?;
    Ok(())
}

/// Tenant blacklist columns.
pub const TENANT_COLUMNS: [&str; 7] = [
    "name",
    "arabic_name",
    "national_id",
    "birth_date",
    "case_no",
    "case_year",
    "record_date",
];

/// Writes a tenant blacklist CSV with the header [`TENANT_COLUMNS`]: the first Latin name, the
/// first Arabic name, national ID, birth dates (`|`-separated), case number, case year,
/// record date. Other aliases are not kept by this format.
pub fn write_tenant_csv(path: &Path, entries: &[ListEntry]) -> std::io::Result<()> {
    let f = std::fs::File::create(path)?;
    let mut c = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, f));
    c.write_record(TENANT_COLUMNS).map_err(io_err)?;
    for e in entries {
        let latin = e
            .names
            .iter()
            .find(|n| !has_arabic(n))
            .map(String::as_str)
            .unwrap_or("");
        let arabic = e
            .names
            .iter()
            .find(|n| has_arabic(n))
            .map(String::as_str)
            .unwrap_or("");
        let year = e.case_year.map(|y| y.to_string()).unwrap_or_default();
        c.write_record([
            latin,
            arabic,
            e.national_id.as_deref().unwrap_or(""),
            &e.birth_dates.join("|"),
            e.case_no.as_deref().unwrap_or(""),
            &year,
            e.record_date.as_deref().unwrap_or(""),
        ])
        .map_err(io_err)?;
    }
    c.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_valid() {
        let a = synthetic_list(7, 200);
        let b = synthetic_list(7, 200);
        assert_eq!(a.entries, b.entries);
        for p in &a.persons {
            assert!(crate::nid_checksum_ok(&p.nid));
            assert_eq!(crate::nid_birth_date(&p.nid), Some(p.dob));
        }
        let arabic = a.scripts.iter().filter(|s| **s != Script::Latin).count();
        assert!(arabic > 60 && arabic < 140, "{arabic}");
    }
}
