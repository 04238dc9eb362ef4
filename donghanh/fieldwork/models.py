"""The fieldwork app keeps its models in the sub-package of each sub-domain:

- devices.models  the browsers a member has taken work offline on, their key and their wipe
- sync.models     what a device sent: each operation once, and the conflicts a person resolves

Importing the sub-packages' models here registers them under the app label `fieldwork`.
Import a model from its sub-package, not from here.
"""

# Imported for their side effect: defining a model class registers it with Django.
from donghanh.fieldwork.devices import models as devices  # noqa: F401
from donghanh.fieldwork.sync import models as sync  # noqa: F401
