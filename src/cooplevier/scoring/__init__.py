"""Scoring: one answer file (`engine`), many (`batch`), a group (`synthesis`), two dates (`compare`),
and the trace of every number (`explain`). Pure: data in, frozen results out."""
