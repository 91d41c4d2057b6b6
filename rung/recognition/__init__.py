"""Recognition: endorsements of interns' credentials and skills (signed Open Badges 3.0 EndorsementCredentials),
and nomination rounds with blind panels, calibration and Award credentials."""
