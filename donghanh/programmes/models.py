"""The programmes app keeps its models in the sub-package of each sub-domain:

- projects.models   Project, Phase, ProjectProvince (the base every other record belongs to)
- finance.models    FundingSource, BudgetLine, Spending
- results.models    Goal, Outcome, Output, Indicator, IndicatorTarget, ManualValue
- trainings.models  Training, TrainingSession, Participant, TrainingParticipation
- outreach.models   CommunicationActivity, AudienceCount, SupportedOrganisation, Publication

Django imports this module when it loads the app; importing the sub-packages' models here
registers them all under the app label `programmes`, with their tables unchanged. Import a model
from its sub-package, not from here.
"""

# Imported for their side effect: defining a model class registers it with Django.
from donghanh.programmes.finance import models as finance  # noqa: F401
from donghanh.programmes.outreach import models as outreach  # noqa: F401
from donghanh.programmes.projects import models as projects  # noqa: F401
from donghanh.programmes.results import models as results  # noqa: F401
from donghanh.programmes.trainings import models as trainings  # noqa: F401
