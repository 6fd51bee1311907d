//! Tesseract 5 for Arabic text lines, called through its C API (`tesseract/capi.h`).
//!
//! The library is loaded at run time with `libloading` (default `libtesseract.so.5`, Debian
//! package `libtesseract5`), not linked at build time. The `tesseract`, `tesseract-sys` and
//! `leptess` crates were ruled out on purpose: they run bindgen (clang) and link
//! libtesseract/leptonica when the crate is built, so the server would not even build on a
//! machine without them. Loaded at run time, as ONNX Runtime is, the server builds and
//! starts everywhere and reports the OCR capability as unavailable when
//! [`Tesseract::load`] fails.
//!
//! The language data is Debian's `tesseract-ocr-ara` (tessdata_fast, LSTM only). It reads
//! Arabic letters well but has no glyph classes for the Arabic-Indic digits ٢-٩: numbers go
//! to the digit reader ([`crate::digits`]), not here.
//!
//! How a line is read ([`Tesseract::read_line_detailed`]) was settled by measurement on the
//! synthetic ID cards (`tests/tesseract.rs`): the crop is binarised (Otsu), cut down to its
//! main band of ink (so parts of the neighbouring lines at the crop's edge do not count),
//! scaled to a 48 px band and padded with background; it is read in single-line mode
//! (psm 7) and, when that reads nothing or with a confidence under 80, also as a single
//! word (psm 8), keeping the more confident reading. Tesseract 5.3 returns nothing, or a
//! confident wrong digit, for some perfectly clean short names in psm 7. The grey crop
//! padded with its background colour (the research's recipe) read 15 / 7 / 6 % CER (first
//! name, last names, address line 2) on 20 clean cards; this reads under 8 / 0.5 / 0.5 %
//! on 60, and stays there when the crop margin grows to a third of the line height.
//!
//! One [`Tesseract`] is one `TessBaseAPI` handle: not thread-safe, so it takes `&mut self`.
//! [`TesseractPool`] holds several for concurrent callers. Debian's libtesseract runs parts
//! of the LSTM in OpenMP teams of four threads; on a busy 2-core machine that made a line
//! three times slower (34 ms against 11 ms median) and a pool of two slower than one
//! instance, so every read first turns OpenMP parallel regions off for the calling thread
//! (`omp_set_max_active_levels(0)`, a per-thread setting in libgomp, when the library
//! links it) and parallelism comes from the pool instead.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::sync::{Arc, Condvar, Mutex};

use crate::ink::{ink_band, Ink};
use image::GrayImage;

/// The library loaded when [`Tesseract::load`] is given none.
pub const DEFAULT_LIBRARY: &str = "libtesseract.so.5";

/// Where Debian's `tesseract-ocr-*` packages put the language data.
pub const DEBIAN_TESSDATA_DIR: &str = "/usr/share/tesseract-ocr/5/tessdata";

/// The tessdata directory: `TESSDATA_PREFIX` when set (as in Tesseract 5, the directory
/// holding the `.traineddata` files), otherwise [`DEBIAN_TESSDATA_DIR`].
pub fn default_tessdata_dir() -> PathBuf {
    match std::env::var_os("TESSDATA_PREFIX") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(DEBIAN_TESSDATA_DIR),
    }
}

/// Why Tesseract could not be made ready.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The shared library could not be opened.
    #[error("cannot load {library} (install the Debian package libtesseract5): {source}")]
    Library {
        /// What was asked for.
        library: String,
        /// The loader's reason.
        source: libloading::Error,
    },
    /// The library lacks a C API function (not Tesseract 4/5?).
    #[error("{library} has no {symbol} (is it Tesseract 5?): {source}")]
    Symbol {
        /// The library.
        library: String,
        /// The missing function.
        symbol: String,
        /// The loader's reason.
        source: libloading::Error,
    },
    /// A language's `.traineddata` file is not in the tessdata directory.
    #[error("no {file} (install the Debian package {package}, or set TESSDATA_PREFIX to the directory holding it)")]
    Language {
        /// The missing file.
        file: PathBuf,
        /// The Debian package that ships it.
        package: String,
    },
    /// The language or directory name cannot be passed to C.
    #[error("invalid Tesseract argument: {0}")]
    Argument(String),
    /// `TessBaseAPIInit2` refused the data.
    #[error("Tesseract could not initialise language {lang} from {dir} (corrupt or incompatible traineddata?)")]
    Init {
        /// The tessdata directory.
        dir: PathBuf,
        /// The language.
        lang: String,
    },
}

/// One line read, with Tesseract's confidence.
#[derive(Debug, Clone, PartialEq)]
pub struct LineReading {
    /// The text: trimmed, whitespace (newlines included) collapsed to single spaces, bidi
    /// control marks removed. Empty when nothing was read.
    pub text: String,
    /// Tesseract's mean word confidence, 0-100 (0 when nothing was read).
    pub confidence: f32,
}

/// One Tesseract instance (one `TessBaseAPI` handle) initialised for a language.
pub struct Tesseract {
    handle: Handle,
    version: String,
}

/// Tesseract's parameter restricting the characters it may output.
const WHITELIST: &str = "tessedit_char_whitelist";
/// Images larger than this on a side (before or after scaling) are rejected: Tesseract
/// keeps coordinates in 16-bit integers.
const MAX_SIDE: u32 = 30_000;
/// Crops smaller than this on either side cannot hold a readable character.
const MIN_SIDE: u32 = 4;
/// Height the band of ink is scaled to (measured: 40-56 px all read alike; small text
/// from low-resolution photos gains most).
const BAND_HEIGHT: u32 = 48;
/// Band height of the second try when a line reads as no letter at [`BAND_HEIGHT`] (short
/// names such as `عمر` sometimes read as nothing, or as a confident `4`, in both modes at
/// one scale).
const RETRY_BAND_HEIGHT: u32 = 64;
/// A smaller band, for [`Tesseract::alternative_readings`].
const SMALL_BAND_HEIGHT: u32 = 36;
/// White margin added on every side, as a fraction of [`BAND_HEIGHT`].
const PAD_FRACTION: f32 = 0.25;
/// psm 7 readings under this confidence get a second, psm 8, reading.
const SECOND_OPINION_BELOW: f32 = 80.0;
/// Resolution reported to Tesseract (the card renders at about 300 dpi; for a single
/// line it only silences the "invalid resolution" estimate).
const SOURCE_PPI: c_int = 300;

impl Tesseract {
    /// Loads `library` (default [`DEFAULT_LIBRARY`]) and initialises `lang` (e.g. `ara`,
    /// or `ara+eng`) from `tessdata_dir` with the LSTM engine.
    pub fn load(
        library: Option<&Path>,
        tessdata_dir: &Path,
        lang: &str,
    ) -> Result<Tesseract, LoadError> {
        let api = Arc::new(Api::load(library)?);
        Tesseract::init(api, tessdata_dir, lang)
    }

    fn init(api: Arc<Api>, tessdata_dir: &Path, lang: &str) -> Result<Tesseract, LoadError> {
        if lang.is_empty() {
            return Err(LoadError::Argument("empty language".into()));
        }
        for code in lang.split('+') {
            if code.is_empty() || code.contains(['/', '\\']) {
                return Err(LoadError::Argument(format!("bad language {lang:?}")));
            }
            let file = tessdata_dir.join(format!("{code}.traineddata"));
            if !file.is_file() {
                return Err(LoadError::Language {
                    file,
                    package: debian_package(code),
                });
            }
        }
        let dir_str = tessdata_dir.to_str().ok_or_else(|| {
            LoadError::Argument(format!("non-UTF-8 path {}", tessdata_dir.display()))
        })?;
        let c_dir = CString::new(dir_str).map_err(|e| LoadError::Argument(e.to_string()))?;
        let c_lang = CString::new(lang).map_err(|e| LoadError::Argument(e.to_string()))?;

        // Init reads files and sets Tesseract's process-wide parameters; serialise it.
        let _guard = INIT_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let handle = Handle::create(api).ok_or_else(|| LoadError::Init {
            dir: tessdata_dir.to_path_buf(),
            lang: lang.to_string(),
        })?;
        // SAFETY: the handle is live and exclusively ours; both strings are NUL-terminated
        // and outlive the call, which copies them. OEM_LSTM_ONLY = 1 (tessdata_fast has
        // no legacy engine).
        let rc = unsafe {
            (handle.api.init2)(
                handle.ptr.as_ptr(),
                c_dir.as_ptr(),
                c_lang.as_ptr(),
                OEM_LSTM_ONLY,
            )
        };
        if rc != 0 {
            return Err(LoadError::Init {
                dir: tessdata_dir.to_path_buf(),
                lang: lang.to_string(),
            });
        }
        // Tesseract's chatter ("Empty page!!", "Line cannot be recognized!!") would go to
        // stderr, outside the server's structured logs.
        handle.set_variable("debug_file", "/dev/null");
        // The crop is normalised to dark ink on white before Tesseract sees it, so its
        // second reading of low-confidence words on the inverted image is wasted time.
        handle.set_variable("tessedit_do_invert", "0");
        // SAFETY: TessVersion takes no arguments and returns a static NUL-terminated string.
        let version = unsafe { CStr::from_ptr((handle.api.version)()) }
            .to_string_lossy()
            .into_owned();
        Ok(Tesseract { handle, version })
    }

    /// The library's version (`5.3.0` on Debian 12).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Reads one text line. See [`Tesseract::read_line_detailed`].
    pub fn read_line(&mut self, line: &GrayImage) -> anyhow::Result<String> {
        Ok(self.read_line_detailed(line)?.text)
    }

    /// Reads one text line (dark or light ink; any crop margin): binarises it, keeps the
    /// main band of ink, scales it to a 48 px band, pads it, runs single-line mode (psm 7)
    /// and, when that reads nothing or with a confidence under 80, single-word mode
    /// (psm 8), keeping the more confident reading; when that holds no letter, all of it
    /// again at a 64 px band (the first reading is kept if the second has no letter
    /// either). An empty, tiny (< 4 px), blank or low-contrast image reads as empty text;
    /// one too large for Tesseract (> 30000 px a side) is an error.
    pub fn read_line_detailed(&mut self, line: &GrayImage) -> anyhow::Result<LineReading> {
        let empty = LineReading {
            text: String::new(),
            confidence: 0.0,
        };
        let mut fallback = empty;
        for band_height in [BAND_HEIGHT, RETRY_BAND_HEIGHT] {
            let Some(prepared) = prepare(line, band_height)? else {
                return Ok(fallback);
            };
            let first = self.recognise(&prepared, PSM_SINGLE_LINE)?;
            let best = if !first.text.is_empty() && first.confidence >= SECOND_OPINION_BELOW {
                first
            } else {
                let second = self.recognise(&prepared, PSM_SINGLE_WORD)?;
                let take_second = first.text.is_empty()
                    || (!second.text.is_empty() && second.confidence > first.confidence);
                if take_second {
                    second
                } else {
                    first
                }
            };
            if best.text.chars().any(char::is_alphabetic) {
                return Ok(best);
            }
            if fallback.text.is_empty() {
                fallback = best;
            }
        }
        Ok(fallback)
    }

    /// Reads one text line as [`Tesseract::read_line_detailed`] does, allowing only the
    /// characters of `whitelist` (a closed vocabulary's letters and space).
    pub fn read_line_limited(
        &mut self,
        line: &GrayImage,
        whitelist: &str,
    ) -> anyhow::Result<LineReading> {
        self.with_whitelist(whitelist, |t| t.read_line_detailed(line))
    }

    /// Runs `f` with only the characters of `whitelist` allowed, then allows all again.
    fn with_whitelist<T>(
        &mut self,
        whitelist: &str,
        f: impl FnOnce(&mut Self) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        anyhow::ensure!(
            self.handle.set_variable(WHITELIST, whitelist),
            "Tesseract does not know {WHITELIST}"
        );
        let out = f(self);
        self.handle.set_variable(WHITELIST, "");
        out
    }

    /// Other readings of a closed vocabulary's word than [`Tesseract::read_line_limited`]
    /// gives: line and word mode at 64 and 36 px bands, for a caller whose first reading
    /// matched no entry.
    pub fn alternative_readings(
        &mut self,
        line: &GrayImage,
        whitelist: &str,
    ) -> anyhow::Result<Vec<String>> {
        self.with_whitelist(whitelist, |t| {
            let mut out: Vec<String> = Vec::new();
            for band_height in [RETRY_BAND_HEIGHT, SMALL_BAND_HEIGHT] {
                let Some(prepared) = prepare(line, band_height)? else {
                    break;
                };
                for psm in [PSM_SINGLE_LINE, PSM_SINGLE_WORD] {
                    let text = t.recognise(&prepared, psm)?.text;
                    if !text.is_empty() && !out.contains(&text) {
                        out.push(text);
                    }
                }
            }
            Ok(out)
        })
    }

    /// One recognition of `img` (already padded, within the size limits) in mode `psm`.
    fn recognise(&mut self, img: &GrayImage, psm: c_int) -> anyhow::Result<LineReading> {
        let api = &self.handle.api;
        let ptr = self.handle.ptr.as_ptr();
        let (w, h) = img.dimensions();
        // Both fit in c_int: `prepare` checked them against MAX_SIDE.
        let (w, h) = (w as c_int, h as c_int);
        // SAFETY: the handle is live and `&mut self` makes this the only thread using it.
        // omp_set_max_active_levels(0) only sets the calling thread's OpenMP setting.
        // The buffer is an 8-bit grey image of exactly h rows of w bytes (GrayImage is
        // packed, so bytes_per_line = w); SetImage copies it into its own Pix, and the
        // buffer outlives the call anyway. GetUTF8Text returns a new[]-allocated string (or
        // null on failure) that we copy and free once with TessDeleteText. Clear drops the
        // image and results so nothing refers to our buffer afterwards.
        let (raw, confidence) = unsafe {
            if let Some(set) = api.omp_set_max_active_levels {
                // Per calling thread in libgomp: no OpenMP teams for this thread's work.
                set(0);
            }
            (api.set_psm)(ptr, psm);
            (api.set_image)(ptr, img.as_raw().as_ptr(), w, h, 1, w);
            (api.set_resolution)(ptr, SOURCE_PPI);
            let text = (api.get_utf8_text)(ptr);
            let out = if text.is_null() {
                None
            } else {
                let s = CStr::from_ptr(text).to_string_lossy().into_owned();
                (api.delete_text)(text);
                Some((s, (api.mean_text_conf)(ptr)))
            };
            (api.clear)(ptr);
            out.ok_or_else(|| anyhow::anyhow!("Tesseract could not recognise a {w}x{h} image"))?
        };
        let text = clean_text(&raw);
        Ok(LineReading {
            confidence: if text.is_empty() {
                0.0
            } else {
                confidence.clamp(0, 100) as f32
            },
            text,
        })
    }
}

/// Several [`Tesseract`] instances for concurrent callers: each call checks one out,
/// waiting while all are busy.
pub struct TesseractPool {
    free: Mutex<Vec<Tesseract>>,
    available: Condvar,
    size: usize,
    version: String,
}

impl TesseractPool {
    /// Loads the library once and initialises `size` (at least 1) instances of `lang`.
    pub fn load(
        size: usize,
        library: Option<&Path>,
        tessdata_dir: &Path,
        lang: &str,
    ) -> Result<TesseractPool, LoadError> {
        let api = Arc::new(Api::load(library)?);
        let size = size.max(1);
        let instances = (0..size)
            .map(|_| Tesseract::init(api.clone(), tessdata_dir, lang))
            .collect::<Result<Vec<_>, _>>()?;
        let version = instances[0].version.clone();
        Ok(TesseractPool {
            free: Mutex::new(instances),
            available: Condvar::new(),
            size,
            version,
        })
    }

    /// Number of instances (lines that can be read at once).
    pub fn size(&self) -> usize {
        self.size
    }

    /// The library's version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Reads one text line on a free instance; see [`Tesseract::read_line`].
    pub fn read_line(&self, line: &GrayImage) -> anyhow::Result<String> {
        self.with(|t| t.read_line(line))
    }

    /// Reads one text line with its confidence; see [`Tesseract::read_line_detailed`].
    pub fn read_line_detailed(&self, line: &GrayImage) -> anyhow::Result<LineReading> {
        self.with(|t| t.read_line_detailed(line))
    }

    /// Reads one text line of a closed vocabulary; see [`Tesseract::read_line_limited`].
    pub fn read_line_limited(
        &self,
        line: &GrayImage,
        whitelist: &str,
    ) -> anyhow::Result<LineReading> {
        self.with(|t| t.read_line_limited(line, whitelist))
    }

    /// Other readings of a closed vocabulary's word; see [`Tesseract::alternative_readings`].
    pub fn alternative_readings(
        &self,
        line: &GrayImage,
        whitelist: &str,
    ) -> anyhow::Result<Vec<String>> {
        self.with(|t| t.alternative_readings(line, whitelist))
    }

    fn with<T>(&self, f: impl FnOnce(&mut Tesseract) -> T) -> T {
        // The lock guards only the free list; no user code runs under it, so a poisoned
        // lock still holds a consistent list.
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        let tess = loop {
            match free.pop() {
                Some(t) => break t,
                None => free = self.available.wait(free).unwrap_or_else(|e| e.into_inner()),
            }
        };
        drop(free);
        let mut out = Checkout {
            pool: self,
            tess: Some(tess),
        };
        f(out.tess.as_mut().expect("checked out"))
    }
}

/// Returns an instance to its pool when dropped, even if the reader panicked.
struct Checkout<'a> {
    pool: &'a TesseractPool,
    tess: Option<Tesseract>,
}

impl Drop for Checkout<'_> {
    fn drop(&mut self) {
        if let Some(t) = self.tess.take() {
            self.pool
                .free
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(t);
            self.pool.available.notify_one();
        }
    }
}

/// The Debian package shipping `<code>.traineddata`: languages are lower case (`ara` →
/// `tesseract-ocr-ara`, `chi_sim` → `tesseract-ocr-chi-sim`); scripts are capitalised and
/// named only by pattern (`Arabic` is in `tesseract-ocr-script-arab`).
fn debian_package(code: &str) -> String {
    if code.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_') {
        format!("tesseract-ocr-{}", code.replace('_', "-"))
    } else {
        "tesseract-ocr-script-*".into()
    }
}

/// The line as Tesseract should see it: dark ink on white, cut to its main band of ink,
/// scaled to `band_height` ([`BAND_HEIGHT`] first), padded. `None` when it holds no text.
fn prepare(line: &GrayImage, band_height: u32) -> anyhow::Result<Option<GrayImage>> {
    let (w, h) = line.dimensions();
    if w < MIN_SIDE || h < MIN_SIDE {
        return Ok(None);
    }
    anyhow::ensure!(
        w <= MAX_SIDE && h <= MAX_SIDE,
        "line image {w}x{h} is too large for Tesseract (at most {MAX_SIDE} px a side)"
    );
    let flat = crate::ink::flatten(line);
    let line = &flat;
    let Some(ink) = Ink::of(line) else {
        return Ok(None);
    };
    let is_ink = |p: u8| ink.is_ink(p);
    let Some((x0, y0, x1, y1)) = ink_band(line, &is_ink) else {
        return Ok(None);
    };
    let band = image::imageops::crop_imm(line, x0, y0, x1 - x0, y1 - y0).to_image();
    let (bw, bh) = band.dimensions();
    let scaled_w = (f64::from(bw) * f64::from(band_height) / f64::from(bh))
        .round()
        .max(1.0);
    let pad = (band_height as f32 * PAD_FRACTION).round() as u32;
    anyhow::ensure!(
        scaled_w + f64::from(2 * pad) <= f64::from(MAX_SIDE),
        "line image {w}x{h} is too long for its height for Tesseract"
    );
    let scaled = if bh == band_height {
        band
    } else {
        image::imageops::resize(
            &band,
            scaled_w as u32,
            band_height,
            image::imageops::FilterType::Triangle,
        )
    };
    let (sw, sh) = scaled.dimensions();
    let mut out = GrayImage::from_pixel(sw + 2 * pad, sh + 2 * pad, image::Luma([255]));
    for (x, y, p) in scaled.enumerate_pixels() {
        if is_ink(p[0]) {
            out.put_pixel(x + pad, y + pad, image::Luma([0]));
        }
    }
    Ok(Some(out))
}

/// Trims, collapses whitespace (newlines included) to single spaces and drops bidi
/// control marks, which Tesseract may put around mixed-direction words.
fn clean_text(raw: &str) -> String {
    let is_mark = |c: char| matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    raw.split_whitespace()
        .map(|w| w.chars().filter(|&c| !is_mark(c)).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------
// FFI: the few functions of `tesseract/capi.h` we call, resolved from the shared library.

/// `TessPageSegMode` values (`PSM_SINGLE_LINE`, `PSM_SINGLE_WORD`).
const PSM_SINGLE_LINE: c_int = 7;
const PSM_SINGLE_WORD: c_int = 8;
/// `TessOcrEngineMode::OEM_LSTM_ONLY`.
const OEM_LSTM_ONLY: c_int = 1;

/// Serialises `Init` and process-wide parameter changes across instances.
static INIT_LOCK: Mutex<()> = Mutex::new(());

/// Opaque `TessBaseAPI`.
type Base = c_void;

/// Function pointers into the loaded library, kept together with it.
struct Api {
    create: unsafe extern "C" fn() -> *mut Base,
    delete: unsafe extern "C" fn(*mut Base),
    init2: unsafe extern "C" fn(*mut Base, *const c_char, *const c_char, c_int) -> c_int,
    set_variable: unsafe extern "C" fn(*mut Base, *const c_char, *const c_char) -> c_int,
    set_psm: unsafe extern "C" fn(*mut Base, c_int),
    set_image: unsafe extern "C" fn(*mut Base, *const u8, c_int, c_int, c_int, c_int),
    set_resolution: unsafe extern "C" fn(*mut Base, c_int),
    get_utf8_text: unsafe extern "C" fn(*mut Base) -> *mut c_char,
    delete_text: unsafe extern "C" fn(*const c_char),
    mean_text_conf: unsafe extern "C" fn(*mut Base) -> c_int,
    clear: unsafe extern "C" fn(*mut Base),
    end: unsafe extern "C" fn(*mut Base),
    version: unsafe extern "C" fn() -> *const c_char,
    /// libgomp's, when libtesseract links it.
    omp_set_max_active_levels: Option<unsafe extern "C" fn(c_int)>,
    /// Keeps the code behind the pointers mapped; dropped last.
    _lib: libloading::Library,
}

impl Api {
    fn load(library: Option<&Path>) -> Result<Api, LoadError> {
        let name = library
            .map(|p| p.as_os_str().to_owned())
            .unwrap_or_else(|| DEFAULT_LIBRARY.into());
        let shown = name.to_string_lossy().into_owned();
        // SAFETY: loading runs the library's initialisers; libtesseract's (and its
        // dependencies') are ordinary C++ static constructors with no preconditions.
        let lib =
            unsafe { libloading::Library::new(&name) }.map_err(|source| LoadError::Library {
                library: shown.clone(),
                source,
            })?;
        macro_rules! sym {
            ($name:literal) => {{
                // SAFETY: the pointer type written at each use matches the declaration in
                // tesseract/capi.h (Tesseract 4 and 5: BOOL is int, the enums are int).
                // The copied pointer is only called while `_lib` keeps the library loaded.
                match unsafe { lib.get(concat!($name, "\0").as_bytes()) } {
                    Ok(s) => *s,
                    Err(source) => {
                        return Err(LoadError::Symbol {
                            library: shown,
                            symbol: $name.to_string(),
                            source,
                        })
                    }
                }
            }};
        }
        let api = Api {
            create: sym!("TessBaseAPICreate"),
            delete: sym!("TessBaseAPIDelete"),
            init2: sym!("TessBaseAPIInit2"),
            set_variable: sym!("TessBaseAPISetVariable"),
            set_psm: sym!("TessBaseAPISetPageSegMode"),
            set_image: sym!("TessBaseAPISetImage"),
            set_resolution: sym!("TessBaseAPISetSourceResolution"),
            get_utf8_text: sym!("TessBaseAPIGetUTF8Text"),
            delete_text: sym!("TessDeleteText"),
            mean_text_conf: sym!("TessBaseAPIMeanTextConf"),
            clear: sym!("TessBaseAPIClear"),
            end: sym!("TessBaseAPIEnd"),
            version: sym!("TessVersion"),
            // SAFETY: dlsym through the library's handle also searches its dependencies;
            // `omp_set_max_active_levels` is `void (int)` in libgomp's omp.h. Absent when
            // libtesseract was built without OpenMP.
            omp_set_max_active_levels: unsafe {
                lib.get::<unsafe extern "C" fn(c_int)>(b"omp_set_max_active_levels\0")
            }
            .ok()
            .map(|s| *s),
            _lib: lib,
        };
        Ok(api)
    }
}

/// An owned `TessBaseAPI*`, ended and deleted on drop.
struct Handle {
    ptr: NonNull<Base>,
    api: Arc<Api>,
}

// SAFETY: a TessBaseAPI is not tied to the thread that created it; it is only unsafe to use
// from two threads at once. Every use goes through `&mut Tesseract` (or `&mut self` here),
// so moving the handle between threads is sound. It is deliberately not `Sync`.
unsafe impl Send for Handle {}

impl Handle {
    /// A new handle, or `None` if TessBaseAPICreate failed.
    fn create(api: Arc<Api>) -> Option<Handle> {
        // SAFETY: TessBaseAPICreate takes no arguments and returns a new object or null.
        let ptr = NonNull::new(unsafe { (api.create)() })?;
        Some(Handle { ptr, api })
    }

    /// Sets a Tesseract parameter; returns whether the name was known.
    fn set_variable(&self, name: &str, value: &str) -> bool {
        let (Ok(n), Ok(v)) = (CString::new(name), CString::new(value)) else {
            return false;
        };
        // SAFETY: live handle; both strings NUL-terminated and copied by the call.
        // Process-wide parameters (debug_file) are set only under INIT_LOCK; per-instance
        // ones (the character whitelist) only by the instance's one user (`&mut`).
        unsafe { (self.api.set_variable)(self.ptr.as_ptr(), n.as_ptr(), v.as_ptr()) != 0 }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the pointer came from TessBaseAPICreate and is released exactly once
        // here; End frees the recogniser, Delete the object. The library is still loaded
        // because `self.api` holds it.
        unsafe {
            (self.api.end)(self.ptr.as_ptr());
            (self.api.delete)(self.ptr.as_ptr());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ink::tests::crop_with_neighbour;

    #[test]
    fn clean_text_collapses_and_strips_marks() {
        assert_eq!(clean_text("  أحمد\n\u{200F}محمد  \n"), "أحمد محمد");
        assert_eq!(clean_text("\u{200E} \n"), "");
    }

    #[test]
    fn prepare_normalises_polarity_size_and_margin() {
        let dark_on_light = prepare(&crop_with_neighbour(), BAND_HEIGHT)
            .unwrap()
            .unwrap();
        let mut light_on_dark = crop_with_neighbour();
        image::imageops::invert(&mut light_on_dark);
        let light_on_dark = prepare(&light_on_dark, BAND_HEIGHT).unwrap().unwrap();
        // Same geometry and (up to pixels at the threshold) the same ink.
        assert_eq!(dark_on_light.dimensions(), light_on_dark.dimensions());
        let ink = |img: &GrayImage| img.pixels().filter(|p| p[0] == 0).count() as f64;
        let (a, b) = (ink(&dark_on_light), ink(&light_on_dark));
        assert!(a > 0.0 && (a - b).abs() / a < 0.05, "{a} vs {b} ink pixels");
        let pad = 12;
        assert_eq!(dark_on_light.height(), BAND_HEIGHT + 2 * pad);
        assert_eq!(dark_on_light.width(), 60 * BAND_HEIGHT / 20 + 2 * pad);
        assert_eq!(dark_on_light.get_pixel(0, 0)[0], 255);
        assert!(dark_on_light.pixels().all(|p| p[0] == 0 || p[0] == 255));
        assert!(dark_on_light.pixels().any(|p| p[0] == 0));
    }

    #[test]
    fn prepare_finds_nothing_in_blank_or_faint_crops() {
        assert_eq!(prepare(&GrayImage::new(0, 0), BAND_HEIGHT).unwrap(), None);
        assert_eq!(prepare(&GrayImage::new(3, 50), BAND_HEIGHT).unwrap(), None);
        let white = GrayImage::from_pixel(100, 30, image::Luma([255]));
        assert_eq!(prepare(&white, BAND_HEIGHT).unwrap(), None);
        let mut faint = GrayImage::from_pixel(100, 30, image::Luma([200]));
        for x in (0..100).step_by(7) {
            for y in 0..30 {
                faint.put_pixel(x, y, image::Luma([180]));
            }
        }
        assert_eq!(prepare(&faint, BAND_HEIGHT).unwrap(), None);
        assert!(prepare(&GrayImage::new(MAX_SIDE + 1, 10), BAND_HEIGHT).is_err());
        // A 1-px-high streak 25000 px long would become far wider than Tesseract allows.
        let mut streak = GrayImage::from_pixel(25_000, 8, image::Luma([255]));
        for x in 0..25_000 {
            streak.put_pixel(x, 4, image::Luma([0]));
        }
        assert!(prepare(&streak, BAND_HEIGHT).is_err());
    }

    #[test]
    fn package_names() {
        assert_eq!(debian_package("ara"), "tesseract-ocr-ara");
        assert_eq!(debian_package("chi_sim"), "tesseract-ocr-chi-sim");
        assert_eq!(debian_package("Arabic"), "tesseract-ocr-script-*");
    }
}
