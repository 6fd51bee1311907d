fn main() {
    let reader = hawiya_ocr::IdReader::load(1).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    for p in std::env::args().skip(1) {
        let img = image::open(&p).unwrap().to_rgb8();
        for (name, im) in [
            ("orig", img.clone()),
            (
                "1600",
                image::imageops::resize(&img, 1600, 1000, image::imageops::FilterType::Triangle),
            ),
            (
                "1600u",
                image::imageops::resize(&img, 1600, 1125, image::imageops::FilterType::Triangle),
            ),
            (
                "1379x1100",
                image::imageops::resize(&img, 1379, 1100, image::imageops::FilterType::Triangle),
            ),
            (
                "1000",
                image::imageops::resize(&img, 1000, 703, image::imageops::FilterType::Triangle),
            ),
        ] {
            let q = hawiya_ocr::card::find_card(&im);
            let out =
                hawiya_ocr::id_back::read_back_photo(&im, &reader.digits, &reader.tesseract, today)
                    .unwrap();
            let kind = match &out {
                hawiya_ocr::id_back::BackOutcome::Back { .. } => "back".to_string(),
                o => format!("{o:?}"),
            };
            let bc = q.as_ref().map(|q| {
                let c = hawiya_ocr::card::rectify(&im, q, false);
                let f = hawiya_ocr::card::rectify(&im, q, true);
                (
                    hawiya_ocr::id_front::barcode_score(&c),
                    hawiya_ocr::id_front::barcode_score(&f),
                )
            });
            println!(
                "{p} {name}: quad {:?} barcode {bc:?} -> {kind}",
                q.map(|q| q.score)
            );
        }
    }
}
