//! Calibration of the blur estimate: generated fronts, sharp and blurred harder and harder,
//! with whether the number still reads.

use hawiya_ocr::{digits, id_front, layout, quality};
use hawiya_synth::{Degradation, DocType, Generator};

#[test]
fn estimated_blur_against_readability() {
    let g = Generator::new(None).unwrap();
    let net = digits::DigitNet::shipped().unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    for sigma in [0.0f32, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0] {
        let (mut values, mut read) = (Vec::new(), 0);
        for index in 0..30 {
            let card = g.generate(DocType::IdFront, 31, index, &[]).unwrap();
            let img = if sigma > 0.0 {
                imageproc::filter::gaussian_blur_f32(&card.image, sigma)
            } else {
                card.image.clone()
            };
            values.push(quality::blur_sigma(&img, layout::FRONT_ID_NUMBER));
            let line = image::DynamicImage::ImageRgb8(layout::crop(&img, layout::FRONT_ID_NUMBER))
                .to_luma8();
            let r = digits::read_lines_scored(&net, &[line]).unwrap();
            let n = id_front::repair_nid(&r[0], today);
            read += usize::from(
                n.valid().map(|n| n.digits.as_str()) == card.truth.fields["idNumber"].as_str(),
            );
        }
        values.sort_by(f32::total_cmp);
        eprintln!(
            "sigma {sigma}: estimated blur min {:.2} median {:.2} max {:.2}; number read {read}/30",
            values[0], values[15], values[29]
        );
        // Readable cards pass; cards blurred past reading are all reported.
        if sigma <= 3.0 {
            assert!(
                values[29] < quality::MAX_BLUR_SIGMA,
                "sigma {sigma}: {values:?}"
            );
        }
        if sigma >= 6.0 {
            assert!(
                values[0] > quality::MAX_BLUR_SIGMA,
                "sigma {sigma}: {values:?}"
            );
        }
    }
}

/// Calibration of the glare check: generated cards, flat and with a specular highlight
/// (`Degradation::Glare`: a lobe of 8-30 % of the card, 55-95 % strong, saturated at its
/// centre), front and back.
#[test]
fn washed_out_fields_against_clean_cards() {
    let g = Generator::new(None).unwrap();
    for (doc, fields) in [
        (DocType::IdFront, id_front::TEXT_FIELDS),
        (DocType::IdBack, hawiya_ocr::id_back::TEXT_FIELDS),
    ] {
        let (mut clean, mut glared) = (Vec::new(), Vec::new());
        for index in 0..40 {
            let card = g.generate(doc, 32, index, &[]).unwrap();
            clean.push(quality::worst_glare(&card.image, fields).1);
            let card = g.generate(doc, 32, index, &[Degradation::Glare]).unwrap();
            glared.push(quality::worst_glare(&card.image, fields).1);
        }
        clean.sort_by(f32::total_cmp);
        glared.sort_by(f32::total_cmp);
        let flagged = glared
            .iter()
            .filter(|&&f| f > quality::MAX_GLARE_FRACTION)
            .count();
        eprintln!(
            "{doc:?}: washed-out fraction, clean max {:.3}; with glare median {:.3} max {:.3}, \
             {flagged}/40 flagged",
            clean[39], glared[20], glared[39]
        );
        assert!(clean[39] < quality::MAX_GLARE_FRACTION, "{clean:?}");
        assert!(flagged >= 3, "{glared:?}");
    }
}
