"""The content layer: the pack's models (`model`), its strict loading (`strict_yaml`, `schema`,
`checks`, `load`), and answer files (`answers`). Import from the module you need: this package
imports nothing itself, so that the command line's start-up stays light."""
