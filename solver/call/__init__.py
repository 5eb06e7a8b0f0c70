"""The call schedule: who is on call each night, weekend and holiday, under the ACGME's
duty-hour limits, given a block schedule (`engine.solve_call`)."""
