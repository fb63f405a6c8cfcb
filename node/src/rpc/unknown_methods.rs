//! Prints each call of a method the node does not have, as anvil does: when a tool stops with
//! "method not found", the node's console says which method it wanted.
//!
//! It sits inside [`super::notifications::RunNotifications`], which hands it every call, one
//! by one, batches and notifications included.

use std::future::Future;

use jsonrpsee::{
    core::{
        middleware::{Batch, Notification, RpcServiceT},
        server::MethodResponse,
    },
    types::{error::METHOD_NOT_FOUND_CODE, Request},
};

#[derive(Debug, Clone, Copy)]
pub struct ReportUnknownMethods;

impl<S> tower::Layer<S> for ReportUnknownMethods {
    type Service = Reporter<S>;

    fn layer(&self, inner: S) -> Reporter<S> {
        Reporter(inner)
    }
}

#[derive(Debug, Clone)]
pub struct Reporter<S>(S);

impl<S> RpcServiceT for Reporter<S>
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
        let inner = self.0.clone();
        async move {
            let method = request.method_name().to_owned();
            let response = inner.call(request).await;
            if response.as_error_code() == Some(METHOD_NOT_FOUND_CODE) {
                println!("unknown method: {method}");
            }
            response
        }
    }

    fn notification<'a>(
        &self,
        notification: Notification<'a>,
    ) -> impl Future<Output = MethodResponse> + Send + 'a {
        self.0.notification(notification)
    }

    fn batch<'a>(&self, batch: Batch<'a>) -> impl Future<Output = MethodResponse> + Send + 'a {
        self.0.batch(batch)
    }
}
