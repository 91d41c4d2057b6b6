"""Credentials: Open Badges 3.0 proof of work, signed so anyone can verify it without asking Rung.

Owns issuing, verifying, revoking (status lists), the candidate's wallet, imports and Rung's signing keys.
"""
