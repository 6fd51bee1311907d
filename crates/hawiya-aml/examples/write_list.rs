//! Writes a seeded synthetic list in one import format, for load tests of the whole import
//! path: `cargo run --release -p hawiya-aml --example write_list -- FORMAT COUNT PATH [SEED]`
//! (FORMAT: csv, ofac-csv (PATH is a directory), ofac-xml, un-xml, eu-xml, uk-csv).

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(format), Some(count), Some(path)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("usage: write_list FORMAT COUNT PATH [SEED]");
        std::process::exit(2);
    };
    let count: usize = count.parse().expect("COUNT is a number");
    let seed: u64 = args
        .get(4)
        .map_or(7, |s| s.parse().expect("SEED is a number"));
    let list = hawiya_aml::gen::synthetic_list(seed, count);
    let path = std::path::Path::new(path);
    use hawiya_aml::gen::*;
    match format.as_str() {
        "csv" => write_tenant_csv(path, &list.entries),
        "ofac-csv" => {
            std::fs::create_dir_all(path)?;
            write_ofac_csv(path, &list.entries)
        }
        "ofac-xml" => write_ofac_xml(path, &list.entries),
        "un-xml" => write_un_xml(path, &list.entries),
        "eu-xml" => write_eu_xml(path, &list.entries),
        "uk-csv" => write_uk_csv(path, &list.entries),
        other => {
            eprintln!("unknown format {other}");
            std::process::exit(2);
        }
    }
}
