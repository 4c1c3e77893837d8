"""A leak crawler: seeds secret markers, walks every reachable address and reads every answer.

Why a crawler and not a list of addresses: a leak is usually found where nobody thought to look
(a chooser, an export, a file name in a header, a PDF's text). The crawler starts from a few
entry points, follows every same-host link a browser or a script could follow (href, src,
action, data-* attributes with an address, URLs in JSON, XML and plain text, redirects) and
reads each answer the way a person would: HTML and JSON as text, PDFs through pypdf, Office
files through their XML, and the response headers (Content-Disposition carries file names).

Markers are random letter tokens. A token survives HTML-, JSON- and URL-encoding unchanged, so
looking for the token (case-insensitive) finds a marker however a view encoded it. What the
request itself sent (a search query echoed in the search box) is removed before looking.

The crawler never sends anything but GET, never follows logout, lock/unlock or the editing
session pings (state-changing, POST-only in Wagtail, but never worth the risk), and keeps
itself bounded: a request cap, a cap of distinct addresses per address *shape* (digits and
query values blanked) and of filter combinations per path, a budget of followed addresses,
and a cap on pagination depth. It reports how many addresses it read and whether the cap
stopped it, rather than failing on the cap.
"""

import contextlib
import html
import io
import json
import random
import re
import string
import time
import zipfile
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlencode, urljoin, urlsplit

import lxml.html
from pypdf import PdfReader

MARKER_PREFIX = "LÄCKA"

# Query parameters that page through a listing; deeper pages than MAX_PAGE are not read.
PAGE_PARAMETERS = {"p", "page", "sida", "offset"}
MAX_PAGE = 3
# Addresses that change state or end the session: never requested, whatever the method.
NEVER_FOLLOW = re.compile(
    r"(/logga-ut/|/logout/|/lock/|/unlock/|/editing-sessions/|/password_reset/|"
    r"/account/change_password/)"
)
# Static assets hold no content from the database.
STATIC_PREFIXES = ("/static/", "/media/images/")


# -- markers -----------------------------------------------------------------------------------


def random_letters(length=12):
    """Letters only: PostgreSQL's full-text parser reads a mix of digits and letters as a
    number, and the positive controls need the markers to stay searchable."""
    return "".join(random.choices(string.ascii_lowercase, k=length))


@dataclass(frozen=True)
class Marker:
    """One secret: `text` is what is stored, `needles` what gives it away in an answer."""

    label: str
    text: str
    needles: tuple
    restricted: bool = False

    def __str__(self):
        return self.text


def text_marker(label, restricted=False):
    """E.g. LÄCKA-BEGR-TITEL-qwhdkslapowe: the token alone betrays it in any encoding."""
    token = random_letters()
    return Marker(label, f"{MARKER_PREFIX}-{label}-{token}", (token,), restricted)


def dnr_marker(label, prefix="KS", year=2025, restricted=False):
    """A diarienummer in the register's canonical form with a random running and sub number:
    valid for the default pattern, and unique enough to be searched for as it is."""
    running = random.randint(100000, 999999)
    sub = random.randint(1000, 9999)
    dnr = f"{prefix}-{year}-{running}-{sub}"
    return Marker(label, dnr, (f"{running}-{sub}", f"{running}/{sub}"), restricted)


def markers_in(text, markers):
    """The markers whose needles occur in `text` (case-insensitive)."""
    lowered = text.lower()
    return [m for m in markers if any(needle.lower() in lowered for needle in m.needles)]


def excerpt(text, marker, width=60):
    """Where in `text` the marker shows, for the failure message."""
    lowered = text.lower()
    for needle in marker.needles:
        at = lowered.find(needle.lower())
        if at >= 0:
            return " ".join(text[max(0, at - width) : at + len(needle) + width].split())
    return ""


def strip_echo(text, values):
    """`text` without the forms in which a request's own query values may be echoed: whole,
    and word by word (a search's "Menade du" respells one word and keeps the others)."""
    words = set()
    for value in values:
        words.update(w for w in re.findall(r"[^\W_]+", value) if len(w) >= 4)
    for value in [*values, *sorted(words, key=len, reverse=True)]:
        if not value:
            continue
        for form in {value, quote(value), quote_plus(value), json.dumps(value)[1:-1]}:
            for variant in {form, html.escape(form), html.escape(form, quote=False)}:
                text = re.sub(re.escape(variant), " ", text, flags=re.IGNORECASE)
    return text


# -- files used as attachments -----------------------------------------------------------------


def _pdf_string(text):
    encoded = text.encode("cp1252", "replace")
    return encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def pdf_with_text(*lines):
    """A real, minimal PDF (one page, Helvetica, WinAnsi) whose text layer holds `lines`."""
    content = b"BT /F1 11 Tf 50 780 Td 14 TL " + b" ".join(
        b"(" + _pdf_string(line) + b") Tj T*" for line in lines
    )
    content += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def docx_with_text(*paragraphs):
    """A minimal Word document (compressed, so its text is not in the raw bytes)."""
    body = "".join(f"<w:p><w:r><w:t>{html.escape(text)}</w:t></w:r></w:p>" for text in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


# -- reading an answer -------------------------------------------------------------------------


def raw_body(response):
    """The body's bytes. A streamed response (a file) is consumed but not closed here: the
    test client closes it when the stream ends, without closing the database connection (an
    explicit close() would, and on PostgreSQL that ends the test's transaction)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    parts = [page.extract_text() or "" for page in reader.pages]
    metadata = reader.metadata or {}
    parts += [str(value) for value in metadata.values()]
    return "\n".join(parts)


def zip_text(data):
    """The XML parts of an Office file (DOCX, XLSX, ODT …), tags removed."""
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                xml = archive.read(name).decode("utf-8", "replace")
                parts.append(html.unescape(re.sub(r"<[^>]+>", " ", xml)))
    return "\n".join(parts)


def readable_text(response, data):
    """Everything a reader of this answer could see, as one string: headers, body, and the
    text inside PDFs and Office files."""
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    parts = [unquote(headers), headers]
    if data.startswith(b"%PDF"):
        try:
            parts.append(pdf_text(data))
        except Exception as exc:  # a broken PDF is reported, not a crash of the crawl
            parts.append(f"(PDF unreadable: {exc!r})")
        parts.append(data.decode("latin-1"))
    elif data.startswith(b"PK\x03\x04"):
        with contextlib.suppress(zipfile.BadZipFile):
            parts.append(zip_text(data))
        parts.append(data.decode("latin-1"))
    else:
        text = data.decode("utf-8", "replace")
        parts.append(text)
        if "&" in text:
            parts.append(html.unescape(text))
    return "\n".join(parts)


# -- addresses ---------------------------------------------------------------------------------


def normalise(url, base, host):
    """Same-host path + sorted query, no fragment; None for other hosts and non-HTTP links."""
    url = html.unescape(url.strip())
    if not url or url.startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
        return None
    absolute = urljoin(f"http://{host}{base}", url)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.hostname != host.split(":")[0]:
        return None
    if "{" in parts.path or "__" in parts.path:  # templates in data attributes, not addresses
        return None
    query = sorted(parse_qsl(parts.query, keep_blank_values=True))
    for name, value in query:
        if name in PAGE_PARAMETERS and value.isdigit():
            limit = MAX_PAGE if name != "offset" else MAX_PAGE * 50
            if int(value) > limit:
                return None
    return parts.path + (f"?{urlencode(query)}" if query else "")


def shape(url):
    """(path with its numbers blanked, the query's parameter names): the address's shape.

    /admin/pages/12/edit/ and /admin/pages/13/edit/ are one shape; a listing's filters make one
    shape per combination of parameters, and the combinations are capped separately."""
    path, _sep, query = url.partition("?")
    path = re.sub(r"\d+", "#", path)
    names = tuple(sorted({name for name, _value in parse_qsl(query, keep_blank_values=True)}))
    return path, names


def _form_urls(form, base, words, max_variants=12):
    """GET forms as a browser would submit them: defaults, a word typed into each text field,
    and one submission per option of each select (capped)."""
    if (form.get("method") or "get").lower() != "get":
        return []
    action = form.get("action") or base
    fixed, texts, selects = [], [], []
    for element in form.xpath(".//input[@name]|.//select[@name]|.//textarea[@name]"):
        name = element.get("name")
        if element.tag == "select":
            values = [o.get("value", o.text_content().strip()) for o in element.xpath(".//option")]
            selects.append((name, values))
            continue
        kind = (element.get("type") or "text").lower()
        if kind in ("submit", "button", "image", "file", "reset", "password"):
            continue
        if kind in ("checkbox", "radio"):
            if element.get("checked") is not None:
                fixed.append((name, element.get("value", "on")))
            continue
        if name == "csrfmiddlewaretoken":
            continue
        if kind == "hidden" or element.get("value"):
            fixed.append((name, element.get("value", "")))
        else:
            texts.append(name)
    urls = [f"{action}?{urlencode(fixed)}"]
    for name in texts:
        for word in words:
            urls.append(f"{action}?{urlencode([*fixed, (name, word)])}")
    for name, values in selects:
        for value in values[:max_variants]:
            urls.append(f"{action}?{urlencode([*fixed, (name, value)])}")
    return urls


URL_IN_TEXT = re.compile(r"https?://[^\s\"'<>)]+")


def links_in(url, response, data, host, words):
    """Every address an answer points to on the same host."""
    content_type = response.get("Content-Type", "").lower()
    found = []
    if response.get("Location"):
        found.append(response["Location"])
    if data.startswith((b"%PDF", b"PK\x03\x04")):
        pass
    elif "json" in content_type:
        try:
            payload = json.loads(data)
        except ValueError:
            payload = None

        def walk(value):
            if isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)
            elif isinstance(value, str):
                if value.startswith(("/", "http://", "https://")) and not value.startswith("//"):
                    found.append(value)
                elif "<" in value and "href" in value:  # HTML fragments inside JSON
                    found.extend(_html_links(value, url, words))

        walk(payload)
    elif "html" in content_type:
        found.extend(_html_links(data.decode("utf-8", "replace"), url, words))
    else:
        text = data.decode("utf-8", "replace")
        found += re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", text)
        found += re.findall(r"\shref=\"([^\"]+)\"", text)
        found += URL_IN_TEXT.findall(text)
    links = []
    for href in found:
        target = normalise(href, url, host)
        if target is not None:
            links.append(target)
    return links


def _html_links(text, base, words):
    if not text.strip():
        return []
    try:
        tree = lxml.html.fromstring(text)
    except Exception:
        return []
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            value = value.strip()
            is_link = name in ("href", "src", "action", "formaction", "poster")
            # Wagtail's admin keeps addresses in data attributes (choosers, swaps, menus).
            is_data_address = name.startswith("data-") and value.startswith("/")
            if is_link or (is_data_address and not value.startswith("//")):
                found.append(value)
    for form in tree.xpath("//form"):
        found.extend(_form_urls(form, base, words))
    return found


# -- the crawl ---------------------------------------------------------------------------------


@dataclass
class Answer:
    url: str
    status: int
    text: str
    source: str
    content_type: str = ""
    error: str = ""
    seconds: float = 0.0


@dataclass
class Crawl:
    """What one crawl read; `hit_limit` says whether the request cap stopped it."""

    answers: dict = field(default_factory=dict)
    hit_limit: bool = False
    # Addresses found but left unread: repeats of one shape, or past the follow budget.
    skipped_by_shape: set = field(default_factory=set)

    def __len__(self):
        return len(self.answers)

    def server_errors(self):
        return [
            (a.url, a.status, a.source, a.error) for a in self.answers.values() if a.status >= 500
        ]

    def leaks(self, markers):
        """[(url, marker label, status, excerpt)] for every answer that shows a marker, after
        removing what the request itself sent."""
        found = []
        for answer in self.answers.values():
            text = strip_echo(answer.text, query_values(answer.url))
            for marker in markers_in(text, markers):
                found.append((answer.url, marker.label, answer.status, excerpt(text, marker)))
        return found

    def summary(self):
        statuses = Counter(a.status for a in self.answers.values())
        return (
            f"{len(self.answers)} addresses read"
            f"{' (stopped at the request cap)' if self.hit_limit else ''}, "
            f"{len(self.skipped_by_shape)} more found but left unread (repeats of one shape or "
            f"past the budget), "
            f"statuses {dict(sorted(statuses.items()))}"
        )


def query_values(url):
    _path, _sep, query = url.partition("?")
    return [value for _name, value in parse_qsl(query, keep_blank_values=True) if len(value) > 2]


def crawl(
    client,
    seeds,
    host,
    limit=1500,
    per_shape=6,
    query_shapes=8,
    follow_limit=None,
    skip=(),
    words=("informationssäkerhet",),
    follow=None,
):
    """Breadth-first from `seeds` over every same-host address; returns a Crawl.

    The seeds are always read. Of the addresses found, at most `per_shape` of one shape (see
    shape()) are followed, and at most `query_shapes` combinations of query parameters per
    path: enough to reach every kind of view, without reading every filter combination of
    every listing; and at most `follow_limit` discovered addresses in all (None: up to
    `limit`). `skip`: regular expressions of addresses never requested. `follow`, if given,
    decides which discovered addresses are followed at all.
    """
    result = Crawl()
    shapes = Counter()
    combinations = {}
    queue = deque()
    queued = set()

    def skipped(target):
        if NEVER_FOLLOW.search(target) or target.startswith(STATIC_PREFIXES):
            return True
        return any(re.search(pattern, target) for pattern in skip)

    followed = [0]

    def admit(target):
        if follow_limit is not None and followed[0] >= follow_limit:
            result.skipped_by_shape.add(target)
            return False
        path, names = key = shape(target)
        seen_names = combinations.setdefault(path, set())
        if shapes[key] >= per_shape or (
            names not in seen_names and len(seen_names) >= query_shapes
        ):
            result.skipped_by_shape.add(target)
            return False
        seen_names.add(names)
        shapes[key] += 1
        followed[0] += 1
        return True

    for seed in seeds:
        target = normalise(seed, "/", host)
        if target and target not in queued and not skipped(target):
            queued.add(target)
            queue.append((target, "(start)"))

    while queue:
        if len(result.answers) >= limit:
            result.hit_limit = True
            break
        url, source = queue.popleft()
        started = time.perf_counter()
        try:
            response = client.get(url)
            data = raw_body(response)
            status = response.status_code
            text = readable_text(response, data)
            error = ""
        except Exception as exc:  # the test client re-raises a view's exception: a 500
            response, data, status, text = None, b"", 500, ""
            error = f"{type(exc).__name__}: {exc}"
        result.answers[url] = Answer(
            url,
            status,
            text,
            source,
            response.get("Content-Type", "") if response is not None else "",
            error,
            time.perf_counter() - started,
        )
        if response is None or status >= 400:
            continue
        for target in links_in(url, response, data, host, words):
            if target in queued or skipped(target):
                continue
            if follow is not None and not follow(target):
                continue
            if not admit(target):
                continue
            queued.add(target)
            queue.append((target, url))
    return result
