"""Career ladders: an employer's pathway from micro-internships to a full role, the progression
rubric of each step (criteria computed from Rung's records), and the recorded decisions to move up."""
