//! Prints the AML benchmark tables.
//!
//! `cargo run --release -p hawiya-aml --example aml_bench -- [--seed N] [--list-size N] [--accuracy-only]`
//!
//! Defaults: seed 2 (the threshold was tuned on seed 1), 1,000,000 list entries for the
//! performance part, accuracy on 10,000 entries.

use hawiya_aml::eval::{accuracy_report, run_benchmark, ACCURACY_LIST_SIZE};

fn main() {
    let mut seed = 2u64;
    let mut list_size = 1_000_000usize;
    let mut accuracy_only = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).expect("--seed N"),
            "--list-size" => {
                list_size = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--list-size N")
            }
            "--accuracy-only" => accuracy_only = true,
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    if accuracy_only {
        println!(
            "{}",
            accuracy_report(seed, list_size.min(ACCURACY_LIST_SIZE))
        );
    } else {
        println!("{}", run_benchmark(seed, list_size));
    }
}
