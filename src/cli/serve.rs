//! `planmark serve`: start the web app and print where it is. The server
//! itself is `planmark::web`; this file reads the options, binds the socket,
//! prints the URL and waits for Ctrl-C.

use super::{Context, exit};
use anyhow::{Context as _, Result, bail};
use clap::Args;
use planmark::web::{self, Access};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

#[derive(Debug, Args)]
#[command(
    after_help = "The app uses the same decks, rubrics and study database as the other \
    commands, so a card practised in the browser is due in the terminal and the other way round.\n\n\
    By default only this computer can connect. `--host 0.0.0.0` shares it on the local network \
    (a classroom): every visitor then needs the access token in the printed link, and everyone \
    who connects shares this one study database.\n\n\
    Examples:\n  planmark serve --open\n  planmark serve --port 9000\n  \
    planmark serve --host 0.0.0.0 --port 8765"
)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8765)]
    pub port: u16,
    /// Address to listen on. Anything but loopback (127.0.0.1, ::1) shares
    /// the app on the network and needs an access token.
    #[arg(long, value_name = "ADDRESS", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub host: IpAddr,
    /// The access token for a shared app [default: a new random one, printed
    /// in the link]. At least 16 letters, digits, `-` or `_`.
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Also answer requests addressed to this host name (repeatable), e.g.
    /// the name other machines use for this one.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// Open the app in the default browser.
    #[arg(long)]
    pub open: bool,
    /// At most this many cards never studied before are started per day.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub new: u32,
}

fn valid_token(t: &str) -> bool {
    t.len() >= 16
        && t.len() <= 128
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn this_host_name() -> Option<String> {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        })
}

pub fn run(ctx: &Context, args: ServeArgs) -> Result<u8> {
    let shared = !args.host.is_loopback();
    let access = match (&args.token, shared) {
        (Some(t), _) if !valid_token(t) => {
            bail!("the token must be 16 to 128 letters, digits, `-` or `_`")
        }
        (Some(t), true) => Access::Token(t.clone()),
        (None, true) => Access::Token(web::random_token()?),
        (Some(_), false) => {
            eprintln!("note: --token is only used with --host beyond loopback; ignoring it");
            Access::Local
        }
        (None, false) => Access::Local,
    };
    let mut extra_hosts = args.allow_host.clone();
    let host_name = this_host_name();
    if shared {
        if let Some(h) = &host_name {
            extra_hosts.push(h.clone());
            extra_hosts.push(format!("{h}.local"));
        }
    }
    let clock: web::Clock = match ctx.fixed_now {
        Some(t) => Arc::new(move || t),
        None => web::system_clock(),
    };
    let config = web::Config {
        db: ctx.db.clone(),
        library: ctx.library(),
        access: access.clone(),
        extra_hosts,
        clock,
        new_per_day: args.new,
    };
    let app = web::router(config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .enable_time()
        .build()
        .context("could not start the server's threads")?;
    let addr = SocketAddr::new(args.host, args.port);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(addr))
        .with_context(|| {
            format!(
                "cannot listen on {addr}: is another program (or another planmark serve) using port {}? Try --port 0 for a free one",
                args.port
            )
        })?;
    let port = listener.local_addr()?.port();
    let query = match &access {
        Access::Token(t) => format!("?token={t}"),
        Access::Local => String::new(),
    };
    let local_url = format!("http://127.0.0.1:{port}/{query}");
    println!(
        "planmark is serving on http://{}/",
        SocketAddr::new(args.host, port)
    );
    println!("Open: {local_url}");
    if shared {
        match &host_name {
            Some(h) => println!(
                "Other machines: http://{h}:{port}/{query} (or this machine's IP address instead of `{h}`)"
            ),
            None => println!("Other machines: http://THIS-MACHINE'S-IP:{port}/{query}"),
        }
        println!(
            "Anyone with this link can use the app and its one study database; share it only with your class."
        );
    }
    println!("Database: {}", ctx.db.display());
    println!("Press Ctrl-C to stop.");
    if args.open {
        open_browser(&local_url);
    }
    runtime.block_on(web::serve(listener, app, async {
        let _ = tokio::signal::ctrl_c().await;
    }))?;
    println!("Stopping: finishing the requests in flight…");
    // Dropping the runtime waits for database writes still running.
    drop(runtime);
    println!("Stopped.");
    Ok(exit::OK)
}

fn open_browser(url: &str) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let started = std::process::Command::new(program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if started.is_err() {
        eprintln!("note: could not open a browser ({program}); open the link above yourself");
    }
}
