//! The one CSV dialect of every file gtsim writes and reads (RFC 4180): fields separated by
//! commas, one record per line, a field quoted (`"…"`, inner quotes doubled) only when it
//! must be: when it holds a comma, a quote, a line break, or starts or ends with whitespace.
//! Plain fields are written as they are, so files whose names need no quoting keep their
//! bytes; names with commas, quotes or non-ASCII letters round-trip.
//!
//! Reading: [`records`] splits a text into records (quoted fields may span lines; blank lines
//! are skipped; `\r\n` is accepted; unquoted fields are trimmed); [`select`] reads a table by
//! column name, as every reader in `files/` does.

use std::borrow::Cow;

/// `s` as a CSV field: quoted when it must be, else unchanged.
pub fn field(s: &str) -> Cow<'_, str> {
    let needs = s.contains([',', '"', '\n', '\r'])
        || s.starts_with(char::is_whitespace)
        || s.ends_with(char::is_whitespace);
    if needs {
        Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(s)
    }
}

/// Appends one record to `out`: the fields (each through [`field`]) joined by commas, then a
/// newline. Numbers and other fields that never need quoting may be passed preformatted.
pub fn write_row<I, S>(out: &mut String, fields: I)
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(f.as_ref()));
    }
    out.push('\n');
}

/// One record read back: the line it starts on (1-based) and its fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Splits `text` into records. Blank lines are skipped; a quote opens a quoted field only at
/// the start of a field; an unterminated quoted field is an error naming its line.
pub fn records(text: &str) -> Result<Vec<Record>, String> {
    let mut out = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut quoted_field = false; // the current field was quoted (kept untrimmed)
    let mut in_quotes = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    let finish_field = |cur: &mut String, quoted: &mut bool, fields: &mut Vec<String>| {
        let f = std::mem::take(cur);
        fields.push(if *quoted { f } else { f.trim().to_string() });
        *quoted = false;
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cur.push('"');
                }
                '"' => in_quotes = false,
                c => {
                    if c == '\n' {
                        line += 1;
                    }
                    cur.push(c);
                }
            }
            continue;
        }
        match c {
            '"' if cur.trim().is_empty() && !quoted_field => {
                cur.clear();
                in_quotes = true;
                quoted_field = true;
            }
            ',' => finish_field(&mut cur, &mut quoted_field, &mut fields),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                if !fields.is_empty() || quoted_field || !cur.trim().is_empty() {
                    finish_field(&mut cur, &mut quoted_field, &mut fields);
                    out.push(Record {
                        line: start,
                        fields: std::mem::take(&mut fields),
                    });
                }
                cur.clear();
                line += 1;
                start = line;
            }
            c => cur.push(c),
        }
    }
    if in_quotes {
        return Err(format!("line {start}: unterminated quoted field"));
    }
    if !fields.is_empty() || quoted_field || !cur.trim().is_empty() {
        finish_field(&mut cur, &mut quoted_field, &mut fields);
        out.push(Record {
            line: start,
            fields,
        });
    }
    Ok(out)
}

/// A data record of [`select`]: its line and its fields in the order of the columns asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<'c> {
    pub line: usize,
    pub fields: Vec<String>,
    columns: &'c [&'c str],
}

impl Row<'_> {
    /// The `k`-th selected field.
    pub fn str(&self, k: usize) -> &str {
        &self.fields[k]
    }

    fn bad(&self, k: usize, what: &str) -> String {
        format!(
            "line {}: column `{}`: `{}` is not {what}",
            self.line, self.columns[k], self.fields[k]
        )
    }

    /// A finite number.
    pub fn number(&self, k: usize) -> Result<f64, String> {
        self.fields[k]
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| self.bad(k, "a number"))
    }

    /// A count (unsigned integer).
    pub fn count(&self, k: usize) -> Result<u64, String> {
        self.fields[k]
            .parse::<u64>()
            .map_err(|_| self.bad(k, "a count"))
    }

    /// A finite number, or `None` for an empty cell.
    pub fn opt_number(&self, k: usize) -> Result<Option<f64>, String> {
        if self.fields[k].is_empty() {
            Ok(None)
        } else {
            self.number(k).map(Some)
        }
    }

    /// A count, or `None` for an empty cell.
    pub fn opt_count(&self, k: usize) -> Result<Option<u64>, String> {
        if self.fields[k].is_empty() {
            Ok(None)
        } else {
            self.count(k).map(Some)
        }
    }

    /// `true` or `false`.
    pub fn boolean(&self, k: usize) -> Result<bool, String> {
        match self.fields[k].as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(self.bad(k, "true or false")),
        }
    }
}

/// Reads a table by column name: the header must name every column of `columns` (in any
/// order; others are ignored) and each record must have as many fields as the header.
pub fn select<'c>(text: &str, columns: &'c [&'c str]) -> Result<Vec<Row<'c>>, String> {
    let mut recs = records(text)?.into_iter();
    let header = recs.next().ok_or("empty file (no header line)")?;
    let idx = columns
        .iter()
        .map(|col| {
            header
                .fields
                .iter()
                .position(|n| n == col)
                .ok_or_else(|| format!("the header line lacks the column `{col}`"))
        })
        .collect::<Result<Vec<usize>, String>>()?;
    let width = header.fields.len();
    recs.map(|r| {
        if r.fields.len() != width {
            return Err(format!(
                "line {}: {} fields, the header has {width}",
                r.line,
                r.fields.len()
            ));
        }
        Ok(Row {
            line: r.line,
            fields: idx.iter().map(|&i| r.fields[i].clone()).collect(),
            columns,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_fields_are_unchanged_and_awkward_ones_round_trip() {
        assert_eq!(field("r53-latency"), "r53-latency");
        assert_eq!(field("ü-arm"), "ü-arm");
        assert_eq!(field("a, \"b\" ü"), "\"a, \"\"b\"\" ü\"");
        let names = ["a, \"b\" ü", "x\ny", " lead", "", "plain", "\"", ","];
        let mut text = String::new();
        write_row(&mut text, ["name", "n"]);
        for n in names {
            write_row(&mut text, [n, "1"]);
        }
        let rows = select(&text, &["n", "name"]).unwrap();
        let got: Vec<&str> = rows.iter().map(|r| r.str(1)).collect();
        assert_eq!(got, names);
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[2].line, 5, "a quoted line break counts");
    }

    #[test]
    fn reading_tolerates_crlf_blank_lines_and_names_errors() {
        let rows = select("b,a\r\n\r\n 2 , x \r\n", &["a", "b"]).unwrap();
        assert_eq!(rows[0].fields, ["x", "2"]);
        assert_eq!(rows[0].line, 3);
        assert!(select("", &["a"]).unwrap_err().contains("empty file"));
        assert!(select("b\n1\n", &["a"]).unwrap_err().contains("`a`"));
        let e = select("a,b\n1\n", &["a"]).unwrap_err();
        assert_eq!(e, "line 2: 1 fields, the header has 2");
        assert!(
            records("a\n\"x\n")
                .unwrap_err()
                .contains("line 2: unterminated")
        );
        let r = select("a\nx\n", &["a"]).unwrap();
        assert_eq!(
            r[0].number(0).unwrap_err(),
            "line 2: column `a`: `x` is not a number"
        );
        assert_eq!(
            r[0].opt_count(0).unwrap_err(),
            "line 2: column `a`: `x` is not a count"
        );
    }
}
