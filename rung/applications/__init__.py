"""Applications: a candidate's answers to a project, the blind first pass, decisions and offers.

Owns who is shortlisted, rejected (kindly) or offered a seat, and that nobody is left without an answer.
"""
