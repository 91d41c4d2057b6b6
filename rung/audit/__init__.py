"""The audit trail: an append-only record of who did what to which object, and from where.

Services write events through `record`; staff browse them in the admin.
"""
