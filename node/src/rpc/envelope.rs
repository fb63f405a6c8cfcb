//! The HTTP request before jsonrpsee sees it: its body is read within a time limit, and a
//! single request's envelope is held to JSON-RPC 2.0 where jsonrpsee answers otherwise.
//!
//! - A body that does not arrive within the limit is answered 408, so a client that sends one
//!   byte and stops does not keep its connection, one of a bounded number, for good.
//! - A notification (a request without `id`) runs, and gets no answer. jsonrpsee drops
//!   notifications without running them.
//! - An `id` that is not a string, an unsigned integer or null (`1e400`, `1.5`, `true`, `{}`,
//!   `[1]`) is an invalid request (-32600). jsonrpsee reads such a request as a notification
//!   and answers with an empty body.
//!
//! Batches and WebSocket messages go to jsonrpsee as they came.

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use http_body_util::{BodyExt, LengthLimitError, Limited};
use jsonrpsee::{
    core::BoxError,
    server::{http::response, HttpBody, HttpRequest, HttpResponse},
};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

/// JSON-RPC's code for a request whose envelope is wrong.
const INVALID_REQUEST: i32 = -32600;

#[derive(Debug, Clone, Copy)]
pub struct EnvelopeLayer {
    /// Largest body read; a larger one is answered 413, as jsonrpsee answers it.
    pub max_body_bytes: u32,
    /// How long a body may take to arrive.
    pub body_timeout: Duration,
}

impl<S> tower::Layer<S> for EnvelopeLayer {
    type Service = Envelope<S>;

    fn layer(&self, inner: S) -> Envelope<S> {
        Envelope {
            inner,
            limits: *self,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Envelope<S> {
    inner: S,
    limits: EnvelopeLayer,
}

type Answer = Result<HttpResponse, BoxError>;

impl<S, B> tower::Service<HttpRequest<B>> for Envelope<S>
where
    S: tower::Service<HttpRequest, Response = HttpResponse, Error = BoxError>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Answer> + Send + 'static>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: HttpRequest<B>) -> Self::Future {
        // The service that was polled ready serves this request; a clone takes its place.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let limits = self.limits;
        Box::pin(async move {
            if request.method() != http::Method::POST {
                return inner.call(request.map(HttpBody::new)).await;
            }
            let (parts, body) = request.into_parts();
            let limited = Limited::new(body, limits.max_body_bytes as usize + 1);
            let body = match tokio::time::timeout(limits.body_timeout, limited.collect()).await {
                Err(_) => return Ok(timed_out(limits.body_timeout)),
                Ok(Err(e)) if e.is::<LengthLimitError>() => {
                    return Ok(response::too_large(limits.max_body_bytes))
                }
                Ok(Err(e)) => return Err(e),
                Ok(Ok(collected)) => collected.to_bytes().to_vec(),
            };
            match Shape::of(&body) {
                Shape::InvalidId => Ok(invalid_request()),
                Shape::Notification => {
                    let request =
                        HttpRequest::from_parts(parts, HttpBody::from(with_null_id(&body)));
                    inner.call(request).await?;
                    Ok(response::ok_response(""))
                }
                Shape::Other => {
                    inner
                        .call(HttpRequest::from_parts(parts, body.into()))
                        .await
                }
            }
        })
    }
}

/// What a body is, as far as the envelope goes.
#[derive(Debug, PartialEq, Eq)]
enum Shape {
    /// One request object without `id`.
    Notification,
    /// One request object whose `id` jsonrpsee cannot take.
    InvalidId,
    /// Anything else: a request with a good id, a batch, bad JSON (jsonrpsee answers those).
    Other,
}

impl Shape {
    fn of(body: &[u8]) -> Shape {
        /// The `id` field: `None` when absent, its raw JSON (`null` included) when present.
        #[derive(Deserialize)]
        struct Probe<'a> {
            #[serde(borrow, default, deserialize_with = "present")]
            id: Option<&'a RawValue>,
            #[serde(borrow)]
            method: Option<&'a RawValue>,
        }
        fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
            <&RawValue>::deserialize(d).map(Some)
        }
        if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Shape::Other;
        }
        match serde_json::from_slice::<Probe>(body) {
            Ok(Probe {
                id: None,
                method: Some(_),
            }) => Shape::Notification,
            Ok(Probe { id: Some(id), .. }) if !is_valid_id(id.get()) => Shape::InvalidId,
            _ => Shape::Other,
        }
    }
}

/// A JSON-RPC id jsonrpsee takes: null, a string, or an integer that fits 64 bits unsigned.
fn is_valid_id(raw: &str) -> bool {
    raw == "null" || raw.starts_with('"') || raw.parse::<u64>().is_ok()
}

/// The notification's body with `"id":null`, so jsonrpsee runs it as a request.
fn with_null_id(body: &[u8]) -> Vec<u8> {
    let open = body
        .iter()
        .position(|&b| b == b'{')
        .expect("a notification is an object");
    let mut request = Vec::with_capacity(body.len() + 10);
    request.extend_from_slice(&body[..=open]);
    request.extend_from_slice(br#""id":null,"#);
    request.extend_from_slice(&body[open + 1..]);
    request
}

fn invalid_request() -> HttpResponse {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": INVALID_REQUEST, "message": "Invalid request: the id must be a string, an unsigned integer or null"},
    });
    response::ok_response(body.to_string())
}

fn timed_out(limit: Duration) -> HttpResponse {
    let mut answer = response::ok_response(format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{{\"code\":-32600,\"message\":\"the request body did not arrive within {} s\"}}}}",
        limit.as_secs()
    ));
    *answer.status_mut() = http::StatusCode::REQUEST_TIMEOUT;
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let shape = |body: &str| Shape::of(body.as_bytes());
        assert_eq!(
            shape(r#"{"jsonrpc":"2.0","method":"evm_mine"}"#),
            Shape::Notification
        );
        for id in ["1e400", "1.5", "true", "{}", "[1]", "-1"] {
            let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"eth_chainId"}}"#);
            assert_eq!(shape(&body), Shape::InvalidId, "{id}");
        }
        for id in ["null", "7", "\"abc\"", "18446744073709551615"] {
            let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"eth_chainId"}}"#);
            assert_eq!(shape(&body), Shape::Other, "{id}");
        }
        assert_eq!(
            shape(r#"[{"jsonrpc":"2.0","method":"evm_mine"}]"#),
            Shape::Other
        );
        assert_eq!(shape("{not json"), Shape::Other);
    }

    #[test]
    fn a_notification_becomes_a_request_with_a_null_id() {
        let body = with_null_id(br#" {"jsonrpc":"2.0","method":"evm_mine"}"#);
        let request: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(request["id"], serde_json::Value::Null);
        assert_eq!(request["method"], "evm_mine");
    }
}
