//! The `preau` binary: parse arguments, run the command, print every cause
//! of a failure in French, set the exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = preau::cli::Cli::parse();
    let level = match cli.verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(level))
        .format_timestamp(None)
        .format_target(false)
        .init();
    match preau::cmd::run(cli.command) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("erreur : {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  cause : {cause}");
            }
            ExitCode::from(2)
        }
    }
}
