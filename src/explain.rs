//! The step-by-step explanation of a fetch, as `cors-sim explain` and the
//! harness's assertion messages print it.

use std::fmt::Write;

use crate::fetch::{FetchResult, Outcome};

/// `s` in the ANSI SGR style `code` (`"1"` bold, `"31"` red, …) when
/// `color` is on; `s` as it is otherwise.
///
/// ```
/// assert_eq!(cors_sim::explain::paint(false, "31", "x"), "x");
/// assert_eq!(cors_sim::explain::paint(true, "31", "x"), "\x1b[31mx\x1b[0m");
/// ```
pub fn paint(color: bool, code: &str, s: &str) -> String {
    if color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// Renders what happened in one fetch: each step of its trace, every
/// request on the wire with its headers and the status it got, what
/// JavaScript sees, the console message of the outcome's engine, and the
/// warnings. Lines are indented by two spaces; `color` adds ANSI colours
/// (for a terminal).
///
/// ```
/// use cors_sim::{Client, Profile, Request, ServerResponse, Time};
/// let mut client = Client::new(Profile::firefox());
/// let o = client.run(Request::get("https://a.test", "https://b.test/r")?, Time::ZERO, |_| ServerResponse::new(200))?;
/// let text = cors_sim::explain::render_outcome(&o, false);
/// assert!(text.contains("JS sees      TypeError: NetworkError when attempting to fetch resource. [missing_allow_origin]"));
/// # Ok::<(), cors_sim::InputError>(())
/// ```
pub fn render_outcome(o: &Outcome, color: bool) -> String {
    let engine = o.engine;
    let mut s = String::new();
    for ev in &o.trace {
        let kind = format!("{:<12}", format!("{:?}", ev.kind).to_lowercase());
        let _ = writeln!(s, "  {} {}", paint(color, "36", &kind), ev.message);
    }
    for ex in &o.exchanges {
        let _ = writeln!(
            s,
            "  {} {} {}",
            paint(color, "2", "wire        "),
            ex.request.method,
            ex.request.url
        );
        for h in &ex.request.headers {
            let _ = writeln!(s, "                 {}: {}", h.name_str(), h.value_str());
        }
        let _ = writeln!(s, "               <- {}", ex.response.status);
    }
    match &o.result {
        FetchResult::Exposed { response } => {
            let _ = writeln!(
                s,
                "  {} {} response, status {}",
                paint(color, "32", "JS sees     "),
                response.type_,
                response.status
            );
            for h in &response.headers {
                let _ = writeln!(s, "                 {}: {}", h.name_str(), h.value_str());
            }
        }
        FetchResult::NetworkError { error } => {
            let _ = writeln!(
                s,
                "  {} TypeError: {} [{}]",
                paint(color, "31", "JS sees     "),
                error.js_message(engine),
                error.reason.code()
            );
            let console = error
                .console_message(engine)
                .replace('\n', "\n               ");
            let _ = writeln!(s, "  {} {}", paint(color, "33", "console     "), console);
        }
    }
    for w in &o.warnings {
        let _ = writeln!(s, "  {} {}", paint(color, "33", "warning     "), w.message);
    }
    s
}

impl Outcome {
    /// [`render_outcome`] without colours.
    pub fn explain(&self) -> String {
        render_outcome(self, false)
    }
}
