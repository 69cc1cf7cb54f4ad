"""Mail and text messages: message_send, delivery, the outbox (docs/messages.md)."""
