from bigsearch.cli.entry import main

main()
