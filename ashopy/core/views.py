from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Liveness and database reachability, for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def permission_denied(request, exception):
    """Every refusal (a staff page the role does not open, the admin …) as a page of the shop, in its language."""
    return render(request, "403.html", status=403)


def refused(request, error):
    """A rule of the shop said no to a page (a `DomainError` met by a web view): its message on a page of the
    shop, with the error's status (a 4xx), never a bare text or a 500."""
    return render(request, "refused.html", {"message": str(error)}, status=error.status)


def csrf_failure(request, reason=""):
    """A form sent without its CSRF token (an expired session, another site) is a 403 page of the shop too;
    the reason is for the logs, not for the visitor."""
    return render(request, "403.html", {"csrf_failure": True}, status=403)


def server_error(request):
    # No context processors that could fail again: a plain template.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())
