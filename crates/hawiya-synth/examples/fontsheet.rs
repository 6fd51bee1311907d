//! Draws one sample line in every Arabic card font: `cargo run --example fontsheet -- OUT.png`.
use hawiya_synth::fonts::{FontSet, CARD_FONTS};
use hawiya_synth::text::{shape, Align, TextStyle};

fn main() -> anyhow::Result<()> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/fontsheet.png".into());
    let fonts = FontSet::load()?;
    let text = "١٢ ش ٢٦ يوليو - مدينة نصر ١٩٩٠/٠٥/١٢ عبد الرحمن";
    let mut pm = tiny_skia::Pixmap::new(1100, 80 * CARD_FONTS.len() as u32 + 20).unwrap();
    pm.fill(tiny_skia::Color::WHITE);
    for (i, f) in CARD_FONTS.iter().enumerate() {
        let l = shape(&fonts, &TextStyle::arabic(*f, 40.0, [0, 0, 0]), text);
        l.draw(
            &fonts,
            &mut pm,
            Align::Right(1080.0),
            60.0 + 80.0 * i as f32,
        );
        let n = shape(
            &fonts,
            &TextStyle::latin(hawiya_synth::fonts::FontId::DejaVuSans, 14.0, [200, 0, 0]),
            f.name(),
        );
        n.draw(&fonts, &mut pm, Align::Left(5.0), 60.0 + 80.0 * i as f32);
    }
    let img = image::RgbaImage::from_raw(pm.width(), pm.height(), pm.data().to_vec()).unwrap();
    img.save(&out)?;
    Ok(())
}
