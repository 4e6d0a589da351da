//! Curves as CSV: the header `curve,x,y,strength,direction`, then a row per point, curve by
//! curve and in order along each (`curve` numbers the curves from 0). Numbers are written in
//! the shortest form that reads back to the same `f32`.

use std::io::{self, Write};

use super::{write_each, Curves};

/// The CSV's header line.
pub const HEADER: &str = "curve,x,y,strength,direction";

/// Writes `curves` as CSV to `w`.
///
/// ```
/// use edgegrad::image::curves::{csv, Curve, Curves, EdgePoint};
/// let p = EdgePoint { x: 1.5, y: 2.0, strength: 0.25, direction: -1.0 };
/// let c = Curves { width: 4, height: 4, curves: vec![Curve { points: vec![p], closed: false }] };
/// let mut out = Vec::new();
/// csv::write(&mut out, &c)?;
/// assert_eq!(String::from_utf8(out).unwrap(), "curve,x,y,strength,direction\n0,1.5,2,0.25,-1\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write(w: &mut dyn Write, curves: &Curves) -> io::Result<()> {
    writeln!(w, "{HEADER}")?;
    write_each(w, &curves.curves, |id, curve, out| {
        for p in &curve.points {
            writeln!(out, "{id},{},{},{},{}", p.x, p.y, p.strength, p.direction)?;
        }
        Ok(())
    })
}
