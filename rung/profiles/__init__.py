"""Candidate profiles: skills from a controlled vocabulary, availability, education and links.

Owns what a candidate says about themselves and how complete that is.
"""
