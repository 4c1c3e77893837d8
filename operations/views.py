from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import run_checks


@never_cache
@require_safe
def health(request):
    """For load balancers and monitoring: 200 when every check passes, otherwise 503.

    No login, no cookies, no document data; `never_cache` keeps it out of the public page cache
    and any CDN, so every probe sees the present state.
    """
    ok, checks = run_checks()
    response = JsonResponse(
        {"status": "ok" if ok else "fel", "checks": checks},
        status=200 if ok else 503,
        json_dumps_params={"ensure_ascii": False},
    )
    return response
