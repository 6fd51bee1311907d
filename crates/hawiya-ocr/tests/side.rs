//! Telling the back from the front by the barcode band, on synthetic cards.

use hawiya_ocr::id_front::{barcode_score, BARCODE_MIN};
use hawiya_synth::{Degradation, DocType, Generator};

#[test]
fn the_barcode_band_tells_backs_from_fronts() {
    let g = Generator::new(None).unwrap();
    let (mut back_min, mut front_max) = (f32::INFINITY, 0f32);
    for index in 0..30 {
        for degradations in [
            vec![],
            vec![Degradation::Blur, Degradation::Noise, Degradation::Jpeg],
        ] {
            let back = g
                .generate(DocType::IdBack, 78, index, &degradations)
                .unwrap()
                .image;
            let front = g
                .generate(DocType::IdFront, 78, index, &degradations)
                .unwrap()
                .image;
            // Both ways up: the caller does not know which way the card lies.
            let flip = |i: &image::RgbImage| image::imageops::rotate180(i);
            back_min = back_min.min(barcode_score(&back).max(barcode_score(&flip(&back))));
            front_max = front_max.max(barcode_score(&front).max(barcode_score(&flip(&front))));
        }
    }
    eprintln!("backs ≥ {back_min:.2}, fronts ≤ {front_max:.2}, threshold {BARCODE_MIN}");
    assert!(back_min >= BARCODE_MIN && front_max < BARCODE_MIN);
}
