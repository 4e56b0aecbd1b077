"""The Streamlit front end's shared layer: data access and caching, filters, formats, texts.

Pages (``dashboard/views``) only lay out what these modules give them; nothing here is imported
by the core (``dashboard.ingest``, ``dashboard.engine``), which never imports streamlit.
"""
