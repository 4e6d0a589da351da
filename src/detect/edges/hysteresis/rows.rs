//! Hysteresis over a map given a few rows at a time, top to bottom, in memory that depends on
//! the width only: the edges [`connect_above`](super::connect_above) gives the whole map, bit
//! for bit.
//!
//! A pixel is a candidate when its code is above `low` and strong when above `high`; the edges
//! are the candidates whose 8-connected component of candidates holds a strong pixel. A component
//! can wind up and down the whole image, so no single pass down the rows can tell; three passes
//! do, the first and last over the same codes:
//!
//! 1. Down ([`Linker`]): each row's candidates are cut into runs, and the runs joined to the
//!    previous row's by a union-find over the components *alive* at that row: the components of
//!    the candidates of rows `0..=y` that touch row `y`, numbered in the order of their first
//!    run (at most one a run, so at most `(cols + 1) / 2`). For each row, a record says where
//!    each of its components went in the next row: into which component, or nowhere — then it
//!    is finished, a whole component of the image, and the record says whether it holds a strong
//!    pixel. The records go to an anonymous temporary file: 4 bytes a component of a row, plus
//!    4 a row. The labels of the previous row are all that is kept.
//! 2. Up ([`Linker::finish`]): reading the records last row first, whether each component alive
//!    at row `y` is part of one with a strong pixel: its own bit if it finished, else the bit,
//!    known already, of the component it went into at row `y + 1`. The bits go to a second
//!    temporary file, 1 bit a component of a row plus 4 bytes a row.
//! 3. Down again ([`EdgeRows`]): the same runs, numbered the same way from the same codes, and
//!    each row's bits (the second file read backward, so first row first): the runs of
//!    components with a strong pixel are the edges.
//!
//! Memory: the runs and labels of two rows (`O(cols)`) and a block of each file; nothing grows
//! with the number of rows or of components.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};

/// Where a component that went into no component of the next row went: finished, without a
/// strong pixel (`FINISHED`) or with one (`FINISHED + 1`).
const FINISHED: u32 = u32::MAX - 1;
/// The label of a union-find root not numbered yet.
const UNNUMBERED: u32 = u32::MAX;
/// Words read at a time from the end of a record file.
const BLOCK_WORDS: usize = 1 << 16;
/// Bytes at a time the candidates are skipped by, where there is none.
const SKIP: usize = 32;

/// The candidates `start..end` of a row, all in component `comp`.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: usize,
    end: usize,
    comp: u32,
}

/// The runs of the last row given and their components, numbered.
#[derive(Debug)]
struct Components {
    low: u8,
    high: u8,
    /// The runs of the last row.
    runs: Vec<Run>,
    /// Whether each component alive at the last row holds a strong pixel so far.
    strong: Vec<bool>,
    /// Work space of the next row: its runs, whether each holds a strong pixel, the union-find
    /// over the last row's components then the next row's runs, the numbers of the roots, and
    /// the strong bits of the next row's components.
    next_runs: Vec<Run>,
    run_strong: Vec<bool>,
    parent: Vec<u32>,
    number: Vec<u32>,
    next_strong: Vec<bool>,
}

impl Components {
    fn new(low: u8, high: u8) -> Self {
        Components {
            low,
            high,
            runs: Vec::new(),
            strong: Vec::new(),
            next_runs: Vec::new(),
            run_strong: Vec::new(),
            parent: Vec::new(),
            number: Vec::new(),
            next_strong: Vec::new(),
        }
    }

    /// Takes the next row: `went` gets, for each component of the last row, where it went
    /// (a component of this row, or finished with its strong bit), and this row's runs and
    /// components become the last row's.
    fn row(&mut self, row: &[u8], went: &mut Vec<u32>) {
        find_runs(
            row,
            self.low,
            self.high,
            &mut self.next_runs,
            &mut self.run_strong,
        );
        let (n, m) = (self.strong.len(), self.next_runs.len());
        self.parent.clear();
        self.parent.extend(0..(n + m) as u32);
        let mut first = 0;
        for (i, r) in self.next_runs.iter().enumerate() {
            // Runs of the last row ending before the pixel left of `r` touch no later run either.
            while first < self.runs.len() && self.runs[first].end < r.start {
                first += 1;
            }
            for above in self.runs[first..].iter().take_while(|a| a.start <= r.end) {
                union(&mut self.parent, above.comp, (n + i) as u32);
            }
        }
        self.number.clear();
        self.number.resize(n + m, UNNUMBERED);
        self.next_strong.clear();
        for (i, r) in self.next_runs.iter_mut().enumerate() {
            let root = find(&mut self.parent, (n + i) as u32) as usize;
            if self.number[root] == UNNUMBERED {
                self.number[root] = self.next_strong.len() as u32;
                self.next_strong.push(false);
            }
            r.comp = self.number[root];
            self.next_strong[r.comp as usize] |= self.run_strong[i];
        }
        went.clear();
        for c in 0..n {
            let root = find(&mut self.parent, c as u32) as usize;
            let into = self.number[root];
            if into == UNNUMBERED {
                went.push(FINISHED + u32::from(self.strong[c]));
            } else {
                went.push(into);
                self.next_strong[into as usize] |= self.strong[c];
            }
        }
        std::mem::swap(&mut self.runs, &mut self.next_runs);
        std::mem::swap(&mut self.strong, &mut self.next_strong);
    }

    /// Ends the image: `went` gets every component of the last row, finished.
    fn finish(&mut self, went: &mut Vec<u32>) {
        went.clear();
        went.extend(self.strong.iter().map(|&s| FINISHED + u32::from(s)));
        self.runs.clear();
        self.strong.clear();
    }
}

/// The runs of candidates (codes above `low`) of `row` into `runs` (components unset), and
/// whether each holds a strong pixel (a code above `high`) into `strong`.
fn find_runs(row: &[u8], low: u8, high: u8, runs: &mut Vec<Run>, strong: &mut Vec<bool>) {
    runs.clear();
    strong.clear();
    let mut x = 0;
    while x < row.len() {
        // Candidates are few: skip blocks without any, in a test that vectorises.
        while let Some(block) = row.get(x..x + SKIP) {
            if block.iter().fold(false, |any, &c| any | (c > low)) {
                break;
            }
            x += SKIP;
        }
        let Some(start) = row[x..].iter().position(|&c| c > low).map(|p| x + p) else {
            break;
        };
        let len = row[start..].iter().take_while(|&&c| c > low).count();
        x = start + len;
        runs.push(Run {
            start,
            end: x,
            comp: 0,
        });
        strong.push(row[start..x].iter().any(|&c| c > high));
    }
}

/// The root of `x`, halving the path.
fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let up = parent[parent[x as usize] as usize];
        parent[x as usize] = up;
        x = up;
    }
    x
}

/// Joins the sets of `a` and `b` (the smaller root becomes the root).
fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    parent[ra.max(rb) as usize] = ra.min(rb);
}

/// Records of `u32` words in an anonymous temporary file: each record's words, then their count.
struct Records {
    file: BufWriter<File>,
}

impl Records {
    fn new() -> io::Result<Self> {
        Ok(Records {
            file: BufWriter::new(tempfile::tempfile()?),
        })
    }

    fn push(&mut self, words: &[u32]) -> io::Result<()> {
        let count = u32::try_from(words.len()).map_err(|_| corrupt())?;
        for w in words.iter().chain([&count]) {
            self.file.write_all(&w.to_le_bytes())?;
        }
        Ok(())
    }

    /// The records, to be read last first.
    fn backward(self) -> io::Result<Backward> {
        let mut file = self.file.into_inner().map_err(|e| e.into_error())?;
        let end = file.seek(SeekFrom::End(0))?;
        Ok(Backward {
            file,
            start: end,
            words: Vec::new(),
        })
    }
}

/// Reads the records of a [`Records`] file last first, a block at a time.
struct Backward {
    file: File,
    /// Where in the file `words` starts; what is before is not read yet.
    start: u64,
    /// Words read and not taken yet, in file order.
    words: Vec<u32>,
}

impl Backward {
    /// The last record not taken yet, into `out`.
    fn pop(&mut self, out: &mut Vec<u32>) -> io::Result<()> {
        self.load(1)?;
        let count = self.words.pop().ok_or_else(corrupt)? as usize;
        self.load(count)?;
        let from = self.words.len().checked_sub(count).ok_or_else(corrupt)?;
        out.clear();
        out.extend(self.words.drain(from..));
        Ok(())
    }

    /// Makes sure at least `n` words are loaded.
    fn load(&mut self, n: usize) -> io::Result<()> {
        let missing = n.saturating_sub(self.words.len());
        if missing == 0 {
            return Ok(());
        }
        let take = (missing.max(BLOCK_WORDS) as u64).min(self.start / 4);
        if take < missing as u64 {
            return Err(corrupt());
        }
        self.start -= 4 * take;
        self.file.seek(SeekFrom::Start(self.start))?;
        let mut bytes = vec![0u8; 4 * take as usize];
        self.file.read_exact(&mut bytes)?;
        let read = bytes
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        self.words.splice(0..0, read);
        Ok(())
    }
}

/// The error of a temporary file that does not hold what was written to it.
fn corrupt() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "a temporary file of hysteresis does not read back as written",
    )
}

/// Bit `i` of `bits`.
fn bit(bits: &[u32], i: u32) -> io::Result<bool> {
    let word = bits.get(i as usize / 32).ok_or_else(corrupt)?;
    Ok(word >> (i % 32) & 1 == 1)
}

/// The first pass: takes the rows of codes in order and records where each component went.
/// [`Linker::finish`] then gives the [`EdgeRows`] the same rows are given to again, in the same
/// order (in chunks of any size), to become the edges.
pub(crate) struct Linker {
    cols: usize,
    components: Components,
    records: Records,
    went: Vec<u32>,
    rows: usize,
}

impl Linker {
    /// A linker of rows `cols` wide whose candidates are the codes above `low` and strong
    /// pixels the codes above `high`.
    pub(crate) fn new(cols: usize, low: u8, high: u8) -> io::Result<Self> {
        Ok(Linker {
            cols: cols.max(1),
            components: Components::new(low, high),
            records: Records::new()?,
            went: Vec::new(),
            rows: 0,
        })
    }

    /// Takes the next whole rows of codes (row-major).
    pub(crate) fn rows(&mut self, map: &[u8]) -> io::Result<()> {
        for row in map.chunks_exact(self.cols) {
            self.components.row(row, &mut self.went);
            if self.rows > 0 {
                self.records.push(&self.went)?;
            }
            self.rows += 1;
        }
        Ok(())
    }

    /// After the last row: resolves, last row first, which components hold a strong pixel, and
    /// gives the pass that turns the same codes into edges.
    pub(crate) fn finish(mut self) -> io::Result<EdgeRows> {
        if self.rows > 0 {
            self.components.finish(&mut self.went);
            self.records.push(&self.went)?;
        }
        let mut records = self.records.backward()?;
        let mut finals = Records::new()?;
        let (mut went, mut below, mut here) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..self.rows {
            records.pop(&mut went)?;
            here.clear();
            here.resize(went.len().div_ceil(32), 0u32);
            for (c, &to) in went.iter().enumerate() {
                let edge = match to {
                    FINISHED => false,
                    t if t == FINISHED + 1 => true,
                    t => bit(&below, t)?,
                };
                here[c / 32] |= u32::from(edge) << (c % 32);
            }
            finals.push(&here)?;
            std::mem::swap(&mut below, &mut here);
        }
        Ok(EdgeRows {
            cols: self.cols,
            components: Components::new(self.components.low, self.components.high),
            finals: finals.backward()?,
            went,
            bits: below,
        })
    }
}

/// The last pass: turns the rows of codes, given again in the same order, into edge rows.
pub(crate) struct EdgeRows {
    cols: usize,
    components: Components,
    finals: Backward,
    went: Vec<u32>,
    bits: Vec<u32>,
}

impl EdgeRows {
    /// Turns the next whole rows of codes into edges in place: 255 where the pixel's component
    /// holds a strong pixel, 0 elsewhere.
    pub(crate) fn rows(&mut self, map: &mut [u8]) -> io::Result<()> {
        for row in map.chunks_exact_mut(self.cols) {
            self.components.row(row, &mut self.went);
            self.finals.pop(&mut self.bits)?;
            row.fill(0);
            for r in &self.components.runs {
                if bit(&self.bits, r.comp)? {
                    row[r.start..r.end].fill(255);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
