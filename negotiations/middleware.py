import codecs
import itertools

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponse
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is over the limit (413), before it is read.

    Django applies DATA_UPLOAD_MAX_MEMORY_SIZE to form fields only: the files of a
    multipart body are spooled to disk whatever their size as soon as anything reads
    request.POST — the CSRF check does, on any address, the login page included. So the
    Content-Length is checked here first: the upload pages (UPLOAD_URL_NAMES) take up to
    UPLOAD_MAX_REQUEST_SIZE, every other address DATA_UPLOAD_MAX_MEMORY_SIZE. The proxy
    in front refuses the larger size itself (README, "Deploying").
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then either
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            upload = _is_upload(request.path_info)
            if not upload or length > settings.UPLOAD_MAX_REQUEST_SIZE:
                return _too_large(upload)
        return self.get_response(request)


def _is_upload(path):
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.view_name in settings.UPLOAD_URL_NAMES


def _too_large(upload):
    # Rendered without the request, as the 500 and 503 pages: nothing was read.
    context = {
        "upload": upload,
        "limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        "file_limit": filesizeformat(settings.FILE_UPLOAD_MAX_MEMORY_SIZE),
    }
    return HttpResponse(loader.get_template("413.html").render(context), status=413)


class NoStoreMiddleware:
    """What a logged-in user is shown is not kept by the browser or any cache on the way.

    Pages, exports, the import page and "My feeds" (which shows the secret feed
    addresses) get ``Cache-Control: no-store`` unless the view set a Cache-Control of its
    own (a page answering with ``private, no-cache`` and an ETag keeps it). A request is
    a logged-in user's when it carries a session cookie — checked first, so that no
    session is loaded for this — or its user is authenticated.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and _personal(request):
            patch_cache_control(response, no_store=True)
        return response


def _personal(request):
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class CsvBomMiddleware:
    """`?bom=1` on a CSV download starts it with a byte-order mark, so that Excel on
    Windows reads it as UTF-8 ("Türkiye", Armenian) instead of guessing a legacy code
    page. Off by default: scripts and other programs read plain UTF-8. It sits inside
    GZipMiddleware, so the mark is compressed with the rest."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        wanted = request.GET.get("bom") == "1" and response.status_code == 200
        if wanted and response.get("Content-Type", "").startswith("text/csv"):
            if response.streaming:
                response.streaming_content = itertools.chain(
                    [codecs.BOM_UTF8], response.streaming_content
                )
            else:
                response.content = codecs.BOM_UTF8 + response.content
        return response


class RoleRequiredMiddleware:
    """Every page of the app needs a role, not just a login.

    LoginRequiredMiddleware keeps anonymous users out; this keeps out logged-in
    users who are in no group (a "stranger"), so a new view cannot forget either.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        in_app = match is not None and match.app_name == "negotiations"
        if in_app and not request.user.has_perm("negotiations.view_negotiation"):
            raise PermissionDenied("Your account has no role yet. Ask an editor for one.")
        return None


class RejectNulMiddleware:
    """A NUL character in the address or query string is a malformed request (400).

    PostgreSQL refuses NUL in any text it compares, so a lookup such as
    ?party=a%00b would otherwise fail as a 500 — in the app, the admin and the feeds
    (which anonymous visitors reach). Form fields refuse NUL themselves, with a message.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL character in the address")
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """A page, not a blank "HTTP ERROR 405", for an address opened that only takes a form.

    Deleting, pairing, logging out… are POSTs (a link or a prefetch must not do them);
    a person who opens one of these addresses directly, from history or a shared link,
    gets the 405 with a page saying so and where to go. The view's headers (Allow, CSP)
    are kept: only the empty body is filled in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.method in ("GET", "HEAD")
            and not response.streaming
            and not response.content
        ):
            context = {"allowed": response.get("Allow", ""), "back": _same_site_referer(request)}
            response.content = loader.render_to_string("405.html", context, request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response


def _same_site_referer(request):
    """The page the visitor came from, when it is on this site (else None)."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None
