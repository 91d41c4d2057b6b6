"""Operations, no data: backup and restore, and the worker's start-up catch-up.

Sits with rung.dashboard and rung.demo at the bottom of the layers: it may read any app's settings
and call the ledger's idempotent catch-up, and nothing imports it.
"""
