"""The cooperation plan on the command line: `calendar`, `plan`, `suivi` (registered from `commands`)."""
