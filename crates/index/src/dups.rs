//! Near-duplicate fingerprints: the same notice republished under another address, column or
//! title, with small edits, is found by MinHash over word shingles with LSH bands.
//!
//! At index time each body is cut into tokens (lowercased runs of letters and digits; each Han
//! character on its own, so Chinese needs no dictionary) and overlapping shingles of
//! [`SHINGLE`] tokens. [`HASHES`] min-hashes of the shingle set are grouped into [`BANDS`] bands
//! of [`ROWS`]; each band is hashed into one `u64` key, stored in the index (indexed, to find the
//! articles sharing a band, and as a fast field, to compare two articles without reading them).
//! Two articles whose shingle sets have Jaccard similarity `J` agree on a band with probability
//! `J^ROWS`; they are near-identical when at least [`MIN_BANDS`] of their bands agree, which
//! holds for almost every pair above `J ≈ 0.85` and almost no pair below `J ≈ 0.5`.
//!
//! Why MinHash rather than SimHash (crates/index/tests/dups.rs measures both on 2,500 fixture
//! articles): the fixture's copies have `J >= 0.93` with their original, while unrelated articles,
//! all written from one phrase bank, reach `J ≈ 0.47`; MinHash with 5 of 16 bands finds 346 pairs
//! for 345 true ones (precision 0.997, recall 1.0). SimHash over the same unweighted tokens is
//! dominated by the common words: at a Hamming radius of 3 it pairs a million unrelated articles
//! (precision 0.000). Real sites are written the same way (templates, set phrases), so the
//! estimate of text overlap is the one to trust.
//! A fingerprint is made in one pass without allocating: token hashes are read into a batch on
//! the stack and its shingles and min-hashes computed across vector lanes (AVX-512 or AVX2 when
//! the CPU has them); the tests hold it to the plain definition, since indexes store its keys.
//! Bodies with fewer than [`MIN_SHINGLES`] shingles get no fingerprint: in a short notice a
//! changed date or name is a different notice, not a copy.

use std::collections::HashMap;

/// Tokens per shingle.
pub const SHINGLE: usize = 4;
/// Min-hashes per article.
pub const HASHES: usize = 64;
/// Rows (min-hashes) per band.
pub const ROWS: usize = 4;
/// Bands per article.
pub const BANDS: usize = HASHES / ROWS;
/// Agreeing bands that make two articles near-identical.
pub const MIN_BANDS: usize = 5;
/// Shorter bodies are not fingerprinted.
pub const MIN_SHINGLES: usize = 40;

/// The band keys of an article.
pub type Bands = [u64; BANDS];

const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

const fn fnv_byte(h: u64, b: u8) -> u64 {
    (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0x20000..=0x3134f)
}

/// Calls `f` with the hash of each of the text's tokens, in order: lowercased letter/digit runs
/// (FNV-1a of their UTF-8, hashed as they are read, nothing allocated) and each Han character.
fn each_token(text: &str, mut f: impl FnMut(u64)) {
    let mut h = FNV_OFFSET;
    let mut open = false;
    let mut flush = |h: &mut u64, open: &mut bool| {
        if *open {
            f(mix(*h));
            *h = FNV_OFFSET;
            *open = false;
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                h = fnv_byte(h, c.to_ascii_lowercase() as u8);
                open = true;
            } else {
                flush(&mut h, &mut open);
            }
        } else if is_han(c) {
            flush(&mut h, &mut open);
            let mut buf = [0u8; 4];
            h = c.encode_utf8(&mut buf).bytes().fold(h, fnv_byte);
            open = true;
            flush(&mut h, &mut open);
        } else if c.is_alphanumeric() {
            let mut buf = [0u8; 4];
            for l in c.to_lowercase() {
                h = l.encode_utf8(&mut buf).bytes().fold(h, fnv_byte);
            }
            open = true;
        } else {
            flush(&mut h, &mut open);
        }
    }
    flush(&mut h, &mut open);
}

/// Hashes of the text's tokens, in order: lowercased letter/digit runs, and each Han character.
pub fn token_hashes(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    each_token(text, |t| out.push(t));
    out
}

/// The hash of the shingle of [`SHINGLE`] tokens starting at `tokens[i]`.
#[inline(always)]
fn shingle_at(tokens: &[u64], i: usize) -> u64 {
    tokens[i..i + SHINGLE]
        .iter()
        .fold(0x9e37_79b9_7f4a_7c15, |h, t| mix(h ^ t))
}

/// Hashes of the shingles (runs of [`SHINGLE`] tokens) of a text.
pub fn shingles(text: &str) -> Vec<u64> {
    let tokens = token_hashes(text);
    (0..(tokens.len() + 1).saturating_sub(SHINGLE))
        .map(|i| shingle_at(&tokens, i))
        .collect()
}

/// The min-hash functions: shingle `h` maps to the high half of `h * a + b` (mod 2^64), `a` odd.
/// Fixed for ever: the band keys in an index were made with them.
const PARAMS: ([u64; HASHES], [u64; HASHES]) = {
    let (mut a, mut b) = ([0u64; HASHES], [0u64; HASHES]);
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut i = 0;
    while i < HASHES {
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        a[i] = mix(seed) | 1;
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        b[i] = mix(seed);
        i += 1;
    }
    (a, b)
};

/// Token hashes handed to [`absorb`] at a time: a buffer on the stack, [`BATCH`] shingles.
const BATCH: usize = 256;

/// A batch of token hashes: [`BATCH`] shingles start in it.
type Tokens = [u64; BATCH + SHINGLE - 1];

/// Lowers `sig` to the min-hashes of the first `n` shingles of `tokens` where they are smaller.
/// Both loops, the shingles and the [`HASHES`] functions of each, run across vector lanes.
#[inline(always)]
fn absorb_plain(sig: &mut [u32; HASHES], tokens: &Tokens, n: usize) {
    // Token by token across all windows (h ^ t, then mix, as `shingle_at` does): fixed-size
    // arrays, so no bounds checks stop the vectorizer.
    let mut shingles = [0x9e37_79b9_7f4a_7c15u64; BATCH];
    for k in 0..SHINGLE {
        let column: &[u64; BATCH] = tokens[k..k + BATCH].try_into().expect("BATCH tokens");
        for (s, t) in shingles.iter_mut().zip(column) {
            *s = mix(*s ^ t);
        }
    }
    let (a, b) = &PARAMS;
    for &h in &shingles[..n.min(BATCH)] {
        for ((slot, a), b) in sig.iter_mut().zip(a).zip(b) {
            let v = (h.wrapping_mul(*a).wrapping_add(*b) >> 32) as u32;
            *slot = (*slot).min(v);
        }
    }
}

/// [`absorb_plain`] compiled for AVX-512 (eight 64-bit products per instruction instead of two
/// emulated ones: the min-hashes are most of a fingerprint's cost).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl")]
fn absorb_avx512(sig: &mut [u32; HASHES], tokens: &Tokens, n: usize) {
    absorb_plain(sig, tokens, n);
}

/// [`absorb_plain`] compiled for AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn absorb_avx2(sig: &mut [u32; HASHES], tokens: &Tokens, n: usize) {
    absorb_plain(sig, tokens, n);
}

/// [`absorb_plain`] with the widest vectors this CPU has (the same integers either way).
fn absorb(sig: &mut [u32; HASHES], tokens: &Tokens, n: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx512dq")
            && is_x86_feature_detected!("avx512vl")
        {
            // SAFETY: the CPU has the features the function is compiled for.
            return unsafe { absorb_avx512(sig, tokens, n) };
        }
        if is_x86_feature_detected!("avx2") {
            // SAFETY: as above.
            return unsafe { absorb_avx2(sig, tokens, n) };
        }
    }
    absorb_plain(sig, tokens, n);
}

/// The [`HASHES`] min-hashes of a text's shingles, or None when it has fewer than
/// [`MIN_SHINGLES`]. One pass over the text, nothing allocated.
pub fn minhash(text: &str) -> Option<[u32; HASHES]> {
    minhash_by(text, absorb)
}

type Absorb = fn(&mut [u32; HASHES], &Tokens, usize);

fn minhash_by(text: &str, absorb: Absorb) -> Option<[u32; HASHES]> {
    let mut sig = [u32::MAX; HASHES];
    let mut tokens: Tokens = [0; BATCH + SHINGLE - 1];
    let (mut filled, mut n) = (0usize, 0usize);
    each_token(text, |t| {
        tokens[filled] = t;
        filled += 1;
        n += 1;
        if filled == tokens.len() {
            absorb(&mut sig, &tokens, BATCH);
            // The last SHINGLE - 1 tokens begin the next batch's first shingle.
            tokens.copy_within(BATCH.., 0);
            filled = SHINGLE - 1;
        }
    });
    absorb(&mut sig, &tokens, (filled + 1).saturating_sub(SHINGLE));
    (n + 1 >= MIN_SHINGLES + SHINGLE).then_some(sig)
}

/// The band keys of a signature (each names its band, so equal keys mean the same band agrees).
pub fn bands(sig: &[u32; HASHES]) -> Bands {
    let mut out = [0u64; BANDS];
    for (i, band) in sig.chunks(ROWS).enumerate() {
        out[i] = band
            .iter()
            .fold(mix(i as u64 + 1), |h, v| mix(h ^ u64::from(*v)));
    }
    out
}

/// The band keys of a text's body, if it is long enough to be fingerprinted.
pub fn fingerprint(text: &str) -> Option<Bands> {
    minhash(text).map(|s| bands(&s))
}

/// Number of bands two articles agree on.
pub fn agreeing(a: &[u64], b: &[u64]) -> usize {
    a.iter().filter(|k| b.contains(k)).count()
}

/// True when two fingerprints name near-identical articles.
pub fn near_identical(a: &[u64], b: &[u64]) -> bool {
    agreeing(a, b) >= MIN_BANDS
}

/// 64-bit SimHash over the text's tokens (for comparison with MinHash; not stored).
pub fn simhash(text: &str) -> Option<u64> {
    let tokens = token_hashes(text);
    if tokens.len() < MIN_SHINGLES {
        return None;
    }
    let mut v = [0i32; 64];
    for t in tokens {
        for (bit, c) in v.iter_mut().enumerate() {
            *c += if t >> bit & 1 == 1 { 1 } else { -1 };
        }
    }
    Some(
        v.iter()
            .enumerate()
            .fold(0u64, |h, (bit, c)| if *c > 0 { h | 1 << bit } else { h }),
    )
}

/// Groups items whose fingerprints are near-identical (transitively: A~B and B~C put A, B and C
/// in one group). Only groups of two or more, each in input order, groups by their first member.
pub fn group<K: Clone, B: AsRef<[u64]>>(items: &[(K, B)]) -> Vec<Vec<K>> {
    let mut parent: Vec<usize> = (0..items.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, (_, b)) in items.iter().enumerate() {
        for k in b.as_ref() {
            buckets.entry(*k).or_default().push(i);
        }
    }
    for members in buckets.values().filter(|m| m.len() > 1) {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                if ri != rj && near_identical(items[i].1.as_ref(), items[j].1.as_ref()) {
                    parent[ri.max(rj)] = ri.min(rj);
                }
            }
        }
    }
    let mut by_root: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..items.len() {
        let r = root(&mut parent, i);
        by_root.entry(r).or_default().push(i);
    }
    let mut groups: Vec<Vec<usize>> = by_root.into_values().filter(|g| g.len() > 1).collect();
    for g in &mut groups {
        g.sort_unstable();
    }
    groups.sort_unstable_by_key(|g| g[0]);
    groups
        .into_iter()
        .map(|g| g.into_iter().map(|i| items[i].0.clone()).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(n: usize, salt: &str) -> String {
        (0..n)
            .map(|i| format!("word{i} {salt}{}", i % 7))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn copies_agree_and_strangers_do_not() {
        let a = text(200, "x");
        let edited = format!("Repost. {a} One more closing sentence from the editors.");
        let other = text(200, "y");
        let (fa, fe, fo) = (
            fingerprint(&a).unwrap(),
            fingerprint(&edited).unwrap(),
            fingerprint(&other).unwrap(),
        );
        assert!(near_identical(&fa, &fe));
        assert!(!near_identical(&fa, &fo));
        assert_eq!(group(&[(1, fa), (2, fo), (3, fe)]), vec![vec![1, 3]]);
        assert!(fingerprint("too short to say").is_none());
    }

    /// The definition the fast path must keep to, written plainly: the band keys stored in an
    /// index were made this way.
    fn reference_minhash(text: &str) -> Option<[u32; HASHES]> {
        let fnv = |bytes: &[u8]| bytes.iter().fold(FNV_OFFSET, |h, b| fnv_byte(h, *b));
        let mut tokens = Vec::new();
        let mut word = String::new();
        for c in text.chars().chain([' ']) {
            if (is_han(c) || !c.is_alphanumeric()) && !word.is_empty() {
                tokens.push(mix(fnv(word.as_bytes())));
                word.clear();
            }
            if is_han(c) {
                tokens.push(mix(fnv(c.to_string().as_bytes())));
            } else if c.is_alphanumeric() {
                word.extend(c.to_lowercase());
            }
        }
        let sh: Vec<u64> = tokens
            .windows(SHINGLE)
            .map(|w| w.iter().fold(0x9e37_79b9_7f4a_7c15, |h, t| mix(h ^ t)))
            .collect();
        if sh.len() < MIN_SHINGLES {
            return None;
        }
        let mut sig = [u32::MAX; HASHES];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for slot in &mut sig {
            seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let a = mix(seed) | 1;
            seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let b = mix(seed);
            *slot = sh
                .iter()
                .map(|h| (h.wrapping_mul(a).wrapping_add(b) >> 32) as u32)
                .min()
                .unwrap_or(u32::MAX);
        }
        Some(sig)
    }

    #[test]
    fn fast_path_keeps_the_definition() {
        let site = testsite::Site::new(testsite::SiteConfig {
            articles: 400,
            ..Default::default()
        });
        let mut texts: Vec<String> = site
            .truth("http://fixture/")
            .into_iter()
            .flat_map(|a| [a.body, a.title])
            .collect();
        let mixed = "İstanbul ẞtraße ǅemal Ⅻ ½ 济南市 Jinan's 2024年 ÀÉÎ ﬁne 𠀀𠀁 ١٢٣ ".repeat(12);
        texts.extend([
            mixed.clone(),
            mixed.to_uppercase(),
            text(30, "z"),
            String::new(),
        ]);
        let mut fingerprinted = 0;
        for t in &texts {
            let want = reference_minhash(t);
            assert_eq!(minhash(t), want, "{t}");
            assert_eq!(minhash_by(t, absorb_plain), want, "{t}");
            fingerprinted += usize::from(want.is_some());
        }
        assert!(fingerprinted > 300, "{fingerprinted} of {}", texts.len());
    }

    #[test]
    fn han_characters_are_tokens() {
        assert_eq!(token_hashes("济南 City").len(), 3);
        assert_eq!(token_hashes("Jinan's"), token_hashes("jinan S"));
    }
}
