//! A grid of fetches against one server: page origins × methods × request
//! headers × credentials modes, and what JavaScript sees in each cell.

use std::cell::RefCell;
use std::fmt;

use super::{Browser, BrowserOutcome, Server, Stall, block_on, header_text};
use crate::error::InputError;
use crate::fetch::{Client, FetchResult};
use crate::header_list::Header;
use crate::origin::Origin;
use crate::request::{Body, CredentialsMode, Request, parse_url};

/// A grid of fetches of one URL: every page origin × method × set of
/// request headers × credentials mode. Each cell runs against the browser's
/// server with a fresh preflight cache, at the browser's time, so cells do
/// not influence each other (the server's own state is shared: side
/// effects happen).
///
/// ```
/// use cors_sim::harness::{Browser, Matrix};
/// use cors_sim::{CredentialsMode, ServerResponse};
///
/// let mut browser = Browser::chromium().serve_fn(|req: http::Request<Vec<u8>>| {
///     let mut r = ServerResponse::new(200).header("X-Total-Count", "2");
///     if req.headers().get("origin").is_some_and(|o| o == "https://app.example") {
///         r = r
///             .header("Access-Control-Allow-Origin", "https://app.example")
///             .header("Access-Control-Allow-Credentials", "true")
///             .header("Access-Control-Allow-Methods", "PUT")
///             .header("Access-Control-Expose-Headers", "X-Total-Count")
///             .header("Vary", "Origin");
///     }
///     r
/// });
/// let table = browser.run_matrix_blocking(
///     &Matrix::new("https://api.example/items")
///         .origins(["https://app.example", "https://evil.example"])
///         .methods(["GET", "PUT"])
///         .credentials([CredentialsMode::Include])
///         .read_headers(["X-Total-Count"]),
/// )?;
/// assert_eq!(table.to_string(), "\
/// GET|PUT https://api.example/items (chromium)
/// origin                method  headers  credentials  server saw   JS sees
/// https://app.example   GET     -        include      GET          200 cors, x-total-count: 2
/// https://app.example   PUT     -        include      OPTIONS PUT  200 cors, x-total-count: 2
/// https://evil.example  GET     -        include      GET          TypeError [missing_allow_origin]
/// https://evil.example  PUT     -        include      OPTIONS      TypeError [preflight_missing_allow_origin]
/// ");
/// # Ok::<(), cors_sim::InputError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    url: String,
    origins: Vec<String>,
    methods: Vec<String>,
    header_sets: Vec<Vec<(String, String)>>,
    credentials: Vec<CredentialsMode>,
    read: Vec<String>,
    body: Option<Vec<u8>>,
}

impl Matrix {
    /// A grid for `url` (absolute). Until set: no origins, the method GET,
    /// no request headers, credentials mode `same-origin`, no header read.
    pub fn new(url: &str) -> Matrix {
        Matrix {
            url: url.to_string(),
            origins: Vec::new(),
            methods: vec!["GET".to_string()],
            header_sets: vec![Vec::new()],
            credentials: vec![CredentialsMode::SameOrigin],
            read: Vec::new(),
            body: None,
        }
    }

    /// A body sent by every cell whose method may carry one (not GET or
    /// HEAD). Its type is whatever the cell's `Content-Type` says, if any.
    pub fn body(mut self, body: impl super::IntoBody) -> Matrix {
        self.body = Some(body.into_body_bytes());
        self
    }

    /// The page origins (`null` for an opaque one).
    pub fn origins<I: IntoIterator<Item = T>, T: Into<String>>(mut self, origins: I) -> Matrix {
        self.origins = origins.into_iter().map(Into::into).collect();
        self
    }

    /// The methods.
    pub fn methods<I: IntoIterator<Item = T>, T: Into<String>>(mut self, methods: I) -> Matrix {
        self.methods = methods.into_iter().map(Into::into).collect();
        self
    }

    /// The sets of request headers; each set is one row of the grid
    /// (`vec![]` for none).
    pub fn header_sets<I, H, N, V>(mut self, sets: I) -> Matrix
    where
        I: IntoIterator<Item = H>,
        H: IntoIterator<Item = (N, V)>,
        N: Into<String>,
        V: Into<String>,
    {
        self.header_sets = sets
            .into_iter()
            .map(|set| set.into_iter().map(|(n, v)| (n.into(), v.into())).collect())
            .collect();
        self
    }

    /// The credentials modes.
    pub fn credentials<I: IntoIterator<Item = CredentialsMode>>(mut self, modes: I) -> Matrix {
        self.credentials = modes.into_iter().collect();
        self
    }

    /// Response headers whose visibility to JavaScript each cell reports.
    pub fn read_headers<I: IntoIterator<Item = T>, T: Into<String>>(mut self, names: I) -> Matrix {
        self.read = names.into_iter().map(|n| n.into().to_lowercase()).collect();
        self
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        self.origins.len() * self.methods.len() * self.header_sets.len() * self.credentials.len()
    }

    /// Whether the grid has no cell.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One cell of a [`MatrixTable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixCell {
    /// The page origin.
    pub origin: String,
    /// The method.
    pub method: String,
    /// The request headers the page set.
    pub headers: Vec<(String, String)>,
    /// The credentials mode.
    pub credentials: CredentialsMode,
    /// What happened.
    pub outcome: BrowserOutcome,
}

impl MatrixCell {
    /// The methods of the requests that reached the server, in order
    /// (`OPTIONS` for a preflight), space-separated; `-` for none.
    pub fn server_saw(&self) -> String {
        let methods: Vec<&str> = self
            .outcome
            .server_received()
            .into_iter()
            .map(|r| r.method.as_str())
            .collect();
        if methods.is_empty() {
            "-".to_string()
        } else {
            methods.join(" ")
        }
    }

    /// What JavaScript sees, in a few words: `200 cors, x-total-count: 3`
    /// (for each header of `read`: its value, `hidden` when the server sent
    /// it but JavaScript cannot read it, `absent` when the server did not
    /// send it) or `TypeError [reason]`.
    pub fn js_sees(&self, read: &[String]) -> String {
        match &self.outcome.outcome().result {
            FetchResult::Exposed { response } => {
                let mut s = format!("{} {}", response.status, response.type_);
                let sent = self.outcome.exchanges().last().map(|e| &e.response.headers);
                for name in read {
                    match response.header(name) {
                        Some(v) => s += &format!(", {name}: {v}"),
                        None if sent.is_some_and(|h| h.contains(name)) => {
                            s += &format!(", {name} hidden")
                        }
                        None => s += &format!(", {name} absent"),
                    }
                }
                s
            }
            FetchResult::NetworkError { error } => format!("TypeError [{}]", error.reason.code()),
        }
    }

    fn headers_text(&self) -> String {
        if self.headers.is_empty() {
            "-".to_string()
        } else {
            self.headers
                .iter()
                .map(|(n, v)| header_text(&Header::new(n, v)))
                .collect::<Vec<_>>()
                .join("; ")
        }
    }
}

/// The result of a [`Matrix`]: one [`MatrixCell`] per combination, in the
/// order origins, methods, header sets, credentials modes. `Display` prints
/// an aligned text table, stable from run to run (fit for snapshot tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixTable {
    /// The URL fetched.
    pub url: String,
    /// The engine of the browser that ran it.
    pub engine: crate::profile::Engine,
    /// The headers whose visibility is reported.
    pub read: Vec<String>,
    /// The cells.
    pub cells: Vec<MatrixCell>,
    methods: Vec<String>,
}

impl MatrixTable {
    /// The cells for `origin` and `method`.
    pub fn cells_for<'a>(
        &'a self,
        origin: &'a str,
        method: &'a str,
    ) -> impl Iterator<Item = &'a MatrixCell> + 'a {
        self.cells
            .iter()
            .filter(move |c| c.origin == origin && c.method == method)
    }

    /// The rows of the table: one `[origin, method, headers, credentials,
    /// server saw, JS sees]` per cell.
    pub fn rows(&self) -> Vec<[String; 6]> {
        self.cells
            .iter()
            .map(|c| {
                [
                    c.origin.clone(),
                    c.method.clone(),
                    c.headers_text(),
                    c.credentials.to_string(),
                    c.server_saw(),
                    c.js_sees(&self.read),
                ]
            })
            .collect()
    }
}

impl fmt::Display for MatrixTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} {} ({})",
            self.methods.join("|"),
            self.url,
            self.engine
        )?;
        let head = [
            "origin",
            "method",
            "headers",
            "credentials",
            "server saw",
            "JS sees",
        ]
        .map(str::to_string);
        let rows = self.rows();
        let mut widths = head.clone().map(|h| h.chars().count());
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row.iter()) {
                *w = (*w).max(cell.chars().count());
            }
        }
        for row in std::iter::once(&head).chain(rows.iter()) {
            let mut line = String::new();
            for (i, (cell, w)) in row.iter().zip(widths.iter()).enumerate() {
                if i + 1 == row.len() {
                    line += cell;
                } else {
                    line += &format!("{cell:<w$}  ");
                }
            }
            writeln!(f, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

impl<S: Server> Browser<S> {
    /// Runs every cell of `matrix` against the server.
    pub async fn run_matrix(&mut self, matrix: &Matrix) -> Result<MatrixTable, InputError> {
        self.matrix_inner(matrix, None).await
    }

    /// Like [`Browser::run_matrix`], on this thread (see
    /// [`super::FetchCall::send_blocking`]).
    pub fn run_matrix_blocking(&mut self, matrix: &Matrix) -> Result<MatrixTable, InputError> {
        let limit = self.blocking_limit;
        let progress = RefCell::new(String::new());
        match block_on(self.matrix_inner(matrix, Some(&progress)), limit) {
            Ok(r) => r,
            Err(stall) => Err(InputError::ServerStalled {
                request: progress.take(),
                message: match stall {
                    Stall::NoWaker => "its future is pending and holds no waker".to_string(),
                    Stall::Timeout(d) => format!("still pending after {} ms", d.as_millis()),
                },
            }),
        }
    }

    async fn matrix_inner(
        &mut self,
        matrix: &Matrix,
        progress: Option<&RefCell<String>>,
    ) -> Result<MatrixTable, InputError> {
        let url = parse_url(&matrix.url)?;
        let mut cells = Vec::with_capacity(matrix.len());
        for origin in &matrix.origins {
            let page = Origin::parse(origin)?;
            for method in &matrix.methods {
                for set in &matrix.header_sets {
                    for &credentials in &matrix.credentials {
                        let mut request = Request::with_origin(page.clone(), method, url.clone())
                            .credentials(credentials);
                        for (n, v) in set {
                            request = request.header(n, v)?;
                        }
                        let body = match &matrix.body {
                            Some(b) if !matches!(method.as_str(), "GET" | "HEAD") => {
                                request.body = Body::Bytes(String::from_utf8_lossy(b).into_owned());
                                b.clone()
                            }
                            _ => Vec::new(),
                        };
                        let fresh = Client::new(self.client.profile().clone());
                        let saved = std::mem::replace(&mut self.client, fresh);
                        let result = self.drive(request, body, progress).await;
                        self.client = saved;
                        cells.push(MatrixCell {
                            origin: origin.clone(),
                            method: method.clone(),
                            headers: set.clone(),
                            credentials,
                            outcome: result?,
                        });
                    }
                }
            }
        }
        Ok(MatrixTable {
            url: matrix.url.clone(),
            engine: self.engine(),
            read: matrix.read.clone(),
            cells,
            methods: matrix.methods.clone(),
        })
    }
}
