//! Output for commands that record the student's work (`practice` and the
//! study modes): when standard output is closed early (`planmark practice |
//! head`), that is the end of the output, not of the work. Writes after that
//! are dropped, and the command goes on to save what it was given.
//!
//! Other commands keep the default: a closed pipe ends them quietly.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// From now on a closed standard output no longer stops the process.
pub fn keep_working_when_closed() {
    // SAFETY: ignoring SIGPIPE only turns a write to a closed pipe into an
    // EPIPE error, which every write below handles.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

/// Whether standard output has been closed by its reader.
pub fn closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}

/// Writes to standard output, or nothing once it is closed.
pub fn write(args: std::fmt::Arguments) {
    if closed() {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            CLOSED.store(true, Ordering::Relaxed);
        }
    }
}

/// `print!` that survives a closed standard output.
macro_rules! out {
    ($($t:tt)*) => { $crate::cli::out::write(format_args!($($t)*)) };
}

/// `println!` that survives a closed standard output.
macro_rules! outln {
    () => { $crate::cli::out::write(format_args!("\n")) };
    ($($t:tt)*) => {{
        $crate::cli::out::write(format_args!($($t)*));
        $crate::cli::out::write(format_args!("\n"));
    }};
}

pub(crate) use {out, outln};
