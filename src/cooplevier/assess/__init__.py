"""The interactive questionnaire (`cooplevier assess`).

`engine` is the pure state machine, `prompter` what is shown and how, `session` the run that
opens or resumes a file and saves it after every answer.
"""
