"""The cooperation plan in the content layer: the actions, the legal calendar, plan files."""
