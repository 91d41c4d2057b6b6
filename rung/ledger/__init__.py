"""Money: the append-only double-entry ledger, escrow deposits, releases, refunds and payouts.

Owns every movement of money on Rung and the invariants that prove none is paid twice or lost.
"""
