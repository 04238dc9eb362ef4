"""The names of the schema's enumerations (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).

drf-spectacular names an enumeration after its field; two different `status` fields would get
made-up names that change between releases. Name every new choice set here and in settings.
"""

from donghanh.api.v1.duplicates import DECISIONS
from donghanh.api.v1.persons import DUPLICATE_REASONS
from donghanh.api.v1.referrals import REFERRAL_ROLES
from donghanh.cases.models import (
    CaseStatus,
    CaseType,
    ClosureReason,
    IdentificationStatus,
    IntakeChannel,
    LegalRegime,
    ReintegrationOutcome,
    SupportGroup,
    SupportRegime,
)
from donghanh.duplicates.models import Decision
from donghanh.livelihood.plans.models import AssessmentPoint, Livelihood, SupportKind
from donghanh.livelihood.savings.models import (
    AttendanceStatus,
    CommitteeRole,
    CycleStatus,
    EntryKind,
    FineReason,
    GrantReason,
    LeaveReason,
    LoanPurpose,
    LoanStatus,
    MeetingFrequency,
)
from donghanh.people.models import Consent, ConsentStatus, Guardian
from donghanh.reference.domains import ServiceDomain
from donghanh.referrals.models import ReferralKind, ReferralStatus, SharedSection

CONSENT_PURPOSE = Consent.Purpose.choices
CONSENT_METHOD = Consent.Method.choices
CONSENT_GIVEN_BY = Consent.GivenBy.choices
CONSENT_STATUS = ConsentStatus.choices
GUARDIAN_RELATION = Guardian.Relation.choices
DUPLICATE_REASON = DUPLICATE_REASONS
CASE_TYPE = CaseType.choices
CASE_STATUS = CaseStatus.choices
INTAKE_CHANNEL = IntakeChannel.choices
IDENTIFICATION_STATUS = IdentificationStatus.choices
LEGAL_REGIME = LegalRegime.choices
SUPPORT_GROUP = SupportGroup.choices
SUPPORT_REGIME = SupportRegime.choices
CLOSURE_REASON = ClosureReason.choices
REINTEGRATION_OUTCOME = ReintegrationOutcome.choices
SERVICE_DOMAIN = ServiceDomain.choices
REFERRAL_KIND = ReferralKind.choices
REFERRAL_STATUS = ReferralStatus.choices
REFERRAL_ROLE = REFERRAL_ROLES
SHARED_SECTION = SharedSection.choices
LIVELIHOOD = Livelihood.choices
SUPPORT_KIND = SupportKind.choices
ASSESSMENT_POINT = AssessmentPoint.choices
LEAVE_REASON = LeaveReason.choices
CYCLE_STATUS = CycleStatus.choices
MEETING_FREQUENCY = MeetingFrequency.choices
COMMITTEE_ROLE = CommitteeRole.choices
ATTENDANCE_STATUS = AttendanceStatus.choices
LOAN_PURPOSE = LoanPurpose.choices
LOAN_STATUS = LoanStatus.choices
ENTRY_KIND = EntryKind.choices
FINE_REASON = FineReason.choices
GRANT_REASON = GrantReason.choices
# A likely pair's state, and the decisions a reviewer sends on one.
PAIR_DECISION = Decision.choices
REVIEW_DECISION = DECISIONS
