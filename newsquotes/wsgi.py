import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsquotes.settings")
application = get_wsgi_application()

from newsquotes.startup import freeze_loaded_objects  # noqa: E402 (needs the app loaded)

freeze_loaded_objects()
