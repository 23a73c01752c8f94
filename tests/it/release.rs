//! The install a teacher does: the archive made by `release/build` holds
//! one program and a LISEZMOI, and the program runs from where it was
//! unpacked; started without arguments (a double-click) it asks once for the
//! school folder, remembers it in the user's configuration folder, and opens
//! the atelier in the browser. The browser is a stand-in `xdg-open` that
//! writes down the address it was given: no real browser opens.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[cfg(not(feature = "heic"))]
use super::common::{copy_tree, fixture, preau};
use super::common::{repo, school_copy, text};

/// A home folder of its own (configuration, stand-in browser) for one test.
struct Home {
    dir: PathBuf,
    /// Where the stand-in browser writes the addresses it is asked to open.
    opened: PathBuf,
}

impl Home {
    fn new(root: &Path) -> Home {
        let dir = root.join("maison");
        let bin = dir.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let opened = dir.join("navigateur.txt");
        let script = bin.join("xdg-open");
        std::fs::write(
            &script,
            format!("#!/bin/sh\necho \"$1\" >> '{}'\n", opened.display()),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        Home { dir, opened }
    }

    fn remembered(&self) -> PathBuf {
        self.dir.join(".config/preau/ecole")
    }

    /// The addresses the browser was asked to open, waiting up to 10 s for one.
    fn opened_addresses(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = std::fs::read_to_string(&self.opened).unwrap_or_default();
            if !text.is_empty() || Instant::now() > deadline {
                return text;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// `program` started without arguments, the way a double-click starts it.
struct Started {
    child: Child,
    /// The preview's address.
    address: String,
    /// The atelier's address (with its session secret), which the browser opens.
    atelier: String,
    /// Everything printed up to the addresses.
    printed: String,
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `program` with no arguments in the clean folder `cwd`, `input`
/// typed in the console, and waits (up to 60 s) for the address it serves.
fn double_click(program: &Path, home: &Home, cwd: &Path, input: &str) -> Started {
    let path = format!(
        "{}:{}",
        home.dir.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut child = Command::new(program)
        .current_dir(cwd)
        .env("HOME", &home.dir)
        .env("XDG_CONFIG_HOME", home.dir.join(".config"))
        .env("APPDATA", home.dir.join("AppData"))
        .env("PATH", path)
        .env("SOURCE_DATE_EPOCH", "1795478400")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start preau");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    let (send, receive) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        // Reads to the end (the server keeps printing; a closed pipe would stop it).
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            // Once the caller has its addresses it stops listening; keep
            // reading anyway: a closed pipe ends the server (exit 141).
            let _ = send.send(line);
        }
    });
    let mut printed = String::new();
    let mut address = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match receive.recv_timeout(left) {
            Ok(line) => {
                printed.push_str(&line);
                printed.push('\n');
                if let Some(at) = line.find("http://127.0.0.1:") {
                    let found = line[at..].split_whitespace().next().unwrap().to_string();
                    if address.is_empty() {
                        // The preview's address comes first, then the atelier's.
                        address = found;
                        continue;
                    }
                    return Started {
                        child,
                        address,
                        atelier: found,
                        printed,
                    };
                }
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                let mut err = String::new();
                if let Some(mut stderr) = child.stderr.take() {
                    let _ = stderr.read_to_string(&mut err);
                }
                panic!("no address printed within 60 s\nstdout:\n{printed}\nstderr:\n{err}");
            }
        }
    }
}

/// The status line of a GET of `address`.
fn status_of(address: &str) -> String {
    let rest = address.trim_start_matches("http://");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).unwrap();
    line.trim().to_string()
}

#[test]
#[cfg(target_os = "linux")]
fn double_click_asks_for_the_school_once_then_remembers_it() {
    let (tmp, school) = school_copy("minimal");
    let home = Home::new(tmp.path());
    let clean = tmp.path().join("vide");
    std::fs::create_dir(&clean).unwrap();
    let program = Path::new(env!("CARGO_BIN_EXE_preau"));

    // First time: a folder that is no school (the home folder) is refused,
    // then the school is given, quoted as a Linux terminal drops it.
    let first = double_click(
        program,
        &home,
        &clean,
        &format!("{}\n'{}' \n", home.dir.display(), school.display()),
    );
    assert!(
        first.printed.contains("Dossier de l'école"),
        "{}",
        first.printed
    );
    assert!(
        first
            .printed
            .contains("il n'y a pas de fichier ecole.yaml dedans"),
        "{}",
        first.printed
    );
    assert!(
        status_of(&first.address).contains(" 200 "),
        "{}",
        first.address
    );
    assert!(
        home.opened_addresses().contains(&first.atelier),
        "the browser was not asked to open the atelier {}",
        first.atelier
    );
    // The book shows the question as it is asked.
    let book = std::fs::read_to_string(repo().join("book/src/premiers-pas.md")).unwrap();
    for line in first
        .printed
        .lines()
        .skip_while(|l| !l.starts_with("Où se trouve"))
        .take(3)
    {
        assert!(book.contains(line), "the book does not show: {line}");
    }
    let remembered = std::fs::read_to_string(home.remembered()).expect("folder remembered");
    assert_eq!(remembered.trim_end(), school.display().to_string());
    drop(first);

    // Second time: nothing asked, nothing typed; the same school is served.
    let second = double_click(program, &home, &clean, "");
    assert!(
        !second.printed.contains("Dossier de l'école"),
        "asked again:\n{}",
        second.printed
    );
    assert!(
        second.printed.contains(&school.display().to_string()),
        "{}",
        second.printed
    );
    assert!(status_of(&second.address).contains(" 200 "));
}

#[test]
#[cfg(target_os = "linux")]
fn double_click_on_an_empty_folder_creates_a_school() {
    let tmp = tempfile::tempdir().unwrap();
    let home = Home::new(tmp.path());
    let new_school = tmp.path().join("École du Parc");
    let started = double_click(
        Path::new(env!("CARGO_BIN_EXE_preau")),
        &home,
        tmp.path(),
        &format!("{}\noui\n", new_school.display()),
    );
    assert!(
        new_school.join("ecole.yaml").is_file(),
        "{}",
        started.printed
    );
    // A new school's sample texts must be replaced before it builds: the
    // atelier opens (its secret traded for a cookie) to write them.
    assert!(
        status_of(&started.atelier).contains(" 303 "),
        "{}",
        started.atelier
    );
    let remembered = std::fs::read_to_string(home.remembered()).unwrap();
    assert_eq!(remembered.trim_end(), new_school.display().to_string());
}

#[test]
fn double_click_without_a_folder_says_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let home = Home::new(tmp.path());
    let out = Command::new(env!("CARGO_BIN_EXE_preau"))
        .current_dir(tmp.path())
        .env("HOME", &home.dir)
        .env("XDG_CONFIG_HOME", home.dir.join(".config"))
        .env("APPDATA", home.dir.join("AppData"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stderr.contains("aucun dossier d'école"), "{stderr}");
    assert!(stderr.contains("conseil :"), "{stderr}");
    assert!(!home.remembered().exists());
}

/// Runs `release/build` for `target` on the debug program, into
/// `tmp/archives`: (that folder, what it printed).
fn release_build(tmp: &Path, target: &str) -> (PathBuf, String) {
    let out = tmp.join("archives");
    let built = Command::new("bash")
        .arg(repo().join("release/build"))
        .args(["--target", target, "--binary"])
        .arg(env!("CARGO_BIN_EXE_preau"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let (stdout, stderr) = text(&built);
    assert!(built.status.success(), "{stdout}{stderr}");
    (out, stdout)
}

/// The archive `release/build` makes of the debug program: one folder with
/// the program and the LISEZMOI; unpacked in a clean folder, the program
/// tells its version and opens the atelier.
#[test]
#[cfg(target_os = "linux")]
fn the_linux_archive_holds_one_program_that_starts() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, stdout) = release_build(tmp.path(), "x86_64-unknown-linux-gnu");
    let archive = out.join("preau-x86_64-unknown-linux-gnu.tar.gz");
    assert_eq!(stdout.trim(), archive.display().to_string());
    let sums =
        std::fs::read_to_string(out.join("preau-x86_64-unknown-linux-gnu.tar.gz.sha256")).unwrap();
    assert!(
        sums.ends_with(" preau-x86_64-unknown-linux-gnu.tar.gz\n"),
        "{sums}"
    );

    let unpacked = tmp.path().join("telechargements");
    std::fs::create_dir(&unpacked).unwrap();
    let untar = Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&unpacked)
        .status()
        .unwrap();
    assert!(untar.success());
    let mut entries: Vec<String> = walkdir::WalkDir::new(&unpacked)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            e.path()
                .strip_prefix(&unpacked)
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    entries.sort();
    assert_eq!(
        entries,
        [
            "preau-x86_64-unknown-linux-gnu",
            "preau-x86_64-unknown-linux-gnu/LISEZMOI.txt",
            "preau-x86_64-unknown-linux-gnu/preau",
        ]
    );
    let program = unpacked.join("preau-x86_64-unknown-linux-gnu/preau");
    let readme = std::fs::read_to_string(program.with_file_name("LISEZMOI.txt")).unwrap();
    assert!(readme.contains("Double-cliquez"), "{readme}");

    let version = Command::new(&program).arg("--version").output().unwrap();
    let (stdout, _) = text(&version);
    assert!(version.status.success());
    assert_eq!(
        stdout.trim(),
        format!("preau {}", env!("CARGO_PKG_VERSION"))
    );

    // From a clean folder, with a new home: the unpacked program opens the atelier.
    let (school_tmp, school) = school_copy("minimal");
    let home = Home::new(school_tmp.path());
    let clean = tmp.path().join("bureau");
    std::fs::create_dir(&clean).unwrap();
    let started = double_click(&program, &home, &clean, &format!("{}\n", school.display()));
    assert!(status_of(&started.address).contains(" 200 "));
    assert!(home.opened_addresses().contains(&started.atelier));
}

/// Without the `heic` feature (the Windows archive is built so), a HEIC
/// photo is named, with a French request for a JPEG. Runs with
/// `cargo test --no-default-features --test it release::`.
#[test]
#[cfg(not(feature = "heic"))]
fn without_heic_support_a_heic_photo_asks_for_a_jpeg() {
    let (_tmp, school) = school_copy("minimal");
    copy_tree(&fixture("heic"), &school);
    let r = preau(&school, &["build"]);
    let (stdout, stderr) = text(&r);
    let all = format!("{stdout}{stderr}");
    assert!(!r.status.success(), "{all}");
    assert!(all.contains("IMG_0003.HEIC"), "{all}");
    assert!(all.contains("convertissez la photo en JPEG"), "{all}");
}

/// The Windows archive: a .zip of one folder with `preau.exe` and a
/// LISEZMOI with Windows line endings (Notepad). Packaging only: the
/// program packaged here is the Linux one; the cross-build itself is
/// `release/build --target x86_64-pc-windows-gnu` (see release/README.md).
#[test]
#[ignore = "needs zip and unzip (apt-get install zip unzip; bash .ci/run installs them)"]
fn the_windows_archive_is_a_zip_of_one_program_and_its_lisezmoi() {
    super::common::require(&["zip", "unzip"]);
    let tmp = tempfile::tempdir().unwrap();
    let (out, stdout) = release_build(tmp.path(), "x86_64-pc-windows-gnu");
    let archive = out.join("preau-x86_64-pc-windows-gnu.zip");
    assert_eq!(stdout.trim(), archive.display().to_string());
    assert!(out.join("preau-x86_64-pc-windows-gnu.zip.sha256").is_file());
    let listing = Command::new("unzip")
        .arg("-Z1")
        .arg(&archive)
        .output()
        .unwrap();
    let (names, _) = text(&listing);
    let mut names: Vec<&str> = names.lines().collect();
    names.sort();
    assert_eq!(
        names,
        [
            "preau-x86_64-pc-windows-gnu/",
            "preau-x86_64-pc-windows-gnu/LISEZMOI.txt",
            "preau-x86_64-pc-windows-gnu/preau.exe",
        ]
    );
    let readme = Command::new("unzip")
        .arg("-p")
        .arg(&archive)
        .arg("preau-x86_64-pc-windows-gnu/LISEZMOI.txt")
        .output()
        .unwrap();
    let readme = String::from_utf8(readme.stdout).unwrap();
    assert!(readme.contains("Exécuter quand même"), "{readme}");
    assert!(
        readme.matches("\r\n").count() == readme.matches('\n').count(),
        "LISEZMOI.txt without Windows line endings"
    );
    let program = Command::new("unzip")
        .arg("-p")
        .arg(&archive)
        .arg("preau-x86_64-pc-windows-gnu/preau.exe")
        .output()
        .unwrap();
    assert_eq!(
        program.stdout,
        std::fs::read(env!("CARGO_BIN_EXE_preau")).unwrap()
    );
}
