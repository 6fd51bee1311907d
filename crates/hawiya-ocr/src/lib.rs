//! Readers for the Egyptian national ID card (issue 5), built up in slices:
//! card finding and rectification ([`card`]), the field boxes of the rectified card
//! ([`layout`]), the Arabic-Indic digit recogniser ([`digits`]), Tesseract for Arabic text
//! ([`tesseract`]), text-line detection ([`detect`]), transliteration ([`translit`]), the back's vocabularies ([`vocab`]) and the front and back readers
//! ([`id_front`], [`id_back`]).

pub mod address;
pub mod anchor;
pub mod card;
pub mod detect;
pub mod digits;
pub mod districts;
pub mod id_back;
pub mod id_front;
pub mod ink;
pub mod latin;
pub mod layout;
pub mod name_net;
pub mod names;
pub mod quality;
pub mod spoof;
pub mod tesseract;
pub mod translit;
pub mod vocab;

/// Everything the ID readers need, loaded once: the digit network, a pool of Tesseract
/// instances for Arabic and the PP-OCR recogniser for the Latin card serial.
pub struct IdReader {
    /// The digit line recogniser for dates, house numbers and the other digit fields.
    pub digits: digits::DigitNet,
    /// The digit line recogniser for the card's 14-digit number line (front and back).
    pub number_digits: digits::DigitNet,
    /// The name line recogniser of the front ([`name_net`]).
    pub names: digits::LineNet,
    /// Tesseract `ara`, one instance per inference slot.
    pub tesseract: tesseract::TesseractPool,
    /// PP-OCRv6 rec for Latin lines (`idKey`).
    pub latin: latin::LatinReader,
    /// PP-OCRv6 det: where the text lines of a rectified card are.
    pub lines: detect::LineDetector,
}

impl IdReader {
    /// Loads the shipped digit weights, `slots` Tesseract instances (`libtesseract.so.5`
    /// and `ara.traineddata` from the Debian packages) and the Latin recogniser from
    /// `models_dir` on `runtime`.
    pub fn load(
        slots: usize,
        runtime: &hawiya_infer::runtime::Runtime,
        models_dir: &std::path::Path,
    ) -> anyhow::Result<IdReader> {
        let digits = digits::DigitNet::shipped()
            .map_err(|e| anyhow::anyhow!("loading the digit recogniser: {e}"))?;
        let number_digits = digits::DigitNet::shipped_for_number_lines()
            .map_err(|e| anyhow::anyhow!("loading the number line recogniser: {e}"))?;
        let names = name_net::shipped()
            .map_err(|e| anyhow::anyhow!("loading the name line recogniser: {e}"))?;
        let tesseract =
            tesseract::TesseractPool::load(slots, None, &tesseract::default_tessdata_dir(), "ara")?;
        let latin = latin::LatinReader::load(runtime, models_dir)?;
        let lines = detect::LineDetector::load(runtime, models_dir)?;
        Ok(IdReader {
            digits,
            number_digits,
            names,
            tesseract,
            latin,
            lines,
        })
    }
}
