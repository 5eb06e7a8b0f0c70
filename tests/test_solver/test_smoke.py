from program_helpers import make_program, solve_checked

BODY = """
[[rotation]]
code = "IR-U"
min = 1

[[rotation]]
code = "NM"

[[resident]]
id = "ahmed"
level = "R4"
track = "IR"
"""


def test_tiny_program_solves_to_optimal_schedule():
    schedule = solve_checked(make_program(BODY))
    assert schedule.status == "OPTIMAL"
    assert schedule.residents["ahmed"].rotations == ["IR-U"] * 12
