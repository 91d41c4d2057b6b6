"""The public showcase: interns' published work with the employer's consent, the curation playbook
and queue, catalogues, portfolios and the moderation of every public item."""
