"""Evaluation methods beside the composite index (grey relational, fuzzy, RSR, coupling, TOPSIS),
and the comparison of their rankings."""
