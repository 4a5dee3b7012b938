import csv
import io

import pytest

from studyapp.spreadsheets import csv_safe


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("alice", "alice"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (75, 75),
        (-3, -3),
    ],
)
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe_and_numbers_stay_numbers(value, cell):
    assert csv_safe(value) == cell


def test_csv_writer_keeps_the_neutralised_cell_intact():
    out = io.StringIO()
    csv.writer(out).writerow([csv_safe("=1+2"), csv_safe("bob"), csv_safe(None), csv_safe(0.25)])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'=1+2", "bob", "", "0.25"]
