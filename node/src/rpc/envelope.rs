//! The HTTP request before jsonrpsee sees it: its body is read within a time limit, and a
//! single request's envelope is held to JSON-RPC 2.0 where jsonrpsee answers otherwise.
//!
//! - A body that does not arrive within the limit is answered 408, so a client that sends one
//!   byte and stops does not keep its connection, one of a bounded number, for good.
//! - An `id` that is not a string, an unsigned integer or null (`1e400`, `1.5`, `true`, `{}`,
//!   `[1]`) is an invalid request (-32600). jsonrpsee reads such a request as a notification
//!   and answers with an empty body; in a batch, jsonrpsee would run it as a notification, so
//!   the envelope answers it and passes the batch's other entries on.
//! - Notifications, and batches of nothing else, get an empty body. jsonrpsee writes `null`.
//!
//! Other batches and WebSocket messages go to jsonrpsee as they came.

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
            if has_invalid_id(&body) {
                return Ok(invalid_request());
            }
            if let Some(batch) = Batch::with_invalid_ids(&body) {
                return batch.answer(parts, inner).await;
            }
            let answer = inner
                .call(HttpRequest::from_parts(parts, body.into()))
                .await?;
            Ok(without_null_body(answer).await)
        })
    }
}

/// The `id` field of a request object: `None` when absent, its raw JSON (`null` included) when
/// present.
#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    id: Option<&'a RawValue>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

/// Whether `request` is an object whose `id` jsonrpsee cannot take.
fn is_invalid_request(request: &[u8]) -> bool {
    match serde_json::from_slice::<Probe>(request) {
        Ok(Probe { id: Some(id) }) => !is_valid_id(id.get()),
        _ => false,
    }
}

fn first_byte(body: &[u8]) -> Option<u8> {
    body.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// Whether `body` is one request object whose `id` jsonrpsee cannot take. Batches, requests
/// with a good id or none, and bad JSON go to jsonrpsee, which answers them.
fn has_invalid_id(body: &[u8]) -> bool {
    first_byte(body) == Some(b'{') && is_invalid_request(body)
}

/// A batch with entries whose ids jsonrpsee cannot take (it would run them as notifications):
/// the rest go to jsonrpsee, and each of these is answered -32600 beside its answers.
struct Batch {
    /// The other entries, as a JSON array.
    valid: Vec<u8>,
    invalid: usize,
}

impl Batch {
    fn with_invalid_ids(body: &[u8]) -> Option<Batch> {
        if first_byte(body) != Some(b'[') {
            return None;
        }
        let entries: Vec<&RawValue> = serde_json::from_slice(body).ok()?;
        let (invalid, valid): (Vec<_>, Vec<_>) = entries
            .into_iter()
            .partition(|entry| is_invalid_request(entry.get().as_bytes()));
        if invalid.is_empty() {
            return None;
        }
        Some(Batch {
            valid: serde_json::to_vec(&valid).ok()?,
            invalid: invalid.len(),
        })
    }

    async fn answer<S>(self, parts: http::request::Parts, mut inner: S) -> Answer
    where
        S: tower::Service<HttpRequest, Response = HttpResponse, Error = BoxError>,
    {
        let mut answers: Vec<serde_json::Value> = Vec::new();
        if self.valid != b"[]" {
            let answer = inner
                .call(HttpRequest::from_parts(parts, self.valid.into()))
                .await?;
            let body = answer.into_body().collect().await?.to_bytes();
            // Empty or `null` when the other entries were all notifications.
            if let Ok(serde_json::Value::Array(others)) = serde_json::from_slice(&body) {
                answers = others;
            }
        }
        answers.extend((0..self.invalid).map(|_| invalid_request_json()));
        Ok(response::ok_response(
            serde_json::Value::Array(answers).to_string(),
        ))
    }
}

/// A JSON-RPC id jsonrpsee takes: null, a string, or an integer that fits 64 bits unsigned.
fn is_valid_id(raw: &str) -> bool {
    raw == "null" || raw.starts_with('"') || raw.parse::<u64>().is_ok()
}

/// `answer`, with an empty body where jsonrpsee wrote `null`: only notifications are answered
/// so, as a JSON-RPC answer is an object or an array.
async fn without_null_body(answer: HttpResponse) -> HttpResponse {
    if http_body::Body::size_hint(answer.body()).exact() != Some(4) {
        return answer;
    }
    let (parts, body) = answer.into_parts();
    match body.collect().await {
        Ok(collected) => {
            let bytes = collected.to_bytes();
            let body = if bytes.as_ref() == b"null" {
                HttpBody::empty()
            } else {
                HttpBody::from(bytes.to_vec())
            };
            HttpResponse::from_parts(parts, body)
        }
        Err(_) => HttpResponse::from_parts(parts, HttpBody::empty()),
    }
}

fn invalid_request_json() -> serde_json::Value {
    serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": INVALID_REQUEST, "message": "Invalid request: the id must be a string, an unsigned integer or null"},
    })
}

fn invalid_request() -> HttpResponse {
    response::ok_response(invalid_request_json().to_string())
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
    fn invalid_ids() {
        let invalid = |id: &str| {
            has_invalid_id(
                format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"eth_chainId"}}"#).as_bytes(),
            )
        };
        for id in ["1e400", "1.5", "true", "{}", "[1]", "-1"] {
            assert!(invalid(id), "{id}");
        }
        for id in ["null", "7", "\"abc\"", "18446744073709551615"] {
            assert!(!invalid(id), "{id}");
        }
        assert!(!has_invalid_id(br#"{"jsonrpc":"2.0","method":"evm_mine"}"#));
        assert!(!has_invalid_id(
            br#"[{"jsonrpc":"2.0","id":1.5,"method":"evm_mine"}]"#
        ));
        assert!(!has_invalid_id(b"{not json"));
    }
}
