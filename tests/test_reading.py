"""The reading load is measured on what a participant reads, and the announced time follows it."""

from __future__ import annotations

from cooplevier.content.load import load_pack
from cooplevier.content.reading import ReadingLoad, reading_load, words


def test_words_count_as_a_reader_counts_them() -> None:
    assert words("L'intercommunalité consulte les maires — au coup par coup.") == 8


def test_short_form_reads_less_than_the_full_form_for_every_structure() -> None:
    pack = load_pack()
    for structure in (None, "epci", "petr", "scot", "pnr", "autre"):
        full, short = reading_load(pack.form(structure)), reading_load(pack.form(structure, "short"))
        assert short.questions == 10 and full.questions > short.questions
        assert 0 < short.words < full.words and short.minutes < full.minutes


def test_minutes_grow_with_words_and_questions() -> None:
    assert ReadingLoad(10, 1000).minutes < ReadingLoad(10, 2000).minutes < ReadingLoad(20, 2000).minutes
