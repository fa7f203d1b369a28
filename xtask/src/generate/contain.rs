//! Containing what typify can still do to the process: recurse until its stack overflows, or
//! allocate until the machine runs out of memory. Neither is a panic; an overflow aborts the
//! process with no message. Normalization removes every shape known to cause either
//! ([`crate::normalize::cycles`], [`crate::normalize::self_merges`],
//! [`crate::normalize::unending_merges`]); this is for the shapes nobody found yet.
//!
//! Every `xtask` command runs in a child process of itself ([`supervise`]). Generation records
//! which document it is working on ([`working_on`]). When the child dies of an abort, or grows
//! past 4 GiB of memory (`AGENTRUN_MEMORY_GIB` sets another bound), the command runs again,
//! and generation of that document first types every merge typify might not finish as any JSON
//! value, with a note
//! ([`crate::normalize::unending_merges::degrade_merges_of_recursive_types`]). Should that
//! document abort again, the command fails with an error that names it. A command that
//! succeeds costs one process start more; nothing else changes.

use std::path::PathBuf;
use std::process::ExitCode;

/// The supervising process's id, which tells a child it is the supervised one (a grandchild,
/// such as `drift`'s generation, supervises itself).
const SUPERVISOR: &str = "AGENTRUN_SUPERVISOR";
/// The file generation writes the document it is working on to.
const PROGRESS: &str = "AGENTRUN_PROGRESS";
/// The memory, in GiB, a command may hold before it counts as typify growing without end.
pub const MEMORY_GIB: &str = "AGENTRUN_MEMORY_GIB";
/// The documents whose last run aborted, one per line: generated with
/// [`crate::normalize::unending_merges::degrade_merges_of_recursive_types`] first.
const ABORTED: &str = "AGENTRUN_ABORTED";

/// Records that generation of `origin` starts, for the supervisor to name if the process dies.
pub fn working_on(origin: &str) {
    if let Some(path) = std::env::var_os(PROGRESS) {
        // The record only serves a message; failing to write it loses nothing else.
        let _ = std::fs::write(path, origin);
    }
}

/// Whether an earlier run of this command aborted while generating `origin`.
pub fn aborted_before(origin: &str) -> bool {
    std::env::var(ABORTED).is_ok_and(|list| list.lines().any(|line| line == origin))
}

/// Runs this command in a child process of this executable until it ends without an abort
/// (see the module docs); the exit code to end with. `None` when this process is the child,
/// or no child can be started: then the command runs here.
#[cfg(unix)]
pub fn supervise() -> Option<ExitCode> {
    let parent = std::os::unix::process::parent_id().to_string();
    if std::env::var(SUPERVISOR).is_ok_and(|id| id == parent) {
        return None;
    }
    let exe = std::env::current_exe().ok()?;
    let progress = tempfile::NamedTempFile::new().ok()?.into_temp_path();
    let mut aborted: Vec<String> = std::env::var(ABORTED)
        .map(|list| list.lines().map(str::to_string).collect())
        .unwrap_or_default();
    loop {
        let _ = std::fs::write(&progress, "");
        let child = std::process::Command::new(&exe)
            .args(std::env::args_os().skip(1))
            .env(SUPERVISOR, std::process::id().to_string())
            .env(PROGRESS, progress.as_os_str())
            .env(ABORTED, aborted.join("\n"))
            .spawn()
            .ok()?;
        let ending = wait_within_memory(child);
        let how = match ending {
            Ending::Exited(code) => return Some(code),
            Ending::Aborted(how) => how,
        };
        let origin = std::fs::read_to_string(&progress).unwrap_or_default();
        if origin.is_empty() {
            eprintln!("error: this command {how}; please report it with the command line");
            return Some(ExitCode::from(2));
        }
        if aborted.contains(&origin) {
            eprintln!(
                "error: {origin}: generation {how}, even with every merge typify might not \
                 finish typed as any JSON value. Please report it with the document; meanwhile, \
                 remove the schema it stopped in with an overlay action"
            );
            return Some(ExitCode::from(2));
        }
        eprintln!(
            "note: {origin}: generation {how}; running the command again, with the merges \
             typify might not finish typed as any JSON value in this document"
        );
        aborted.push(origin);
    }
}

/// Runs the command here: only Unix tells how a child process ended.
#[cfg(not(unix))]
pub fn supervise() -> Option<ExitCode> {
    None
}

/// How a supervised child ended.
#[cfg(unix)]
enum Ending {
    /// On its own: the exit code to pass on (a signal from outside, such as an interrupt,
    /// is passed on as the shell's 128 + its number).
    Exited(ExitCode),
    /// An abort, a crash, or too much memory: what happened, as a phrase.
    Aborted(String),
}

/// Waits for `child`, killing it when it holds more than [`memory_limit`].
#[cfg(unix)]
fn wait_within_memory(mut child: std::process::Child) -> Ending {
    use std::os::unix::process::ExitStatusExt;
    let limit = memory_limit();
    let pid = child.id();
    // Short pauses first: most commands end within milliseconds, and each pause is time added
    // to them.
    let mut pause = std::time::Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                return match (status.code(), status.signal()) {
                    (Some(code), _) => Ending::Exited(ExitCode::from(code.clamp(0, 255) as u8)),
                    // SIGILL, SIGABRT, SIGBUS, SIGSEGV: the process ended itself.
                    (None, Some(signal @ (4 | 6 | 7 | 11))) => Ending::Aborted(format!(
                        "aborted with signal {signal} (typify overflowed its stack)"
                    )),
                    (None, Some(signal)) => {
                        Ending::Exited(ExitCode::from((128 + signal.clamp(0, 127)) as u8))
                    }
                    (None, None) => Ending::Exited(ExitCode::from(2)),
                };
            }
            Ok(None) => {}
            Err(_) => return Ending::Exited(ExitCode::from(2)),
        }
        if let (Some(limit), Some(held)) = (limit, resident_bytes(pid))
            && held > limit
        {
            let _ = child.kill();
            let _ = child.wait();
            return Ending::Aborted(format!(
                "grew past {} GiB of memory",
                limit / (1024 * 1024 * 1024)
            ));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(std::time::Duration::from_millis(20));
    }
}

/// The memory a command may hold: [`MEMORY_GIB`] when set, else 4 GiB or half the machine's
/// memory, whichever is less. The largest document known (Sentry's, 3.9 MB) generates in
/// 0.6 GiB; typify's growth without end takes a minute to reach 4 GiB.
fn memory_limit() -> Option<u64> {
    const GIB: u64 = 1024 * 1024 * 1024;
    if let Some(gib) = std::env::var(MEMORY_GIB)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        return Some(gib * GIB);
    }
    Some((4 * GIB).min(machine_memory()? / 2))
}

/// The machine's memory, when `/proc/meminfo` tells it.
fn machine_memory() -> Option<u64> {
    kib_field(&std::fs::read_to_string("/proc/meminfo").ok()?, "MemTotal:")
}

/// The resident memory of process `pid`, when `/proc` tells it.
fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(PathBuf::from(format!("/proc/{pid}/status"))).ok()?;
    kib_field(&status, "VmRSS:")
}

/// The bytes a `/proc` file's line `<field> <n> kB` gives.
fn kib_field(text: &str, field: &str) -> Option<u64> {
    let kib: u64 = text
        .lines()
        .find_map(|line| line.strip_prefix(field))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}
