"""Cache generations: a random value under a key of Django's cache that names the current
version of something cached (a vocabulary, the synonym table). Entries are stored under the
generation read when they were built; drawing a new one makes every older entry unreachable,
in every process that shares the cache, without knowing which entries there are.

Random rather than a counter, so a generation key that was evicted and drawn again can never
bring back entries stored under an earlier one."""

import uuid

from django.core.cache import cache


def current(key):
    """The generation under `key`; a new one if the cache has none (first use, eviction)."""
    value = cache.get(key)
    if value is None:
        value = uuid.uuid4().hex
        cache.add(key, value, None)
        value = cache.get(key) or value
    return value


def renew(key):
    """Draw a new generation under `key`: what was stored under the old one is not used again."""
    cache.set(key, uuid.uuid4().hex, None)
