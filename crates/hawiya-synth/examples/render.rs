//! Renders samples: `cargo run --example render -- DOC SEED COUNT OUTDIR [degradations,..]`.
use std::path::Path;

fn main() -> anyhow::Result<()> {
    let a: Vec<String> = std::env::args().collect();
    let doc: hawiya_synth::DocType = a.get(1).map(String::as_str).unwrap_or("id-front").parse()?;
    let seed: u64 = a.get(2).map(|s| s.parse()).transpose()?.unwrap_or(1);
    let n: u32 = a.get(3).map(|s| s.parse()).transpose()?.unwrap_or(4);
    let out = a.get(4).cloned().unwrap_or_else(|| "/tmp/synth-out".into());
    let degr: Vec<hawiya_synth::Degradation> = match a.get(5) {
        Some(s) if !s.is_empty() => s.split(',').map(str::parse).collect::<Result<_, _>>()?,
        _ => vec![],
    };
    let faces = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/faces/tune");
    let g = hawiya_synth::Generator::new(Some(&faces))?;
    let t = std::time::Instant::now();
    let mut tiles = Vec::new();
    for i in 0..n {
        let s = g.generate(doc, seed, i, &degr)?;
        hawiya_synth::write_sample(Path::new(&out), &s)?;
        if std::env::var_os("MONTAGE").is_some() {
            let (w, h) = s.image.dimensions();
            tiles.push(image::imageops::resize(
                &s.image,
                w / 2,
                h / 2,
                image::imageops::FilterType::Triangle,
            ));
        }
        if std::env::var_os("OVERLAY").is_some() {
            let mut img = s.image.clone();
            let quads = s.truth.polygons.values().chain(s.truth.card_quad.iter());
            for q in quads {
                for k in 0..4 {
                    line(
                        &mut img,
                        q[k],
                        q[(k + 1) % 4],
                        if k == 0 { [0, 200, 0] } else { [230, 0, 0] },
                    );
                }
            }
            img.save(Path::new(&out).join(format!("{i:04}-overlay.png")))?;
        }
    }
    eprintln!("{n} x {doc} in {:.2?}", t.elapsed());
    if !tiles.is_empty() {
        let (tw, th) = tiles
            .iter()
            .fold((0, 0), |a, t| (a.0.max(t.width()), a.1.max(t.height())));
        let cols = 2u32;
        let rows = (tiles.len() as u32).div_ceil(cols);
        let mut m = image::RgbImage::from_pixel(tw * cols, th * rows, image::Rgb([255, 255, 255]));
        for (i, t) in tiles.iter().enumerate() {
            let (c, r) = (i as u32 % cols, i as u32 / cols);
            image::imageops::replace(&mut m, t, i64::from(c * tw), i64::from(r * th));
        }
        m.save(Path::new(&out).join("montage.png"))?;
    }
    Ok(())
}

fn line(img: &mut image::RgbImage, a: [f32; 2], b: [f32; 2], c: [u8; 3]) {
    let n = ((b[0] - a[0]).abs().max((b[1] - a[1]).abs()) as usize).max(1);
    for i in 0..=n {
        let t = i as f32 / n as f32;
        let (x, y) = (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t);
        if x >= 0.0 && y >= 0.0 && (x as u32) < img.width() && (y as u32) < img.height() {
            img.put_pixel(x as u32, y as u32, image::Rgb(c));
        }
    }
}
