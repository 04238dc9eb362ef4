import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
application = get_wsgi_application()

# In production on PostgreSQL, refuse to serve as a role that could empty the audit log.
from donghanh.core.database_roles import refuse_unsafe_platform_role  # noqa: E402

refuse_unsafe_platform_role()

# The public search index and the directory's vocabularies: loaded (or built) in the background
# before the first search needs them.
from donghanh.content.search import warm_up_search  # noqa: E402
from donghanh.directory.search import warm_up_directory_search  # noqa: E402

warm_up_search()
warm_up_directory_search()
