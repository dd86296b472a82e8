from bigsearch.cli import main

main()
