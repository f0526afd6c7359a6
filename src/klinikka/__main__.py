from klinikka.cli import main

main()
