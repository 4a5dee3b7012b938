import pytest

from quizzes import analysis
from quizzes.analysis import Response


@pytest.mark.parametrize(("n", "k"), [(0, 0), (1, 0), (2, 1), (4, 1), (10, 3), (11, 3), (20, 5), (100, 27)])
def test_upper_and_lower_groups_are_27_percent_of_respondents(n, k):
    assert analysis.group_size(n) == k


def test_facility_is_the_share_answering_correctly():
    assert analysis.facility([True, False, True, True]) == 0.75
    assert analysis.facility([]) is None


def test_discrimination_by_hand_for_ten_respondents():
    # Totals 10..1; correct: 10 ✓ 9 ✓ 8 ✗ | … | 3 ✗ 2 ✓ 1 ✗  → upper 2/3, lower 1/3, D = 1/3.
    correct = [True, True, False, True, True, False, True, False, True, False]
    pairs = [(float(total), c) for total, c in zip(range(10, 0, -1), correct, strict=True)]
    assert analysis.discrimination(pairs) == pytest.approx(1 / 3)


def test_discrimination_does_not_depend_on_the_order_given():
    pairs = [(0.2, False), (0.9, True), (0.5, True), (0.1, False)]
    # k = 1: best (0.9) right, worst (0.1) wrong → D = 1.
    assert analysis.discrimination(pairs) == 1.0
    assert analysis.discrimination(list(reversed(pairs))) == 1.0


def test_a_question_the_weak_get_right_and_the_strong_get_wrong_discriminates_negatively():
    pairs = [(1.0, False), (0.8, False), (0.3, True), (0.1, True)]
    assert analysis.discrimination(pairs) == -1.0


def test_one_respondent_has_no_discrimination():
    assert analysis.discrimination([(1.0, True)]) is None


def test_item_analysis_counts_options_and_flags_unused_distractors_and_low_discrimination():
    responses = [
        Response(respondent=1, chosen=0, correct=True, total=0.9),
        Response(respondent=2, chosen=0, correct=True, total=0.7),
        Response(respondent=3, chosen=2, correct=False, total=0.5),
        Response(respondent=4, chosen=0, correct=True, total=0.2),
        Response(respondent=5, chosen=None, correct=False, total=0.0),
    ]
    stats = analysis.analyse_item(responses, n_options=4, answer=0)
    assert stats.option_counts == [3, 0, 1, 0]
    assert stats.facility == 0.6
    # k = round(1.35) = 1: upper (0.9) right, lower (0.0) skipped → D = 1.0
    assert stats.discrimination == 1.0
    assert stats.unused_distractors == [1, 3]
    assert stats.low_discrimination is False
    assert stats.flagged is True


def test_a_question_everyone_gets_right_does_not_discriminate():
    responses = [Response(respondent=i, chosen=1, correct=True, total=i / 10) for i in range(8)]
    stats = analysis.analyse_item(responses, n_options=2, answer=1)
    assert stats.discrimination == 0.0
    assert stats.low_discrimination is True
    assert stats.unused_distractors == [0]
