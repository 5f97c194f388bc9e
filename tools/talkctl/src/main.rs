//! `talkctl`: administer the Talk table and serve the API locally. Reaches DynamoDB through the
//! standard AWS environment (`AWS_ENDPOINT_URL_DYNAMODB`, region, credentials) and the table
//! named by `TABLE_NAME` (default `talk`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use talk::App;
use talk::app::DEFAULT_TABLE_NAME;
use talkctl::admin;
use talkctl::functions::FUNCTIONS;
use talkctl::serve::{Router, spawn};

#[derive(Parser)]
#[command(
    name = "talkctl",
    version,
    about = "Administer the Talk conversation API and serve it locally"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The DynamoDB table
    #[command(subcommand)]
    Table(TableCommand),
    /// User accounts
    #[command(subcommand)]
    User(UserCommand),
    /// Groups (for group conversations)
    #[command(subcommand)]
    Group(GroupCommand),
    /// App passwords (the credentials clients use)
    #[command(subcommand, name = "app-password")]
    AppPassword(AppPasswordCommand),
    /// Scan the table and report every broken invariant (exit code 1 if any)
    Check,
    /// Store the world the event fixtures in events/ are written against (an empty table)
    #[command(name = "seed-fixtures")]
    SeedFixtures,
    /// Answer an API Gateway event (a file such as events/rooms/list-rooms.json) in process, by
    /// the named function (as `sam local invoke` does) or by the one API Gateway would route it
    /// to; prints the Lambda response as JSON
    Invoke {
        event: PathBuf,
        /// The function's binary name (rooms, participants, ...)
        #[arg(long)]
        function: Option<String>,
    },
    /// Serve every route the functions declare locally, calling the functions in-process
    Serve {
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
}

#[derive(Subcommand)]
enum TableCommand {
    /// Create the table (and its index) if it does not exist
    Create,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user
    Add {
        uid: String,
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Remove a user with their app passwords and group memberships
    Remove { uid: String },
}

#[derive(Subcommand)]
enum GroupCommand {
    /// Create a group
    Add { gid: String },
    /// Add a user to a group
    AddMember { gid: String, uid: String },
    /// Remove a user from a group
    RemoveMember { gid: String, uid: String },
}

#[derive(Subcommand)]
enum AppPasswordCommand {
    /// Issue an app password; prints only the secret
    Create {
        uid: String,
        #[arg(long)]
        label: Option<String>,
    },
    /// List a user's app passwords (labels and creation times)
    List { uid: String },
    /// Revoke a user's app password by label
    Revoke { uid: String, label: String },
}

#[tokio::main]
async fn main() -> ExitCode {
    talk::logging::init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let table = std::env::var("TABLE_NAME").unwrap_or_else(|_| DEFAULT_TABLE_NAME.to_string());
    let app = App::from_env(table).await?;
    let store = &app.store;
    match cli.command {
        Command::Table(TableCommand::Create) => {
            let created = admin::create_table(store).await?;
            println!(
                "table {} {}",
                store.table(),
                if created { "created" } else { "already exists" }
            );
        }
        Command::User(UserCommand::Add { uid, display_name }) => {
            let user = admin::add_user(store, &uid, display_name.as_deref()).await?;
            println!("user {} added ({})", user.id, user.display_name);
        }
        Command::User(UserCommand::Remove { uid }) => {
            admin::remove_user(store, &uid).await?;
            println!("user {uid} removed");
        }
        Command::Group(GroupCommand::Add { gid }) => {
            admin::add_group(store, &gid).await?;
            println!("group {gid} added");
        }
        Command::Group(GroupCommand::AddMember { gid, uid }) => {
            admin::add_member(store, &gid, &uid).await?;
            println!("user {uid} added to group {gid}");
        }
        Command::Group(GroupCommand::RemoveMember { gid, uid }) => {
            admin::remove_member(store, &gid, &uid).await?;
            println!("user {uid} removed from group {gid}");
        }
        Command::AppPassword(AppPasswordCommand::Create { uid, label }) => {
            println!("{}", admin::create_app_password(store, &uid, label.as_deref()).await?);
        }
        Command::AppPassword(AppPasswordCommand::List { uid }) => {
            for info in admin::list_app_passwords(store, &uid).await? {
                println!("{}\t{}", info.label, info.created);
            }
        }
        Command::AppPassword(AppPasswordCommand::Revoke { uid, label }) => {
            admin::revoke_app_password(store, &uid, &label).await?;
            println!("app password {label:?} of {uid} revoked");
        }
        Command::Check => {
            let violations = store.check_invariants().await?;
            for violation in &violations {
                println!("{violation}");
            }
            anyhow::ensure!(
                violations.is_empty(),
                "{} invariant violations in table {}",
                violations.len(),
                store.table()
            );
            println!("table {}: all invariants hold", store.table());
        }
        Command::SeedFixtures => {
            talkctl::fixtures::seed(store).await?;
            println!("table {}: fixture world stored", store.table());
        }
        Command::Invoke { event, function } => {
            let text = std::fs::read_to_string(&event).with_context(|| format!("reading {}", event.display()))?;
            let request = lambda_http::request::from_str(&text).context("not an API Gateway event")?;
            let response = match function {
                Some(name) => {
                    let function =
                        talkctl::functions::function(&name).with_context(|| format!("no function {name}"))?;
                    function.handle(&app, request).await
                }
                None => Router::default().answer(&app, request).await,
            };
            println!("{}", talkctl::serve::lambda_response_json(response));
        }
        Command::Serve { host, port } => {
            let addr: SocketAddr = format!("{host}:{port}")
                .parse()
                .context("--host and --port must form an address")?;
            let routes: usize = FUNCTIONS.iter().map(|f| f.routes.len()).sum();
            let bound = spawn(addr, app.clone().local(), Router::default()).await?;
            eprintln!(
                "serving the {routes} routes of {} functions on http://{bound} (table {})",
                FUNCTIONS.len(),
                app.store.table()
            );
            tokio::signal::ctrl_c().await?;
        }
    }
    Ok(())
}
