//! A small mutation fuzzer for everything Préau reads from people (issue 13):
//! front matter, markdown, the YAML configuration files, sealed blobs and
//! area indexes, and submissions.
//!
//! Each target starts from its corpus, `tests/fuzz/corpus/<target>/` (real
//! files of `example-school/` and the fixtures, and the attacks of issue
//! 12), runs every file as is, then mutates them (bit flips, insertions of
//! the format's tokens, deletions, repeats that nest deeper, splices of two
//! files) for a bounded time. Every input runs in a worker thread under
//! `catch_unwind`, with a time bound: a panic or a hang fails the test, and
//! the input is written to `target/tmp/fuzz-failures/` and named.
//!
//! ```text
//! cargo test --test fuzz                                  # 1 s a target
//! PREAU_FUZZ_SECONDS=30 cargo test --release --test fuzz  # CI
//! ```
//!
//! `PREAU_FUZZ_SECONDS` is the time per target, `PREAU_FUZZ_CASES` a cap on
//! executions per target, `PREAU_FUZZ_SEED` the seed of the mutations (a
//! failure prints it, so the run can be replayed), `PREAU_FUZZ_INPUT_SECONDS`
//! the time one input may take before it counts as a hang.

mod harness;
mod targets;
