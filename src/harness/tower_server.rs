//! A `tower::Service` as the server under test.

use std::future::Future;
use std::marker::PhantomData;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};

use super::{Server, ServerFailure};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A `tower::Service<http::Request<B>>` as the server under test: an axum
/// `Router`, a stack with tower-http's `CorsLayer`, a hyper service.
///
/// Each request is dispatched for real (`poll_ready`, then `call`), and the
/// response body is read to the end. `B` is the request body type the
/// service takes; the default, `http_body_util::Full<Bytes>`, suits axum and
/// tower-http stacks; any `B: From<Bytes>` works (for example
/// `axum::body::Body`, with [`TowerServer::with_body`]).
///
/// ```
/// use cors_sim::harness::{Browser, TowerServer};
/// use std::convert::Infallible;
///
/// // A hyper-style service: a function from request to response.
/// let service = tower::service_fn(|req: http::Request<http_body_util::Full<bytes::Bytes>>| async move {
///     let mut r = http::Response::new(http_body_util::Full::new(bytes::Bytes::from("hi")));
///     if let Some(origin) = req.headers().get("origin") {
///         r.headers_mut().insert("access-control-allow-origin", origin.clone());
///         r.headers_mut().insert("vary", http::HeaderValue::from_static("origin"));
///     }
///     Ok::<_, Infallible>(r)
/// });
/// let mut browser = Browser::chromium().serve(TowerServer::new(service));
/// let seen = browser.visit("https://app.example")?.get("https://api.example/").send_blocking()?;
/// seen.assert_exposed().assert_body("hi");
/// # Ok::<(), cors_sim::InputError>(())
/// ```
pub struct TowerServer<S, B = Full<Bytes>> {
    service: S,
    body_limit: usize,
    body: PhantomData<fn() -> B>,
}

/// The largest response body read by default: 64 MiB.
const DEFAULT_BODY_LIMIT: usize = 64 << 20;

impl<S: std::fmt::Debug, B> std::fmt::Debug for TowerServer<S, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TowerServer")
            .field("service", &self.service)
            .finish()
    }
}

impl<S: Clone, B> Clone for TowerServer<S, B> {
    fn clone(&self) -> Self {
        TowerServer {
            service: self.service.clone(),
            body_limit: self.body_limit,
            body: PhantomData,
        }
    }
}

impl<S> TowerServer<S> {
    /// `service`, taking requests with an `http_body_util::Full<Bytes>` body.
    pub fn new(service: S) -> TowerServer<S> {
        TowerServer {
            service,
            body_limit: DEFAULT_BODY_LIMIT,
            body: PhantomData,
        }
    }
}

impl<S, B> TowerServer<S, B> {
    /// `service`, taking requests with a body of type `B`:
    /// `TowerServer::<_, axum::body::Body>::with_body(router)`.
    pub fn with_body(service: S) -> TowerServer<S, B> {
        TowerServer {
            service,
            body_limit: DEFAULT_BODY_LIMIT,
            body: PhantomData,
        }
    }

    /// Sets the largest response body the harness reads (64 MiB by
    /// default); a longer one, an endless stream for example, gives
    /// [`InputError::ResponseBody`](crate::InputError::ResponseBody).
    pub fn body_limit(mut self, bytes: usize) -> TowerServer<S, B> {
        self.body_limit = bytes;
        self
    }

    /// The service.
    pub fn service(&self) -> &S {
        &self.service
    }

    /// The service, mutably.
    pub fn service_mut(&mut self) -> &mut S {
        &mut self.service
    }

    /// The service, taking this apart.
    pub fn into_inner(self) -> S {
        self.service
    }
}

impl<S, B, ResBody> Server for TowerServer<S, B>
where
    S: tower::Service<http::Request<B>, Response = http::Response<ResBody>>,
    S::Error: Into<BoxError>,
    B: From<Bytes>,
    ResBody: http_body::Body,
    ResBody::Error: Into<BoxError>,
{
    fn handle(
        &mut self,
        request: http::Request<Vec<u8>>,
    ) -> impl Future<Output = Result<http::Response<Vec<u8>>, ServerFailure>> {
        let service = &mut self.service;
        let limit = self.body_limit;
        async move {
            std::future::poll_fn(|cx| service.poll_ready(cx))
                .await
                .map_err(|e| ServerFailure::Error(format!("poll_ready: {}", e.into())))?;
            let request = request.map(|b| B::from(Bytes::from(b)));
            let response = service
                .call(request)
                .await
                .map_err(|e| ServerFailure::Error(e.into().to_string()))?;
            let (parts, body) = response.into_parts();
            let collected = Limited::new(body, limit)
                .collect()
                .await
                .map_err(|e| ServerFailure::Body(e.to_string()))?;
            Ok(http::Response::from_parts(
                parts,
                collected.to_bytes().to_vec(),
            ))
        }
    }
}
