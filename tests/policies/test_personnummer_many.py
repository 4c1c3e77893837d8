"""A text holding very many identity numbers (an exported list, a crafted file) is read in one
pass: the findings are the first MAX_FINDINGS with the total counted, every passage has every
number in it masked, and a number read with letters for digits is still found between the
others. Masking each number in a copy of the whole text, and comparing each letter-read number
with every one found before, made such a file take minutes."""

import random

from policies.personnummer import (
    MAX_FINDINGS,
    attached_file_findings,
    find_identity_numbers,
    luhn_valid,
    mask_identity_numbers,
)


def numbers(count, seed=7):
    """`count` different valid personnummer (ÅÅMMDD-NNNC) with computed check digits."""
    rng = random.Random(seed)
    found = set()
    while len(found) < count:
        stem = f"{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        serial = f"{rng.randint(0, 999):03d}"
        check = next(d for d in range(10) if luhn_valid(f"{stem}{serial}{d}"))
        found.add(f"{stem}-{serial}{check}")
    return sorted(found)


def test_the_luhn_check_is_the_known_one():
    assert luhn_valid("8112189876")
    assert luhn_valid("8503121231") is luhn_valid("8503121231")
    for digits in ("8112189876", "1212121212", "0000000000"):
        doubled = [int(c) * (2 if i % 2 == 0 else 1) for i, c in enumerate(digits)]
        assert luhn_valid(digits) == (sum(v - 9 if v > 9 else v for v in doubled) % 10 == 0)


def test_many_numbers_give_the_first_findings_and_the_total():
    listed = numbers(2500)
    text = "Förteckning: " + " ; ".join(f"Namn {i} {n}" for i, n in enumerate(listed))
    findings = find_identity_numbers(text)
    assert findings.total == 2500
    assert len(findings) == MAX_FINDINGS
    assert [f.number for f in findings] == listed[:MAX_FINDINGS]
    for finding in findings:
        # No number shows whole in any passage: its own and its neighbours' are masked.
        assert not any(number in finding.passage for number in listed), finding.passage
        assert finding.masked.endswith("****")


def test_every_number_is_masked_in_the_masked_text():
    listed = numbers(3000)
    masked = mask_identity_numbers(" ".join(listed))
    assert not any(number in masked for number in listed)
    assert masked.count("-****") == 3000


def test_a_passage_masks_a_number_cut_by_its_edge():
    first, second = numbers(2)
    # The second number starts 30 characters after the first ends: inside the 40 characters of
    # the first one's passage, which ends in the middle of the second.
    text = f"{first} {'x' * 29} {second} slut"
    findings = find_identity_numbers(text)
    assert [f.number for f in findings] == [first, second]
    passage = findings[0].passage
    assert second not in passage and second[-4:] not in passage
    assert passage.startswith(first[:7] + "****")


def test_numbers_read_with_letters_between_others_are_found_once():
    """Only a letter standing alone among digits is read as one ("4OOll8" is not), so not every
    lettered number counts; those that do are found beside the numbers in digits, each once."""
    listed = numbers(400)
    digits = " ".join(listed[:200])
    lettered = " ".join(n.replace("0", "O").replace("1", "l") for n in listed[200:])
    by_letters = find_identity_numbers(lettered).total
    assert 0 < by_letters <= 200
    assert find_identity_numbers(digits).total == 200
    assert find_identity_numbers(f"{digits} {lettered}").total == 200 + by_letters
    # A number written in digits is not found a second time by the reading with letters.
    assert find_identity_numbers(f"{digits} {digits.replace('0', 'O')}").total == 200 + (
        find_identity_numbers(digits.replace("0", "O")).total
    )


def test_an_attached_file_counts_its_name_and_text():
    listed = numbers(150)
    shown, findings = attached_file_findings("Lista", f"lista-{listed[0]}.txt", " ".join(listed))
    assert listed[0] not in shown
    assert findings.total == 151
    assert len(findings) == MAX_FINDINGS
