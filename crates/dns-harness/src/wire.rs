//! The few DNS wire-format operations the harness's clients and the hickory front end need:
//! an A query, its answer (first A record and its TTL), and an answer built for a query.
//!
//! Written out rather than taken from a resolver library on purpose: a client library would
//! bring its own cache, and the clients must see exactly what the resolver under test answers.

use std::net::Ipv4Addr;

/// DNS type A and class IN (RFC 1035 section 3.2.2, 3.2.4).
const TYPE_A: u16 = 1;
const CLASS_IN: u16 = 1;

/// An A query for `name` (dotted, without the final dot) with id `id` and RD set.
pub fn a_query(id: u16, name: &str) -> Vec<u8> {
    let mut q = Vec::with_capacity(18 + name.len());
    q.extend_from_slice(&id.to_be_bytes());
    q.extend_from_slice(&0x0100u16.to_be_bytes()); // RD
    q.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]); // QD=1, AN=NS=AR=0
    for label in name.split('.').filter(|l| !l.is_empty()) {
        q.push(label.len() as u8);
        q.extend_from_slice(label.as_bytes());
    }
    q.push(0);
    q.extend_from_slice(&TYPE_A.to_be_bytes());
    q.extend_from_slice(&CLASS_IN.to_be_bytes());
    q
}

/// What a response said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub id: u16,
    pub rcode: u8,
    /// First A record: address and TTL (seconds).
    pub a: Option<(Ipv4Addr, u32)>,
}

/// Skip a (possibly compressed) name starting at `i`; returns the index after it.
fn skip_name(msg: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let len = *msg.get(i)?;
        if len & 0xC0 == 0xC0 {
            return Some(i + 2);
        }
        if len == 0 {
            return Some(i + 1);
        }
        i += 1 + len as usize;
    }
}

fn u16_at(msg: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*msg.get(i)?, *msg.get(i + 1)?]))
}

/// Parse a response: id, rcode and the first A record of the answer section.
pub fn parse_answer(msg: &[u8]) -> Option<Answer> {
    let id = u16_at(msg, 0)?;
    let flags = u16_at(msg, 2)?;
    let qd = u16_at(msg, 4)?;
    let an = u16_at(msg, 6)?;
    let mut i = 12;
    for _ in 0..qd {
        i = skip_name(msg, i)? + 4;
    }
    let mut a = None;
    for _ in 0..an {
        i = skip_name(msg, i)?;
        let typ = u16_at(msg, i)?;
        let ttl = u32::from_be_bytes(msg.get(i + 4..i + 8)?.try_into().ok()?);
        let rdlen = u16_at(msg, i + 8)? as usize;
        let rdata = msg.get(i + 10..i + 10 + rdlen)?;
        if typ == TYPE_A && rdlen == 4 && a.is_none() {
            a = Some((Ipv4Addr::new(rdata[0], rdata[1], rdata[2], rdata[3]), ttl));
        }
        i += 10 + rdlen;
    }
    Some(Answer {
        id,
        rcode: (flags & 0x000F) as u8,
        a,
    })
}

/// The question of a query: its id, the dotted name and the question section's bytes (with
/// type and class), or `None` for anything but a one-question query.
pub fn parse_query(msg: &[u8]) -> Option<(u16, String, Vec<u8>)> {
    let id = u16_at(msg, 0)?;
    if u16_at(msg, 4)? != 1 {
        return None;
    }
    let mut labels = Vec::new();
    let mut i = 12;
    loop {
        let len = *msg.get(i)? as usize;
        if len & 0xC0 != 0 {
            return None;
        }
        i += 1;
        if len == 0 {
            break;
        }
        labels.push(String::from_utf8_lossy(msg.get(i..i + len)?).into_owned());
        i += len;
    }
    let question = msg.get(12..i + 4)?.to_vec();
    Some((id, labels.join("."), question))
}

/// A response to the query with `id` and `question`: `rcode`, and one A record per address
/// with `ttl`, its owner name a pointer to the question.
pub fn response(id: u16, question: &[u8], rcode: u8, answers: &[(Ipv4Addr, u32)]) -> Vec<u8> {
    let mut r = Vec::with_capacity(12 + question.len() + 16 * answers.len());
    r.extend_from_slice(&id.to_be_bytes());
    r.extend_from_slice(&(0x8180u16 | rcode as u16).to_be_bytes()); // QR, RD, RA
    r.extend_from_slice(&1u16.to_be_bytes());
    r.extend_from_slice(&(answers.len() as u16).to_be_bytes());
    r.extend_from_slice(&[0, 0, 0, 0]);
    r.extend_from_slice(question);
    for (ip, ttl) in answers {
        r.extend_from_slice(&0xC00Cu16.to_be_bytes());
        r.extend_from_slice(&TYPE_A.to_be_bytes());
        r.extend_from_slice(&CLASS_IN.to_be_bytes());
        r.extend_from_slice(&ttl.to_be_bytes());
        r.extend_from_slice(&4u16.to_be_bytes());
        r.extend_from_slice(&ip.octets());
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_response_round_trip() {
        let q = a_query(0xBEEF, "n3.example.test");
        let (id, name, question) = parse_query(&q).unwrap();
        assert_eq!((id, name.as_str()), (0xBEEF, "n3.example.test"));
        let r = response(id, &question, 0, &[(Ipv4Addr::new(127, 0, 100, 2), 3)]);
        let a = parse_answer(&r).unwrap();
        assert_eq!(a.id, 0xBEEF);
        assert_eq!(a.rcode, 0);
        assert_eq!(a.a, Some((Ipv4Addr::new(127, 0, 100, 2), 3)));
        let nx = parse_answer(&response(7, &question, 3, &[])).unwrap();
        assert_eq!((nx.rcode, nx.a), (3, None));
        assert_eq!(parse_answer(&[0, 1]), None);
    }
}
