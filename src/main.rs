//! The `preau` binary: parse arguments, run the command, print every cause
//! of a failure in French, set the exit code.

use std::io::Write;
use std::process::ExitCode;

/// Exit code of a program whose reader went away (128 + SIGPIPE), as a
/// C program killed by the signal would give.
const CLOSED_PIPE_EXIT: i32 = 141;

fn main() -> ExitCode {
    install_panic_hook();
    // No arguments: started by a double-click. Find the school, open the atelier.
    if std::env::args_os().len() <= 1 {
        init_logging(0);
        let code = report(preau::cmd::start::run());
        if code != ExitCode::SUCCESS {
            preau::cmd::start::pause_before_closing();
        }
        return code;
    }
    let cli = match preau::cli::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(stop) => {
            // Not print!: a closed pipe (`preau --help | head`) must not panic.
            let _ = if stop.code == 0 {
                std::io::stdout().write_all(stop.text.as_bytes())
            } else {
                std::io::stderr().write_all(stop.text.as_bytes())
            };
            return ExitCode::from(stop.code);
        }
    };
    init_logging(cli.verbose);
    report(preau::cmd::run(cli.command))
}

/// Quiet by default; `-v` and `-vv` say more. Levels in French.
fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(level))
        .format(|buf, record| {
            // In French, like every other message: no English level tags.
            match record.level() {
                log::Level::Error => writeln!(buf, "erreur : {}", record.args()),
                log::Level::Warn => writeln!(buf, "attention : {}", record.args()),
                _ => writeln!(buf, "{}", record.args()),
            }
        })
        .init();
}

/// Prints every cause of a failure, in French, and gives the exit code.
fn report(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("erreur : {}", french(err.as_ref()));
            for cause in err.chain().skip(1) {
                eprintln!("  cause : {}", french(cause));
            }
            ExitCode::from(2)
        }
    }
}

/// An error's text, in French when it comes from the system (a missing
/// file, a refused access): the system's own words are English.
fn french(err: &(dyn std::error::Error + 'static)) -> String {
    match err.downcast_ref::<std::io::Error>() {
        Some(io) => preau::diagnostic::io_words(io),
        None => err.to_string(),
    }
}

/// `preau check | head`: once `head` has read enough it closes the pipe,
/// and the next `println!` fails. Rust ignores SIGPIPE and `println!`
/// panics on that error; the reader is gone, so there is nobody left to
/// tell: stop quietly, as `cat` would. (SIGPIPE itself stays ignored: the
/// FTP, SFTP and S3 connections must get an error, not a silent death.)
/// Any other panic is a defect of preau: say so in French, then let the
/// default hook print where it happened.
fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if is_closed_pipe(message) {
            std::process::exit(CLOSED_PIPE_EXIT);
        }
        // Not eprintln!: a second panic inside the hook would abort.
        let _ = writeln!(
            std::io::stderr(),
            "erreur interne de preau : {message}\n  conseil : ce n'est pas votre faute ; signalez-le avec la commande lancée et le message ci-dessous."
        );
        default(info);
    }));
}

/// True for the panic of `print!`/`eprint!` on a closed pipe.
fn is_closed_pipe(message: &str) -> bool {
    (message.starts_with("failed printing to stdout")
        || message.starts_with("failed printing to stderr"))
        && {
            let lower = message.to_lowercase();
            // Unix: EPIPE; Windows: ERROR_NO_DATA.
            lower.contains("broken pipe") || lower.contains("pipe is being closed")
        }
}
