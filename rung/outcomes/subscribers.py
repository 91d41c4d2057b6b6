"""Who hears about outcomes: the candidate, when an employer records an outcome about them.
Subscribers only notify; they change nothing."""
