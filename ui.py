"""Fusiewijzer in the browser: `python ui.py [--host H] [--port N] [--login]`.

The app itself is `assistant.web.app`; this file stays at the top of the project as its entry point.
"""

from assistant.web.app import main

if __name__ == "__main__":
    main()
