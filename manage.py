#!/usr/bin/env python
"""Django's manage.py for developers; `minzheng` (the console script) does the same."""

from minzheng.cli import main

if __name__ == "__main__":
    main()
