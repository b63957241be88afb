from matdiff_magic.frontend.cli import main

main()
