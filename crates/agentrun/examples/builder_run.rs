//! Start Builder's agent on a prompt with files and URLs attached, and print the editor URL.
//!
//! ```sh
//! export BUILDER_PUBLIC_KEY=... BUILDER_PRIVATE_KEY=bpk-... BUILDER_USER_EMAIL=you@company.com
//! cargo run -p agentrun --example builder_run -- "Recreate this mockup" mockup.png https://stripe.com/pricing
//! ```
//!
//! Against the emulator (`cargo run -p agentrun-emulator`): `BUILDER_BASE_URL=http://127.0.0.1:4010
//! BUILDER_PUBLIC_KEY=emulator-space BUILDER_PRIVATE_KEY=bpk-emulator
//! BUILDER_USER_EMAIL=developer@yourcompany.com`.

use agentrun::{Attachment, BuilderClient};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // The message, not the Debug form: it says what went wrong and what to do.
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let prompt = args
        .next()
        .ok_or("usage: builder_run PROMPT [FILE | URL]...")?;
    let user = std::env::var("BUILDER_USER_EMAIL")
        .map_err(|_| "set BUILDER_USER_EMAIL to your Builder account's email")?;

    let builder = BuilderClient::from_env()?;
    let mut run = builder.run(prompt).user_email(user);
    for source in args {
        let attachment = if source.starts_with("http://") || source.starts_with("https://") {
            Attachment::from_url(&source)?
        } else {
            Attachment::from_path(&source)?
        };
        println!(
            "attaching {} ({})",
            attachment.name(),
            attachment.content_type().unwrap_or("a web page")
        );
        run = run.attach(attachment);
    }
    let started = run.send().await?;
    println!(
        "the agent is working on branch {:?}",
        started.branch_name.unwrap_or_default()
    );
    println!("{}", started.url);
    Ok(())
}
