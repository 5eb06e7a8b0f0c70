"""Scheduling model: CP-SAT solver, explanations, and the independent checker."""
