#![allow(dead_code)]
use aws_import::{ImportOptions, Product};
use std::path::PathBuf;

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every file of fixtures/aws as (name, text), sorted.
pub fn aws_docs() -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(fixtures().join("aws"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

pub fn read(rel: &str) -> String {
    std::fs::read_to_string(fixtures().join(rel)).unwrap()
}

pub fn opts(name: &str) -> ImportOptions {
    let mut o = ImportOptions {
        name: name.into(),
        ..Default::default()
    };
    o.region_of
        .insert("198.51.100.10".into(), "us-east-1".into());
    o.region_of
        .insert("203.0.113.20".into(), "eu-west-1".into());
    o
}

pub fn with_compare(mut o: ImportOptions, p: Product) -> ImportOptions {
    o.compare = Some(p);
    o
}

/// The docs with one file replaced (or added) by `text`.
pub fn replace(docs: &[(String, String)], file: &str, text: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = docs.iter().filter(|(n, _)| n != file).cloned().collect();
    v.push((file.to_string(), text.to_string()));
    v.sort();
    v
}

/// Parses the TOML and returns it (panics with the text on a syntax error).
pub fn parse(toml_text: &str) -> toml::Table {
    toml_text
        .parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("{e}\n{toml_text}"))
}

pub fn arms(t: &toml::Table) -> Vec<toml::Table> {
    t["arms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_table().unwrap().clone())
        .collect()
}

pub fn arm<'a>(arms: &'a [toml::Table], name: &str) -> &'a toml::Table {
    arms.iter()
        .find(|a| a["name"].as_str() == Some(name))
        .unwrap_or_else(|| {
            panic!(
                "no arm {name}: {:?}",
                arms.iter().map(|a| a["name"].clone()).collect::<Vec<_>>()
            )
        })
}
