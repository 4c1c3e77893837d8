"""Accessibility checks on a Playwright page: axe-core, focus, headings and reflow.

Each check returns what it found (a list of problems, or facts about the page), so the tests can
assert with a message that says exactly which element failed.
"""

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()

# What a keyboard user can reach with Tab: the elements that are focusable by default, plus
# anything given a non-negative tabindex. Hidden or disabled elements are filtered out in the page.
FOCUSABLE = (
    "a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, "
    "iframe, [contenteditable=''], [contenteditable=true], [tabindex]"
)


def axe_violations(page):
    """Every axe-core violation on the page (all rules axe runs by default: WCAG 2.x A/AA and
    best practices), as the results object."""
    return _AXE.run(page)


def describe_violations(results):
    """One line per violation and node: rule id, impact, help text and the node's selector."""
    lines = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            lines.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} -> "
                f"{node['target']} {node.get('failureSummary', '').splitlines()[-1:]}"
            )
    return "\n".join(lines)


def mark_focusables(page):
    """Number every element a keyboard user should reach, in document order.

    Each gets data-a11y-id; returns [{id, tag, text, region}] where region names the part of the
    page it sits in (nav, filters, pagination, search, main, footer, skip).
    """
    return page.evaluate(
        """(selector) => {
          const visible = (el) => {
            if (el.closest('[hidden], [inert], [aria-hidden=true]')) return false;
            const style = getComputedStyle(el);
            if (style.visibility === 'hidden' || style.display === 'none') return false;
            return el.getClientRects().length > 0;
          };
          const region = (el) => {
            if (el.classList.contains('skip-link')) return 'skip';
            if (el.closest('.site-header')) return 'header';
            if (el.closest('form.filters')) return 'filters';
            if (el.closest('nav.pagination')) return 'pagination';
            if (el.closest('form[role=search]')) return 'search';
            if (el.closest('main')) return 'main';
            if (el.closest('footer')) return 'footer';
            return 'other';
          };
          const found = [];
          document.querySelectorAll(selector).forEach((el) => {
            if (el.disabled || el.tabIndex < 0 || !visible(el)) return;
            el.dataset.a11yId = String(found.length);
            found.push({
              id: String(found.length),
              tag: el.tagName.toLowerCase(),
              text: (el.getAttribute('aria-label') || el.innerText || el.value || el.name || el.id
                     || '').trim().slice(0, 60),
              region: region(el),
            });
          });
          return found;
        }""",
        FOCUSABLE,
    )


_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) || 0 : 0;
  const rect = el.getBoundingClientRect();
  return {
    id: el.dataset.a11yId || null,
    tag: el.tagName.toLowerCase(),
    text: (el.getAttribute('aria-label') || el.innerText || el.value || el.name || el.id || '')
          .trim().slice(0, 60),
    outline: outline,
    boxShadow: style.boxShadow,
    focusVisible: el.matches(':focus-visible'),
    inViewport: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0
                && rect.top < innerHeight && rect.left < innerWidth,
  };
}"""


def focused(page):
    """The focused element (None for the body), with its focus indicator's computed style."""
    return page.evaluate(_FOCUSED)


def has_focus_indicator(info):
    return info["outline"] > 0 or info["boxShadow"] not in ("", "none")


def tab_through(page, limit=300):
    """Press Tab from the top of the page until focus leaves the document or comes round again.

    Returns the focused elements in order (see `focused`).
    """
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    page.evaluate("() => window.scrollTo(0, 0)")
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = focused(page)
        if info is None or (seen and info["id"] is not None and info["id"] == seen[0]["id"]):
            break
        seen.append(info)
    return seen


def tab_to(page, locator, limit=120):
    """Press Tab until `locator` has focus, as a keyboard user would; fails if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("(el) => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator} (focus is on {focused(page)})")


def focus_is_in(page, selector):
    return page.evaluate(
        "(selector) => !!(document.activeElement && document.activeElement.closest(selector))",
        selector,
    )


def headings(page):
    """The page's headings as (level, text), in document order, as assistive technology sees
    them: headings removed from the accessibility tree are left out, visually hidden ones kept."""
    return [
        (row["level"], row["text"])
        for row in page.evaluate(
            """() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]'))
                 .filter((el) => !el.closest('[hidden], [aria-hidden=true]')
                                 && getComputedStyle(el).display !== 'none')
                 .map((el) => ({
                   level: Number(el.getAttribute('aria-level') || el.tagName.slice(1)),
                   text: el.textContent.trim().slice(0, 60),
                 }))"""
        )
    ]


def heading_problems(levels):
    """More or fewer than one h1, a heading before the h1, or a level skipped going down."""
    problems = []
    h1s = [text for level, text in levels if level == 1]
    if len(h1s) != 1:
        problems.append(f"expected exactly one h1, found {len(h1s)}: {h1s}")
    if levels and levels[0][0] != 1:
        problems.append(f"the first heading is not the h1: {levels[0]}")
    previous = 0
    for level, text in levels:
        if level > previous + 1:
            problems.append(f"h{level} '{text}' follows h{previous}: a level is skipped")
        previous = level
    return problems


def overflowing_content(page, root="main"):
    """Elements and text under `root` that reach past the viewport's left or right edge, other
    than the contents of a table wrapper that scrolls on its own (WCAG 1.4.10 allows that for
    data tables). Empty when everything reflows into the viewport's width."""
    return page.evaluate(
        """(root) => {
          const width = document.documentElement.clientWidth;
          const outside = (rect) => rect.width > 0 && rect.height > 0
                                    && (rect.right > width + 0.5 || rect.left < -0.5);
          const name = (el) => el.tagName.toLowerCase()
                               + (el.className ? '.' + String(el.className).split(' ')[0] : '');
          const skip = (el) => el.closest('.visually-hidden')
                               || (el.parentElement && el.parentElement.closest('.table-wrap'));
          const out = [];
          const top = document.querySelector(root);
          [top, ...top.querySelectorAll('*')].forEach((el) => {
            if (skip(el)) return;
            const rect = el.getBoundingClientRect();
            if (outside(rect)) out.push(`${name(el)} [${Math.round(rect.left)}, `
                                       + `${Math.round(rect.right)}]`);
          });
          const walker = document.createTreeWalker(top, NodeFilter.SHOW_TEXT);
          const range = document.createRange();
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (!node.textContent.trim() || skip(node.parentElement)) continue;
            range.selectNodeContents(node);
            for (const rect of range.getClientRects()) {
              if (outside(rect)) {
                out.push(`text "${node.textContent.trim().slice(0, 40)}"`
                         + ` in ${name(node.parentElement)}`
                         + ` [${Math.round(rect.left)}, ${Math.round(rect.right)}]`);
                break;
              }
            }
          }
          return out.slice(0, 20);
        }""",
        root,
    )
