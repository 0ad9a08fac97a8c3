import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402

# Fail at start-up, not on the first request: reading an empty SECRET_KEY raises
# ImproperlyConfigured ("The SECRET_KEY setting must not be empty").
settings.SECRET_KEY  # noqa: B018
