//! Helpers: copy a fixture school to a temporary folder, run `preau`,
//! build the example school once for every test that only reads it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Copies `from` into `to` (merging, files of `from` win).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .map(|e| e.expect("walk fixture"))
    {
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A temporary copy of a fixture school.
pub fn school_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let school = tmp.path().join("ecole");
    copy_tree(&fixture(name), &school);
    (tmp, school)
}

/// Runs `preau` with `args` in `cwd`, with a fixed "today".
pub fn preau(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_preau"))
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", "1795478400") // 2026-11-24
        .env_remove("RUST_LOG")
        .output()
        .expect("run preau")
}

/// Text of stdout and stderr.
pub fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The example school, built once into a temporary folder shared by the
/// tests that only read it: (output dir, base path).
pub fn example_site() -> &'static (PathBuf, String) {
    static SITE: OnceLock<(PathBuf, String)> = OnceLock::new();
    SITE.get_or_init(|| {
        // Under target/ (Cargo's scratch folder for integration tests), not
        // in /tmp: a static is never dropped, so this folder is reused by the
        // next run instead of being left behind.
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("example-site");
        let _ = std::fs::remove_dir_all(&out);
        let school = repo().join("example-school");
        let result = preau(
            &repo(),
            &[
                "build",
                school.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        let (stdout, stderr) = text(&result);
        assert!(
            result.status.success(),
            "example school build failed:\n{stdout}\n{stderr}"
        );
        (out, base_path(&school))
    })
}

/// The path part of `url:` in a school's ecole.yaml (`/jean-jaures/`).
pub fn base_path(school: &Path) -> String {
    let yaml = std::fs::read_to_string(school.join("ecole.yaml")).unwrap();
    let value: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
    let url = value["url"].as_str().unwrap();
    let rest = url.split_once("://").unwrap().1;
    let path = rest
        .split_once('/')
        .map(|(_, p)| p)
        .unwrap_or("")
        .trim_matches('/');
    if path.is_empty() {
        "/".into()
    } else {
        format!("/{path}/")
    }
}

/// Every file under `dir`, as paths relative to it with `/`.
pub fn files(dir: &Path) -> Vec<String> {
    let mut list: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .iter()
                .map(|p| p.to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    list.sort();
    list
}

/// A restricted page, opened with the school's secrets.
#[derive(Debug, Clone)]
pub struct OpenedPage {
    /// Audience id (`classe:cm1`).
    pub audience: String,
    /// Route inside its area (`blog/sortie/`).
    pub route: String,
    /// Page title.
    pub title: String,
    /// HTML fragment.
    pub html: String,
}

/// Opens every area of a built site with the keys in `school/.preau`:
/// what a family (or the staff) sees after typing the code.
pub fn open_areas(out: &Path, school: &Path) -> Vec<OpenedPage> {
    use preau::access::{bundle, crypto, Secrets};
    let secrets = Secrets::load(school).unwrap().expect("school has secrets");
    let base = base_path(school);
    let mut pages = Vec::new();
    for audience_id in secrets.audiences.keys() {
        let audience = match audience_id.as_str() {
            "familles" => preau::config::Audience::Families,
            "equipe" => preau::config::Audience::Staff,
            other => {
                preau::config::Audience::Class(other.trim_start_matches("classe:").to_string())
            }
        };
        let index_path = out.join(bundle::index_blob(&audience, &secrets).unwrap());
        let Ok(blob) = std::fs::read(&index_path) else {
            continue;
        };
        let key = secrets.content_key(&audience).unwrap();
        let index: serde_json::Value = serde_json::from_slice(
            &crypto::open(&key, &bundle::index_id(&audience), &blob).unwrap(),
        )
        .unwrap();
        for (route, entry) in index["pages"].as_object().unwrap() {
            let blob_path = entry["blob"]
                .as_str()
                .unwrap()
                .strip_prefix(base.as_str())
                .unwrap();
            let item = crypto::open(
                &key,
                entry["id"].as_str().unwrap(),
                &std::fs::read(out.join(blob_path)).unwrap(),
            )
            .unwrap();
            let item: serde_json::Value = serde_json::from_slice(&item).unwrap();
            pages.push(OpenedPage {
                audience: audience_id.clone(),
                route: route.clone(),
                title: item["titre"].as_str().unwrap().to_string(),
                html: item["html"].as_str().unwrap().to_string(),
            });
        }
    }
    pages
}

/// Opens one sealed file (image, PDF) given the attributes of its reference.
pub fn open_file(out: &Path, school: &Path, blob_url: &str, id: &str) -> Vec<u8> {
    use preau::access::{crypto, Secrets};
    let secrets = Secrets::load(school).unwrap().unwrap();
    let audience_id = id.split('/').next().unwrap();
    let keys = &secrets.audiences[audience_id];
    use base64::Engine;
    let key: [u8; 32] = base64::engine::general_purpose::STANDARD
        .decode(&keys.content_key)
        .unwrap()
        .try_into()
        .unwrap();
    let path = blob_url.strip_prefix(base_path(school).as_str()).unwrap();
    crypto::open(&key, id, &std::fs::read(out.join(path)).unwrap()).unwrap()
}

/// What a real-component test needs from the machine. Such a test is marked
/// `#[ignore = "needs …"]`, so a plain `cargo test` lists it as *ignored*
/// (never as passed); `cargo test -- --include-ignored`, which `.ci/run`
/// runs, makes it run, and then a missing tool fails it loudly.
///
/// Each need is a command name (`minisign`, `exiftool`, `pure-ftpd`,
/// `moto_server`…), or `browser` (Debian's Chromium, node and the Node
/// packages of `tests/browser`), `sshd` (Debian's OpenSSH server) or `root`.
pub fn require(needs: &[&str]) {
    let command = |name: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {name}"))
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let mut missing = Vec::new();
    for need in needs {
        match *need {
            "browser" => {
                let chromium =
                    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
                if !Path::new(&chromium).exists() {
                    missing.push("chromium (apt-get install chromium)".to_string());
                }
                if !command("node") {
                    missing.push("node".into());
                }
                if !repo()
                    .join("tests/browser/node_modules/puppeteer-core")
                    .exists()
                {
                    missing
                        .push("tests/browser/node_modules (npm ci --prefix tests/browser)".into());
                }
            }
            "sshd" => {
                if !Path::new("/usr/sbin/sshd").exists() || !command("ssh-keygen") {
                    missing.push("sshd (apt-get install openssh-server)".into());
                }
            }
            "root" => {
                let root = Command::new("id")
                    .arg("-u")
                    .output()
                    .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
                if !root {
                    missing.push("root (the server needs it to log its users in)".into());
                }
            }
            tool => {
                if !command(tool) {
                    missing.push(tool.to_string());
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "\n!!! ce test ne peut pas tourner / this test cannot run: missing {}\n!!! bash .ci/run installs everything.\n",
        missing.join(", ")
    );
}

/// Runs a Node script of `tests/browser` with a time bound; (success, stdout+stderr).
pub fn node_script(script: &str, args: &[&str], seconds: u64) -> (bool, String) {
    let mut child = Command::new("node")
        .arg(repo().join("tests/browser").join(script))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start node");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    loop {
        if let Some(_status) = child.try_wait().expect("wait node") {
            break;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let output = child.wait_with_output().expect("node output");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// The arguments of a `tests/browser` script that opens a built site:
/// `--site` and `--base`, then `--area` and `--code` for a class area, then
/// the script's own.
pub struct OnSite<'a> {
    args: Vec<&'a str>,
}

/// A script's run on `site`, served under `base` (`/tilleuls/`).
pub fn on_site<'a>(site: &'a Path, base: &'a str) -> OnSite<'a> {
    OnSite {
        args: vec!["--site", site.to_str().unwrap(), "--base", base],
    }
}

impl<'a> OnSite<'a> {
    /// Opens the class area `area` (`classes/cm1/`) with the code typed in its form.
    pub fn area(mut self, area: &'a str, code: &'a str) -> Self {
        self.args.extend(["--area", area, "--code", code]);
        self
    }

    /// The script's own arguments.
    pub fn args(mut self, more: &[&'a str]) -> Self {
        self.args.extend_from_slice(more);
        self
    }

    /// Runs `script` within `seconds`: (success, stdout+stderr).
    pub fn run(&self, script: &str, seconds: u64) -> (bool, String) {
        node_script(script, &self.args, seconds)
    }

    /// Runs `script` within `seconds` and returns its report; panics with
    /// it when the script fails.
    pub fn pass(&self, script: &str, seconds: u64) -> String {
        let (ok, log) = self.run(script, seconds);
        assert!(ok, "{script} failed:\n{log}");
        log
    }
}

/// The code of a class in a school's secrets.
pub fn class_code(school: &Path, class: &str) -> String {
    let secrets = preau::access::Secrets::load(school)
        .unwrap()
        .expect("school has secrets");
    secrets
        .code(&preau::access::CodeHolder::Class(class.into()))
        .unwrap()
        .to_string()
}

/// Site path of the blob of an opened page (from its area's index).
pub fn page_blob(out: &Path, school: &Path, page: &OpenedPage) -> String {
    use preau::access::{bundle, crypto, Secrets};
    let secrets = Secrets::load(school).unwrap().unwrap();
    let audience = preau::config::Audience::from_id(&page.audience).unwrap();
    let key = secrets.content_key(&audience).unwrap();
    let index_path = out.join(bundle::index_blob(&audience, &secrets).unwrap());
    let index: serde_json::Value = serde_json::from_slice(
        &crypto::open(
            &key,
            &bundle::index_id(&audience),
            &std::fs::read(index_path).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    index["pages"][&page.route]["blob"]
        .as_str()
        .unwrap()
        .strip_prefix(&base_path(school))
        .unwrap()
        .to_string()
}

/// A teacher's key pair made by `preau keys generate` in `dir` (no
/// password); its public key (the base64 line of `enseignant.pub`).
pub fn teacher_key(dir: &Path) -> String {
    std::fs::create_dir_all(dir).unwrap();
    let r = preau(
        dir,
        &[
            "keys",
            "generate",
            "--role",
            "enseignant",
            "--dossier",
            ".",
            "--sans-mot-de-passe",
        ],
    );
    let (o, e) = text(&r);
    assert!(r.status.success(), "{o}{e}");
    assert!(o.contains("enseignants:"), "{o}");
    std::fs::read_to_string(dir.join("enseignant.pub"))
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_string()
}

/// A valid PNG header for a 100,000 × 100,000 image with almost no data:
/// an image bomb.
pub fn bomb_png() -> Vec<u8> {
    fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        c.extend_from_slice(&crc.sum().to_be_bytes());
        c
    }
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut png = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    png.extend(chunk(b"IEND", &[]));
    png
}
