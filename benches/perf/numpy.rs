//! NumPy as a column of the report: one long-lived Python process running
//! `benches/numpy_side.py`, asked for one repetition at a time (its protocol is described at
//! the top of that script). The interpreter is `$NDVIEW_PYTHON`, else `python3`. When it
//! cannot be started, NumPy cannot be imported or the process dies, the report carries on
//! without NumPy rows and [`Numpy::summary`] says why.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// The script, found through the crate's directory (the bench and the example share it).
pub const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/numpy_side.py");

struct Process {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Process {
    /// Sends one line and reads the one-line answer.
    fn ask(&mut self, line: &str) -> Result<String, String> {
        writeln!(self.stdin, "{line}")
            .and_then(|_| self.stdin.flush())
            .map_err(|e| format!("writing to it failed ({e})"))?;
        let mut answer = String::new();
        match self.stdout.read_line(&mut answer) {
            Ok(0) => Err("it exited".into()),
            Ok(_) => Ok(answer.trim_end().to_owned()),
            Err(e) => Err(format!("reading from it failed ({e})")),
        }
    }
}

/// The NumPy side: a running process, or the reason there is none.
pub struct Numpy {
    process: Mutex<Option<Process>>,
    python: String,
    /// NumPy's version, when it answered.
    version: Option<String>,
    /// Why there are no (or fewer) NumPy rows.
    notes: Mutex<Vec<String>>,
    next: AtomicUsize,
}

impl Numpy {
    /// Starts the script under `$NDVIEW_PYTHON` (default `python3`); never fails.
    pub fn start() -> Numpy {
        let python = std::env::var("NDVIEW_PYTHON").unwrap_or_else(|_| "python3".into());
        if python.is_empty() || python == "none" {
            return Numpy::off("NDVIEW_PYTHON is set to none");
        }
        let mut np = Numpy {
            process: Mutex::new(None),
            python,
            version: None,
            notes: Mutex::new(Vec::new()),
            next: AtomicUsize::new(0),
        };
        match spawn(&np.python) {
            Ok((p, version)) => {
                np.process = Mutex::new(Some(p));
                np.version = Some(version);
            }
            Err(why) => np.note(why),
        }
        np
    }

    /// A NumPy that was never started (the report without a NumPy column).
    fn off(why: &str) -> Numpy {
        Numpy {
            process: Mutex::new(None),
            python: String::new(),
            version: None,
            notes: Mutex::new(vec![why.to_owned()]),
            next: AtomicUsize::new(0),
        }
    }

    fn note(&self, why: String) {
        self.notes.lock().unwrap().push(why);
    }

    /// Whether the process is running.
    pub fn available(&self) -> bool {
        self.process.lock().unwrap().is_some()
    }

    /// One line for the report: which NumPy ran, or why the NumPy column is empty.
    pub fn summary(&self) -> String {
        let notes = self.notes.lock().unwrap();
        let mut s = match &self.version {
            Some(v) => format!(
                "NumPy {v} ({}), one thread, measured in every group",
                self.python
            ),
            None => "NumPy column empty".to_owned(),
        };
        if !notes.is_empty() {
            s.push_str(": ");
            s.push_str(&notes.join("; "));
        }
        s
    }

    fn ask(&self, line: &str) -> Result<String, String> {
        let mut guard = self.process.lock().unwrap();
        let p = guard.as_mut().ok_or("NumPy is not running")?;
        match p.ask(line) {
            Ok(answer) => Ok(answer),
            Err(why) => {
                // The process is gone or unusable: no NumPy rows from here on.
                let mut p = guard.take().expect("running");
                let _ = p.child.kill();
                let _ = p.child.wait();
                let why = format!("the NumPy process stopped at `{line}`: {why}");
                self.note(why.clone());
                Err(why)
            }
        }
    }

    /// Builds the inputs of the script's case `name` at `sizes`; `None` when NumPy is not
    /// running or the case failed (noted in the summary).
    pub fn setup(&self, name: &str, sizes: &[usize]) -> Option<Handle<'_>> {
        if !self.available() {
            return None;
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let sizes: Vec<String> = sizes.iter().map(|s| s.to_string()).collect();
        match self.ask(&format!("setup {id} {name} {}", sizes.join(" "))) {
            Ok(a) if a == "ok" => Some(Handle {
                np: self,
                id,
                name: name.to_owned(),
            }),
            Ok(a) => {
                self.note(format!("NumPy case {name}: {a}"));
                None
            }
            Err(_) => None,
        }
    }
}

impl Drop for Numpy {
    fn drop(&mut self) {
        if let Some(mut p) = self.process.lock().unwrap().take() {
            let _ = writeln!(p.stdin, "quit");
            drop(p.stdin);
            let _ = p.child.wait();
        }
    }
}

/// One case set up on the NumPy side; freed there when dropped.
pub struct Handle<'n> {
    np: &'n Numpy,
    id: usize,
    name: String,
}

impl Handle<'_> {
    /// The time NumPy took for `calls` calls, measured inside Python; `None` on failure.
    pub fn run(&mut self, calls: usize) -> Option<Duration> {
        let answer = self.np.ask(&format!("run {} {calls}", self.id)).ok()?;
        match answer.parse::<u64>() {
            Ok(ns) => Some(Duration::from_nanos(ns)),
            Err(_) => {
                self.np.note(format!("NumPy case {}: {answer}", self.name));
                None
            }
        }
    }
}

impl Drop for Handle<'_> {
    fn drop(&mut self) {
        if self.np.available() {
            let _ = self.np.ask(&format!("free {}", self.id));
        }
    }
}

fn spawn(python: &str) -> Result<(Process, String), String> {
    let mut child = Command::new(python)
        .arg(SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("could not start `{python}` ({e}); set NDVIEW_PYTHON"))?;
    let stdin = child.stdin.take().expect("piped");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut first = String::new();
    let read = stdout.read_line(&mut first);
    let first = first.trim_end();
    if let (Ok(n), Some(version)) = (read, first.strip_prefix("ready ")) {
        if n > 0 {
            let version = version.to_owned();
            return Ok((
                Process {
                    child,
                    stdin,
                    stdout,
                },
                version,
            ));
        }
    }
    drop(stdin);
    let _ = child.kill();
    let _ = child.wait();
    Err(match first.strip_prefix("unavailable ") {
        Some(why) => format!("`{python}` {why}"),
        None if first.is_empty() => format!("`{python}` {SCRIPT} exited without answering"),
        None => format!("`{python}` {SCRIPT} answered {first:?}"),
    })
}
