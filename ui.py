"""Fusiewijzer in the browser: `python ui.py [--host H] [--port N] [--login]`.

The page is `assistant.web.app`, started by `assistant.web.launch`; this file stays at the top of
the project as its entry point.
"""

from assistant.web.launch import main

if __name__ == "__main__":
    main()
