"""Facilitation: running the room beside the facilitator's dashboard (issue 22): pacing and the countdown
(`pacing`), the room's network (`network`), the hand-over archive and erasing one participant
(`archive`), and their routes (`routes`)."""
