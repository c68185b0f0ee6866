"""The frozen app's entry point (PyInstaller runs this file, not `cooplevier.cli:main`).

`freeze_support()` first on Windows, where a batch's worker processes are spawned by re-running
this executable, which must then become a worker, not a second command line. Elsewhere workers
are forked (scoring/workers.py) and multiprocessing is not imported at start-up (16 ms).
"""

import sys

if __name__ == "__main__":
    if sys.platform == "win32":
        import multiprocessing

        multiprocessing.freeze_support()
    from cooplevier.cli.reach import menu

    if menu.wanted():  # a double-click: the French menu, not the help flashing by
        sys.exit(menu.menu())
    from cooplevier.cli import main  # the same arguments as the `cooplevier` command

    main()
