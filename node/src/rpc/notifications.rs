//! JSON-RPC notifications (requests without `id`) run, and get no answer.
//!
//! jsonrpsee drops notifications without running them, alone, in batches and over WebSocket
//! alike, so `{"jsonrpc":"2.0","method":"evm_mine"}` would mine nothing. This middleware runs
//! each as a call with a null id and throws its answer away, as the specification asks.

use std::future::Future;

use jsonrpsee::{
    core::{
        middleware::{Batch, BatchEntry, Notification, RpcServiceT},
        server::{BatchResponseBuilder, MethodResponse},
    },
    types::{Id, Request},
};

/// The layer that wraps every connection's service; see the module docs.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunNotifications;

impl<S> tower::Layer<S> for RunNotifications {
    type Service = Runner<S>;

    fn layer(&self, inner: S) -> Runner<S> {
        Runner(inner)
    }
}

#[derive(Debug, Clone)]
pub struct Runner<S>(S);

/// A notification as the call it asks for, with a null id.
fn as_call(notification: Notification<'_>) -> Request<'_> {
    let Notification {
        method,
        params,
        extensions,
        ..
    } = notification;
    let mut request = Request::borrowed("", None, Id::Null);
    request.method = method;
    request.params = params;
    request.extensions = extensions;
    request
}

impl<S> RpcServiceT for Runner<S>
where
    S: RpcServiceT<
            MethodResponse = MethodResponse,
            BatchResponse = MethodResponse,
            NotificationResponse = MethodResponse,
        > + Send
        + Sync
        + Clone
        + 'static,
{
    type MethodResponse = MethodResponse;
    type NotificationResponse = MethodResponse;
    type BatchResponse = MethodResponse;

    fn call<'a>(&self, request: Request<'a>) -> impl Future<Output = MethodResponse> + Send + 'a {
        self.0.call(request)
    }

    fn notification<'a>(
        &self,
        notification: Notification<'a>,
    ) -> impl Future<Output = MethodResponse> + Send + 'a {
        let inner = self.0.clone();
        async move {
            let extensions = notification.extensions.clone();
            inner.call(as_call(notification)).await;
            MethodResponse::notification().with_extensions(extensions)
        }
    }

    /// jsonrpsee's own batch handling would call its inner service's `notification`, not
    /// this one's, so a batch is taken apart here.
    fn batch<'a>(&self, batch: Batch<'a>) -> impl Future<Output = MethodResponse> + Send + 'a {
        let inner = self.0.clone();
        async move {
            let mut answers = BatchResponseBuilder::new_with_limit(u32::MAX as usize);
            let mut notified = false;
            for entry in batch {
                let answer = match entry {
                    Ok(BatchEntry::Call(request)) => inner.call(request).await,
                    Ok(BatchEntry::Notification(notification)) => {
                        notified = true;
                        inner.call(as_call(notification)).await;
                        continue;
                    }
                    Err(invalid) => {
                        let (error, id) = invalid.into_parts();
                        MethodResponse::error(id, error)
                    }
                };
                if let Err(too_large) = answers.append(answer) {
                    return too_large;
                }
            }
            if answers.is_empty() && notified {
                MethodResponse::notification()
            } else {
                MethodResponse::from_batch(answers.finish())
            }
        }
    }
}
