from django.core.exceptions import BadRequest, PermissionDenied


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
