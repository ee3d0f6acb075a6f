import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# gunicorn runs no system checks: refuse here (loaded once in the master, preload_app)
# when a check --deploy warning is not accepted in the settings (core.deploy).
from core.deploy import refuse_unaccepted_deploy_warnings  # noqa: E402

refuse_unaccepted_deploy_warnings()
