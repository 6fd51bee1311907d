//! Text layout: bidi reordering (UAX #9), font fallback, Arabic shaping (HarfBuzz via
//! `rustybuzz`) and drawing glyph outlines with `tiny-skia`.
//!
//! A line is split into bidi runs in visual order; each run is split again where the
//! chosen font lacks a character (Debian's Noto Naskh/Sans Arabic have no `-` or `/`,
//! for example), and every piece is shaped in its run's direction. Arabic-Indic digits
//! inside Arabic text therefore come out left to right, as the bidi algorithm requires.

use rustybuzz::{Direction, UnicodeBuffer};
use tiny_skia::{FillRule, Paint, PathBuilder, Pixmap, Transform};
use unicode_bidi::{BidiInfo, Level};

use crate::fonts::{FontId, FontSet};
use crate::geom::Quad;

/// How a line of text is set.
#[derive(Debug, Clone)]
pub struct TextStyle {
    /// Preferred font; characters it lacks fall back to Amiri Bold, then DejaVu Sans Bold.
    pub font: FontId,
    /// Font size in pixels (the em size).
    pub size: f32,
    /// Paragraph direction: `true` for Arabic lines.
    pub rtl: bool,
    /// Extra space after each glyph of left-to-right runs (digit groups), in pixels.
    pub tracking: f32,
    /// Fill colour.
    pub color: [u8; 3],
}

impl TextStyle {
    /// An Arabic (right-to-left) style.
    pub fn arabic(font: FontId, size: f32, color: [u8; 3]) -> TextStyle {
        TextStyle {
            font,
            size,
            rtl: true,
            tracking: 0.0,
            color,
        }
    }

    /// A Latin (left-to-right) style.
    pub fn latin(font: FontId, size: f32, color: [u8; 3]) -> TextStyle {
        TextStyle {
            font,
            size,
            rtl: false,
            tracking: 0.0,
            color,
        }
    }

    /// The same style with extra tracking.
    pub fn with_tracking(mut self, tracking: f32) -> TextStyle {
        self.tracking = tracking;
        self
    }
}

/// One positioned glyph.
#[derive(Debug, Clone, Copy)]
pub struct PlacedGlyph {
    /// Font the glyph comes from (after fallback).
    pub font: FontId,
    /// Glyph id in that font (0 is `.notdef`, a missing character).
    pub gid: u16,
    /// Byte offset in the line's text of the character(s) the glyph draws.
    pub cluster: usize,
    /// Pen x relative to the line origin (left end of the line), in pixels.
    pub x: f32,
    /// Baseline offset in pixels, y pointing down.
    pub y: f32,
}

/// A shaped line.
#[derive(Debug, Clone)]
pub struct Line {
    /// Glyphs in visual order, left to right.
    pub glyphs: Vec<PlacedGlyph>,
    /// Total advance width in pixels.
    pub width: f32,
    /// Ink box relative to the origin: `[x0, y0, x1, y1]`, y pointing down.
    pub ink: [f32; 4],
    size: f32,
    color: [u8; 3],
}

/// Horizontal anchoring of a line.
#[derive(Debug, Clone, Copy)]
pub enum Align {
    /// `x` is the left end.
    Left(f32),
    /// `x` is the right end.
    Right(f32),
    /// `x` is the centre.
    Center(f32),
}

fn is_sticky(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{200C}' | '\u{200D}' | '\u{0640}'
        )
}

/// Splits `text` into pieces that one font can draw, preferring earlier fonts of `chain`.
fn font_runs(fonts: &FontSet, chain: &[FontId], text: &str) -> Vec<(FontId, usize, usize)> {
    let mut out: Vec<(FontId, usize, usize)> = Vec::new();
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if let Some(last) = out.last_mut() {
            if is_sticky(c) && fonts.get(last.0).face.glyph_index(c).is_some() {
                last.2 = end;
                continue;
            }
        }
        let f = chain
            .iter()
            .copied()
            .find(|f| fonts.get(*f).face.glyph_index(c).is_some())
            .unwrap_or(chain[0]);
        match out.last_mut() {
            Some(last) if last.0 == f => last.2 = end,
            _ => out.push((f, i, end)),
        }
    }
    out
}

/// Shapes one line of text.
pub fn shape(fonts: &FontSet, style: &TextStyle, text: &str) -> Line {
    let chain = [style.font, FontId::AmiriBold, FontId::DejaVuSansBold];
    let base = if style.rtl {
        Level::rtl()
    } else {
        Level::ltr()
    };
    let bidi = BidiInfo::new(text, Some(base));
    let mut glyphs = Vec::new();
    let mut pen = 0.0f32;
    let mut ink = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    // Visual size: every piece uses the primary font's normalised size.
    let size = style.size * fonts.get(style.font).size_factor;
    if let Some(para) = bidi.paragraphs.first() {
        let (levels, runs) = bidi.visual_runs(para, para.range.clone());
        for run in runs {
            let rtl = levels[run.start].is_rtl();
            let mut pieces = font_runs(fonts, &chain, &text[run.clone()]);
            if rtl {
                // Pieces are in logical order; an RTL run shows the last one leftmost.
                pieces.reverse();
            }
            for (font, s, e) in pieces {
                let piece = &text[run.start + s..run.start + e];
                let face = &fonts.get(font).face;
                let scale = size / face.units_per_em() as f32;
                let mut buf = UnicodeBuffer::new();
                buf.push_str(piece);
                buf.set_direction(if rtl {
                    Direction::RightToLeft
                } else {
                    Direction::LeftToRight
                });
                buf.guess_segment_properties();
                let out = rustybuzz::shape(face, &[], buf);
                for (info, pos) in out.glyph_infos().iter().zip(out.glyph_positions()) {
                    let gid = info.glyph_id as u16;
                    let x = pen + pos.x_offset as f32 * scale;
                    let y = -(pos.y_offset as f32) * scale;
                    if let Some(bb) = face.glyph_bounding_box(rustybuzz::ttf_parser::GlyphId(gid)) {
                        ink[0] = ink[0].min(x + f32::from(bb.x_min) * scale);
                        ink[2] = ink[2].max(x + f32::from(bb.x_max) * scale);
                        ink[1] = ink[1].min(y - f32::from(bb.y_max) * scale);
                        ink[3] = ink[3].max(y - f32::from(bb.y_min) * scale);
                    }
                    glyphs.push(PlacedGlyph {
                        font,
                        gid,
                        cluster: run.start + s + info.cluster as usize,
                        x,
                        y,
                    });
                    pen += pos.x_advance as f32 * scale;
                    if !rtl && pos.x_advance != 0 {
                        pen += style.tracking;
                    }
                }
            }
        }
    }
    if ink[0] > ink[2] {
        ink = [0.0, 0.0, 0.0, 0.0];
    }
    Line {
        glyphs,
        width: pen,
        ink,
        size,
        color: style.color,
    }
}

/// Shapes `text`, shrinking the size until the line fits in `max_width` pixels.
pub fn shape_fit(fonts: &FontSet, style: &TextStyle, text: &str, max_width: f32) -> Line {
    let mut line = shape(fonts, style, text);
    if line.width > max_width && line.width > 0.0 {
        let mut s = style.clone();
        s.size = style.size * max_width / line.width * 0.98;
        line = shape(fonts, &s, text);
    }
    line
}

struct Outline(PathBuilder);

impl rustybuzz::ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}

impl Line {
    /// The left x of the line for an anchor.
    pub fn origin_x(&self, align: Align) -> f32 {
        match align {
            Align::Left(x) => x,
            Align::Right(x) => x - self.width,
            Align::Center(x) => x - self.width / 2.0,
        }
    }

    /// Draws the line with its baseline at `baseline` and returns the quad around its ink
    /// (padded by 10 % of the font size, at least 2 px), in canvas pixels.
    pub fn draw(&self, fonts: &FontSet, pm: &mut Pixmap, align: Align, baseline: f32) -> Quad {
        let ox = self.origin_x(align);
        let mut paint = Paint {
            anti_alias: true,
            ..Paint::default()
        };
        paint.set_color_rgba8(self.color[0], self.color[1], self.color[2], 255);
        for g in &self.glyphs {
            let face = &fonts.get(g.font).face;
            let scale = self.size / face.units_per_em() as f32;
            let mut ob = Outline(PathBuilder::new());
            if face
                .outline_glyph(rustybuzz::ttf_parser::GlyphId(g.gid), &mut ob)
                .is_none()
            {
                continue;
            }
            if let Some(path) = ob.0.finish() {
                let t = Transform::from_row(scale, 0.0, 0.0, -scale, ox + g.x, baseline + g.y);
                pm.fill_path(&path, &paint, FillRule::Winding, t, None);
            }
        }
        self.quad_at(align, baseline)
    }

    /// The padded ink quad the line would have when drawn at (`align`, `baseline`).
    pub fn quad_at(&self, align: Align, baseline: f32) -> Quad {
        let ox = self.origin_x(align);
        let pad = (self.size * 0.1).max(2.0);
        Quad::rect(
            ox + self.ink[0] - pad,
            baseline + self.ink[1] - pad,
            ox + self.ink[2] + pad,
            baseline + self.ink[3] + pad,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::CARD_FONTS;

    fn fonts() -> FontSet {
        FontSet::load().expect("fonts installed (scripts/setup.sh test)")
    }

    /// x of the first glyph drawing the character at byte offset `at`.
    fn x_of(line: &Line, at: usize) -> f32 {
        line.glyphs
            .iter()
            .find(|g| g.cluster == at)
            .unwrap_or_else(|| panic!("no glyph for byte {at}"))
            .x
    }

    #[test]
    fn arabic_runs_right_to_left_and_digits_left_to_right() {
        let f = fonts();
        let text = "محمد ١٩٩٠/٠٥/١٢ علي";
        for font in CARD_FONTS {
            let line = shape(&f, &TextStyle::arabic(font, 40.0, [0; 3]), text);
            let off = |s: &str| text.find(s).unwrap();
            // Words: the first word is rightmost.
            assert!(x_of(&line, 0) > x_of(&line, off("علي")), "{font:?}");
            // Digits inside: ١ (first) is left of ٩, and the year is left of the day.
            let one = off("١٩٩٠");
            assert!(
                x_of(&line, one) < x_of(&line, one + '١'.len_utf8()),
                "{font:?}"
            );
            assert!(x_of(&line, one) < x_of(&line, off("١٢")), "{font:?}");
            // The number sits between the two words.
            assert!(x_of(&line, one) > x_of(&line, off("علي")), "{font:?}");
            assert!(x_of(&line, one) < x_of(&line, 0), "{font:?}");
        }
    }

    #[test]
    fn letters_are_joined() {
        let f = fonts();
        for font in CARD_FONTS {
            let style = TextStyle::arabic(font, 40.0, [0; 3]);
            let alone = shape(&f, &style, "م").glyphs[0].gid;
            let word = shape(&f, &style, "محمد");
            // The initial meem of a word is a different glyph from the isolated one.
            let initial = word.glyphs.iter().find(|g| g.cluster == 0).unwrap().gid;
            assert_ne!(alone, initial, "{font:?}: no contextual form");
        }
    }

    #[test]
    fn missing_characters_fall_back() {
        let f = fonts();
        // Debian's Noto Naskh Arabic has no hyphen-minus or slash.
        let line = shape(
            &f,
            &TextStyle::arabic(FontId::NaskhBold, 40.0, [0; 3]),
            "مدينة نصر - القاهرة ١/٢",
        );
        assert!(line.glyphs.iter().all(|g| g.gid != 0));
        assert!(line.glyphs.iter().any(|g| g.font != FontId::NaskhBold));
    }

    #[test]
    fn fitting_shrinks_long_lines() {
        let f = fonts();
        let style = TextStyle::arabic(FontId::AmiriBold, 60.0, [0; 3]);
        let l = shape_fit(
            &f,
            &style,
            "عبد الرحمن عبد الحميد عبد المنعم الشربيني",
            300.0,
        );
        assert!(l.width <= 300.0 + 0.5, "{}", l.width);
    }
}
