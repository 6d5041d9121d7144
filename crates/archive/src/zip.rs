//! A ZIP writer for WACZ packages: every entry stored (no compression, so WARC files keep their
//! own gzip members and replay tools can read a record by offset), ZIP64 where sizes or offsets
//! need it, and the SHA-256 and size of each entry computed while it is written (for
//! `datapackage.json`).
//!
//! Entries are streamed; the CRC-32 of each is patched into its local header afterwards, so the
//! output must be seekable (a file).

use std::io::{self, Read, Seek, SeekFrom, Write};

use sha2::{Digest, Sha256};

/// Sizes and offsets at or above this need ZIP64 fields.
const ZIP32_MAX: u64 = 0xFFFF_FFFF;

/// What the package manifest needs to know about one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFacts {
    pub path: String,
    pub bytes: u64,
    /// Lowercase hex SHA-256 of the entry's content.
    pub sha256: String,
}

struct Central {
    name: String,
    crc: u32,
    size: u64,
    offset: u64,
    dos_time: u16,
    dos_date: u16,
}

/// Writes a stored-only ZIP archive.
pub struct ZipWriter<W: Write + Seek> {
    out: W,
    pos: u64,
    entries: Vec<Central>,
    dos_time: u16,
    dos_date: u16,
}

impl<W: Write + Seek> ZipWriter<W> {
    /// A writer whose entries carry the modification time `at`.
    pub fn new(out: W, at: chrono::DateTime<chrono::Utc>) -> ZipWriter<W> {
        use chrono::{Datelike, Timelike};
        let year = at.year().clamp(1980, 2107) as u16;
        ZipWriter {
            out,
            pos: 0,
            entries: Vec::new(),
            dos_time: ((at.hour() as u16) << 11)
                | ((at.minute() as u16) << 5)
                | (at.second() as u16 / 2),
            dos_date: ((year - 1980) << 9) | ((at.month() as u16) << 5) | at.day() as u16,
        }
    }

    /// Adds an entry of exactly `size` bytes read from `src`.
    pub fn add(&mut self, name: &str, size: u64, src: &mut impl Read) -> io::Result<EntryFacts> {
        let offset = self.pos;
        let zip64 = size >= ZIP32_MAX;
        let header = self.local_header(name, 0, size, zip64);
        self.write(&header)?;
        let mut crc = crc32fast::Hasher::new();
        let mut sha = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut left = size;
        while left > 0 {
            let want = buf.len().min(left as usize);
            let n = src.read(&mut buf[..want])?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("{name} ended {left} bytes early"),
                ));
            }
            crc.update(&buf[..n]);
            sha.update(&buf[..n]);
            self.write(&buf[..n])?;
            left -= n as u64;
        }
        let crc = crc.finalize();
        // Patch the CRC-32 into the local header (offset 14).
        self.out.seek(SeekFrom::Start(offset + 14))?;
        self.out.write_all(&crc.to_le_bytes())?;
        self.out.seek(SeekFrom::Start(self.pos))?;
        self.entries.push(Central {
            name: name.to_string(),
            crc,
            size,
            offset,
            dos_time: self.dos_time,
            dos_date: self.dos_date,
        });
        Ok(EntryFacts {
            path: name.to_string(),
            bytes: size,
            sha256: data_encoding::HEXLOWER.encode(&sha.finalize()),
        })
    }

    /// Adds an entry held in memory.
    pub fn add_bytes(&mut self, name: &str, data: &[u8]) -> io::Result<EntryFacts> {
        self.add(name, data.len() as u64, &mut &data[..])
    }

    fn write(&mut self, data: &[u8]) -> io::Result<()> {
        self.out.write_all(data)?;
        self.pos += data.len() as u64;
        Ok(())
    }

    fn local_header(&self, name: &str, crc: u32, size: u64, zip64: bool) -> Vec<u8> {
        let mut h = Vec::with_capacity(30 + name.len() + 20);
        h.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        h.extend_from_slice(&(if zip64 { 45u16 } else { 20 }).to_le_bytes());
        h.extend_from_slice(&0x0800u16.to_le_bytes()); // names are UTF-8
        h.extend_from_slice(&0u16.to_le_bytes()); // stored
        h.extend_from_slice(&self.dos_time.to_le_bytes());
        h.extend_from_slice(&self.dos_date.to_le_bytes());
        h.extend_from_slice(&crc.to_le_bytes());
        let small = if zip64 { ZIP32_MAX as u32 } else { size as u32 };
        h.extend_from_slice(&small.to_le_bytes());
        h.extend_from_slice(&small.to_le_bytes());
        h.extend_from_slice(&(name.len() as u16).to_le_bytes());
        h.extend_from_slice(&(if zip64 { 20u16 } else { 0 }).to_le_bytes());
        h.extend_from_slice(name.as_bytes());
        if zip64 {
            h.extend_from_slice(&1u16.to_le_bytes());
            h.extend_from_slice(&16u16.to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
        }
        h
    }

    /// Writes the central directory and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        let cd_start = self.pos;
        let entries = std::mem::take(&mut self.entries);
        for e in &entries {
            let big_size = e.size >= ZIP32_MAX;
            let big_offset = e.offset >= ZIP32_MAX;
            let mut extra = Vec::new();
            if big_size {
                extra.extend_from_slice(&e.size.to_le_bytes());
                extra.extend_from_slice(&e.size.to_le_bytes());
            }
            if big_offset {
                extra.extend_from_slice(&e.offset.to_le_bytes());
            }
            let zip64 = !extra.is_empty();
            let mut h = Vec::with_capacity(46 + e.name.len() + 28);
            h.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            h.extend_from_slice(&(0x0300u16 | 45).to_le_bytes()); // made by: Unix, 4.5
            h.extend_from_slice(&(if zip64 || big_size { 45u16 } else { 20 }).to_le_bytes());
            h.extend_from_slice(&0x0800u16.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&e.dos_time.to_le_bytes());
            h.extend_from_slice(&e.dos_date.to_le_bytes());
            h.extend_from_slice(&e.crc.to_le_bytes());
            let small = if big_size {
                ZIP32_MAX as u32
            } else {
                e.size as u32
            };
            h.extend_from_slice(&small.to_le_bytes());
            h.extend_from_slice(&small.to_le_bytes());
            h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            let extra_len = if zip64 { extra.len() + 4 } else { 0 };
            h.extend_from_slice(&(extra_len as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // comment
            h.extend_from_slice(&0u16.to_le_bytes()); // disk
            h.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
            h.extend_from_slice(&(0o100644u32 << 16).to_le_bytes()); // -rw-r--r--
            let off = if big_offset {
                ZIP32_MAX as u32
            } else {
                e.offset as u32
            };
            h.extend_from_slice(&off.to_le_bytes());
            h.extend_from_slice(e.name.as_bytes());
            if zip64 {
                h.extend_from_slice(&1u16.to_le_bytes());
                h.extend_from_slice(&(extra.len() as u16).to_le_bytes());
                h.extend_from_slice(&extra);
            }
            self.write(&h)?;
        }
        let cd_size = self.pos - cd_start;
        let count = entries.len() as u64;
        let need64 = count >= 0xFFFF || cd_start >= ZIP32_MAX || cd_size >= ZIP32_MAX;
        if need64 {
            let eocd64 = self.pos;
            let mut r = Vec::with_capacity(76);
            r.extend_from_slice(&0x0606_4b50u32.to_le_bytes());
            r.extend_from_slice(&44u64.to_le_bytes());
            r.extend_from_slice(&(0x0300u16 | 45).to_le_bytes());
            r.extend_from_slice(&45u16.to_le_bytes());
            r.extend_from_slice(&0u32.to_le_bytes());
            r.extend_from_slice(&0u32.to_le_bytes());
            r.extend_from_slice(&count.to_le_bytes());
            r.extend_from_slice(&count.to_le_bytes());
            r.extend_from_slice(&cd_size.to_le_bytes());
            r.extend_from_slice(&cd_start.to_le_bytes());
            // Locator.
            r.extend_from_slice(&0x0706_4b50u32.to_le_bytes());
            r.extend_from_slice(&0u32.to_le_bytes());
            r.extend_from_slice(&eocd64.to_le_bytes());
            r.extend_from_slice(&1u32.to_le_bytes());
            self.write(&r)?;
        }
        let mut r = Vec::with_capacity(22);
        r.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        r.extend_from_slice(&0u16.to_le_bytes());
        r.extend_from_slice(&0u16.to_le_bytes());
        let n16 = count.min(0xFFFF) as u16;
        r.extend_from_slice(&n16.to_le_bytes());
        r.extend_from_slice(&n16.to_le_bytes());
        r.extend_from_slice(&(cd_size.min(ZIP32_MAX) as u32).to_le_bytes());
        r.extend_from_slice(&(cd_start.min(ZIP32_MAX) as u32).to_le_bytes());
        r.extend_from_slice(&0u16.to_le_bytes());
        self.write(&r)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_entries_with_crc_and_sha256() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:20:30Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let mut z = ZipWriter::new(io::Cursor::new(Vec::new()), at);
        let a = z.add_bytes("pages/pages.jsonl", b"{}\n").unwrap();
        assert_eq!(a.bytes, 3);
        // sha256("{}\n")
        assert_eq!(
            a.sha256,
            "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356"
        );
        z.add_bytes("datapackage.json", b"[]").unwrap();
        let bytes = z.finish().unwrap().into_inner();
        // Local header: signature, stored, CRC-32 of "{}\n" patched in.
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]), 0);
        let crc = crc32fast::hash(b"{}\n");
        assert_eq!(&bytes[14..18], &crc.to_le_bytes());
        // End of central directory names two entries.
        let eocd = &bytes[bytes.len() - 22..];
        assert_eq!(&eocd[..4], b"PK\x05\x06");
        assert_eq!(u16::from_le_bytes([eocd[10], eocd[11]]), 2);
        let content = &bytes[30 + "pages/pages.jsonl".len()..][..3];
        assert_eq!(content, b"{}\n");
    }
}
