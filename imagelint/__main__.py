from imagelint.cli import run

run()
