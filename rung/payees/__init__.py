"""Payees: the people Rung pays and where to pay them.

Owns each person's payout details (bank account in their country's form, legal name, address, tax
residence), encrypted at rest, shown masked, changed only through a confirmation link sent by e-mail.
"""
