"""Notifications: what Rung tells a person — the in-app notification centre and its e-mail.

Owns who was told what, when they read it and whether it was e-mailed; other apps call `notify`.
"""
