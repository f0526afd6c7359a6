from klinikka.entry import main

main()
