"""Organisations: employers and education partners, their members, roles and invitations.

Owns who may act for an organisation, and whether staff have verified it to publish.
"""
