//! No panic, no hang (issue 12): each test attacks `preau` with an input a
//! school may really meet (a damaged secrets file, a closed pipe, absurdly
//! nested YAML, two builds at once, a byte-order mark, an out-of-range
//! setting) and expects a French message, never a panic or a wait without
//! end.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{files, preau, school_copy, text};

/// Runs `preau` like [`preau`], killed after `seconds`: a hang fails the
/// test instead of blocking the suite.
fn preau_within(cwd: &Path, args: &[&str], seconds: u64) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_preau"))
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", "1795478400")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run preau");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while child.try_wait().expect("wait preau").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("preau {args:?} still running after {seconds} s: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("preau output")
}

fn assert_no_panic(stderr: &str) {
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "preau panicked:\n{stderr}"
    );
}

// ---------------------------------------------------------------------
// A damaged `.preau/acces.json`

fn set_content_key(school: &Path, key: &str) {
    let path = school.join(".preau/acces.json");
    let mut secrets: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    secrets["audiences"]["classe:cm1"]["content_key"] = key.into();
    std::fs::write(&path, serde_json::to_string_pretty(&secrets).unwrap()).unwrap();
}

fn assert_damaged_secrets_reported(school: &Path, why: &str) {
    for command in ["build", "check"] {
        let result = preau_within(school, &[command], 120);
        let (stdout, stderr) = text(&result);
        assert_no_panic(&stderr);
        assert!(!result.status.success(), "{command} succeeded:\n{stdout}");
        assert!(
            stderr.contains(".preau/acces.json") && stderr.contains("abîmé"),
            "{command}: the message names neither the file nor the damage:\n{stderr}"
        );
        assert!(
            stderr.contains("content_key") && stderr.contains(why),
            "{command}: the message does not say which key and why:\n{stderr}"
        );
        assert!(stderr.contains("conseil"), "{command}: no hint:\n{stderr}");
    }
}

#[test]
fn content_key_not_base64_is_a_french_error_naming_acces_json() {
    let (_tmp, school) = school_copy("minimal");
    set_content_key(&school, "ceci n'est pas une clé !");
    assert_damaged_secrets_reported(&school, "base64");
}

#[test]
fn content_key_of_the_wrong_length_is_a_french_error_naming_acces_json() {
    let (_tmp, school) = school_copy("minimal");
    // Valid base64, 16 bytes instead of 32 (a truncated copy).
    set_content_key(&school, "AAECAwQFBgcICQoLDA0ODw==");
    assert_damaged_secrets_reported(&school, "16 octets au lieu de 32");
    assert!(
        !school.join("public").exists(),
        "a site was built with a damaged key"
    );
}

// ---------------------------------------------------------------------
// `preau check | head`: the reader goes away

/// Runs `preau` with stdout (and stderr when `both`) connected to a pipe
/// whose reading end is already closed, as after `| head` has had enough.
#[cfg(unix)]
fn preau_into_closed_pipe(cwd: &Path, args: &[&str], both: bool) -> (Option<i32>, String) {
    use std::os::fd::{FromRawFd, OwnedFd};
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe() writes.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0, "pipe()");
    // SAFETY: pipe() just opened both; each is owned once.
    let (reader, writer) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(reader);
    let stderr_file = tempfile::NamedTempFile::new().unwrap();
    let stderr: Stdio = if both {
        writer.try_clone().unwrap().into()
    } else {
        stderr_file.reopen().unwrap().into()
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_preau"))
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", "1795478400")
        .env_remove("RUST_LOG")
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::from(writer))
        .stderr(stderr)
        .spawn()
        .expect("run preau");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("preau {args:?} into a closed pipe still runs after 120 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (
        status.code(),
        std::fs::read_to_string(stderr_file.path()).unwrap(),
    )
}

#[cfg(unix)]
#[test]
fn writing_into_a_closed_pipe_ends_quietly() {
    let (_tmp, school) = school_copy("minimal");
    let cases: [(&[&str], bool); 5] = [
        (&["check"], false),
        (&["check"], true),
        (&["--help"], false),
        (&["build", "-v"], false),
        (&["build", "-v"], true),
    ];
    for (args, both) in cases {
        let (code, stderr) = preau_into_closed_pipe(&school, args, both);
        assert_no_panic(&stderr);
        assert!(
            !stderr.contains("failed printing") && !stderr.contains("Broken pipe"),
            "preau {args:?}: error message about the closed pipe:\n{stderr}"
        );
        // Killed by nobody: an exit code, and not the one of a panic (101).
        let code = code.unwrap_or_else(|| panic!("preau {args:?} was killed by a signal"));
        assert!(
            code == 0 || code == 141,
            "preau {args:?}: exit code {code}\n{stderr}"
        );
    }
}

// ---------------------------------------------------------------------
// YAML nested 100,000 deep

const DEEP: usize = 100_000;

fn assert_refused_quickly(school: &Path, file: &str) {
    let started = Instant::now();
    let result = preau_within(school, &["check"], 60);
    let (_, stderr) = text(&result);
    assert_no_panic(&stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("{file}:")) && stderr.contains("imbriqué trop profondément"),
        "no located French error for {file}:\n{stderr}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "refused, but only after {:?}",
        started.elapsed()
    );
}

#[test]
fn ecole_yaml_nested_100000_deep_is_refused_quickly() {
    let (_tmp, school) = school_copy("minimal");
    let path = school.join("ecole.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    let deep = format!("{}{}", "[".repeat(DEEP), "]".repeat(DEEP));
    std::fs::write(
        &path,
        yaml.replace("nom: École", &format!("nom: {deep}\nx: École")),
    )
    .unwrap();
    assert_refused_quickly(&school, "ecole.yaml");
}

#[test]
fn front_matter_nested_100000_deep_is_refused_quickly() {
    let (_tmp, school) = school_copy("minimal");
    // Block style this time: one list inside the other on a single line.
    let deep = "- ".repeat(DEEP);
    std::fs::write(
        school.join("pages/accueil.md"),
        format!("---\ntitre: Accueil\nacces:\n  {deep}x\n---\nBonjour\n"),
    )
    .unwrap();
    assert_refused_quickly(&school, "pages/accueil.md");
}

#[test]
fn classe_yaml_and_agenda_nested_100000_deep_are_refused_quickly() {
    let (_tmp, school) = school_copy("minimal");
    let deep = format!("{}{}", "{a: ".repeat(DEEP), "}".repeat(DEEP));
    let class = school.join("classes/cm1/classe.yaml");
    let yaml = std::fs::read_to_string(&class).unwrap();
    std::fs::write(&class, format!("{yaml}acces: {deep}\n")).unwrap();
    assert_refused_quickly(&school, "classes/cm1/classe.yaml");

    let (_tmp, school) = school_copy("minimal");
    let deep = format!("{}1{}", "[".repeat(DEEP), "]".repeat(DEEP));
    std::fs::write(school.join("agenda.yaml"), format!("- titre: {deep}\n")).unwrap();
    assert_refused_quickly(&school, "agenda.yaml");
}

/// Markdown nests too: each text of 100,000 nested emphases used to climb
/// all its ancestors (quadratic: 10,000 levels took 35 s, 100,000 hours).
#[test]
fn markdown_nested_100000_deep_is_checked_quickly() {
    let (_tmp, school) = school_copy("minimal");
    let deep = format!("{}x{}", "*a ".repeat(DEEP), " a*".repeat(DEEP));
    std::fs::write(
        school.join("pages/accueil.md"),
        format!("---\ntitre: Accueil\n---\n{deep}\n"),
    )
    .unwrap();
    let result = preau_within(&school, &["check"], 60);
    let (stdout, stderr) = text(&result);
    assert_no_panic(&stderr);
    assert!(result.status.success(), "{stdout}\n{stderr}");
}

// ---------------------------------------------------------------------
// Two builds of the same school at once

/// Holds the lock of `school/public` as another build would (Unix flock).
#[cfg(unix)]
fn hold_build_lock(school: &Path, holder: &str) -> std::fs::File {
    use std::io::Write;
    use std::os::fd::AsRawFd;
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(school.join(".public.preau-lock"))
        .unwrap();
    // SAFETY: flock on a descriptor this function owns.
    assert_eq!(
        unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
        0
    );
    file.write_all(holder.as_bytes()).unwrap();
    file
}

#[cfg(unix)]
#[test]
fn a_build_waits_for_the_other_build_and_names_it() {
    let (_tmp, school) = school_copy("minimal");
    let lock = hold_build_lock(&school, "preau, processus 4242, depuis 08:15:00\n");
    let mut second = Command::new(env!("CARGO_BIN_EXE_preau"))
        .arg("build")
        .current_dir(&school)
        .env("SOURCE_DATE_EPOCH", "1795478400")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // While the other build holds the lock, this one reads and renders the
    // school (a second or two), then waits: it must neither finish nor
    // touch the output and its temporary folder.
    let watch_until = Instant::now() + Duration::from_secs(8);
    while Instant::now() < watch_until {
        assert!(
            second.try_wait().unwrap().is_none(),
            "the second build ended while the first one held the lock"
        );
        assert!(!school.join("public").exists(), "wrote without the lock");
        assert!(
            !school.join(".public.preau-tmp").exists(),
            "touched the temporary folder of the other build"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(lock);
    let deadline = Instant::now() + Duration::from_secs(120);
    while second.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "still waiting after the release");
        std::thread::sleep(Duration::from_millis(50));
    }
    let result = second.wait_with_output().unwrap();
    let (stdout, stderr) = text(&result);
    assert!(result.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("une autre construction")
            && stderr.contains("processus 4242")
            && stderr.contains("attend"),
        "the wait is not explained in French, naming the other build:\n{stderr}"
    );
    assert!(school.join("public/index.html").exists());
    assert!(
        !school.join(".public.preau-lock").exists(),
        "the lock was left behind"
    );
}

#[test]
fn two_builds_at_once_leave_a_complete_site() {
    let (_tmp, school) = school_copy("minimal");
    let reference = school.join("reference");
    let result = preau(&school, &["build", "--out", reference.to_str().unwrap()]);
    assert!(result.status.success(), "{:?}", text(&result));
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_preau"))
            .arg("build")
            .current_dir(&school)
            .env("SOURCE_DATE_EPOCH", "1795478400")
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let builds: Vec<_> = (0..3).map(|_| spawn()).collect();
    for build in builds {
        let result = build.wait_with_output().unwrap();
        let (stdout, stderr) = text(&result);
        assert_no_panic(&stderr);
        assert!(result.status.success(), "{stdout}\n{stderr}");
    }
    let public = school.join("public");
    let listed = files(&public);
    assert_eq!(listed, files(&reference), "public/ is not the whole site");
    for file in &listed {
        assert_eq!(
            std::fs::read(public.join(file)).unwrap(),
            std::fs::read(reference.join(file)).unwrap(),
            "{file} differs"
        );
    }
    for leftover in [
        ".public.preau-tmp",
        ".public.preau-old",
        ".public.preau-lock",
    ] {
        assert!(!school.join(leftover).exists(), "{leftover} left behind");
    }
}

// ---------------------------------------------------------------------
// A byte-order mark at the start of what the teacher writes

#[test]
fn byte_order_marks_in_yaml_and_markdown_build_fine() {
    let (_tmp, school) = school_copy("minimal");
    for file in [
        "ecole.yaml",
        "classes/cm1/classe.yaml",
        "agenda.yaml",
        "pages/accueil.md",
        "classes/cm1/cahier/2026-11-20.md",
        "classes/cm1/blog/sortie/index.md",
        "classes/cm1/ressources.md",
        "actualites/rentree.md",
    ] {
        let path = school.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.starts_with('\u{feff}'));
        std::fs::write(&path, format!("\u{feff}{text}")).unwrap();
    }
    let result = preau(&school, &["build"]);
    let (stdout, stderr) = text(&result);
    assert!(result.status.success(), "{stdout}\n{stderr}");
    assert!(!stderr.contains("erreur"), "{stderr}");
    let home = std::fs::read_to_string(school.join("public/index.html")).unwrap();
    assert!(home.contains("Bienvenue"), "{home}");
    assert!(!home.contains('\u{feff}'), "the mark reached the page");
}

// ---------------------------------------------------------------------
// Settings out of range

#[test]
fn photo_quality_255_is_a_french_error_at_its_line() {
    let (_tmp, school) = school_copy("minimal");
    let path = school.join("ecole.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    let line = yaml.lines().count() + 2;
    std::fs::write(&path, format!("{yaml}photos:\n  qualite: 255\n")).unwrap();
    let result = preau(&school, &["check"]);
    let (_, stderr) = text(&result);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("ecole.yaml:{line}:"))
            && stderr.contains("erreur : la qualité des photos « 255 »"),
        "no error at ecole.yaml:{line}:\n{stderr}"
    );
    assert!(stderr.contains("de 1 à 100"), "{stderr}");
}

// ---------------------------------------------------------------------
// Found by the fuzzer (tests/fuzz)

/// `fuzz ecole_yaml`: an accented letter in the UAI cut a character in two.
#[test]
fn fuzz_ecole_yaml_uai_with_an_accent_is_an_error_not_a_panic() {
    let (_tmp, school) = school_copy("minimal");
    let path = school.join("ecole.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, yaml.replace("uai: 0990001A", "uai: 099000é")).unwrap();
    let result = preau_within(&school, &["check"], 60);
    let (_, stderr) = text(&result);
    assert_no_panic(&stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("UAI invalide « 099000é »"), "{stderr}");
}
