"""The frozen app's entry point (PyInstaller runs this file).

No arguments and a console (a double-click): the French menu. Anything else is the `cooplevier`
command with the same arguments, through `cooplevier.cli:main`, which also turns a spawned batch
worker of a Windows build into a worker (`multiprocessing.freeze_support()`).
"""

import sys

if __name__ == "__main__":
    from cooplevier.cli.reach import menu

    if menu.wanted():  # a double-click: the French menu, not the help flashing by
        sys.exit(menu.menu())
    from cooplevier.cli import main  # the same arguments as the `cooplevier` command

    main()
