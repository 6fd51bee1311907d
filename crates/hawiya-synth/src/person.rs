//! A synthetic Egyptian card holder: name, birth, national ID number, address and
//! civil-status data, all drawn from one random stream per (seed, index) so that the
//! front and back of a card (and the holder's other documents) agree.

use chrono::{Datelike, Months, NaiveDate};
use hawiya_core::digits::to_arabic_indic;
use hawiya_core::nid::{check_digit, governorate, GOVERNORATES};

use crate::data::*;
use crate::rng::Rng;

/// The fixed "today" of the generator: output never depends on the clock.
pub fn reference_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).expect("valid date")
}

/// A synthetic person.
#[derive(Debug, Clone)]
pub struct Person {
    /// Male (odd digit 13) or female.
    pub male: bool,
    /// Given name.
    pub first: Name,
    /// The rest of the name (father, grandfather, family), Arabic and Latin.
    pub rest: Vec<Name>,
    /// Birth date.
    pub birth: NaiveDate,
    /// Governorate-of-birth code.
    pub birth_gov: u8,
    /// The 14-digit national ID number, ASCII.
    pub nid: String,
    /// Residence governorate code.
    pub addr_gov: u8,
    /// Address line 1 as printed (Arabic-Indic digits).
    pub address_1: String,
    /// Address line 2 as printed: `district - governorate`.
    pub address_2: String,
    /// Profession line.
    pub job: String,
    /// Qualification / employer line (may be empty).
    pub job_title: String,
    /// Religion as printed.
    pub religion: &'static str,
    /// Marital status as printed.
    pub marital: &'static str,
    /// Husband's name (married women only).
    pub husband: Option<String>,
    /// Card issue date.
    pub issue: NaiveDate,
    /// Card expiry date (issue + 7 years).
    pub expiry: NaiveDate,
    /// Issuing civil-registry office.
    pub office: String,
    /// Card serial ("ID key"), e.g. `FM7212618`.
    pub card_serial: String,
}

impl Person {
    /// Draws a person from the (`seed`, `index`) person stream.
    pub fn generate(seed: u64, index: u32) -> Person {
        let mut r = Rng::stream(seed, index, "person");
        let male = r.chance(0.5);
        let christian = r.chance(0.1);
        let pick_name = |r: &mut Rng, male: bool| -> Name {
            let pools: [&[Name]; 2] = match (male, christian) {
                (true, false) => [MALE_MUSLIM, MALE_COMMON],
                (true, true) => [MALE_CHRISTIAN, MALE_COMMON],
                (false, false) => [FEMALE_MUSLIM, FEMALE_COMMON],
                (false, true) => [FEMALE_CHRISTIAN, FEMALE_COMMON],
            };
            let pool = if r.chance(0.65) { pools[0] } else { pools[1] };
            *r.pick(pool)
        };
        let first = pick_name(&mut r, male);
        let father = pick_name(&mut r, true);
        let grandfather = pick_name(&mut r, true);
        let mut rest = vec![father, grandfather];
        if r.chance(0.7) {
            let pool = if christian && r.chance(0.5) {
                FAMILY_CHRISTIAN
            } else {
                FAMILY_COMMON
            };
            rest.push(*r.pick(pool));
        } else {
            rest.push(pick_name(&mut r, true));
        }

        // Birth between 1950 and 16 years before the reference date.
        let today = reference_date();
        let lo = NaiveDate::from_ymd_opt(1950, 1, 1).expect("valid date");
        let hi = today - Months::new(16 * 12);
        let span = (hi - lo).num_days() as u32;
        let birth = lo + chrono::Days::new(u64::from(r.range_u32(0, span)));

        let birth_gov = if r.chance(0.02) {
            88
        } else {
            let govs: Vec<u8> = GOVERNORATES
                .iter()
                .map(|g| g.code)
                .filter(|&c| c != 88)
                .collect();
            *r.pick(&govs)
        };
        let nid = make_nid(&mut r, birth, birth_gov, male);

        let addr_gov = if birth_gov != 88 && r.chance(0.7) {
            birth_gov
        } else {
            let govs: Vec<u8> = GOVERNORATES
                .iter()
                .map(|g| g.code)
                .filter(|&c| c != 88)
                .collect();
            *r.pick(&govs)
        };
        let district = *r.pick(districts(addr_gov));
        let gov_ar = governorate(addr_gov)
            .map(|g| g.name_ar)
            .unwrap_or("القاهرة");
        let house = r.range_u32(1, 250);
        let street = *r.pick(STREETS);
        let address_1 = match r.weighted(&[0.55, 0.2, 0.15, 0.1]) {
            0 => format!("{house} ش {street}"),
            1 => format!("ش {street} عمارة {house}"),
            2 => {
                let street2 = *r.pick(STREETS);
                format!("{house} ش {street} متفرع من ش {street2}")
            }
            _ => format!("قرية {}", r.pick(VILLAGES)),
        };
        let address_1 = to_arabic_indic(&address_1);
        let prefix = match r.weighted(&[0.7, 0.15, 0.15]) {
            0 => "",
            1 => "قسم ",
            _ => "مركز ",
        };
        let address_2 = to_arabic_indic(&format!("{prefix}{district} - {gov_ar}"));

        let age = today.years_since(birth).unwrap_or(0);
        let status = if age < 21 {
            0
        } else {
            r.weighted(&[0.3, 0.55, 0.08, 0.07])
        };
        let (job, job_title) = if age < 23 && r.chance(0.8) {
            (
                if male { "طالب" } else { "طالبة" }.to_string(),
                String::new(),
            )
        } else if !male && status != 0 && r.chance(0.35) {
            ("ربة منزل".to_string(), String::new())
        } else {
            let (m, f) = *r.pick(PROFESSIONS);
            let title = if r.chance(0.75) {
                r.pick(QUALIFICATIONS).to_string()
            } else {
                String::new()
            };
            (if male { m } else { f }.to_string(), title)
        };
        let religion = match (christian, male) {
            (false, true) => "مسلم",
            (false, false) => "مسلمة",
            (true, true) => "مسيحي",
            (true, false) => "مسيحية",
        };
        let marital = match (status, male) {
            (0, true) => "أعزب",
            (0, false) => "آنسة",
            (1, true) => "متزوج",
            (1, false) => "متزوجة",
            (2, true) => "مطلق",
            (2, false) => "مطلقة",
            (_, true) => "أرمل",
            (_, false) => "أرملة",
        };
        let husband = if !male && status == 1 {
            let a = pick_name(&mut r, true);
            let b = pick_name(&mut r, true);
            let c = *r.pick(FAMILY_COMMON);
            Some(format!("{} {} {}", a.0, b.0, c.0))
        } else {
            None
        };

        // Issued within the last 7 years, not before the 16th birthday.
        let earliest = (birth + Months::new(16 * 12)).max(today - Months::new(7 * 12 - 1));
        let span = (today - earliest).num_days().max(0) as u32;
        let issue = earliest + chrono::Days::new(u64::from(r.range_u32(0, span)));
        let expiry = issue + Months::new(7 * 12);
        let office = to_arabic_indic(&format!("سجل مدني {district}"));
        const LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
        let mut card_serial = String::new();
        for _ in 0..2 {
            card_serial.push(char::from(*r.pick(LETTERS)));
        }
        for _ in 0..7 {
            card_serial.push(char::from(b'0' + r.range_u32(0, 9) as u8));
        }
        Person {
            male,
            first,
            rest,
            birth,
            birth_gov,
            nid,
            addr_gov,
            address_1,
            address_2,
            job,
            job_title,
            religion,
            marital,
            husband,
            issue,
            expiry,
            office,
            card_serial,
        }
    }

    /// The rest of the name in Arabic.
    pub fn last_names(&self) -> String {
        self.rest.iter().map(|n| n.0).collect::<Vec<_>>().join(" ")
    }

    /// The rest of the name in Latin letters.
    pub fn last_names_en(&self) -> String {
        self.rest.iter().map(|n| n.1).collect::<Vec<_>>().join(" ")
    }

    /// Full Arabic name.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first.0, self.last_names())
    }

    /// Full Latin name.
    pub fn full_name_en(&self) -> String {
        format!("{} {}", self.first.1, self.last_names_en())
    }

    /// Gender as printed on the card: `ذكر` or `أنثى`.
    pub fn gender_ar(&self) -> &'static str {
        if self.male {
            "ذكر"
        } else {
            "أنثى"
        }
    }

    /// Residence governorate, Arabic and English.
    pub fn govern(&self) -> (&'static str, &'static str) {
        governorate(self.addr_gov)
            .map(|g| (g.name_ar, g.name_en))
            .unwrap_or(("القاهرة", "Cairo"))
    }
}

/// Builds a valid 14-digit number for a birth date, governorate and sex.
fn make_nid(r: &mut Rng, birth: NaiveDate, gov: u8, male: bool) -> String {
    let century = if birth.year() >= 2000 { 3 } else { 2 };
    let mut s = format!(
        "{century}{:02}{:02}{:02}{gov:02}{:03}",
        birth.year() % 100,
        birth.month(),
        birth.day(),
        r.range_u32(0, 999)
    );
    let parity = if male { 1 } else { 0 };
    s.push(char::from(b'0' + (r.range_u32(0, 4) * 2 + parity) as u8));
    let mut d = [0u8; 13];
    for (slot, b) in d.iter_mut().zip(s.bytes()) {
        *slot = b - b'0';
    }
    s.push(char::from(b'0' + check_digit(&d)));
    s
}

/// Formats a date as `YYYY/MM/DD` in Arabic-Indic digits, as printed on cards.
pub fn date_ar(d: NaiveDate) -> String {
    to_arabic_indic(&d.format("%Y/%m/%d").to_string())
}
