"""Accounts: people who sign in, keyed by e-mail; verification, throttled log-in and API tokens.

Owns the user model; everything else refers to people through it.
"""
