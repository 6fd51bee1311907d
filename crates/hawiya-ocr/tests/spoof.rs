//! The photocopy cue on synthetic cards, fronts and backs: colour cards pass, the same
//! cards in grey do not.

use hawiya_ocr::layout;
use hawiya_ocr::spoof::{card_chroma, document_spoof_reasons, PHOTOCOPY_MAX_CHROMA};
use hawiya_synth::{Degradation, DocType, Generator};

#[test]
fn grey_copies_are_flagged_and_colour_cards_are_not() {
    let g = Generator::new(None).unwrap();
    let (mut colour_min, mut grey_max) = (f32::INFINITY, 0f32);
    for (doc, plain) in [
        (DocType::IdFront, layout::FRONT_PHOTO),
        (DocType::IdBack, layout::BACK_BARCODE),
    ] {
        for index in 0..30 {
            for degradations in [
                vec![],
                vec![Degradation::ColorCast, Degradation::Jpeg],
                vec![Degradation::Blur, Degradation::Noise],
            ] {
                let card = g.generate(doc, 77, index, &degradations).unwrap().image;
                let c = card_chroma(&card, plain);
                colour_min = colour_min.min(c);
                assert!(
                    document_spoof_reasons(&card, plain).is_empty(),
                    "card {index}: {c}"
                );
                let grey = image::DynamicImage::ImageLuma8(
                    image::DynamicImage::ImageRgb8(card).to_luma8(),
                )
                .to_rgb8();
                let c = card_chroma(&grey, plain);
                grey_max = grey_max.max(c);
                assert_eq!(
                    document_spoof_reasons(&grey, plain),
                    vec!["photocopy".to_string()]
                );
            }
        }
    }
    eprintln!("colour cards: chroma ≥ {colour_min:.1}; grey copies ≤ {grey_max:.1}; threshold {PHOTOCOPY_MAX_CHROMA}");
    assert!(colour_min > PHOTOCOPY_MAX_CHROMA && grey_max < PHOTOCOPY_MAX_CHROMA);
}
