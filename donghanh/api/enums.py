"""The names of the schema's enumerations (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).

drf-spectacular names an enumeration after its field; two different `status` fields would get
made-up names that change between releases. Name every new choice set here and in settings.
"""

from donghanh.api.v1.persons import DUPLICATE_REASONS
from donghanh.cases.models import Consent, ConsentStatus, Guardian

CONSENT_PURPOSE = Consent.Purpose.choices
CONSENT_METHOD = Consent.Method.choices
CONSENT_GIVEN_BY = Consent.GivenBy.choices
CONSENT_STATUS = ConsentStatus.choices
GUARDIAN_RELATION = Guardian.Relation.choices
DUPLICATE_REASON = DUPLICATE_REASONS
