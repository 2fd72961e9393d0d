"""Article extraction from news HTML: `extract.extract_article` (the design is described there).

Kept empty, so that importing `extraction.errors` (as the crawl process does, to handle what
its analysis workers raise) does not load trafilatura and the extraction stack.
"""
