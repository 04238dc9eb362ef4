"""The livelihood app keeps its models in the sub-package of each sub-domain:

- savings.models   SavingsGroup, GroupMember, Cycle (with its constitution), CommitteeSeat,
                   Meeting, Attendance, Loan, LoanInstalment, LedgerEntry
- plans.models     LivelihoodPlan, LivelihoodSupport, LivelihoodReview, ReintegrationAssessment
- safe_addresses.models  SafeAddress

Importing the sub-packages' models here registers them under the app label `livelihood`.
Import a model from its sub-package, not from here.
"""

# Imported for their side effect: defining a model class registers it with Django.
from donghanh.livelihood.plans import models as plans  # noqa: F401
from donghanh.livelihood.safe_addresses import models as safe_addresses  # noqa: F401
from donghanh.livelihood.savings import models as savings  # noqa: F401
