//! Where each field sits on the rectified card (1012×638 pixels, ID-1 at about 300 dpi).
//!
//! The boxes cover the extent every field reaches on the synthetic cards of `hawiya-synth`,
//! whose layout follows `shared/spec/egypt-documents.md`: Arabic lines right-aligned near
//! x = 975, the photo at the left of the front, the number at the bottom of the front and the
//! top of the back. Name and address boxes are cut at the midpoints between the lines'
//! baselines so that one line's descenders do not fall into the next box. They are the
//! template fallback of the design; real cards may need them re-measured.

/// A box `[x0, y0, x1, y1]` in canonical card pixels.
pub type Roi = [u32; 4];

/// Front: first name (one line, right-aligned).
pub const FRONT_FIRST_NAME: Roi = [330, 158, 994, 238];
/// Front: the rest of the name.
pub const FRONT_LAST_NAMES: Roi = [330, 236, 994, 312];
/// Front: address line 1 (house number and street).
pub const FRONT_ADDRESS_1: Roi = [330, 312, 994, 382];
/// Front: address line 2 (district - governorate).
pub const FRONT_ADDRESS_2: Roi = [330, 380, 994, 450];
/// Front: the column of the name and address lines, where the line detector looks (with
/// room for a line printed a little off its place).
pub const FRONT_TEXT_COLUMN: Roi = [320, 130, 1000, 470];
/// Front: the 14-digit national ID number.
pub const FRONT_ID_NUMBER: Roi = [370, 508, 994, 592];
/// Front: the printed birth date, under the photo.
pub const FRONT_BIRTH_DATE: Roi = [52, 448, 282, 512];
/// Front: the Latin card serial.
pub const FRONT_ID_KEY: Roi = [28, 564, 300, 612];
/// Front: where the serial's line is looked for (bottom left, under the photo: the
/// synthetic template box and the real cards' labelled serials both lie inside).
pub const FRONT_ID_KEY_SEARCH: Roi = [0, 540, 480, 638];
/// Front: where the holder's photo is looked for on a card rectified around its number
/// line ([`crate::anchor`]): real cards print it higher and further right than the
/// generator's, and this box holds both.
pub const FRONT_PHOTO_SEARCH: Roi = [30, 0, 480, 480];
/// Front: the holder's photo.
pub const FRONT_PHOTO: Roi = [30, 120, 300, 450];

/// Back: the 14-digit national ID number (top right).
pub const BACK_ID_NUMBER: Roi = [470, 34, 994, 104];
/// Back: release date `YYYY/MM` (top left).
pub const BACK_RELEASE_DATE: Roi = [32, 38, 192, 100];
/// Back: the expiry line (`البطاقة سارية حتى` and the date left of it); the date is the
/// widest run of ink starting left of [`BACK_EXPIRY_DATE_MAX_X0`].
pub const BACK_EXPIRY_LINE: Roi = [300, 388, 994, 456];
/// Back: the expiry date starts left of this x (card pixels); the caption's words start
/// right of it.
pub const BACK_EXPIRY_DATE_MAX_X0: u32 = 700;
/// Back: profession, first line.
pub const BACK_JOB: Roi = [40, 148, 994, 220];
/// Back: profession, second line (qualification or employer).
pub const BACK_JOB_TITLE: Roi = [40, 218, 994, 282];
/// Back: the gender word, rightmost on the status line.
pub const BACK_GENDER: Roi = [750, 276, 994, 348];
/// Back: religion, middle of the status line.
pub const BACK_RELIGION: Roi = [530, 276, 752, 348];
/// Back: marital status, left of the status line.
pub const BACK_MARITAL: Roi = [290, 276, 530, 348];
/// Back: the husband's name (married women only).
pub const BACK_HUSBAND: Roi = [40, 342, 994, 404];
/// Back: the barcode band.
pub const BACK_BARCODE: Roi = [44, 470, 968, 610];

/// The sub-image of `img` under `roi`, clamped to the image.
pub fn crop<P: image::Pixel + 'static>(
    img: &image::ImageBuffer<P, Vec<P::Subpixel>>,
    roi: Roi,
) -> image::ImageBuffer<P, Vec<P::Subpixel>> {
    let (w, h) = img.dimensions();
    let x0 = roi[0].min(w.saturating_sub(1));
    let y0 = roi[1].min(h.saturating_sub(1));
    let x1 = roi[2].clamp(x0 + 1, w.max(x0 + 1));
    let y1 = roi[3].clamp(y0 + 1, h.max(y0 + 1));
    image::imageops::crop_imm(img, x0, y0, x1 - x0, y1 - y0).to_image()
}
