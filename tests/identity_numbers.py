"""Personnummer for tests, computed rather than copied, so that each case is what it says."""


def check_digit(nine_digits):
    """The Luhn check digit for ÅÅMMDDNNN."""
    total = 0
    for index, char in enumerate(nine_digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)
