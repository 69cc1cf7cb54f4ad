from datetime import date

from hononga.privacy.working_days import add_working_days, is_working_day


def test_weekends_holidays_and_the_summer_break_are_not_working_days():
    assert not is_working_day(date(2026, 2, 6))  # Waitangi Day, a Friday
    assert not is_working_day(date(2026, 4, 3))  # Good Friday 2026
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday 2026
    assert not is_working_day(date(2026, 4, 27))  # Anzac Day on a Saturday, Mondayised
    assert not is_working_day(date(2026, 7, 10))  # Matariki 2026
    assert not is_working_day(date(2026, 10, 26))  # Labour Day 2026
    assert not is_working_day(date(2026, 12, 29))
    assert not is_working_day(date(2027, 1, 15))
    assert is_working_day(date(2027, 1, 18))


def test_twenty_working_days():
    # Monday 2 March 2026 + 20 working days (no holidays in between) = Monday 30 March.
    assert add_working_days(date(2026, 3, 2), 20) == date(2026, 3, 30)
    # Asked 20 December: the summer break does not count.
    assert add_working_days(date(2026, 12, 18), 1) == date(2026, 12, 21)
    assert add_working_days(date(2026, 12, 24), 1) == date(2027, 1, 18)
