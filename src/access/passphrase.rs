//! Family codes: easy to read aloud and type on a phone, at least 50 bits.
//!
//! A code is nine consonant-vowel syllables in three groups, such as
//! `bakoti-lumipa-rosufa`. French reads every syllable one way; there are
//! no accents, capitals or look-alike characters to get wrong.

/// Consonants of the syllables (« ch » is one sound).
pub const CONSONANTS: [&str; 15] = [
    "b", "ch", "d", "f", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z",
];
/// Vowels of the syllables.
pub const VOWELS: [&str; 4] = ["a", "i", "o", "u"];
/// Syllables per group.
pub const SYLLABLES_PER_GROUP: usize = 3;
/// Groups per code.
pub const GROUPS: usize = 3;

/// Entropy of a generated code, in bits, from the alphabet above.
pub fn entropy_bits() -> f64 {
    let choices = (CONSONANTS.len() * VOWELS.len()) as f64;
    (SYLLABLES_PER_GROUP * GROUPS) as f64 * choices.log2()
}

/// A new code from the operating system's CSPRNG.
pub fn generate() -> String {
    let count = (CONSONANTS.len() * VOWELS.len()) as u32;
    let mut groups = Vec::with_capacity(GROUPS);
    for _ in 0..GROUPS {
        let mut group = String::new();
        for _ in 0..SYLLABLES_PER_GROUP {
            let n = uniform(count);
            group.push_str(CONSONANTS[(n / VOWELS.len() as u32) as usize]);
            group.push_str(VOWELS[(n % VOWELS.len() as u32) as usize]);
        }
        groups.push(group);
    }
    groups.join("-")
}

/// A uniform integer below `n`, by rejection sampling (no modulo bias).
fn uniform(n: u32) -> u32 {
    let limit = u32::MAX - (u32::MAX % n);
    loop {
        let x = u32::from_le_bytes(super::crypto::random::<4>());
        if x < limit {
            return x % n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn at_least_fifty_bits() {
        assert!(entropy_bits() >= 50.0, "{} bits", entropy_bits());
    }

    #[test]
    fn syllables_are_unambiguous() {
        // Every syllable is distinct, so a code reads back to one choice sequence.
        let mut seen = HashSet::new();
        for c in CONSONANTS {
            for v in VOWELS {
                assert!(seen.insert(format!("{c}{v}")));
            }
        }
    }

    #[test]
    fn shape_and_variety() {
        let codes: HashSet<String> = (0..200).map(|_| generate()).collect();
        assert_eq!(codes.len(), 200, "codes repeat");
        for code in &codes {
            let groups: Vec<&str> = code.split('-').collect();
            assert_eq!(groups.len(), GROUPS, "{code}");
            assert!(
                code.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{code}"
            );
        }
    }
}
