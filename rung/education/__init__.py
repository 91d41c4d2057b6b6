"""Credit with education partners: student affiliations and consent, credit agreements agreed before
the work, evidence review, stacks, and CLR 2.0 transcripts issued under the partner's own DID."""
