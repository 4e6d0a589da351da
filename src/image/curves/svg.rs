//! Curves as SVG: one `<polyline>` per open curve and one `<polygon>` per closed one, over a
//! canvas of the image's size. The `viewBox` is `-0.5 -0.5 W H`, so that a point at `(x, y)`
//! (pixel centres at whole numbers) lands on the centre of pixel `(x, y)` of the picture, and
//! the optional background picture, embedded as a base64 PNG `data:` URI, covers the canvas
//! exactly, one SVG unit per pixel.

use std::io::{self, Write};

use image::DynamicImage;

use super::{write_each, Curves};
use crate::image::encode::encode_png;

/// The colour and width (in pixels) of the curves' strokes.
const STROKE: &str = r##"fill="none" stroke="#ff2a2a" stroke-width="0.6" stroke-linejoin="round""##;

/// Writes `curves` as SVG to `w`, over `background` when given (which should be the image's
/// size; it is stretched to it).
///
/// ```
/// use edgegrad::image::curves::{svg, Curve, Curves, EdgePoint};
/// let p = |x, y| EdgePoint { x, y, strength: 1.0, direction: 0.0 };
/// let c = Curves { width: 8, height: 6, curves: vec![Curve { points: vec![p(1.0, 2.5), p(2.0, 3.0)], closed: false }] };
/// let mut out = Vec::new();
/// svg::write(&mut out, &c, None)?;
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.contains(r#"width="8" height="6" viewBox="-0.5 -0.5 8 6""#));
/// assert!(text.contains(r#"<polyline points="1,2.5 2,3"/>"#));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write(
    w: &mut dyn Write,
    curves: &Curves,
    background: Option<&DynamicImage>,
) -> io::Result<()> {
    let (width, height) = (curves.width, curves.height);
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="-0.5 -0.5 {width} {height}">"#
    )?;
    if let Some(picture) = background {
        let mut png = Vec::new();
        encode_png(picture, &mut png).map_err(io::Error::other)?;
        writeln!(
            w,
            r#"<image x="-0.5" y="-0.5" width="{width}" height="{height}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,{}"/>"#,
            base64(&png)
        )?;
    }
    writeln!(w, "<g {STROKE}>")?;
    write_each(w, &curves.curves, |_, curve, out| {
        let element = if curve.closed { "polygon" } else { "polyline" };
        write!(out, r#"<{element} points=""#)?;
        for (i, p) in curve.points.iter().enumerate() {
            let space = if i == 0 { "" } else { " " };
            write!(out, "{space}{},{}", p.x, p.y)?;
        }
        writeln!(out, r#""/>"#)
    })?;
    writeln!(w, "</g>")?;
    writeln!(w, "</svg>")
}

/// `bytes` in standard base64 (RFC 4648, with `=` padding).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
    }
}
