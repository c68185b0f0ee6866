"""Everything rendered for a reader: templates, the wheel, the plan, handouts, spreadsheet exports."""
