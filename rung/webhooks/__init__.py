"""Outgoing webhooks: organisations' endpoints, the events they receive (their own objects only),
HMAC-signed deliveries with retries and backoff, the delivery log, replay and secret rotation."""
