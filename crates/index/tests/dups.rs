//! Near-duplicate fingerprints measured on the fixture's ground truth: MinHash (what the index
//! stores) and, for comparison, SimHash over the same tokens at several Hamming radii. Prints the
//! pairwise precision and recall of each; MinHash must reach 0.95 on both.

use std::collections::HashSet;

use jinan_index::dups;

type Pairs = HashSet<(usize, usize)>;

fn pairs_of(groups: &[Vec<usize>]) -> Pairs {
    let mut out = HashSet::new();
    for g in groups {
        for (i, a) in g.iter().enumerate() {
            for b in &g[i + 1..] {
                out.insert(((*a).min(*b), (*a).max(*b)));
            }
        }
    }
    out
}

fn scores(found: &Pairs, truth: &Pairs) -> (f64, f64) {
    let both = found.intersection(truth).count() as f64;
    (
        if found.is_empty() {
            1.0
        } else {
            both / found.len() as f64
        },
        if truth.is_empty() {
            1.0
        } else {
            both / truth.len() as f64
        },
    )
}

#[test]
fn minhash_finds_the_fixture_copies_and_simhash_is_measured() {
    let site = testsite::Site::new(testsite::SiteConfig {
        articles: 2500,
        ..Default::default()
    });
    let base = "http://fixture/";
    let truth = site.truth(base);
    let index_of: std::collections::HashMap<&str, usize> = truth
        .iter()
        .enumerate()
        .map(|(i, a)| (a.url.as_str(), i))
        .collect();
    let true_groups: Vec<Vec<usize>> = site
        .dup_groups(base)
        .iter()
        .map(|g| g.iter().map(|u| index_of[u.as_str()]).collect())
        .collect();
    let truth_pairs = pairs_of(&true_groups);
    assert!(truth_pairs.len() > 100, "{} true pairs", truth_pairs.len());

    let prints: Vec<(usize, dups::Bands)> = truth
        .iter()
        .enumerate()
        .filter_map(|(i, a)| dups::fingerprint(&a.body).map(|f| (i, f)))
        .collect();
    let found = pairs_of(&dups::group(&prints));
    let (p, r) = scores(&found, &truth_pairs);
    println!(
        "minhash ({} hashes, {} bands of {}, >= {} agreeing): {} pairs found, {} true, precision {p:.3}, recall {r:.3}",
        dups::HASHES,
        dups::BANDS,
        dups::ROWS,
        dups::MIN_BANDS,
        found.len(),
        truth_pairs.len()
    );

    let sims: Vec<(usize, u64)> = truth
        .iter()
        .enumerate()
        .filter_map(|(i, a)| dups::simhash(&a.body).map(|h| (i, h)))
        .collect();
    let radii = [3u32, 6, 10];
    let mut found_at = vec![HashSet::new(); radii.len()];
    for (x, (i, a)) in sims.iter().enumerate() {
        for (j, b) in &sims[x + 1..] {
            let d = (a ^ b).count_ones();
            for (k, radius) in radii.iter().enumerate() {
                if d <= *radius {
                    found_at[k].insert(((*i).min(*j), (*i).max(*j)));
                }
            }
        }
    }
    for (radius, pairs) in radii.iter().zip(&found_at) {
        let (sp, sr) = scores(pairs, &truth_pairs);
        println!(
            "simhash (64 bits, Hamming <= {radius}): {} pairs found, precision {sp:.3}, recall {sr:.3}",
            pairs.len()
        );
    }
    assert!(
        p >= 0.95 && r >= 0.95,
        "minhash precision {p:.3} recall {r:.3}"
    );
}
