"""CSV cells a spreadsheet opens safely: every CSV export of the app writes its cells through `csv_safe`."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A cell that cannot run as a formula: text starting with = + - @ tab or CR gets a leading apostrophe.

    Numbers pass unchanged (a negative number is a number, not a formula); None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
