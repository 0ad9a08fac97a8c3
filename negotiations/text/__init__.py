"""The text engines: partial dates, word diffs, splitting pasted drafts into provisions,
and aligning two drafts' provisions for the compare page. Pure Python, no queries."""
