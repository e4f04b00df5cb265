//! The files of a sweep cut by index (`gtsim sweep … --shards S --index I`, docs/distributed.md),
//! all in `OUT/shards/`:
//!
//! - `sweep-<I>-of-<S>.csv`: the shard's cells, their rows exactly as `sweep.csv` holds them
//!   (same header, one row per cell and arm), appended and synced cell by cell so that a
//!   requeued task resumes;
//! - `sweep-<I>-of-<S>.json`: its sidecar ([`Sidecar`]: format version, the manifest hash, S
//!   and I), written before any row;
//! - `sweep-workload.toml`: the workload text, so that `gtsim sweep merge OUT` rebuilds the plan
//!   (its grid, seeds and clients come from `OUT/sweep.json`).

use serde::{Deserialize, Serialize};

use super::sweep::CSV;

/// The folder of the shard files inside the output folder.
pub const DIR: &str = "shards";
/// The workload text's name in [`DIR`].
pub const WORKLOAD: &str = "sweep-workload.toml";
/// The version of the sidecar and rows format; a merge refuses any other.
pub const FORMAT: u32 = 1;
/// The sidecar's `kind`.
pub const KIND: &str = "gtsim-sweep-shard";

/// `sweep-<I>-of-<S>.csv`.
pub fn csv_name(shards: u64, index: u64) -> String {
    format!("sweep-{index}-of-{shards}.csv")
}

/// `sweep-<I>-of-<S>.json`.
pub fn sidecar_name(shards: u64, index: u64) -> String {
    format!("sweep-{index}-of-{shards}.json")
}

/// The sidecar of a shard's rows file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sidecar {
    pub format: u32,
    pub kind: String,
    /// FNV-1a 64 of the manifest text (`sweep.json`) this shard belongs to, 16 hex digits.
    pub manifest_fnv1a64: String,
    pub shards: u64,
    pub index: u64,
}

impl Sidecar {
    pub fn new(manifest_text: &str, shards: u64, index: u64) -> Sidecar {
        Sidecar {
            format: FORMAT,
            kind: KIND.to_string(),
            manifest_fnv1a64: manifest_hash(manifest_text),
            shards,
            index,
        }
    }

    /// The sidecar's text (pretty JSON with a final newline).
    pub fn write(&self) -> String {
        serde_json::to_string_pretty(self).expect("serializes") + "\n"
    }

    /// Reads a sidecar; another format version is an error.
    pub fn parse(text: &str) -> Result<Sidecar, String> {
        let s: Sidecar = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if s.format != FORMAT || s.kind != KIND {
            return Err(format!(
                "format {} of kind {:?}; this gtsim reads format {FORMAT} of kind {KIND:?}",
                s.format, s.kind
            ));
        }
        Ok(s)
    }
}

/// The manifest hash a sidecar names: FNV-1a 64 of `sweep.json`'s text, 16 hex digits (also
/// the workload hash of a run part, `run_part::workload_hash`).
pub fn manifest_hash(manifest_text: &str) -> String {
    let h = manifest_text
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{h:016x}")
}

/// One cell's rows in a shard file: its consecutive lines (each with its newline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub cell: usize,
    pub rows: String,
    pub lines: usize,
}

/// A shard rows file's text: `header` then the blocks in the order written.
pub fn write(header: &str, blocks: &[Block]) -> String {
    let mut s = header.to_string();
    for b in blocks {
        s.push_str(&b.rows);
    }
    s
}

/// Reads a shard rows file: checks the header (that of `sweep.csv` for this sweep) and groups
/// consecutive whole lines of one cell into blocks of at most `arms(cell)` lines; a cell
/// written twice (two tasks of one index, even back to back) gives two blocks, and a last line
/// cut short (a task killed mid-write) is dropped.
pub fn parse(
    text: &str,
    header: &str,
    arms: &dyn Fn(usize) -> usize,
) -> Result<Vec<Block>, String> {
    let body = text
        .strip_prefix(header)
        .ok_or_else(|| format!("its header is not that of this sweep's {CSV}"))?;
    let mut blocks: Vec<Block> = Vec::new();
    for line in body.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
        let cell = line
            .split(',')
            .next()
            .and_then(|c| c.parse::<usize>().ok())
            .ok_or_else(|| format!("a row does not start with a cell number: {line:?}"))?;
        match blocks.last_mut() {
            Some(b) if b.cell == cell && b.lines < arms(cell) => {
                b.rows.push_str(line);
                b.lines += 1;
            }
            _ => blocks.push(Block {
                cell,
                rows: line.to_string(),
                lines: 1,
            }),
        }
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_sidecar_round_trip() {
        let out = super::super::tests::run_output();
        let header = super::super::sweep::header(&["arms.0.ttl"]);
        let blocks: Vec<Block> = [3usize, 7]
            .iter()
            .map(|&c| {
                let rows: String = out
                    .summary
                    .arms
                    .iter()
                    .map(|a| super::super::sweep::row(c, 11, &["60s".into()], a))
                    .collect();
                Block {
                    cell: c,
                    rows,
                    lines: out.summary.arms.len(),
                }
            })
            .collect();
        let text = write(&header, &blocks);
        let n = out.summary.arms.len();
        let arms = |_: usize| n;
        assert_eq!(parse(&text, &header, &arms).unwrap(), blocks);
        // A line cut short is dropped; a foreign header refused.
        let cut = &text[..text.len() - 3];
        let parsed = parse(cut, &header, &arms).unwrap();
        assert_eq!(parsed[1].lines, blocks[1].lines - 1);
        assert!(parse(&text, "cell,x\n", &arms).is_err());
        // One cell written twice back to back: two blocks.
        let twice = write(&header, &[blocks[0].clone(), blocks[0].clone()]);
        assert_eq!(
            parse(&twice, &header, &arms).unwrap(),
            [blocks[0].clone(), blocks[0].clone()]
        );

        let s = Sidecar::new("{}\n", 4, 3);
        assert_eq!(Sidecar::parse(&s.write()).unwrap(), s);
        assert_eq!(s.manifest_fnv1a64.len(), 16);
        let other = s.write().replace("\"format\": 1", "\"format\": 9");
        assert!(Sidecar::parse(&other).unwrap_err().contains("format 9"));
    }
}
