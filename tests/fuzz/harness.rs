//! The fuzzing loop: corpus, mutations, panic and hang detection, report.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Largest input tried (the loaders' own limits are above or below it;
/// what matters is that a mutation can cross them).
const MAX_INPUT: usize = 256 * 1024;

/// Settings from the environment.
struct Settings {
    seconds: f64,
    max_cases: u64,
    seed: u64,
    input_limit: Duration,
}

fn settings() -> Settings {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    Settings {
        seconds: var("PREAU_FUZZ_SECONDS").map_or(1.0, |v| {
            v.trim().parse().expect("PREAU_FUZZ_SECONDS is a number")
        }),
        max_cases: var("PREAU_FUZZ_CASES").map_or(u64::MAX, |v| {
            v.trim().parse().expect("PREAU_FUZZ_CASES is a number")
        }),
        seed: var("PREAU_FUZZ_SEED").map_or(0x5052_4541_5521, |v| {
            v.trim().parse().expect("PREAU_FUZZ_SEED is a number")
        }),
        input_limit: Duration::from_secs_f64(var("PREAU_FUZZ_INPUT_SECONDS").map_or(10.0, |v| {
            v.trim()
                .parse()
                .expect("PREAU_FUZZ_INPUT_SECONDS is a number")
        })),
    }
}

/// A small, fast, reproducible generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file of `tests/fuzz/corpus/<target>/`, by name.
fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = repo().join("tests/fuzz/corpus").join(target);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "corpus {} is empty", dir.display());
    files
}

/// One mutation of `input`, using the format's tokens and the other seeds.
fn mutate(rng: &mut Rng, input: &[u8], seeds: &[Vec<u8>], tokens: &[&[u8]]) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = data.len();
        match rng.below(9) {
            // Flip a bit.
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            // Replace a byte by an interesting one.
            1 if len > 0 => {
                const BYTES: &[u8] = b"\0\n\r\t :-#[]{}\"'\\|>*&!%@`<>/.\xc3\xa9\xff\x7f0";
                let i = rng.below(len);
                data[i] = BYTES[rng.below(BYTES.len())];
            }
            // Delete a range.
            2 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(16.min(len - start))).min(len);
                data.drain(start..end);
            }
            // Insert a token of the format.
            3 | 4 => {
                let token = tokens[rng.below(tokens.len())];
                let at = rng.below(len + 1);
                data.splice(at..at, token.iter().copied());
            }
            // Repeat a range many times: deeper nesting, longer lines.
            5 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(8.min(len - start))).min(len);
                let chunk = data[start..end].to_vec();
                let times = [2, 10, 100, 1000, 5000][rng.below(5)];
                let repeated: Vec<u8> = chunk.repeat(times);
                data.splice(start..start, repeated);
            }
            // Splice with another seed.
            6 if !seeds.is_empty() => {
                let other = &seeds[rng.below(seeds.len())];
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            // Cut short.
            7 if len > 0 => data.truncate(rng.below(len)),
            // Swap two bytes.
            _ if len > 1 => {
                let (a, b) = (rng.below(len), rng.below(len));
                data.swap(a, b);
            }
            _ => data.push(rng.below(256) as u8),
        }
    }
    data.truncate(MAX_INPUT);
    data
}

/// Writes a failing input where the test names it.
fn keep(target: &str, input: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    std::fs::create_dir_all(&dir).unwrap();
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    });
    let path = dir.join(format!("{target}-{hash:016x}.bin"));
    std::fs::write(&path, input).unwrap();
    path
}

/// What a worker says about one input.
enum Outcome {
    Done,
    Panicked(String),
}

/// Fuzzes `target`: `setup` runs on the worker thread and returns the
/// function that tries one input (it may keep state: a temp school).
/// `extra` seeds are added to the corpus (made at run time, e.g. sealed
/// with the real crypto). Panics (fails the test) on a panic or a hang.
pub fn fuzz<S, F>(target: &str, tokens: &[&[u8]], extra: Vec<Vec<u8>>, setup: S)
where
    S: FnOnce() -> F + Send + 'static,
    F: FnMut(&[u8]),
{
    let settings = settings();
    let named = corpus(target);
    let mut seeds: Vec<Vec<u8>> = named.iter().map(|(_, b)| b.clone()).collect();
    seeds.extend(extra);

    let (to_worker, inputs) = mpsc::channel::<Vec<u8>>();
    let (to_main, outcomes) = mpsc::channel::<Outcome>();
    std::thread::Builder::new()
        .name(format!("fuzz-{target}"))
        .spawn(move || {
            let mut run = setup();
            for input in inputs {
                let outcome = match catch_unwind(AssertUnwindSafe(|| run(&input))) {
                    Ok(()) => Outcome::Done,
                    Err(payload) => Outcome::Panicked(
                        payload
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_default(),
                    ),
                };
                let panicked = matches!(outcome, Outcome::Panicked(_));
                if to_main.send(outcome).is_err() || panicked {
                    return;
                }
            }
        })
        .unwrap();

    let mut rng = Rng::new(
        settings.seed
            ^ target
                .bytes()
                .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b))),
    );
    let start = Instant::now();
    let mut executions = 0u64;
    let mut slowest = Duration::ZERO;
    let mut next = 0usize;
    loop {
        let from_corpus = next < seeds.len();
        if !from_corpus
            && (start.elapsed().as_secs_f64() >= settings.seconds
                || executions >= settings.max_cases)
        {
            break;
        }
        let input = if from_corpus {
            next += 1;
            seeds[next - 1].clone()
        } else {
            let base = &seeds[rng.below(seeds.len())];
            mutate(&mut rng, base, &seeds, tokens)
        };
        let began = Instant::now();
        to_worker.send(input.clone()).expect("worker alive");
        match outcomes.recv_timeout(settings.input_limit) {
            Ok(Outcome::Done) => {}
            Ok(Outcome::Panicked(message)) => {
                let path = keep(target, &input);
                panic!(
                    "fuzz {target}: PANIC « {message} » on input {} ({} bytes, seed {}, after {executions} executions)",
                    path.display(),
                    input.len(),
                    settings.seed
                );
            }
            Err(_) => {
                let path = keep(target, &input);
                panic!(
                    "fuzz {target}: HANG, input {} ({} bytes) still running after {:?} (seed {}, after {executions} executions)",
                    path.display(),
                    input.len(),
                    settings.input_limit,
                    settings.seed
                );
            }
        }
        slowest = slowest.max(began.elapsed());
        executions += 1;
    }
    drop(to_worker);
    eprintln!(
        "fuzz {target}: {executions} executions in {:.1} s ({} corpus seeds), 0 panics, 0 hangs, slowest input {} ms, seed {}",
        start.elapsed().as_secs_f64(),
        seeds.len(),
        slowest.as_millis(),
        settings.seed
    );
}

/// Copies `from` into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}
