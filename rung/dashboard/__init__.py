"""The dashboard: the landing page, each person's dashboard by role, and the health check.

Owns no data; it reads through the other apps' selectors.
"""
