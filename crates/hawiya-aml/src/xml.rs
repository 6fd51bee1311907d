//! Streaming XML reader that hands over one record element at a time as a small tree.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// An element of a record: local name, attributes, text and children.
#[derive(Debug, Default)]
pub(crate) struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    /// First child with this local name.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Children with this local name.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Trimmed, non-empty text of the first child with this name.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }

    /// Trimmed, non-empty attribute value.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// Error from [`for_each_record`]: location and message.
pub(crate) type XmlFailure = (String, String);

fn start_node(e: &BytesStart<'_>) -> Result<Node, String> {
    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| format!("bad attribute in <{name}>: {err}"))?;
        let k = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
        let v = a
            .unescape_value()
            .map_err(|err| format!("bad attribute value in <{name}>: {err}"))?
            .into_owned();
        attrs.push((k, v));
    }
    Ok(Node {
        name,
        attrs,
        ..Node::default()
    })
}

/// Calls `f` for every `record` element of a document whose root element is `root`.
pub(crate) fn for_each_record(
    content: &str,
    root: &str,
    record: &str,
    mut f: impl FnMut(&Node) -> Result<(), String>,
) -> Result<(), XmlFailure> {
    let mut reader = Reader::from_str(content);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<Node> = Vec::new();
    let mut ordinal = 0usize;
    let mut rec_line = 0usize;
    let mut seen_root = false;
    // Incremental line counting.
    let mut counted_to = 0usize;
    let mut line = 1usize;
    let mut line_at = |pos: usize| {
        let pos = pos.min(content.len());
        if pos >= counted_to {
            line += content.as_bytes()[counted_to..pos]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted_to = pos;
        }
        line
    };
    let location = |ordinal: usize, in_record: bool, line: usize| {
        if in_record {
            format!("element <{record}> #{ordinal} (line {line})")
        } else {
            format!("line {line}")
        }
    };
    loop {
        let before = reader.buffer_position() as usize;
        let ev = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                let l = line_at(reader.error_position() as usize);
                return Err((location(ordinal, !stack.is_empty(), l), e.to_string()));
            }
        };
        match ev {
            Event::Start(e) | Event::Empty(e) if !seen_root => {
                seen_root = true;
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name != root {
                    return Err((
                        location(0, false, line_at(before)),
                        format!("root element is <{name}>, expected <{root}>"),
                    ));
                }
            }
            Event::Start(e) => {
                let is_record = stack.is_empty() && e.local_name().as_ref() == record.as_bytes();
                if is_record {
                    ordinal += 1;
                    rec_line = line_at(before);
                }
                if is_record || !stack.is_empty() {
                    let node = start_node(&e)
                        .map_err(|m| (location(ordinal, true, line_at(before)), m))?;
                    stack.push(node);
                }
            }
            Event::Empty(e) => {
                let is_record = stack.is_empty() && e.local_name().as_ref() == record.as_bytes();
                if is_record {
                    ordinal += 1;
                    rec_line = line_at(before);
                }
                if is_record || !stack.is_empty() {
                    let node = start_node(&e)
                        .map_err(|m| (location(ordinal, true, line_at(before)), m))?;
                    if let Some(top) = stack.last_mut() {
                        top.children.push(node);
                    } else {
                        f(&node).map_err(|m| (location(ordinal, true, rec_line), m))?;
                    }
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    let s = t
                        .unescape()
                        .map_err(|e| (location(ordinal, true, line_at(before)), e.to_string()))?;
                    top.text.push_str(&s);
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&c.into_inner()));
                }
            }
            Event::End(_) => {
                if let Some(node) = stack.pop() {
                    if let Some(parent) = stack.last_mut() {
                        parent.children.push(node);
                    } else {
                        f(&node).map_err(|m| (location(ordinal, true, rec_line), m))?;
                    }
                }
            }
            Event::Eof => {
                if !stack.is_empty() {
                    return Err((
                        location(ordinal, true, rec_line),
                        "unexpected end of file inside the element".into(),
                    ));
                }
                if !seen_root {
                    return Err(("line 1".into(), format!("no <{root}> root element")));
                }
                return Ok(());
            }
            _ => {}
        }
    }
}
