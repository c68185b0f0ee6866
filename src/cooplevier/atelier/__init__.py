"""The workshop server (`cooplevier atelier`): participants answer from a browser, the facilitator
follows and projects the synthesis."""
