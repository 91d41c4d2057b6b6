"""Mentoring: mentor profiles and the pool, pairing (scores, suggestions and optimal matching), the
check-in protocol, training and accreditation, and safeguarding concerns."""
