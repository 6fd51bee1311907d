//! End-to-end check of the pre/post-processing chain with synthetic model outputs.

use hawiya_face::align::{align_face, cosine, l2_normalize, sface_input, ARCFACE_TEMPLATE};
use hawiya_face::quality::{eye_distance, laplacian_variance};
use hawiya_face::yunet::{cells, decode, yunet_input, RawOutputs, StrideOutputs, STRIDES};
use image::{Rgb, RgbImage};

#[test]
fn letterbox_decode_align_pack() {
    // 1280×960 frame: scale 0.5. A face whose landmarks are the ArcFace template ×4 + (200, 100).
    let img = RgbImage::from_fn(1280, 960, |x, y| {
        Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
    });
    let (tensor, scale) = yunet_input(&img);
    assert_eq!(scale, 0.5);
    assert_eq!(tensor.len(), 3 * 640 * 640);

    let truth = ARCFACE_TEMPLATE.map(|p| [p[0] * 4.0 + 200.0, p[1] * 4.0 + 100.0]);
    // Encode them as the stride-32 anchor at row 5, col 6 would (network pixels = truth / 2).
    let (stride, row, col) = (32.0f32, 5usize, 6usize);
    let mut kps = vec![0.0f32; cells(32) * 10];
    let mut cls = vec![0.0f32; cells(32)];
    let mut obj = vec![0.0f32; cells(32)];
    let mut bbox = vec![0.0f32; cells(32) * 4];
    let i = row * 20 + col;
    cls[i] = 0.98;
    obj[i] = 0.95;
    bbox[i * 4..i * 4 + 4].copy_from_slice(&[0.5, 0.5, 2.0f32.ln(), 2.5f32.ln()]);
    for (j, p) in truth.iter().enumerate() {
        kps[i * 10 + 2 * j] = p[0] * scale / stride - col as f32;
        kps[i * 10 + 2 * j + 1] = p[1] * scale / stride - row as f32;
    }
    let zeros: Vec<Vec<f32>> = STRIDES.iter().map(|&s| vec![0.0; cells(s) * 10]).collect();
    let empty = |k: usize, per: usize| StrideOutputs {
        cls: &zeros[k][..cells(STRIDES[k])],
        obj: &zeros[k][..cells(STRIDES[k])],
        bbox: &zeros[k][..cells(STRIDES[k]) * per],
        kps: &zeros[k][..],
    };
    let outputs = RawOutputs::new([
        empty(0, 4),
        empty(1, 4),
        StrideOutputs {
            cls: &cls,
            obj: &obj,
            bbox: &bbox,
            kps: &kps,
        },
    ])
    .unwrap();

    let faces = decode(&outputs, scale, 0.6, 0.3);
    assert_eq!(faces.len(), 1);
    let face = faces[0];
    assert!((face.score - (0.98f32 * 0.95).sqrt()).abs() < 1e-6);
    // Box centre (6.5, 5.5) * 32 / 0.5 = (416, 352), size 2*32/0.5 × 2.5*32/0.5 = 128 × 160.
    let expected = [352.0, 272.0, 480.0, 432.0];
    for (a, b) in face.bbox.iter().zip(expected) {
        assert!((a - b).abs() < 1e-3, "{:?}", face.bbox);
    }
    for (p, q) in face.landmarks.iter().zip(truth.iter()) {
        assert!((p[0] - q[0]).abs() < 1e-3 && (p[1] - q[1]).abs() < 1e-3);
    }
    assert!((eye_distance(&face.landmarks) - 4.0 * 35.2374).abs() < 0.01);

    // Alignment undoes the ×4 scale and shift: crop(x, y) = img(4x + 200, 4y + 100).
    let crop = align_face(&img, &face.landmarks);
    assert_eq!(crop.dimensions(), (112, 112));
    for (x, y) in [(0u32, 0u32), (55, 60), (111, 111), (20, 97)] {
        let src = img.get_pixel(4 * x + 200, 4 * y + 100);
        let got = crop.get_pixel(x, y);
        for c in 0..3 {
            assert!((got[c] as i32 - src[c] as i32).abs() <= 1, "({x},{y})");
        }
    }
    assert!(laplacian_variance(&crop) > 0.0);

    let input = sface_input(&crop);
    assert_eq!(input.len(), 3 * 112 * 112);
    let emb = l2_normalize(&input[..128]);
    assert!((cosine(&emb, &input[..128]) - 1.0).abs() < 1e-5);
}
