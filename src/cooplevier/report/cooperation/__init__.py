"""The cooperation plan as documents: the note to the bureau, the follow-up, the agenda file, the workbook."""
