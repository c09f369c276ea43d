//! Development mode's sender: keeps every SMS in the store, for `/dev/outbox`.

use std::sync::Arc;

use async_trait::async_trait;

use super::sender::{SmsError, SmsSender};
use crate::{
    clock::Clock,
    phone::Phone,
    store::{OutboxMessage, Store},
};

pub struct DevOutbox {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl DevOutbox {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }
}

#[async_trait]
impl SmsSender for DevOutbox {
    async fn send(&self, destination: &str, text: &str) -> Result<String, SmsError> {
        let now = self.clock.now();
        self.store
            .outbox_push(&OutboxMessage {
                destination: destination.to_owned(),
                text: text.to_owned(),
                created_at: now,
            })
            .await
            .map_err(|_| SmsError::Outbox)?;
        tracing::info!(
            destination = %Phone::from_stored(format!("+{destination}")),
            "development mode: SMS kept in the dev outbox, read it at /dev/outbox"
        );
        Ok(format!("dev-{now}"))
    }
}
