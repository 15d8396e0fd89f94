from imagelint.cli import main

main()
