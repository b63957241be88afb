from matdiff_magic.cli import main

main()
