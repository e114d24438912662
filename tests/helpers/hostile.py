"""Hostile text for the injection tests of the core (DOT, picture) and of the pages."""

from __future__ import annotations

#: Short enough for a load-balancer label (60 characters); no newlines (a directive
#: argument cannot hold one).
EVIL = {
    "quotes": "He said \"hi\" and 'bye'",
    "backslashes": "C:\\clusters\\prod\\",
    "braces": "{cluster} {{x}} }{",
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "dot-edge": "]; a -> b [",
    "dot-close": "\"; } evil [label=\"pwned",
    "dot-escapes": "\\N \\G \\l \\E",
    "entities": "&amp; &lt;b&gt; &#106;",
    "html-label": "<b>bold</b>",
    "javascript": "javascript:alert(1)",
}
