import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsquotes.settings")
application = get_asgi_application()

from newsquotes.startup import freeze_loaded_objects  # noqa: E402 (needs the app loaded)

freeze_loaded_objects()
