"""The Office formats: the answer grid, the scores workbook, DOCX and ODT documents, the wheel as a picture.

Each module imports its library (openpyxl, python-docx, odfpy, Pillow, markdown-it-py) only
when it is used: `cooplevier --help` and `report --format html` never load them.
"""
