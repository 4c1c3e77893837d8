"""Link annotations that say where they lead, for PDF/UA.

A tagged PDF's link annotation needs a /Contents text that describes it for assistive
technology (PDF/UA-1, 7.18.5). WeasyPrint writes the link's target there: "#beslut-rubrik" or
a URL, which tells a screen-reader user nothing. `describe_links` is a WeasyPrint finisher
(`write_pdf(finisher=...)`) that writes the text the reader sees instead: the link element's
own text (generated content such as a table of contents' page number is not part of it), else
its aria-label or title, and the target only when the link has no words at all.
"""

import pydyf


def link_text(element):
    """The words of a link as its reader sees them, on one line."""
    text = " ".join("".join(element.itertext()).split())
    if text:
        return text
    for attribute in ("aria-label", "title"):
        label = " ".join((element.get(attribute) or "").split())
        if label:
            return label
    return ""


def describe_links(document, pdf):
    """Give each link annotation of the rendered document its link's text as /Contents.

    WeasyPrint also annotates the boxes inside a link (an <em> in it, an image): they inherit
    the link and come right after the link's own box, so they are described by its text."""
    for page in document.pages:
        text = ""
        for _link_type, _target, _rectangle, box in page.links:
            if box.link is not None and box.element is not None:
                text = link_text(box.element)
            annotation = getattr(box, "link_annotation", None)
            if annotation is not None and text:
                annotation["Contents"] = pydyf.String(text)
