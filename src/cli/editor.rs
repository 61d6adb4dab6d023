//! Typing a plan at a terminal with a line editor (reedline): left/right
//! editing, the plan's own lines as history (up/down), pastes kept whole, and
//! for `--timed` a countdown in the prompt redrawn every second that stops
//! input when it reaches zero. Ctrl-C stops and keeps everything typed,
//! including the line being edited.

use planmark::study::drafts::{DraftWriter, TooLong};
use reedline::{
    Emacs, FileBackedHistory, History, HistoryItem, KeyCode, KeyModifiers, Prompt, PromptEditMode,
    PromptHistorySearch, Reedline, ReedlineEvent, Signal, SimpleMatchHighlighter,
    default_emacs_keybindings,
};
use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How typing ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// A line holding only `.`, or Ctrl-D.
    Done,
    /// Ctrl-C: the student stopped.
    Interrupted,
    /// The `--timed` countdown reached zero.
    TimeUp,
}

/// What the student typed that could not be kept in the plan.
#[derive(Debug)]
pub struct Refused(pub TooLong);

const INTERRUPT: &str = "planmark-interrupt";

struct PlanPrompt {
    deadline: Option<Instant>,
}

impl PlanPrompt {
    fn left(&self) -> Option<Duration> {
        self.deadline
            .map(|d| d.saturating_duration_since(Instant::now()))
    }
}

/// `[07:59] ` while a countdown runs (rounded up, so it reads 00:00 only at
/// the end).
pub fn clock_label(left: Duration) -> String {
    let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    format!("[{:02}:{:02}] ", secs / 60, secs % 60)
}

impl Prompt for PlanPrompt {
    fn render_prompt_left(&self) -> Cow<'_, str> {
        self.left()
            .map_or(Cow::Borrowed(""), |l| Cow::Owned(clock_label(l)))
    }

    fn render_prompt_right(&self) -> Cow<'_, str> {
        Cow::Borrowed("")
    }

    fn render_prompt_indicator(&self, _mode: PromptEditMode) -> Cow<'_, str> {
        Cow::Borrowed("> ")
    }

    fn render_prompt_multiline_indicator(&self) -> Cow<'_, str> {
        Cow::Borrowed("… ")
    }

    fn render_prompt_history_search_indicator(&self, _s: PromptHistorySearch) -> Cow<'_, str> {
        Cow::Borrowed("(search) ")
    }

    fn get_prompt_color(&self) -> reedline::Color {
        reedline::Color::Default
    }

    fn get_indicator_color(&self) -> reedline::Color {
        reedline::Color::Default
    }

    fn get_prompt_multiline_color(&self) -> reedline::Color {
        reedline::Color::Default
    }
}

/// Redraws the prompt every second and breaks off input at the deadline,
/// until dropped.
struct Countdown {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Countdown {
    fn start(
        deadline: Instant,
        repaint: impl Fn() + Send + 'static,
        time_up: Arc<AtomicBool>,
    ) -> Countdown {
        let (tx, rx) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    // Show 00:00, then break off input (the editor checks
                    // for a break before a repaint, every 100 ms).
                    repaint();
                    std::thread::sleep(Duration::from_millis(250));
                    time_up.store(true, Ordering::Relaxed);
                    return;
                }
                // Wake just after the shown (rounded-up) second changes.
                let frac = Duration::from_nanos(u64::from(left.subsec_nanos()));
                let tick = if frac.is_zero() {
                    Duration::from_secs(1)
                } else {
                    frac
                };
                match rx.recv_timeout((tick + Duration::from_millis(5)).min(left)) {
                    Err(mpsc::RecvTimeoutError::Timeout) => repaint(),
                    _ => return,
                }
            }
        });
        Countdown {
            stop: Some(tx),
            thread: Some(thread),
        }
    }
}

impl Drop for Countdown {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Reads lines into `writer` until `.`, Ctrl-D, Ctrl-C or the deadline.
/// Lines over the size limit are refused (and reported through `on_refused`)
/// without ending the plan.
pub fn type_plan(
    writer: &mut DraftWriter,
    deadline: Option<Instant>,
    color: bool,
    mut on_refused: impl FnMut(Refused),
) -> std::io::Result<Ending> {
    let mut keys = default_emacs_keybindings();
    // Ctrl-C leaves the line being typed in the buffer, to be kept.
    keys.add_binding(
        KeyModifiers::CONTROL,
        KeyCode::Char('c'),
        ReedlineEvent::ExecuteHostCommand(INTERRUPT.into()),
    );
    let mut history =
        Box::new(FileBackedHistory::new(10_000).map_err(|e| std::io::Error::other(e.to_string()))?);
    for line in writer.text().lines().filter(|l| !l.trim().is_empty()) {
        let _ = history.save(HistoryItem::from_command_line(line));
    }
    let time_up = Arc::new(AtomicBool::new(false));
    let mut rl = Reedline::create()
        .with_history(history)
        .with_edit_mode(Box::new(Emacs::new(keys)))
        .with_highlighter(Box::new(SimpleMatchHighlighter::default()))
        .with_ansi_colors(color)
        .use_bracketed_paste(true)
        .with_break_signal(Arc::clone(&time_up));
    let prompt = PlanPrompt { deadline };
    let _countdown = deadline.map(|d| {
        let signal = rl.repaint_signal();
        Countdown::start(d, move || signal.request_repaint(), Arc::clone(&time_up))
    });
    loop {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(Ending::TimeUp);
        }
        let (text, ending) = match rl.read_line(&prompt)? {
            Signal::Success(text) => (text, None),
            Signal::CtrlD => (String::new(), Some(Ending::Done)),
            Signal::CtrlC => (String::new(), Some(Ending::Interrupted)),
            Signal::HostCommand(_) => (
                rl.current_buffer_contents().to_string(),
                Some(Ending::Interrupted),
            ),
            Signal::ExternalBreak(text) => (text, Some(Ending::TimeUp)),
            _ => (String::new(), Some(Ending::Interrupted)),
        };
        // A paste may bring several lines; a line holding only `.` ends the plan.
        let mut finished = false;
        for line in text.lines() {
            if line.trim() == "." {
                finished = true;
                break;
            }
            if let Err(e) = writer.push_line(line) {
                on_refused(Refused(e));
            }
        }
        if ending.is_some() || finished {
            return Ok(ending.unwrap_or(Ending::Done));
        }
    }
}

/// A prompt of fixed text, for short answers.
struct LinePrompt(String);

impl Prompt for LinePrompt {
    fn render_prompt_left(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.0)
    }

    fn render_prompt_right(&self) -> Cow<'_, str> {
        Cow::Borrowed("")
    }

    fn render_prompt_indicator(&self, _mode: PromptEditMode) -> Cow<'_, str> {
        Cow::Borrowed("")
    }

    fn render_prompt_multiline_indicator(&self) -> Cow<'_, str> {
        Cow::Borrowed("… ")
    }

    fn render_prompt_history_search_indicator(&self, _s: PromptHistorySearch) -> Cow<'_, str> {
        Cow::Borrowed("(search) ")
    }

    fn get_prompt_color(&self) -> reedline::Color {
        reedline::Color::Default
    }

    fn get_indicator_color(&self) -> reedline::Color {
        reedline::Color::Default
    }
}

/// Short answers at a terminal (a factor's name, "3c"), edited like plans;
/// the session's earlier answers come back with up/down.
pub struct LineReader {
    rl: Reedline,
}

impl LineReader {
    pub fn new(color: bool) -> LineReader {
        LineReader {
            rl: Reedline::create()
                .with_highlighter(Box::new(SimpleMatchHighlighter::default()))
                .with_ansi_colors(color),
        }
    }

    /// One line, or `None` for Ctrl-C or Ctrl-D (stop).
    pub fn read(&mut self, prompt: &str) -> std::io::Result<Option<String>> {
        match self.rl.read_line(&LinePrompt(prompt.to_string()))? {
            Signal::Success(line) => Ok(Some(line)),
            _ => Ok(None),
        }
    }
}
