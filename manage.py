#!/usr/bin/env python
from nghiquyet.__main__ import main

if __name__ == "__main__":
    main()
