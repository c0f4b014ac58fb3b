"""Psychometrics of survey items: reliability, factor analysis and factor rotations."""
