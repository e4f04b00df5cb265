//! A small document model for reports: headings, paragraphs, notes, lists, tables, figures
//! and code, rendered to Markdown and to HTML. Sections build [`Block`]s; nothing else writes
//! Markdown or HTML, and [`escape`] is the one HTML escaping function.
//!
//! Markdown: the title as `# …`, then the blocks separated by blank lines, text as given
//! (table cells with `|` escaped). HTML: a self-contained page (inline CSS and SVG, no
//! scripts, no network).

use std::fmt::Write as _;

/// A run of inline text.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    Text(String),
    /// `**…**` in Markdown, `<strong>` in HTML.
    Strong(String),
}

/// Inline text: spans in order.
pub type Inline = Vec<Span>;

/// Plain inline text.
pub fn text(s: impl Into<String>) -> Inline {
    vec![Span::Text(s.into())]
}

/// A list item: its text, an optional colour swatch (HTML only), and sub-items.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub body: Inline,
    pub swatch: Option<String>,
    pub sub: Vec<Inline>,
}

impl Item {
    pub fn new(body: Inline) -> Item {
        Item {
            body,
            swatch: None,
            sub: Vec::new(),
        }
    }
}

/// A column's alignment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Right,
}

/// A header cell: its text and an optional colour swatch (HTML only).
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    pub text: String,
    pub swatch: Option<String>,
    pub align: Align,
}

impl Head {
    pub fn left(text: impl Into<String>) -> Head {
        Head {
            text: text.into(),
            swatch: None,
            align: Align::Left,
        }
    }
    pub fn right(text: impl Into<String>) -> Head {
        Head {
            align: Align::Right,
            ..Head::left(text)
        }
    }
}

/// A table: header cells (with their columns' alignment) and rows of text cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub head: Vec<Head>,
    pub rows: Vec<Vec<String>>,
}

/// A block of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    H2(String),
    H3(String),
    P(Inline),
    /// A paragraph in smaller print in HTML (`class="note"`); a paragraph in Markdown.
    Note(Inline),
    List(Vec<Item>),
    Table(Table),
    /// A plot: `plots/<stem>.png` in Markdown, the inline SVG in HTML.
    Figure {
        title: String,
        stem: String,
        caption: String,
        svg: String,
    },
    /// A preformatted line (a command).
    Code(String),
}

/// A document: a title and blocks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// The one HTML escaping function.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A Markdown table cell: `|` escaped, line breaks as spaces.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn inline_md(i: &[Span]) -> String {
    i.iter()
        .map(|s| match s {
            Span::Text(t) => t.clone(),
            Span::Strong(t) => format!("**{t}**"),
        })
        .collect()
}

fn inline_html(i: &[Span]) -> String {
    i.iter()
        .map(|s| match s {
            Span::Text(t) => escape(t),
            Span::Strong(t) => format!("<strong>{}</strong>", escape(t)),
        })
        .collect()
}

fn swatch(colour: &Option<String>) -> String {
    colour.as_ref().map_or(String::new(), |c| {
        format!("<span class=\"sw\" style=\"background:{c}\"></span>")
    })
}

/// An SVG document as an inline element (drops any XML declaration).
fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

impl Block {
    fn to_markdown(&self) -> String {
        match self {
            Block::H2(t) => format!("## {t}"),
            Block::H3(t) => format!("### {t}"),
            Block::P(i) | Block::Note(i) => inline_md(i),
            Block::List(items) => {
                let mut m = Vec::new();
                for it in items {
                    m.push(format!("- {}", inline_md(&it.body)));
                    for s in &it.sub {
                        m.push(format!("  - {}", inline_md(s)));
                    }
                }
                m.join("\n")
            }
            Block::Table(t) => {
                let mut m = String::new();
                let head: Vec<String> = t.head.iter().map(|h| md_cell(&h.text)).collect();
                let _ = writeln!(m, "| {} |", head.join(" | "));
                m.push('|');
                for h in &t.head {
                    m.push_str(match h.align {
                        Align::Left => "---|",
                        Align::Right => "---:|",
                    });
                }
                for r in &t.rows {
                    let cells: Vec<String> = r.iter().map(|c| md_cell(c)).collect();
                    let _ = write!(m, "\n| {} |", cells.join(" | "));
                }
                m
            }
            Block::Figure {
                title,
                stem,
                caption,
                ..
            } => format!(
                "### {title}\n\n![{title}](plots/{stem}.png)\n\n{caption} (Vector version: \
                 `plots/{stem}.svg`.)"
            ),
            Block::Code(c) => format!("```\n{c}\n```"),
        }
    }

    fn to_html(&self) -> String {
        match self {
            Block::H2(t) => format!("<h2>{}</h2>", escape(t)),
            Block::H3(t) => format!("<h3>{}</h3>", escape(t)),
            Block::P(i) => format!("<p>{}</p>", inline_html(i)),
            Block::Note(i) => format!("<p class=\"note\">{}</p>", inline_html(i)),
            Block::List(items) => {
                let mut h = String::from("<ul>\n");
                for it in items {
                    let _ = write!(h, "<li>{}{}", swatch(&it.swatch), inline_html(&it.body));
                    if !it.sub.is_empty() {
                        h.push_str("\n<ul>\n");
                        for s in &it.sub {
                            let _ = writeln!(h, "<li>{}</li>", inline_html(s));
                        }
                        h.push_str("</ul>\n");
                    }
                    h.push_str("</li>\n");
                }
                h.push_str("</ul>");
                h
            }
            Block::Table(t) => {
                let mut h = String::from("<table>\n<tr>");
                for c in &t.head {
                    let _ = write!(h, "<th>{}{}</th>", swatch(&c.swatch), escape(&c.text));
                }
                h.push_str("</tr>\n");
                for r in &t.rows {
                    h.push_str("<tr>");
                    for (k, c) in r.iter().enumerate() {
                        let right = t.head.get(k).is_some_and(|x| x.align == Align::Right);
                        let cls = if right { "" } else { " class=\"l\"" };
                        let _ = write!(h, "<td{cls}>{}</td>", escape(c));
                    }
                    h.push_str("</tr>\n");
                }
                h.push_str("</table>");
                h
            }
            Block::Figure {
                title,
                caption,
                svg,
                ..
            } => format!(
                "<figure>\n<h3>{}</h3>\n{}\n<figcaption>{}</figcaption>\n</figure>",
                escape(title),
                inline_svg(svg).trim_end(),
                escape(caption)
            ),
            Block::Code(c) => format!("<pre><code>{}</code></pre>", escape(c)),
        }
    }
}

const CSS: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1240px;\
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}\
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em}\
td{text-align:right}td.l,td:first-child{text-align:left}th{background:#f4f4f4}\
.sw{display:inline-block;width:.9em;height:.9em;margin-right:.4em;vertical-align:-.1em}\
figure{margin:1.5em 0}figure svg{max-width:100%;height:auto;border:1px solid #eee}\
figcaption{font-size:.92em;color:#444;margin-top:.4em}\
pre{background:#f6f6f6;padding:.8em;overflow-x:auto}.note{font-size:.92em;color:#444}";

impl Doc {
    /// The document as Markdown: `# title`, then each block, separated by blank lines.
    pub fn to_markdown(&self) -> String {
        let mut m = format!("# {}", self.title);
        for b in &self.blocks {
            m.push_str("\n\n");
            m.push_str(&b.to_markdown());
        }
        m.push('\n');
        m
    }

    /// The document as a self-contained HTML page.
    pub fn to_html(&self) -> String {
        let title = escape(&self.title);
        let mut h = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
        );
        for b in &self.blocks {
            h.push_str(&b.to_html());
            h.push('\n');
        }
        h.push_str("</body>\n</html>\n");
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_model_two_renderings() {
        let doc = Doc {
            title: "t<1>".into(),
            blocks: vec![
                Block::H2("Arms".into()),
                Block::List(vec![Item {
                    body: vec![Span::Strong("a|b".into()), Span::Text(": x".into())],
                    swatch: Some("#123456".into()),
                    sub: vec![text("y")],
                }]),
                Block::Table(Table {
                    head: vec![Head::left("figure"), Head::right("a|b")],
                    rows: vec![vec!["f".into(), "1 < 2".into()]],
                }),
                Block::Note(text("n")),
            ],
        };
        assert_eq!(
            doc.to_markdown(),
            "# t<1>\n\n## Arms\n\n- **a|b**: x\n  - y\n\n| figure | a\\|b |\n|---|---:|\n\
             | f | 1 < 2 |\n\nn\n"
        );
        let h = doc.to_html();
        assert!(h.contains("<h1>t&lt;1&gt;</h1>"), "{h}");
        assert!(h.contains("<strong>a|b</strong>: x"), "{h}");
        assert!(h.contains("<td>1 &lt; 2</td>"), "{h}");
        assert!(h.contains("<p class=\"note\">n</p>"), "{h}");
        assert_eq!(escape("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
    }
}
