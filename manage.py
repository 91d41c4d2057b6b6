#!/usr/bin/env python3
import sys

from rung.__main__ import main

if __name__ == "__main__":
    main(sys.argv[1:])
