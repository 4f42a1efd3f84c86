"""The Gradio app (the only layer that imports Gradio): app.py builds the page, chat.py,
handbook.py and admin.py hold the tabs' handlers, answer_html.py, toc_html.py, admin_html.py and
html_parts.py render HTML, assets.py holds texts, style and script, guard.py stands in front of
every route (Host names, logins, sessions, uploads). `ui.py` at the top starts it."""
