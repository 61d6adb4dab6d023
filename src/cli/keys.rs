//! One-key answers at a terminal (ratings, "any key to reveal", "q to stop"),
//! read in raw mode that is restored on every way out: the guard's drop, a
//! panic (through the hook installed by [`restore_on_panic`]) and Ctrl-C,
//! which arrives as a key while raw mode is on.

use super::out::{out, outln};
use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};

/// A key the prompts care about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Enter,
    Esc,
    /// Ctrl-C: stop.
    Interrupt,
    /// Ctrl-D: the end of input.
    End,
    /// A whole answer of more than one character, read from a pipe.
    Text(String),
}

impl Key {
    /// A line from a pipe read as the key it stands for: empty is Enter,
    /// one character is that key, and longer answers stay text.
    pub fn from_line(line: &str) -> Key {
        let t = line.trim();
        let mut chars = t.chars();
        match (chars.next(), chars.next()) {
            (None, _) => Key::Enter,
            (Some(c), None) => Key::Char(c),
            _ => Key::Text(t.to_string()),
        }
    }
}

/// Raw mode for as long as the guard lives.
pub struct RawMode(());

impl RawMode {
    pub fn on() -> std::io::Result<RawMode> {
        crossterm::terminal::enable_raw_mode()?;
        Ok(RawMode(()))
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// Leaves raw mode before a panic message is printed, so a crash never
/// leaves the terminal unusable. Installed once, before any raw mode.
pub fn restore_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::terminal::disable_raw_mode();
        previous(info);
    }));
}

/// Waits for one key press (in raw mode, restored before returning).
pub fn read_key() -> std::io::Result<Key> {
    let _raw = RawMode::on()?;
    loop {
        if let Event::Key(k) = read()?
            && k.kind == KeyEventKind::Press
        {
            let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
            return Ok(match k.code {
                KeyCode::Char('c') if ctrl => Key::Interrupt,
                KeyCode::Char('d') if ctrl => Key::End,
                KeyCode::Char(c) => Key::Char(c),
                KeyCode::Enter => Key::Enter,
                KeyCode::Esc => Key::Esc,
                _ => continue,
            });
        }
    }
}

/// Prints `prompt`, then reads keys until `pick` accepts one; echoes the
/// accepted key's name (`shown`) and ends the line.
pub fn ask<T>(
    prompt: &str,
    mut pick: impl FnMut(Key) -> Option<T>,
    shown: impl Fn(&T) -> String,
) -> std::io::Result<T> {
    out!("{prompt}");
    loop {
        let key = read_key()?;
        if let Some(v) = pick(key) {
            outln!("{}", shown(&v));
            return Ok(v);
        }
    }
}
