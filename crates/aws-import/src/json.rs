//! A JSON value with its file name and JSON path, so that every error names where it is
//! (`records.json: ResourceRecordSets[7].GeoProximityLocation.Bias: …`).

use crate::ImportError;
use serde_json::Value;

/// A node of a parsed document: the value, the file it came from and its path from the root.
#[derive(Clone)]
pub(crate) struct Node<'a> {
    pub v: &'a Value,
    pub file: &'a str,
    pub path: String,
}

pub(crate) type Res<T> = Result<T, ImportError>;

/// Parses `text` as JSON; a syntax error names the file, line and column.
pub(crate) fn parse(file: &str, text: &str) -> Res<Value> {
    serde_json::from_str(text).map_err(|e| {
        ImportError::new(
            file,
            "",
            format!(
                "not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        )
    })
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'a> Node<'a> {
    pub fn root(file: &'a str, v: &'a Value) -> Self {
        Node {
            v,
            file,
            path: String::new(),
        }
    }

    pub fn err(&self, msg: impl Into<String>) -> ImportError {
        ImportError::new(self.file, &self.path, msg)
    }

    fn child_path(&self, k: &str) -> String {
        if self.path.is_empty() {
            k.to_string()
        } else {
            format!("{}.{k}", self.path)
        }
    }

    pub fn key_path(&self, k: &str) -> String {
        self.child_path(k)
    }

    /// The member `k`, or None when absent or null (CLI output has no nulls; Terraform writes
    /// null for unset values: both mean "not set").
    pub fn get(&self, k: &str) -> Option<Node<'a>> {
        match self.v {
            Value::Object(m) => match m.get(k) {
                None | Some(Value::Null) => None,
                Some(v) => Some(Node {
                    v,
                    file: self.file,
                    path: self.child_path(k),
                }),
            },
            _ => None,
        }
    }

    pub fn has(&self, k: &str) -> bool {
        self.get(k).is_some()
    }

    pub fn req(&self, k: &str) -> Res<Node<'a>> {
        self.expect_object()?;
        self.get(k)
            .ok_or_else(|| ImportError::new(self.file, &self.child_path(k), "is required"))
    }

    pub fn expect_object(&self) -> Res<()> {
        match self.v {
            Value::Object(_) => Ok(()),
            v => Err(self.err(format!("expected an object, got {}", type_name(v)))),
        }
    }

    pub fn str(&self) -> Res<&'a str> {
        match self.v {
            Value::String(s) => Ok(s.as_str()),
            v => Err(self.err(format!("expected a string, got {}", type_name(v)))),
        }
    }

    pub fn boolean(&self) -> Res<bool> {
        match self.v {
            Value::Bool(b) => Ok(*b),
            v => Err(self.err(format!("expected a boolean, got {}", type_name(v)))),
        }
    }

    pub fn f64(&self) -> Res<f64> {
        match self.v {
            Value::Number(n) => n.as_f64().ok_or_else(|| self.err("number out of range")),
            v => Err(self.err(format!("expected a number, got {}", type_name(v)))),
        }
    }

    /// An integer (a float with an integral value is accepted: Terraform may write `30.0`).
    pub fn i64(&self) -> Res<i64> {
        match self.v {
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    return Ok(i);
                }
                match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
                    _ => Err(self.err(format!("expected an integer, got {n}"))),
                }
            }
            v => Err(self.err(format!("expected an integer, got {}", type_name(v)))),
        }
    }

    pub fn int_in(&self, lo: i64, hi: i64) -> Res<i64> {
        let i = self.i64()?;
        if i < lo || i > hi {
            return Err(self.err(format!("must be in {lo}..={hi}, got {i}")));
        }
        Ok(i)
    }

    pub fn arr(&self) -> Res<Vec<Node<'a>>> {
        match self.v {
            Value::Array(a) => Ok(a
                .iter()
                .enumerate()
                .map(|(i, v)| Node {
                    v,
                    file: self.file,
                    path: format!("{}[{i}]", self.path),
                })
                .collect()),
            v => Err(self.err(format!("expected an array, got {}", type_name(v)))),
        }
    }

    // --- optional members -------------------------------------------------------------------

    pub fn opt_str(&self, k: &str) -> Res<Option<&'a str>> {
        self.get(k).map(|n| n.str()).transpose()
    }

    /// A string member where `""` also means unset (Terraform writes `""` for unset strings).
    pub fn opt_nonempty(&self, k: &str) -> Res<Option<&'a str>> {
        Ok(self.opt_str(k)?.map(str::trim).filter(|s| !s.is_empty()))
    }

    pub fn req_str(&self, k: &str) -> Res<&'a str> {
        self.req(k)?.str()
    }

    pub fn opt_bool(&self, k: &str) -> Res<Option<bool>> {
        self.get(k).map(|n| n.boolean()).transpose()
    }

    pub fn opt_i64(&self, k: &str) -> Res<Option<i64>> {
        self.get(k).map(|n| n.i64()).transpose()
    }

    pub fn opt_int_in(&self, k: &str, lo: i64, hi: i64) -> Res<Option<i64>> {
        self.get(k).map(|n| n.int_in(lo, hi)).transpose()
    }

    pub fn opt_f64(&self, k: &str) -> Res<Option<f64>> {
        self.get(k).map(|n| n.f64()).transpose()
    }

    /// An array member; absent or null = empty.
    pub fn opt_arr(&self, k: &str) -> Res<Vec<Node<'a>>> {
        match self.get(k) {
            None => Ok(Vec::new()),
            Some(n) => n.arr(),
        }
    }

    /// A Terraform nested block (`[]` or `[{…}]`, MaxItems 1): its single element, if any.
    pub fn block(&self, k: &str) -> Res<Option<Node<'a>>> {
        let items = self.opt_arr(k)?;
        match items.len() {
            0 => Ok(None),
            1 => {
                let n = items.into_iter().next().expect("one element");
                n.expect_object()?;
                Ok(Some(n))
            }
            n => Err(ImportError::new(
                self.file,
                &self.child_path(k),
                format!("expected at most one block, got {n}"),
            )),
        }
    }

    /// An array of strings; absent = empty.
    pub fn str_list(&self, k: &str) -> Res<Vec<String>> {
        self.opt_arr(k)?
            .iter()
            .map(|n| n.str().map(str::to_string))
            .collect()
    }
}
