from cooplevier.cli import main

main()
