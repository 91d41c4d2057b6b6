"""Submissions and reviews: what the intern hands in, how it is scored with a rubric, and the
two-sided ratings (with the reviewer's reliability record built from them)."""
