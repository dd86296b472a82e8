from bigsearch.entry import main

main()
