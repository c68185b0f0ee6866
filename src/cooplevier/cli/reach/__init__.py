"""How the command line reaches people and tools around it: the folder app's double-click menu
(`menu.py`) and shell completion (`completion.py`)."""
