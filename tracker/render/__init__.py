"""Turn views' plain data into text people read: the terminal (Rich), plain text for pipes, Markdown, HTML with
inline SVG, JSON. User text is always made inert or escaped here; nothing reads the clock or the database.
"""
