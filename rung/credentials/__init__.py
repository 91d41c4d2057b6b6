"""Open Badges 3.0 credentials: issuing, signing, verifying and revoking proof of work."""
